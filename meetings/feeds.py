"""Atom feeds of newly published meetings: of the whole archive, or of any search and choice of
the meeting list (the same address's query string), newest first (Django's syndication
framework)."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import exports
from .citations import issuer_author
from .filters import MeetingFilter
from .models import Meeting, Role
from .versions import MeetingView
from .views import choice_problems

FEED_ITEMS = 50


@dataclass
class Entry:
    meeting: Meeting  # with_versions(): when it was first published, and last
    view: MeetingView  # what readers see of it (exports.public_view)


class MeetingFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadRequest as exc:  # a malformed choice: what is wrong, as the downloads say it
            return HttpResponse(str(exc), status=400, content_type="text/plain")

    def get_object(self, request):
        query = request.GET.copy()
        for name in ("page", "sort", "more"):  # not what the list holds, only how it is shown
            query.pop(name, None)
        filterset = MeetingFilter(query, queryset=Meeting.objects.published(), request=request)
        if not filterset.is_valid():
            raise BadRequest(choice_problems(filterset))
        filterset.query = query.urlencode()
        filterset.chosen_labels = [chip["label"] for chip in filterset.chips()]
        return filterset

    def title(self, filterset):
        chosen = filterset.chosen_labels
        return "Readout Archive: new meetings" + (f" ({', '.join(chosen)})" if chosen else "")

    def subtitle(self, filterset):
        return "Meetings newly published in the Readout Archive, newest first" + (
            ", of those the list shows for this search and these choices." if filterset.query else "."
        )

    def link(self, filterset):
        return reverse("meetings:meeting-list") + (f"?{filterset.query}" if filterset.query else "")

    def feed_url(self, filterset):
        return reverse("meetings:meeting-feed") + (f"?{filterset.query}" if filterset.query else "")

    def items(self, filterset):
        meetings = filterset.qs.order_by("-published_at", "-pk")[:FEED_ITEMS]
        return [Entry(m, exports.public_view(m)) for m in exports.with_readouts(meetings.with_versions())]

    def item_title(self, entry):
        return entry.view.meeting.title

    def item_description(self, entry):
        meeting, view = entry.view.meeting, entry.view
        principals = ", ".join(
            a.participant.name for side in view.sides for a in side["attendances"] if a.role == Role.PRINCIPAL
        )
        parts = [
            meeting.date_label,
            meeting.get_level_display(),
            meeting.place,
            principals,
            "Readouts: " + ", ".join(issuer_author(code) for code in view.issuers) if view.issuers else "",
        ]
        return " · ".join(p for p in parts if p)

    def item_link(self, entry):
        return entry.view.meeting.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.meeting.published_at

    def item_updateddate(self, entry):
        return entry.meeting.last_published or entry.meeting.published_at

    def item_author_name(self, entry):
        return ", ".join(issuer_author(code) for code in entry.view.issuers) or None

    def item_categories(self, entry):
        return [t.name for t in entry.view.topics]
