from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("meetings.api_urls")),
    path("", include("meetings.urls")),
]

handler500 = "archive.errors.server_error"
