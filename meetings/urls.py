from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path
from django.views.generic import TemplateView

from . import views
from .caching import kept_page
from .feeds import MeetingFeed
from .oai import OAIView
from .sitemaps import SITEMAPS

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),  # kept by what it shows
    re_path(r"^meetings\.(?P<fmt>\w+)$", views.MeetingExportView.as_view(), name="meeting-export"),
    re_path(r"^statements\.(?P<fmt>\w+)$", views.StatementExportView.as_view(), name="statement-export"),
    path("statements/", kept_page(views.StatementListView.as_view()), name="statement-list"),
    path("meetings/<str:public_id>/", kept_page(views.MeetingDetailView.as_view()), name="meeting-detail-bare"),
    path("meetings/<str:public_id>/<slug:slug>/", kept_page(views.MeetingDetailView.as_view()), name="meeting-detail"),
    path(
        "meetings/<str:public_id>/<slug:slug>/v/<int:number>/",
        kept_page(views.MeetingDetailView.as_view()),
        name="meeting-version",
    ),
    path(
        "meetings/<str:public_id>/<slug:slug>/compare/",
        kept_page(views.MeetingDetailView.as_view()),
        {"compare": True},
        name="meeting-compare",
    ),
    path(
        "meetings/<str:public_id>/<slug:slug>/v/<int:number>/changes/",
        kept_page(views.MeetingChangesView.as_view()),
        name="meeting-changes",
    ),
    re_path(
        r"^meetings/(?P<public_id>[^/]+)/cite\.(?P<fmt>bib|ris|json)$",
        views.CitationDownloadView.as_view(),
        name="meeting-cite",
    ),
    path("feeds/meetings/", kept_page(MeetingFeed()), name="meeting-feed"),
    path(
        "sitemap.xml",
        kept_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "meetings:sitemap"},
        name="sitemap-index",
    ),
    path("sitemap-<section>.xml", kept_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("oai/", OAIView.as_view(), name="oai"),
    path("data/", views.DatasetView.as_view(), name="dataset"),  # not kept: a new dataset shows at once
    path("data/<str:name>", views.DatasetFileView.as_view(), name="dataset-file"),
    path(
        "robots.txt",
        kept_page(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("people/", kept_page(views.ParticipantListView.as_view()), name="participant-list"),
    path("topics/", kept_page(views.TopicListView.as_view()), name="topic-list"),
    path("people/<slug:slug>/", kept_page(views.ParticipantDetailView.as_view()), name="participant-detail"),
    path("topics/<slug:slug>/", kept_page(views.TopicDetailView.as_view()), name="topic-detail"),
]
