"""The JSON API's addresses (/api/v1/): the endpoints, the OpenAPI schema and its documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("statements", api.StatementViewSet, basename="statement")
router.register("readouts", api.ReadoutViewSet, basename="readout")
router.register("people", api.PersonViewSet, basename="person")
router.register("topics", api.TopicViewSet, basename="topic")
router.register("office-holders", api.OfficeHolderViewSet, basename="office-holder")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the project's own static files (drf-spectacular-sidecar), its script apart
    # from the page, as the Content Security Policy wants.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
