from django.urls import path, re_path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),
    path("statements/", views.StatementListView.as_view(), name="statement-list"),
    path("meetings/<str:public_id>/", views.MeetingDetailView.as_view(), name="meeting-detail-bare"),
    path("meetings/<str:public_id>/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "meetings/<str:public_id>/<slug:slug>/v/<int:number>/",
        views.MeetingDetailView.as_view(),
        name="meeting-version",
    ),
    re_path(
        r"^meetings/(?P<public_id>[^/]+)/cite\.(?P<fmt>bib|ris|json)$",
        views.CitationDownloadView.as_view(),
        name="meeting-cite",
    ),
    path("people/<slug:slug>/", views.ParticipantDetailView.as_view(), name="participant-detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
]
