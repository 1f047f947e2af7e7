"""What every page's header and lists link to."""

from django.urls import reverse


def site_urls(request) -> dict:
    return {
        "site_urls": {
            "meetings": reverse("meetings:meeting-list"),
            "statements": reverse("meetings:statement-list"),
            "people": reverse("meetings:participant-list"),
            "topics": reverse("meetings:topic-list"),
            "data": reverse("meetings:dataset"),
        }
    }
