"""The read-only JSON API (/api/v1/), with Django REST framework and drf-spectacular's OpenAPI 3
schema (/api/v1/schema/, browsable at /api/v1/docs/).

The lists are narrowed by the site's own FilterSets (MeetingFilter, StatementFilter,
ParticipantFilter), with the same parameters and search syntax as the pages; they come in pages
of a stable cursor, in the order records entered the archive (their ids), so that a harvest
that pages on while meetings are published sees each once. A meeting or a statement is what
readers see (its last published version while a change waits for an Editor, as in
meetings.exports), with its permalink and version. Anonymous clients are limited to
API_ANON_RATE requests (429 with Retry-After beyond it).
"""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import exports
from .filters import MeetingFilter, ParticipantFilter, StatementFilter
from .models import Meeting, OfficeHolder, Participant, Readout, Statement, Status, Term, Topic
from .versions import public_versions

# --- Pages and limits ----------------------------------------------------------------------


class ArchivePagination(CursorPagination):
    """Pages of a stable cursor, in the order records entered the archive."""

    ordering = "pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class MeetingPagination(ArchivePagination):
    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["total"] = {"type": "integer", "description": "How many meetings match (?facets=true)"}
        paged["properties"]["facets"] = {
            "type": "object",
            "description": "Each facet's values and how many matching meetings each would show (?facets=true)",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
        }
        return paged


class ReaderThrottle(AnonRateThrottle):
    """API_ANON_RATE requests per anonymous client (by address), read when asked."""

    def get_rate(self):
        return settings.API_ANON_RATE


# --- What each object shows ----------------------------------------------------------------


class MeetingSerializer(serializers.Serializer):
    """A meeting as a row (exports.meeting_row), without its text."""

    id = serializers.CharField(help_text="Its identifier in the archive")
    permalink = serializers.URLField(help_text="Its lasting address")
    version = serializers.IntegerField(help_text="The public version shown (0: none recorded yet)")
    version_permalink = serializers.URLField(help_text="The address of that version, which never changes")
    date = serializers.DateField(allow_null=True, help_text="Null when no evidence settles it")
    title = serializers.CharField()
    level = serializers.CharField()
    format = serializers.CharField()
    city = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True, help_text="ISO 3166 alpha-3 of where it was held")
    place = serializers.CharField(allow_blank=True)
    occasion = serializers.CharField(allow_blank=True)
    principals = serializers.ListField(child=serializers.CharField())
    issuers = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166 alpha-3 of the issuers")
    topics = serializers.ListField(child=serializers.CharField())
    speakers = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.URLField())


class StatementSerializer(serializers.Serializer):
    """A statement as a row (exports.statement_row)."""

    meeting_id = serializers.CharField()
    statement = serializers.CharField(help_text="Its key: it is anchored #s<key> on the meeting's page")
    permalink = serializers.URLField()
    version = serializers.IntegerField()
    version_permalink = serializers.URLField()
    date = serializers.DateField(allow_null=True)
    meeting_title = serializers.CharField()
    level = serializers.CharField()
    format = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    principals = serializers.ListField(child=serializers.CharField())
    issuer = serializers.CharField()
    language = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    heading = serializers.CharField(allow_blank=True)
    speakers = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField(allow_blank=True)


class ReadoutStatementSerializer(serializers.Serializer):
    statement = serializers.CharField()
    permalink = serializers.URLField()
    number = serializers.CharField(allow_blank=True)
    heading = serializers.CharField(allow_blank=True)
    speakers = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField(allow_blank=True)


class ReadoutSerializer(serializers.Serializer):
    meeting_id = serializers.CharField()
    permalink = serializers.URLField(help_text="The meeting's page, where the readout is shown")
    version = serializers.IntegerField()
    issuer = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    published_date = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    statements = ReadoutStatementSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created = serializers.DateTimeField()
    permalink = serializers.URLField()


class MeetingDetailSerializer(MeetingSerializer):
    readouts = ReadoutSerializer(many=True)
    versions = VersionSerializer(many=True)


class PersonSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    permalink = serializers.URLField()
    meeting_count = serializers.IntegerField(help_text="Published meetings they attend")
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    office_holder = serializers.CharField(allow_null=True, help_text="Their entry in the gazetteer, if any")


class TopicSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    permalink = serializers.URLField()
    meeting_count = serializers.IntegerField()
    statement_count = serializers.IntegerField()


