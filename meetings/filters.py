import re
from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils.functional import cached_property

from . import facetindex
from .caching import archive_version, kept, kept_key
from .models import (
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


class ValuesField(forms.Field):
    """Several values of one URL parameter (?topic=a&topic=b), each checked against a pattern."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, pattern: str, **kwargs):
        self.pattern = re.compile(pattern)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES} values.")
        for v in value:
            if not self.pattern.fullmatch(v):
                raise ValidationError(f"“{v[:40]}” is not a valid value.")


class ValuesFilter(django_filters.Filter):
    field_class = ValuesField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(self.condition(value))

    def condition(self, value) -> Q:
        if self.field_name == "year":
            # As date ranges, which the (status, date) index answers, rather than the year column.
            # Consecutive years make one range; several ranges are also bounded by the first
            # and the last, so that the index walk stays within them.
            spans: list[list[int]] = []
            for year in sorted({int(v) for v in value if v != UNKNOWN_YEAR}):
                if spans and spans[-1][1] == year:
                    spans[-1][1] = year + 1
                else:
                    spans.append([year, year + 1])
            condition = Q()
            for first, end in spans:
                condition |= Q(date__gte=date(first, 1, 1), date__lt=date(end, 1, 1))
            if len(spans) > 1:
                condition &= Q(date__gte=date(spans[0][0], 1, 1), date__lt=date(spans[-1][1], 1, 1))
            if UNKNOWN_YEAR in value:
                condition |= Q(date__isnull=True)  # "date unknown": no evidence settled the date
            return condition
        return Q(**{f"{self.field_name}__{self.lookup_expr}": value})


UNKNOWN_YEAR = "unknown"  # the year facet's value for meetings whose date is unknown


SLUG = r"[a-z0-9][a-z0-9-]{0,119}"
ALPHA3 = r"[A-Z]{3}"


class SearchTextMixin:
    """The free-text filter shared by the meeting and statement lists."""

    def filter_q(self, queryset, name, value):
        text, _ = clean_query(value)
        return queryset.search(text) if text else queryset

    @property
    def search_text(self) -> str:
        text, _ = clean_query(self.form.cleaned_data.get("q") if self.is_valid() else "")
        return text


class MeetingFilter(SearchTextMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    year = ValuesFilter(field_name="year", lookup_expr="in", pattern=r"(19|20)\d\d|unknown")
    level = ValuesFilter(field_name="level", lookup_expr="in", pattern="|".join(Level.values))
    topic = ValuesFilter(field_name="topic_slugs", lookup_expr="overlap", pattern=SLUG)
    person = ValuesFilter(field_name="principal_slugs", lookup_expr="overlap", pattern=SLUG)
    issuer = ValuesFilter(field_name="issuers", lookup_expr="overlap", pattern=ALPHA3)
    country = ValuesFilter(field_name="country", lookup_expr="in", pattern=ALPHA3)
    format = ValuesFilter(field_name="format", lookup_expr="in", pattern="|".join(Format.values))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To")
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")],
        empty_label=None,
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ""
        if self.search_text and sort in ("", "relevance"):
            if self.total <= RANK_LIMIT:
                self.ranked = True
                return queryset.by_relevance(self.search_text)
            self.rank_bounded = True  # too many matches to rank each one: newest first
        if sort == "oldest":
            return queryset.order_by(F("date").asc(nulls_last=True), "pk")
        return queryset.order_by(newest(), "-pk")

    rank_bounded = False
    ranked = False  # by relevance, in PostgreSQL (else by date: dated_ids)

    @property
    def search_note(self) -> str:
        return clean_query(self.data.get("q"))[1]

    def queryset_without(self, *facets: str):
        """The queryset with every choice applied except those of some facets."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name not in facets and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @cached_property
    def version(self) -> str:
        """The archive's version the page's facets are kept at (meetings.caching)."""
        return archive_version()

    @cached_property
    def chosen(self) -> dict[str, list[str]]:
        """Each facet's chosen values, sorted (for the kept entries' keys)."""
        return {name: sorted(self.form.cleaned_data.get(name) or []) for name in FACETS}

    def _search(self) -> list:
        data = self.form.cleaned_data
        return [self.search_text, data.get("date_from"), data.get("date_to")]

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Every facet's counts (MeetingQuerySet.facet_counts) and "total", kept until the
        archive changes (and read once for the page)."""
        if self._counts is None:
            self._counts = kept(
                "facets",
                self.version,
                [*self._search(), self.chosen],
                lambda: self.queryset.facet_counts(self.chosen, LONG_FACETS, self.matches),
            )
        return self._counts

    _counts = None

    @cached_property
    def index(self) -> facetindex.FacetIndex:
        """The facet index as the archive stands (read once for the page)."""
        return facetindex.current_index(self.queryset.db)

    @cached_property
    def matches(self) -> facetindex.Bitmap | None:
        """The meetings the words and dates match (None when neither narrows the list), as a
        bitmap of the facet index: found in the narrow MeetingSearch table, kept until the
        archive changes (about 11 KB at 100,000 readouts), so that a choice that narrows a
        search, or another page of it, does not search again."""
        if not self.searched:
            return None
        data = self.form.cleaned_data

        def find() -> bytes:
            rows = MeetingSearch.objects.all()
            if self.search_text:
                rows = rows.filter(search_vector=search_query(self.search_text))
            if data.get("date_from"):
                rows = rows.filter(date__gte=data["date_from"])
            if data.get("date_to"):
                rows = rows.filter(date__lte=data["date_to"])
            return facetindex.matches_bitmap(rows, self.index).tobytes()

        return self.index.from_bytes(kept("matches", self.version, self._search(), find))

    def dated_ids(self):
        """The list's meeting ids in its date order (newest first, or oldest), from the facet
        index: no SQL but the matches (kept). PostgreSQL walks an index to a deep page, and for
        a search it reads each meeting's vector on the way: "kato" (9,141 matches) took 276 ms
        for its first page, one issuer's 4,185th page 110 ms, at 100,000 readouts."""
        index = self.index
        selected = index.selected(index.everything if self.matches is None else self.matches, self.chosen)
        return index.ordered(selected, oldest=self.form.cleaned_data.get("sort") == "oldest")

    @property
    def facets_key(self) -> str:
        """What the rendered facets are kept under ({% cache %} in the list's template)."""
        return kept_key("facets-html", self.version, [*self._search(), self.chosen])

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
        chosen = {name: self.form.cleaned_data.get(name) or [] for name in FACETS}
        labels = self._labels(counts, chosen)
        facets = []
        for name, title in FACET_TITLES.items():
            values = dict(counts[name])
            for value in chosen[name]:
                values.setdefault(value, 0)
            rows = [
                {"value": v, "label": labels[name].get(v, v), "count": n, "chosen": v in chosen[name]}
                for v, n in values.items()
            ]
            if name in LONG_FACETS and len(rows) > LONG_FACETS[name]:
                rows.sort(key=lambda r: (not r["chosen"], -r["count"], r["label"]))
                rows = rows[: max(LONG_FACETS[name], len(chosen[name]))]
            rows.sort(key=FACET_ORDER.get(name, lambda r: (-r["count"], r["label"])))
            facets.append({"name": name, "title": title, "values": rows, "chosen": bool(chosen[name])})
        return facets

    def chips(self) -> list[dict]:
        """The choices in force, each with the query string that removes it."""
        chips = []
        data = self.data.copy() if hasattr(self.data, "copy") else {}
        data.pop("page", None)
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or value in (None, "", []):
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
        labels["topic"] = dict(Topic.objects.values_list("slug", "name"))
        shown = sorted(counts["person"], key=lambda v: -counts["person"][v])[: LONG_FACETS["person"]]
        people = set(shown) | set(chosen["person"])
        labels["person"] = dict(Participant.objects.filter(slug__in=people).values_list("slug", "name"))
        return labels


FACET_TITLES = {
    "year": "Year",
    "level": "Level",
    "topic": "Topic",
    "person": "Principal",
    "issuer": "Issued by",
    "country": "Country of meeting",
    "format": "Format",
}
# Above this many matches, relevance ranking (ts_rank on every match) would cost more than a
# reader should wait: the matches are shown newest first, with a note that says so.
RANK_LIMIT = 5000
LONG_FACETS = {"person": 15, "country": 15}  # values shown at the most
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
    speaker = ValuesFilter(method="filter_speaker", pattern=SLUG)
    topic = ValuesFilter(method="filter_topic", pattern=SLUG)
    issuer = ValuesFilter(field_name="readout__issuer", lookup_expr="in", pattern=ALPHA3)

    class Meta:
        model = Statement
        fields = []

    rank_bounded = False

    def filter_speaker(self, queryset, name, value):
        spoken = Statement.speakers.through.objects.filter(participant__slug__in=value).values("statement_id")
        return queryset.filter(pk__in=spoken) if value else queryset

    def filter_topic(self, queryset, name, value):
        about = Statement.topics.through.objects.filter(topic__slug__in=value).values("statement_id")
        return queryset.filter(pk__in=about) if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = [F("meeting__date").desc(nulls_last=True), "readout_id", "position"]
        if self.search_text:
            # Ranking computes ts_rank for every match: above RANK_LIMIT matches (counted no
            # further than that) they are shown newest first, as the meeting list does.
            if queryset.order_by().values("pk")[: RANK_LIMIT + 1].count() <= RANK_LIMIT:
                return queryset.by_relevance(self.search_text, order)
            self.rank_bounded = True
        return queryset.order_by(*order)

    def speaker_counts(self) -> list[dict]:
        """Speakers of the statements that match everything but the speaker choice, with counts
        (the thirty who speak most), kept until the archive changes."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != "speaker":
                queryset = self.filters[name].filter(queryset, value)
        data = self.form.cleaned_data
        parts = [self.search_text, sorted(data.get("topic") or []), sorted(data.get("issuer") or [])]

        def count() -> list[dict]:
            spoken = Statement.speakers.through.objects.filter(statement__in=queryset.order_by().values("pk"))
            rows = (
                spoken.values("participant__slug", "participant__name")
                .annotate(n=Count("statement_id"))
                .order_by("-n", "participant__name")[:30]
            )
            return [{"value": r["participant__slug"], "label": r["participant__name"], "count": r["n"]} for r in rows]

        chosen = data.get("speaker") or []
        return [{**row, "chosen": row["value"] in chosen} for row in kept("speakers", archive_version(), parts, count)]
