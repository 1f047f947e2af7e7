from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<str:public_id>/", views.MeetingDetailView.as_view(), name="meeting-detail-bare"),
    path("meetings/<str:public_id>/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
]
