"""The sitemap (Django's sitemaps framework): every published meeting at its lasting address,
every public version of it at its own, and the pages of people and topics, each with when it
last changed. robots.txt names it, and keeps crawlers off the lists' endless combinations of
choices."""

from django.contrib.sitemaps import Sitemap
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.functional import cached_property

from .models import Meeting, Participant, Status, Topic, public_meeting_versions


def public_version_dates(meetings) -> dict[int, list]:
    """When each public version of these meetings was made, oldest first ({meeting id: [...]}),
    numbered as versions.public_versions numbers them: one query."""
    ids = meetings.annotate(key=Cast("pk", CharField())).values("key")
    rows = public_meeting_versions().filter(object_id__in=ids).order_by("pk")
    dates: dict[int, list] = {}
    for object_id, created in rows.values_list("object_id", "revision__date_created"):
        dates.setdefault(int(object_id), []).append(created)
    return dates


def published_meetings():
    return Meeting.objects.published().only("public_id", "title", "date", "modified").order_by("pk")


class MeetingSitemap(Sitemap):
    """Each published meeting's lasting address, last changed when its newest version was made."""

    def items(self):
        return self.rows

    @cached_property
    def rows(self):
        """Read once for the request: the index asks a section for its newest lastmod (Django's
        get_latest_lastmod reads every item) and for its pages (its paginator reads them again);
        at 100,000 readouts reading them took 4 s a section, 18 s for the index in all."""
        meetings = published_meetings()
        dates = public_version_dates(meetings)
        return [(meeting, dates.get(meeting.pk, [meeting.modified])[-1]) for meeting in meetings]

    def location(self, item):
        return item[0].get_absolute_url()

    def lastmod(self, item):
        return item[1]


class VersionSitemap(Sitemap):
    """Each public version of a published meeting, at the address that always shows it."""

    def items(self):
        return self.rows

    @cached_property
    def rows(self):
        """Read once for the request (MeetingSitemap.rows says why)."""
        meetings = published_meetings()
        dates = public_version_dates(meetings)
        return [
            (meeting, number, made)
            for meeting in meetings
            for number, made in enumerate(dates.get(meeting.pk, []), start=1)
        ]

    def location(self, item):
        meeting, number, _ = item
        return f"{meeting.get_absolute_url()}v/{number}/"

    def lastmod(self, item):
        return item[2]


class PersonSitemap(Sitemap):
    def items(self):
        """Those who attend a published meeting (the index of people lists them)."""
        return (
            Participant.objects.filter(attendances__meeting__status=Status.PUBLISHED)
            .distinct()
            .only("slug")
            .order_by("pk")
        )


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.filter(meetings__status=Status.PUBLISHED).distinct().only("slug").order_by("pk")


SITEMAPS = {"meetings": MeetingSitemap, "versions": VersionSitemap, "people": PersonSitemap, "topics": TopicSitemap}
