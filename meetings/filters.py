import hashlib
from datetime import date

import django_filters
import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import QueryDict
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import facetindex
from .caching import KEEP_SECONDS, archive_version, kept, kept_key, names_version
from .models import (
    COUNTRY_NAMES,
    FACETS,
    Format,
    Level,
    Meeting,
    MeetingSearch,
    Participant,
    Statement,
    Topic,
    country_name,
    newest,
)
from .search import clean_query, search_query

MAX_VALUES = 20


def bitmap_digest(bitmap: facetindex.Bitmap) -> str:
    """A digest of a bitmap's meetings, whatever its length (trailing empty words left out)."""
    return hashlib.sha256(np.trim_zeros(bitmap, "b").tobytes()).hexdigest()


def at_most_max_values(values):
    if len(values) > MAX_VALUES:
        raise ValidationError(f"Choose at most {MAX_VALUES} values.")


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Several values of one URL parameter (?level=a&level=b), each one of the choices; at most
    MAX_VALUES of them. Meetings with any of them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("distinct", False)  # each condition is on the meeting's own row
        super().__init__(validators=[at_most_max_values], **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class DataChoicesFilter(ChoicesFilter):
    """Choices the archive's data gives (slugs, codes, years): strings in the API's schema,
    which cannot list them."""


class AnyOfFilter(DataChoicesFilter):
    """Meetings whose array of values (topics, principals, issuers) holds any of the chosen."""

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__overlap": value}) if value else qs


class MeetingOrdering(django_filters.OrderingFilter):
    """Oldest first (`date`) or newest first (`-date`), undated meetings last either way, the
    newest or oldest id breaking ties. `relevance` is applied by the FilterSet, which has the
    words (MeetingFilter.filter_queryset)."""

    def __init__(self, **kwargs):
        choices = [("relevance", "Relevance"), ("-date", "Newest first"), ("date", "Oldest first")]
        super().__init__(fields={"date": "date"}, choices=choices, empty_label=None, **kwargs)

    def get_ordering_value(self, param):
        field = super().get_ordering_value(param)
        return F(field[1:]).desc(nulls_last=True) if field.startswith("-") else F(field).asc(nulls_last=True)

    def filter(self, qs, value):
        value = [v for v in value or [] if v != "relevance"]
        if not value:
            return qs
        tie = "-pk" if value[0].startswith("-") else "pk"
        return qs.order_by(*(self.get_ordering_value(v) for v in value), tie)


UNKNOWN_YEAR = "unknown"  # the year facet's value for meetings whose date is unknown


class YearFilter(DataChoicesFilter):
    """A year's four digits, or "unknown"."""


def year_choices():
    return [(str(year), str(year)) for year in range(date.today().year + 1, 1899, -1)]


def topic_choices():
    """Every topic (slug, name), kept until a name changes: a kept page's choices are checked
    without a query."""
    return kept("topic-choices", str(names_version()), [], lambda: list(Topic.objects.values_list("slug", "name")))


def participant_choices():
    return kept(
        "person-choices", str(names_version()), [], lambda: list(Participant.objects.values_list("slug", "name"))
    )


def country_choices():
    return sorted(COUNTRY_NAMES.items())


class SearchTextMixin:
    """The free-text filter shared by the meeting and statement lists."""

    def filter_q(self, queryset, name, value):
        text, _ = clean_query(value)
        return queryset.search(text) if text else queryset

    @property
    def search_text(self) -> str:
        text, _ = clean_query(self.form.cleaned_data.get("q") if self.is_valid() else "")
        return text


def one_sided_choices():
    """The topics a government's readout raised and another's of the same meeting did not
    ("KOR:comfort-women"), as the published meetings have them (the facet index's values)."""
    index = facetindex.current_index()
    return [(value, one_sided_label(value)) for facet, value in index.keys if facet == "onesided"]


def one_sided_label(value: str, topics: dict[str, str] | None = None) -> str:
    issuer, _, slug = value.partition(":")
    name = (topics or {}).get(slug) or slug.replace("-", " ").capitalize()
    return f"{name}: in {country_name(issuer)}’s readout only"


class MeetingFilter(SearchTextMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    year = YearFilter(choices=year_choices, null_value=UNKNOWN_YEAR, null_label="date unknown")
    level = ChoicesFilter(choices=Level.choices)
    topic = AnyOfFilter(field_name="topic_slugs", choices=topic_choices)
    person = AnyOfFilter(field_name="principal_slugs", choices=participant_choices)
    issuer = AnyOfFilter(field_name="issuers", choices=country_choices)
    onesided = AnyOfFilter(field_name="one_sided", choices=one_sided_choices)
    country = ChoicesFilter(choices=country_choices)
    format = ChoicesFilter(choices=Format.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To")
    sort = MeetingOrdering()
    # The long facets to show whole (?more=person), not only their most frequent values.
    more = DataChoicesFilter(choices=lambda: [(name, name) for name in LONG_FACETS], method="show_whole")

    class Meta:
        model = Meeting
        fields = []

    def show_whole(self, queryset, name, value):
        return queryset  # what the facets show, not which meetings

    @property
    def whole(self) -> list[str]:
        """The long facets shown whole."""
        return sorted(set(self.form.cleaned_data.get("more") or []))

    @property
    def longest(self) -> dict[str, int]:
        return {name: n for name, n in LONG_FACETS.items() if name not in self.whole}

    def filter_queryset(self, queryset):
        """Filtered, and ordered as chosen; else a search by relevance, up to RANK_LIMIT
        matches, and the rest newest first."""
        queryset = super().filter_queryset(queryset)
        if self.order in ("date", "-date"):
            return queryset
        if self.search_text:
            if self.total <= RANK_LIMIT:
                self.ranked = True
                return queryset.by_relevance(self.search_text)
            self.rank_bounded = True  # too many matches to rank each one: newest first
        return queryset.order_by(newest(), "-pk")

    @property
    def order(self) -> str:
        """The order chosen: "relevance", "-date" (newest first), "date", or "" (the default)."""
        return next(iter(self.form.cleaned_data.get("sort") or []), "")

    @property
    def order_in_force(self) -> str:
        """The order the list is in (the sort control shows it)."""
        if self.order in ("date", "-date"):
            return self.order
        return "relevance" if self.search_text else "-date"

    rank_bounded = False
    ranked = False  # by relevance, in PostgreSQL (else by date: dated_ids)

    @property
    def search_note(self) -> str:
        return clean_query(self.data.get("q"))[1]

    @cached_property
    def chosen(self) -> dict[str, list[str]]:
        """Each facet's chosen values, sorted (for the kept entries' keys)."""
        return {name: sorted(set(self.form.cleaned_data.get(name) or [])) for name in FACETS}

    def _search(self) -> list:
        data = self.form.cleaned_data
        return [self.search_text, data.get("date_from"), data.get("date_to")]

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Every facet's counts (MeetingQuerySet.facet_counts, from the index the page reads) and
        "total", counted once for the page. Not kept: counted from the facet index in 1-3 ms at 100,000 readouts, where keeping
        them cost a write to Django's file cache, which lists its folder on every write (4.5 ms
        at 2,600 entries, 9 at 5,000), and the page is kept whole anyway."""
        if self._counts is None:
            self._counts = self.queryset.facet_counts(self.chosen, self.longest, self.matches, index=self.index)
        return self._counts

    _counts = None

    @cached_property
    def index(self) -> facetindex.FacetIndex:
        """The facet index as the archive stands (read once for the page)."""
        return facetindex.current_index(self.queryset.db)

    @cached_property
    def matches(self) -> facetindex.Bitmap | None:
        """The meetings the words and dates match (None when neither narrows the list), as a
        bitmap of the facet index: found in the narrow MeetingSearch table and kept (about 11 KB
        at 100,000 readouts), so that a choice that narrows a search, or another page of it,
        does not search again. What is kept says when it was found (the index's newest
        `modified`, and when the index was read): after a change, only the meetings changed
        since are asked again whether they match (FacetIndex.unseen_after), so that an edit
        elsewhere costs a search's next reader two short queries, not the whole search (a common
        word's matches take 40 ms at 100,000 readouts)."""
        if not self.searched:
            return None
        index = self.index
        key = kept_key("matches", "unseen-after", self._search())
        found = cache.get(key)
        matches = None
        if found is not None:
            as_of, unseen_after, data = found
            if as_of == index.newest:
                return index.from_bytes(data)
            if unseen_after is not None:
                matches = self._brought_up_to_date(index.from_bytes(data), unseen_after)
        if matches is None:
            matches = facetindex.matches_bitmap(self._rows(), index)
        cache.set(key, (index.newest, index.unseen_after, matches.tobytes()), KEEP_SECONDS)
        return matches

    def _brought_up_to_date(self, matches: facetindex.Bitmap, unseen_after) -> facetindex.Bitmap | None:
        """Matches found with an index that may not hold the changes whose `modified` is after
        `unseen_after`, with those meetings asked again; None when too many changed (the search
        is made anew)."""
        index = self.index
        since = Meeting.objects.filter(modified__gt=unseen_after)
        changed = list(since.values_list("pk", flat=True)[: facetindex.COMPARED + 1])
        if len(changed) > facetindex.COMPARED:
            return None
        changed = [pk for pk in changed if pk < index.words * facetindex.WORD]  # none newer than the index
        now = list(self._rows().filter(pk__in=changed).values_list("pk", flat=True))
        return matches & ~facetindex.bits_of(changed, index.words) | facetindex.bits_of(now, index.words)

    def _rows(self):
        """The MeetingSearch rows the words and dates match."""
        data = self.form.cleaned_data
        rows = MeetingSearch.objects.all()
        if self.search_text:
            rows = rows.filter(search_vector=search_query(self.search_text))
        if data.get("date_from"):
            rows = rows.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            rows = rows.filter(date__lte=data["date_to"])
        return rows

    def shown_version(self, number: int, size: int) -> str:
        """The version of what page `number` of this list shows, which its kept copy is found by
        (MeetingListView): the names of people and topics (meetings.caching.names_version), the
        counts and order of the meetings (the facet index's `reordered`, and the matches), and
        the meetings listed: the newest `modified` of those on the page, or of every match when
        they are ranked by relevance. So an edit to one meeting leaves kept the pages that do not
        show it: its title changed, home's counts and first twenty meetings are as they were."""
        index = self.index
        parts = [names_version(), index.reordered]
        if self.matches is not None:
            parts.append(bitmap_digest(index.fit(self.matches) & index.everything))
        if self.search_text and self.order not in ("date", "-date"):
            parts.append(index.newest_change(facetindex.members(self.selected)))
        else:
            ids = self.dated_ids()[(number - 1) * size : number * size]
            parts += [ids.tolist(), index.newest_change(ids)]
        return kept_key("shown", "", parts)

    def dated_ids(self):
        """The list's meeting ids in its date order (newest first, or oldest), from the facet
        index: no SQL but the matches (kept). PostgreSQL walks an index to a deep page, and for
        a search it reads each meeting's vector on the way: "kato" (9,141 matches) took 276 ms
        for its first page, one issuer's 4,185th page 110 ms, at 100,000 readouts."""
        return self.index.ordered(self.selected, oldest=self.order == "date")

    @cached_property
    def selected(self) -> facetindex.Bitmap:
        """The meetings the page lists, as a bitmap of the facet index."""
        index = self.index
        return index.selected(index.everything if self.matches is None else self.matches, self.chosen)

    @property
    def searched(self) -> bool:
        """Whether words or dates narrow the list (else it is every published meeting before
        the facets' choices)."""
        data = self.form.cleaned_data
        return bool(self.search_text or data.get("date_from") or data.get("date_to"))

    @property
    def total(self) -> int:
        return self.facet_counts()["total"][""]

    def facets(self) -> list[dict]:
        return self._facets(self.facet_counts())

    def _facets(self, counts) -> list[dict]:
        """Every facet with its values, labels, counts and whether each is chosen; the most
        frequent values of the long facets only."""
        chosen = self.chosen
        labels = self._labels(counts, chosen)
        facets = []
        for name, title in FACET_TITLES.items():
            values = dict(counts[name])
            for value in chosen[name]:
                values.setdefault(value, 0)
            rows = [
                {
                    "value": v,
                    "label": labels[name].get(v, v),
                    "count": n,
                    "shown": f"{n:,}",  # formatted here: the template's filters cost more, for every value
                    "chosen": v in chosen[name],
                }
                for v, n in values.items()
            ]
            longest = self.longest.get(name)
            truncated = longest is not None and len(rows) >= longest
            if longest is not None and len(rows) > longest:
                rows.sort(key=lambda r: (not r["chosen"], -r["count"], r["label"]))
                rows = rows[: max(longest, len(chosen[name]))]
            rows.sort(key=FACET_ORDER.get(name, lambda r: (-r["count"], r["label"])))
            facets.append(
                {
                    "name": name,
                    "title": title,
                    "values": rows,
                    "chosen": bool(chosen[name]),
                    # Only the most frequent values are shown: the address that shows them all, or
                    # that shows the most frequent only again.
                    "more": self.whole_query(name, True) if truncated else None,
                    "fewer": self.whole_query(name, False) if name in self.whole else None,
                }
            )
        return facets

    def whole_query(self, name: str, whole: bool) -> str:
        """The page's query string with facet `name` shown whole, or not."""
        data = self.data.copy() if hasattr(self.data, "copy") else QueryDict(mutable=True)
        data.pop("page", None)
        shown = [v for v in data.getlist("more") if v != name] + ([name] if whole else [])
        data.setlist("more", shown)
        return data.urlencode()

    def chips(self) -> list[dict]:
        """The choices in force, each with the query string that removes it."""
        chips = []
        data = self.data.copy() if hasattr(self.data, "copy") else {}
        data.pop("page", None)
        for name, value in self.form.cleaned_data.items():
            if name in ("sort", "more") or value in (None, "", []):
                continue
            for single in value if isinstance(value, list) else [value]:
                remaining = data.copy()
                if isinstance(value, list):
                    remaining.setlist(name, [v for v in data.getlist(name) if v != single])
                else:
                    remaining.pop(name, None)
                chips.append({"name": name, "label": self._chip_label(name, single), "query": remaining.urlencode()})
        return chips

    def _chip_label(self, name: str, value) -> str:
        if name == "q":
            return f"“{clean_query(value)[0]}”"
        if name in ("date_from", "date_to"):
            return ("from " if name == "date_from" else "to ") + value.isoformat()
        if name == "topic":
            topic = Topic.objects.filter(slug=value).only("name").first()
            return topic.name if topic else value
        if name == "person":
            person = Participant.objects.filter(slug=value).only("name").first()
            return person.name if person else value
        if name in ("issuer", "country"):
            return ("Issued by " if name == "issuer" else "In ") + country_name(value)
        if name == "onesided":
            return one_sided_label(value, dict(Topic.objects.values_list("slug", "name")))
        if name == "year" and value == UNKNOWN_YEAR:
            return "date unknown"
        if name == "level":
            return Level(value).label
        if name == "format":
            return Format(value).label
        return str(value)

    def _labels(self, counts, chosen) -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = {name: {} for name in FACETS}
        labels["level"] = dict(Level.choices)
        labels["format"] = dict(Format.choices)
        labels["year"] = {UNKNOWN_YEAR: "date unknown"}
        for name in ("issuer", "country"):
            labels[name] = {v: country_name(v) for v in set(counts[name]) | set(chosen[name])}
        labels["topic"] = dict(topic_choices())  # kept until a name changes
        labels["onesided"] = {
            v: one_sided_label(v, labels["topic"]) for v in set(counts["onesided"]) | set(chosen["onesided"])
        }
        shown = sorted(counts["person"], key=lambda v: -counts["person"][v])[: self.longest.get("person")]
        people = set(shown) | set(chosen["person"])
        labels["person"] = {slug: name for slug, name in participant_choices() if slug in people}
        return labels


FACET_TITLES = {
    "year": "Year",
    "level": "Level",
    "topic": "Topic",
    "person": "Principal",
    "issuer": "Issued by",
    "country": "Country of meeting",
    "format": "Format",
    "onesided": "Raised in one readout only",
}
# Above this many matches, relevance ranking (ts_rank on every match) would cost more than a
# reader should wait: the matches are shown newest first, with a note that says so.
RANK_LIMIT = 5000
LONG_FACETS = {"person": 15, "country": 15, "onesided": 15}  # values shown at the most
LEVEL_ORDER = {v: i for i, v in enumerate(Level.values)}
FORMAT_ORDER = {v: i for i, v in enumerate(Format.values)}
FACET_ORDER = {
    "year": lambda r: -int(r["value"]) if r["value"] != UNKNOWN_YEAR else 1,
    "level": lambda r: LEVEL_ORDER.get(r["value"], 99),
    "format": lambda r: FORMAT_ORDER.get(r["value"], 99),
}


class StatementFilter(SearchTextMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    # Speakers and topics as subqueries, not joins: a statement is listed once without DISTINCT,
    # which over every column cost a common word's count 0.5 s at 100,000 readouts.
    speaker = DataChoicesFilter(method="filter_speaker", choices=participant_choices)
    topic = DataChoicesFilter(method="filter_topic", choices=topic_choices)
    issuer = ChoicesFilter(field_name="readout__issuer", choices=country_choices)
    year = YearFilter(
        field_name="meeting__year", choices=year_choices, null_value=UNKNOWN_YEAR, null_label="date unknown"
    )
    date_from = django_filters.DateFilter(field_name="meeting__date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="meeting__date", lookup_expr="lte", label="To")
    sort = django_filters.ChoiceFilter(
        method="keep_order",  # applied by filter_queryset, which has the words
        choices=[("relevance", "Relevance"), ("-date", "Newest first"), ("date", "Oldest first")],
        empty_label=None,
        label="Order",
    )

    class Meta:
        model = Statement
        fields = []

    rank_bounded = False

    def keep_order(self, queryset, name, value):
        return queryset

    @property
    def order_in_force(self) -> str:
        """The order the list is in (the sort control shows it): the one chosen, else by
        relevance for a search and newest first otherwise."""
        chosen = self.form.cleaned_data.get("sort") if self.is_valid() else ""
        if chosen in ("date", "-date"):
            return chosen
        return "relevance" if self.search_text else "-date"

    def filter_speaker(self, queryset, name, value):
        spoken = Statement.speakers.through.objects.filter(participant__slug__in=value).values("statement_id")
        return queryset.filter(pk__in=spoken) if value else queryset

    def filter_topic(self, queryset, name, value):
        about = Statement.topics.through.objects.filter(topic__slug__in=value).values("statement_id")
        return queryset.filter(pk__in=about) if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.order_in_force == "date":
            return queryset.order_by(F("meeting__date").asc(nulls_last=True), "readout_id", "position")
        order = [F("meeting__date").desc(nulls_last=True), "readout_id", "position"]
        if self.order_in_force == "relevance":
            # Ranking computes ts_rank for every match: above RANK_LIMIT matches (counted no
            # further than that) they are shown newest first, as the meeting list does.
            if queryset.order_by().values("pk")[: RANK_LIMIT + 1].count() <= RANK_LIMIT:
                return queryset.by_relevance(self.search_text, order)
            self.rank_bounded = True
        return queryset.order_by(*order)

    def years_and_issuers(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The years of the published meetings, newest first, and the governments that issued
        their readouts (code, name): the choices the form offers, kept until the archive changes."""

        def find():
            published = Meeting.objects.published().order_by()
            years = sorted({str(y) if y else UNKNOWN_YEAR for y in published.values_list("year", flat=True).distinct()})
            issuers = published.values_list("readouts__issuer", flat=True).distinct()
            return years[::-1], sorted((code, country_name(code)) for code in issuers if code)

        return kept("statement-choices", archive_version(self.request), [], find)

    def speaker_counts(self) -> list[dict]:
        """Speakers of the statements that match everything but the speaker choice, with counts
        (the thirty who speak most), kept until the archive changes."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != "speaker":
                queryset = self.filters[name].filter(queryset, value)
        data = self.form.cleaned_data
        parts = [self.search_text] + [
            sorted(value) if isinstance(value, list) else value
            for name, value in sorted(data.items())
            if name not in ("q", "speaker", "sort")
        ]

        def count() -> list[dict]:
            spoken = Statement.speakers.through.objects.filter(statement__in=queryset.order_by().values("pk"))
            rows = (
                spoken.values("participant__slug", "participant__name")
                .annotate(n=Count("statement_id"))
                .order_by("-n", "participant__name")[:30]
            )
            return [{"value": r["participant__slug"], "label": r["participant__name"], "count": r["n"]} for r in rows]

        chosen = data.get("speaker") or []
        return [
            {**row, "chosen": row["value"] in chosen}
            for row in kept("speakers", archive_version(self.request), parts, count)
        ]


class ParticipantFilter(django_filters.FilterSet):
    """The index of people: by name (any spelling, case and accents set aside) and country, in
    order of name or of their number of meetings."""

    name = django_filters.CharFilter(method="filter_name", label="Name", max_length=200)
    country = django_filters.ChoiceFilter(choices=country_choices(), label="Country", empty_label="Any country")
    sort = django_filters.OrderingFilter(
        fields={"name": "name", "meeting_count": "meetings"},
        choices=[("name", "Name"), ("-meetings", "Most meetings")],
        empty_label=None,
        label="Order",
    )

    class Meta:
        model = Participant
        fields = []

    def filter_name(self, queryset, name, value):
        return queryset.named(value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "name", "pk")  # ties by name