class TermSerializer(serializers.Serializer):
    office = serializers.CharField(source="office.slug")
    title = serializers.CharField(source="office.title")
    country = serializers.CharField(source="office.country")
    rank = serializers.CharField(source="office.rank")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class OfficeHolderSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()
    names = serializers.JSONField(help_text="Their name in each script")
    terms = TermSerializer(many=True)


# --- Rows of what readers see ----------------------------------------------------------------


def readout_row(view, readout, number: int, absolute) -> dict:
    url = absolute(view.meeting.get_absolute_url())
    return {
        "meeting_id": view.meeting.public_id,
        "permalink": url,
        "version": number,
        "issuer": readout.issuer,
        "title": readout.title,
        "published_date": readout.published_date,
        "language": readout.language,
        "source_url": readout.source_url,
        "statements": [
            {
                "statement": s.ref,
                "permalink": f"{url}#{s.anchor}",
                "number": s.number,
                "heading": s.heading,
                "speakers": exports.names(s.speakers),
                "topics": [t.name for t in s.topics],
                "text": s.text,
            }
            for s in readout.statements
        ],
    }


def meeting_rows(meetings, absolute) -> list[dict]:
    views = exports.public_views(m.pk for m in meetings)
    return [exports.meeting_row(views[m.pk][1], views[m.pk][0].version_number, absolute) for m in meetings]


# --- The endpoints ---------------------------------------------------------------------------


class ArchiveViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only; anonymous clients limited by ReaderThrottle; lists by cursor."""

    pagination_class = ArchivePagination
    throttle_classes = [ReaderThrottle]
    lookup_value_regex = "[^/]+"  # anything: a malformed identifier is a JSON 404, as an unknown one

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def filtered(self, queryset):
        """The list narrowed by its FilterSet (as its page is); a malformed choice answers 400."""
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if filterset is None:
            return queryset, None
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs, filterset

    def list(self, request, *args, **kwargs):
        queryset, self.filterset = self.filtered(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(self.rows(page), many=True).data)

    def rows(self, page) -> list:
        return page

    not_found = "No such object is public."

    def retrieve(self, request, **kwargs):
        """One object by its lookup field, shown as a row of its list (`rows`)."""
        lookup = {self.lookup_field: kwargs[self.lookup_url_kwarg or self.lookup_field]}
        rows = self.rows(list(self.get_queryset().filter(**lookup)[:1]))
        if not rows:
            raise Http404(self.not_found)
        return Response(self.get_serializer(rows[0]).data)


DETAIL = inline_serializer("Problem", {"detail": serializers.CharField()})
CHOICE_ERRORS = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A malformed or unknown choice: each parameter's errors",
)


def listing(serializer, description: str, parameters=()):
    """A list's schema: its page, and the answers it may give instead."""
    return extend_schema(
        description=description,
        parameters=list(parameters),
        responses={
            200: serializer(many=True),
            400: CHOICE_ERRORS,
            404: OpenApiResponse(DETAIL, description="A cursor this list did not give"),
            429: OpenApiResponse(DETAIL, description="Too many requests: Retry-After says when to come back"),
        },
    )


def single(serializer, description: str):
    return extend_schema(
        description=description,
        responses={
            200: serializer,
            404: OpenApiResponse(DETAIL, description="No such object is public"),
            429: OpenApiResponse(DETAIL, description="Too many requests: Retry-After says when to come back"),
        },
    )


FACETS_PARAMETER = OpenApiParameter(
    "facets", OpenApiTypes.BOOL, description="Include each facet's counts, as the meeting list shows them"
)


@extend_schema_view(
    list=listing(
        MeetingSerializer,
        "Published meetings, with the meeting list's filters and search syntax (q), in the order they"
        " entered the archive (a stable cursor: `sort` does not apply here).",
        [FACETS_PARAMETER],
    ),
    retrieve=single(
        MeetingDetailSerializer, "A meeting as readers see it, with its readouts, statements and versions."
    ),
)
class MeetingViewSet(ArchiveViewSet):
    serializer_class = MeetingSerializer
    pagination_class = MeetingPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilter
    lookup_field = "public_id"

    def get_queryset(self):
        return Meeting.objects.published()

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def rows(self, page):
        return meeting_rows(page, self.absolute)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.request.query_params.get("facets", "").lower() in ("1", "true", "yes"):
            counts = self.filterset.facet_counts()
            response.data["total"] = counts["total"][""]
            response.data["facets"] = {name: values for name, values in counts.items() if name != "total"}
        return response

    def retrieve(self, request, public_id=None):
        meeting = Meeting.objects.published().filter(public_id=public_id).first()
        if meeting is None:
            raise Http404("No published meeting has this identifier.")
        stored, view = exports.public_views([meeting.pk])[meeting.pk]
        row = exports.meeting_row(view, stored.version_number, self.absolute)
        url = row["permalink"]
        row["readouts"] = [readout_row(view, r, stored.version_number, self.absolute) for r in view.readouts]
        row["versions"] = [
            {"number": v.number, "created": v.created, "permalink": f"{url}v/{v.number}/"}
            for v in public_versions(stored)
        ]
        return Response(MeetingDetailSerializer(row).data)


@extend_schema_view(
    list=listing(StatementSerializer, "Statements of published meetings, with the statement list's filters."),
    retrieve=single(StatementSerializer, "A statement, by its key, as readers see it."),
)
class StatementViewSet(ArchiveViewSet):
    serializer_class = StatementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter
    lookup_field = "key"
    not_found = "No statement of a published meeting has this key."

    def get_queryset(self):
        return Statement.objects.filter(meeting__status=Status.PUBLISHED)

    def rows(self, page):
        ids = [s.pk for s in page]
        return list(exports.statement_rows(Statement.objects.filter(pk__in=ids).order_by("pk"), self.absolute))


@extend_schema_view(
    list=listing(ReadoutSerializer, "The readouts of published meetings, each with its statements."),
    retrieve=single(ReadoutSerializer, "A readout, with its statements."),
)
class ReadoutViewSet(ArchiveViewSet):
    serializer_class = ReadoutSerializer
    not_found = "No readout of a published meeting has this id."

    def get_queryset(self):
        return Readout.objects.filter(meeting__status=Status.PUBLISHED)

    def rows(self, page):
        views = exports.public_views(r.meeting_id for r in page)
        rows = []
        for readout in page:
            meeting, view = views[readout.meeting_id]
            shown = next((r for r in view.readouts if r.pk == readout.pk), None)
            if shown is not None:  # a readout a pending change added is not shown
                rows.append(readout_row(view, shown, meeting.version_number, self.absolute))
        return rows

    def retrieve(self, request, pk=None):
        if not re.fullmatch(r"[0-9]{1,18}", pk):  # an id is digits: anything else is none
            raise Http404(self.not_found)
        return super().retrieve(request, pk=pk)


@extend_schema_view(
    list=listing(PersonSerializer, "Everyone who attends a published meeting, with the index of people's filters."),
    retrieve=single(PersonSerializer, "A person who attends a published meeting."),
)
class PersonViewSet(ArchiveViewSet):
    serializer_class = PersonSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ParticipantFilter
    lookup_field = "slug"
    not_found = "Nobody who attends a published meeting has this slug."

    def get_queryset(self):
        return Participant.objects.in_index()

    def rows(self, page):
        return [self.row(p) for p in page]

    def row(self, person):
        return {
            "slug": person.slug,
            "name": person.name,
            "country": person.country,
            "permalink": self.absolute(person.get_absolute_url()),
            "meeting_count": person.meeting_count,
            "first_year": person.first_year,
            "last_year": person.last_year,
            "office_holder": person.holder.slug if person.holder else None,
        }


@extend_schema_view(
    list=listing(TopicSerializer, "The topics statements are tagged with."),
    retrieve=single(TopicSerializer, "A topic."),
)
class TopicViewSet(ArchiveViewSet):
    serializer_class = TopicSerializer
    lookup_field = "slug"
    not_found = "No topic has this slug."

    def get_queryset(self):
        return Topic.objects.in_index()

    def rows(self, page):
        return [self.row(t) for t in page]

    def row(self, topic):
        return {
            "slug": topic.slug,
            "name": topic.name,
            "description": topic.description,
            "permalink": self.absolute(topic.get_absolute_url()),
            "meeting_count": topic.meeting_count,
            "statement_count": topic.statement_count,
        }


@extend_schema_view(
    list=listing(OfficeHolderSerializer, "The gazetteer of office holders, with their terms."),
    retrieve=single(OfficeHolderSerializer, "An office holder, with their terms."),
)
class OfficeHolderViewSet(ArchiveViewSet):
    serializer_class = OfficeHolderSerializer
    lookup_field = "slug"
    not_found = "No office holder has this slug."

    def get_queryset(self):
        terms = Term.objects.select_related("office").order_by("start")
        return OfficeHolder.objects.prefetch_related(Prefetch("terms", queryset=terms))
