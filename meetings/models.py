import re
import secrets
from urllib.parse import urlsplit

import reversion
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import PermissionDenied
from django.db import connections, models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Cast, Coalesce, ExtractYear, RowNumber
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify
from reversion.models import Version

from .caching import archive_changed, meeting_deleted, names_changed
from .search import CONFIG as SEARCH_CONFIG
from .search import CJKBigrams, headline, render_marked, render_passage, search_query

ISO_ALPHA3 = r"^[A-Z]{3}$"
PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to read aloud


def newest(field: str = "date") -> models.OrderBy:
    """Newest first, meetings whose date is unknown last."""
    return models.F(field).desc(nulls_last=True)


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


def new_statement_key() -> str:
    """A statement's public identifier: unique in its meeting, kept through re-imports, splits
    and merges, so that an anchor once cited leads to the same statement."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(8))


class Level(models.TextChoices):
    SUMMIT = "summit", "Summit"
    FOREIGN_MINISTERS = "foreign-ministers", "Foreign ministers"
    VICE_MINISTERS = "vice-ministers", "Vice ministers"
    OTHER = "other", "Other"


class Format(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"


class DateSource(models.TextChoices):
    TEXT = "text", "stated in the readout"
    PAGE_DATE = "page-date", "the year from the readout's page date"
    PAIRED_READOUT = "paired-readout", "from the other government's readout of the same meeting"
    WEEKDAY_AND_TERMS = "weekday-and-terms", "from the weekday the readout names and the principals' terms of office"
    TERMS = "terms", "from the principals' terms of office: only one year fits"
    CURATOR = "curator", "set by a curator"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Fields of a meeting that a curator may correct; a re-import does not overwrite them.
CURATABLE_MEETING_FIELDS = [
    "date",
    "level",
    "format",
    "city",
    "country",
    "occasion",
    "start_time",
    "duration_minutes",
    "title",
]


PUBLIC_STATES = {Status.PUBLISHED, Status.WITHDRAWN}


class PublicationRefused(PermissionDenied):
    """A change of a meeting's public state by someone who is not an Editor."""


def can_publish(user) -> bool:
    return user.has_perm("meetings.publish_meeting")


def acting_user():
    """Who makes the change being saved: the user of the open revision (every admin view opens
    one), or None for the importer run at the command line, the shell and migrations."""
    return reversion.get_user() if reversion.is_active() else None


class Role(models.TextChoices):
    """A participant's part in a meeting, the largest first."""

    PRINCIPAL = "principal", "Principal"
    ATTENDEE = "attendee", "Attendee"
    MENTIONED = "mentioned", "Mentioned"


def role_order() -> models.Case:
    """Attendances ordered by part, principals first (their names sort attendees first)."""
    return models.Case(*(models.When(role=role, then=rank) for rank, role in enumerate(Role.values)))


COUNTRY_NAMES = {
    "JPN": "Japan",
    "KOR": "Republic of Korea",
    "CHN": "China",
    "USA": "United States",
    "RUS": "Russia",
    "DEU": "Germany",
    "PRK": "North Korea",
    "VNM": "Viet Nam",
    "IDN": "Indonesia",
    "BRN": "Brunei",
    "FRA": "France",
    "GBR": "United Kingdom",
    "ITA": "Italy",
    "CAN": "Canada",
    "AUS": "Australia",
    "IND": "India",
    "THA": "Thailand",
    "PHL": "Philippines",
    "SGP": "Singapore",
    "MYS": "Malaysia",
    "KHM": "Cambodia",
    "LAO": "Laos",
    "CHE": "Switzerland",
    "BEL": "Belgium",
    "ARG": "Argentina",
    "PER": "Peru",
    "MEX": "Mexico",
    "ESP": "Spain",
    "LTU": "Lithuania",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


# The facets of the meeting list (their counts: MeetingQuerySet.facet_counts).
FACETS = ["year", "level", "format", "country", "issuer", "person", "topic", "onesided"]


def group_sides(attendances: list["Attendance"], issuers: list[str]) -> list[dict]:
    """Participants grouped by the country they represented, principals first, each once."""
    rank = {role: n for n, role in enumerate(Role.values)}
    best: dict[int, Attendance] = {}
    for a in attendances:  # each person in their largest part, as a readout with their title has it
        current = best.get(a.participant_id)
        if current is None or (rank[a.role], not a.title) < (rank[current.role], not current.title):
            best[a.participant_id] = a
    groups: dict[str, list[Attendance]] = {}
    for a in sorted(best.values(), key=lambda a: (rank[a.role], a.pk)):
        groups.setdefault(a.country or a.participant.country or "", []).append(a)
    order = [*sorted(set(issuers)), *sorted(groups)]
    return [
        {"country": code, "name": country_name(code) if code else "Side not stated", "attendances": groups[code]}
        for code in dict.fromkeys(order)
        if code in groups
    ]


REFRESH_TOPICS_SQL = [
    "DELETE FROM meetings_meeting_topics WHERE meeting_id = ANY(%(ids)s::bigint[])",
    """INSERT INTO meetings_meeting_topics (meeting_id, topic_id)
       SELECT DISTINCT s.meeting_id, st.topic_id
       FROM meetings_statement s JOIN meetings_statement_topics st ON st.statement_id = s.id
       WHERE s.meeting_id = ANY(%(ids)s::bigint[])""",
]
REFRESH_DERIVED_SQL = """
    UPDATE meetings_meeting m SET
      issuers = COALESCE((SELECT array_agg(DISTINCT r.issuer ORDER BY r.issuer)
                          FROM meetings_readout r WHERE r.meeting_id = m.id), '{}'),
      principal_slugs = COALESCE((SELECT array_agg(DISTINCT p.slug ORDER BY p.slug)
                                  FROM meetings_attendance a JOIN meetings_participant p ON p.id = a.participant_id
                                  WHERE a.meeting_id = m.id AND a.role = 'principal'), '{}'),
      topic_slugs = COALESCE((SELECT array_agg(DISTINCT t.slug ORDER BY t.slug)
                              FROM meetings_meeting_topics mt JOIN meetings_topic t ON t.id = mt.topic_id
                              WHERE mt.meeting_id = m.id), '{}'),
      one_sided = COALESCE((SELECT array_agg(issuer || ':' || slug ORDER BY slug, issuer) FROM (
                              SELECT min(r.issuer) AS issuer, t.slug
                              FROM meetings_statement s
                              JOIN meetings_readout r ON r.id = s.readout_id
                              JOIN meetings_statement_topics st ON st.statement_id = s.id
                              JOIN meetings_topic t ON t.id = st.topic_id
                              WHERE s.meeting_id = m.id
                              GROUP BY t.slug HAVING count(DISTINCT r.issuer) = 1) AS raised
                            WHERE (SELECT count(DISTINCT r2.issuer) FROM meetings_readout r2
                                   WHERE r2.meeting_id = m.id) > 1), '{}'),
      search_text = concat_ws(E'\\n',
        (SELECT string_agg(DISTINCT n, E'\\n')
         FROM meetings_attendance a JOIN meetings_participant p ON p.id = a.participant_id
         CROSS JOIN LATERAL unnest(array_prepend(p.name, p.variants)) AS n WHERE a.meeting_id = m.id),
        NULLIF(m.occasion, ''), NULLIF(m.city, ''),
        (SELECT string_agg(NULLIF(r.title, ''), E'\\n' ORDER BY r.id) FROM meetings_readout r WHERE r.meeting_id = m.id),
        (SELECT string_agg(concat_ws(E'\\n', NULLIF(s.heading, ''), s.text), E'\\n' ORDER BY s.readout_id, s.position)
         FROM meetings_statement s WHERE s.meeting_id = m.id)),
      modified = clock_timestamp()
    WHERE m.id = ANY(%(ids)s::bigint[])
"""
# The narrow copy a search's matches are read from (MeetingSearch), of these meetings.
REFRESH_SEARCH_SQL = """
    INSERT INTO meetings_meetingsearch (meeting_id, date, search_vector)
    SELECT id, date, search_vector FROM meetings_meeting WHERE id = ANY(%(ids)s::bigint[])
    ON CONFLICT (meeting_id) DO UPDATE SET date = EXCLUDED.date, search_vector = EXCLUDED.search_vector
"""
# Columns a list never shows: long, and only read by search and facets.
LIST_DEFERRED = ["search_text", "search_vector", "review_notes"]


def card_lookups() -> list:
    """What a meeting's card shows beyond the meeting's own columns: its people, in role order,
    and its topics (prefetched: a fixed number of queries for a page of cards)."""
    return [models.Prefetch("attendances", queryset=Attendance.objects.in_role_order()), "topics"]


class MeetingQuerySet(models.QuerySet):
    def refresh_derived(self) -> None:
        """Recompute, in PostgreSQL, the topics and the columns that filtering and search read."""
        ids = list(self.values_list("pk", flat=True))
        if not ids:
            return
        with connections[self.db].cursor() as cursor:
            for sql in REFRESH_TOPICS_SQL:
                cursor.execute(sql, {"ids": ids})
            cursor.execute(REFRESH_DERIVED_SQL, {"ids": ids})
            cursor.execute(REFRESH_SEARCH_SQL, {"ids": ids})

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def facet_counts(self, chosen: dict[str, list[str]], longest: dict[str, int], matches=None, index=None) -> dict:
        """How many of these meetings each value of each facet would show, counted disjunctively
        over the facets' choices (`chosen`), and how many meet every choice ({"total": {"": n}});
        of a long facet only its `longest` most frequent values and those chosen. These are the
        published meetings before any facet choice: all of them or, when a search or dates
        narrow them, those of `matches` (a bitmap of the facet index). From the bitmaps of
        meetings.facetindex (`index`, or the current one)."""
        from . import facetindex

        index = index or facetindex.current_index(self.db)
        return index.counts(index.everything if matches is None else matches, chosen, longest)

    def public(self):
        """Meetings with a public page: published, or withdrawn (a page that says so)."""
        return self.filter(status__in=[Status.PUBLISHED, Status.WITHDRAWN])

    def search(self, text: str):
        """Meetings whose title, people or statements match a web-search query."""
        return self.filter(search_vector=search_query(text))

    def by_relevance(self, text: str):
        """Best match first; ts_rank is computed for every match, so callers bound the matches."""
        return self.annotate(rank=SearchRank(models.F("search_vector"), search_query(text))).order_by(
            "-rank", newest(), "-pk"
        )

    def with_versions(self):
        """Each meeting with its public versions, as its page numbers them (versions.public_versions):
        `version_number`, how many there are (0 before the first), and `last_published`, when the
        newest was made (public_meeting_versions)."""
        public = public_meeting_versions().filter(object_id=Cast(OuterRef("pk"), models.CharField()))
        count = public.values("object_id").annotate(n=Count("pk")).values("n")
        return self.annotate(
            version_number=Coalesce(Subquery(count), 0),
            last_published=Subquery(public.order_by("-pk").values("revision__date_created")[:1]),
        )

    def with_related(self):
        """Everything a meeting's card in a list shows (its people and topics), in a fixed number
        of queries; a meeting's page loads its readouts and statements too (views.load_meeting)."""
        return self.defer(*LIST_DEFERRED).prefetch_related(*card_lookups())


class Meeting(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    date = models.DateField(
        null=True, blank=True, db_index=True, help_text="Empty when no evidence settles it (flagged for review)."
    )
    date_source = models.CharField(
        max_length=30,
        choices=DateSource,
        blank=True,
        help_text="How the date was found, when the readout does not state it in full.",
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.OTHER)
    format = models.CharField(max_length=20, choices=Format, default=Format.IN_PERSON)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=3, blank=True, help_text="ISO 3166 alpha-3 of the place")
    occasion = models.CharField(max_length=255, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    pair_key = models.CharField(
        max_length=200,
        db_index=True,
        help_text="The principals that identify the meeting across readouts (with its date, a day apart at most).",
    )
    topics = models.ManyToManyField("Topic", blank=True, related_name="meetings")
    # Derived from the readouts, attendances and topics by refresh_derived(), so that filtering,
    # facet counts and search are single-table lookups on indexed columns.
    year = models.GeneratedField(expression=ExtractYear("date"), output_field=models.IntegerField(), db_persist=True)
    issuers = ArrayField(models.CharField(max_length=3), default=list, blank=True, editable=False)
    principal_slugs = ArrayField(models.CharField(max_length=120), default=list, blank=True, editable=False)
    topic_slugs = ArrayField(models.CharField(max_length=60), default=list, blank=True, editable=False)
    one_sided = ArrayField(
        models.CharField(max_length=70),
        default=list,
        blank=True,
        editable=False,
        help_text='Where governments\' readouts differ: the topics only one raised, as "KOR:comfort-women".',
    )
    search_text = models.TextField(blank=True, editable=False, help_text="Title, names and statements, for search.")
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="B", config=SEARCH_CONFIG)
        + SearchVector(CJKBigrams("search_text"), weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When it was first published (the feeds of new meetings are in this order).",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(
        blank=True, help_text="Why it is withdrawn, or no longer public: readers see it at its address."
    )
    changes_pending = models.BooleanField(
        default=False,
        db_index=True,
        editable=False,
        help_text="A curator changed this published meeting: readers see its last published version"
        " until an Editor publishes the change.",
    )
    needs_review = models.BooleanField(default=False, db_index=True)
    review_notes = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        help_text="What the importer was unsure of, and what a re-import could not apply.",
    )
    curated_fields = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        editable=False,
        help_text="Fields a curator changed; re-imports leave them alone.",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [newest(), "title"]
        permissions = [("publish_meeting", "Can publish and withdraw meetings")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (~Q(withdrawn_reason="") & Q(withdrawn_at__isnull=False)),
                name="meeting_withdrawn_has_reason_and_time",
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=ISO_ALPHA3), name="meeting_country_alpha3"
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="meeting_level_valid"),
            models.CheckConstraint(condition=Q(format__in=Format.values), name="meeting_format_valid"),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0, duration_minutes__lt=1440),
                name="meeting_duration_within_a_day",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="meeting_search_gin"),
            GinIndex(fields=["issuers"], name="meeting_issuers_gin"),
            GinIndex(fields=["principal_slugs"], name="meeting_principals_gin"),
            GinIndex(fields=["topic_slugs"], name="meeting_topics_gin"),
            GinIndex(fields=["one_sided"], name="meeting_one_sided_gin"),
            models.Index(fields=["year", "level"], name="meeting_year_level"),
            # Browsing newest first, page after page: an index-only walk to the page's ids.
            models.Index(models.F("status"), newest(), models.F("id").desc(), name="meeting_status_date_id"),
            models.Index(fields=["modified"], name="meeting_modified"),  # the archive's state (meetings.caching)
        ]

    def __str__(self):
        return f"{self.title} ({self.date_label})"

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", kwargs={"public_id": self.public_id, "slug": self.slug})

    @property
    def slug(self) -> str:
        words = re.sub(r"[\u2010-\u2015/]", " ", f"{self.date_label} {self.title}")
        return slugify(words)[:80].strip("-") or "meeting"

    @property
    def date_label(self) -> str:
        return f"{self.date:%Y-%m-%d}" if self.date else "date unknown"

    @property
    def date_note(self) -> str:
        """How the date was found, when the readouts do not state it in full."""
        found = {
            DateSource.PAGE_DATE: "taken from the date of the readout's page",
            DateSource.PAIRED_READOUT: "taken from the other government's readout of the same meeting",
            DateSource.WEEKDAY_AND_TERMS: "the one year in which the weekday the readout names fell on that day"
            " while the principals held office",
            DateSource.TERMS: "the one year in which the principals all held office on that day",
        }.get(self.date_source)
        return f"Not stated in the readout: the year is {found}." if found else ""

    @property
    def place(self) -> str:
        return ", ".join(x for x in (self.city, country_name(self.country) if self.country else "") if x)

    def people(self, role: str) -> list["Participant"]:
        """Distinct participants in a role, from the prefetched attendances."""
        seen: dict[int, Participant] = {}
        for attendance in self.attendances.all():
            if attendance.role == role:
                seen.setdefault(attendance.participant_id, attendance.participant)
        return list(seen.values())

    @property
    def principals(self) -> list["Participant"]:
        return self.people(Role.PRINCIPAL)

    @property
    def issuer_names(self) -> list[str]:
        return [country_name(code) for code in self.issuers]

    def refresh_derived(self) -> None:
        """Recompute the columns that filtering and search read, from readouts, people and topics."""
        Meeting.objects.filter(pk=self.pk).refresh_derived()
        self.refresh_from_db(fields=["issuers", "principal_slugs", "topic_slugs", "search_text", "modified"])

    def record_change(self) -> None:
        """After a change to its readouts, statements, people or topics: recompute what filtering
        reads, bump the edit lock, save the meeting under the publication rules (a curator's
        change to a published meeting waits for an Editor), and add it to the open revision."""
        self.refresh_derived()
        self.lock_version = models.F("lock_version") + 1
        self.save(update_fields=["lock_version", "changes_pending", "modified"])
        self.refresh_from_db(fields=["lock_version"])
        if reversion.is_active():
            reversion.add_to_revision(self)


def public_meeting_versions():
    """The versions of meetings in which they were public (as versions.public_versions finds
    them): published, and not a curator's change waiting for an Editor. Read in PostgreSQL from
    the versions' data, in Django's JSON serialization (django-reversion's default format)."""
    return (
        Version.objects.get_for_model(Meeting)
        .annotate(data=Cast("serialized_data", models.JSONField()))
        .filter(data__0__fields__status=Status.PUBLISHED)
        # Versions made before the field was: not pending.
        .filter(Q(data__0__fields__changes_pending=False) | Q(data__0__fields__changes_pending__isnull=True))
        .order_by()
    )


@receiver(pre_save, sender=Meeting)
def hold_publication_rules(sender, instance: Meeting, raw: bool, update_fields=None, **kwargs) -> None:
    """Only an Editor publishes, unpublishes or withdraws a meeting, and a curator's change to a
    published meeting waits for an Editor: held on every save of a meeting, whatever the path
    (admin forms and actions, history revert and recover, which save raw, uploads, merges)."""
    user = acting_user()
    before, published_at = Meeting.objects.filter(pk=instance.pk).values_list("status", "published_at").first() or (
        Status.DRAFT,
        None,
    )
    # When it was first published: kept from then on, whatever a version restored holds.
    published_at = published_at or (timezone.now() if instance.status == Status.PUBLISHED else None)
    if published_at != instance.published_at and update_fields is not None and "published_at" not in update_fields:
        Meeting.objects.filter(pk=instance.pk).update(published_at=published_at)
    instance.published_at = published_at
    instance.public_before = before in PUBLIC_STATES  # for public_changed
    if user is None or can_publish(user):
        pending = False
    else:
        if instance.status != before and PUBLIC_STATES & {instance.status, before}:
            raise PublicationRefused("Only an Editor can publish, unpublish or withdraw a meeting.")
        pending = before == Status.PUBLISHED
    if instance.status != Status.PUBLISHED:
        pending = False
    if pending != instance.changes_pending and update_fields is not None and "changes_pending" not in update_fields:
        Meeting.objects.filter(pk=instance.pk).update(changes_pending=pending)
    instance.changes_pending = pending


@receiver(post_save, sender=Meeting)
@receiver(post_delete, sender=Meeting)
def meeting_changed(sender, instance: Meeting, **kwargs) -> None:
    """A change to a meeting readers can see, or could see until now, changes the public pages
    (meetings.caching); a change to a draft does not. Every write path saves the meeting, its
    readouts', statements' and people's included (Meeting.record_change)."""
    if instance.status in PUBLIC_STATES or getattr(instance, "public_before", True):
        archive_changed()
    if "created" not in kwargs:  # deleted, which no `modified` tells of
        meeting_deleted()
    if "created" in kwargs:  # saved, not deleted: its date or title may have changed
        with connections[instance._state.db or "default"].cursor() as cursor:
            cursor.execute(REFRESH_SEARCH_SQL, {"ids": [instance.pk]})


class MeetingSearch(models.Model):
    """What a search's matches are read from, and nothing else: a narrow copy of each meeting's
    date and search vector, of every status (the facet index knows which are published), made by
    REFRESH_SEARCH_SQL (by refresh_derived, and on each save), the vector kept out of line
    (toast_tuple_target, migration 0026). Finding the matches of a common word reads every row
    it matches: at 100,000 readouts 2,551 pages of this table against 17,010 of the meetings
    table, and a word in nearly every meeting ("japan") took 38-40 ms against 236-257 ms."""

    meeting = models.OneToOneField(Meeting, primary_key=True, on_delete=models.CASCADE, related_name="search_row")
    date = models.DateField(null=True)
    search_vector = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="meetingsearch_vector_gin")]

    def __str__(self):
        return f"search row of meeting {self.meeting_id}"


class Readout(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="readouts")
    issuer = models.CharField(max_length=3, help_text="ISO 3166 alpha-3 of the issuing government")
    title = models.CharField(max_length=300, blank=True)
    published_date = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=10, default="en")
    original_text = models.TextField()
    translation_note = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the text as imported.")
    file_name = models.CharField(
        max_length=500,
        unique=True,
        help_text='Where the file was: its path in the folder imported ("2016/kor.txt"), or its name.',
    )
    imported_at = models.DateTimeField()
    problems = ArrayField(models.TextField(), default=list, blank=True)
    retired_anchors = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        editable=False,
        help_text="Anchors of statements a re-import removed: their links say so, and lead to the versions.",
    )

    class Meta:
        ordering = ["meeting", "issuer"]
        constraints = [
            models.CheckConstraint(condition=Q(issuer__regex=ISO_ALPHA3), name="readout_issuer_alpha3"),
        ]

    def __str__(self):
        return f"{self.issuer}: {self.title or self.file_name}"

    @property
    def issuer_name(self) -> str:
        return country_name(self.issuer)

    @property
    def source_host(self) -> str:
        """The site its source address is on ("www.mofa.go.jp"), as readers know publishers."""
        return urlsplit(self.source_url).hostname or self.source_url


class Rank(models.TextChoices):
    HEAD_OF_STATE = "head-of-state", "Head of state"
    HEAD_OF_GOVERNMENT = "head-of-government", "Head of government"
    FOREIGN_MINISTER = "foreign-minister", "Foreign minister"
    VICE_FOREIGN_MINISTER = "vice-foreign-minister", "Vice foreign minister"
    OTHER = "other", "Other"


class Office(models.Model):
    """An office whose holders readouts name: "Minister for Foreign Affairs" of Japan."""

    slug = models.SlugField(max_length=80, unique=True)
    country = models.CharField(max_length=3, help_text="ISO 3166 alpha-3")
    title = models.CharField(max_length=200, help_text="As the government writes it in English.")
    rank = models.CharField(max_length=30, choices=Rank, help_text="Decides a meeting's level.")
    titles = models.JSONField(
        default=dict, blank=True, help_text='How readouts name the office, by language: {"ja": ["外務大臣", "外相"]}.'
    )

    class Meta:
        ordering = ["country", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=ISO_ALPHA3), name="office_country_alpha3"),
            models.CheckConstraint(condition=Q(rank__in=Rank.values), name="office_rank_valid"),
        ]

    def __str__(self):
        return f"{self.title} ({country_name(self.country)})"


class OfficeHolderQuerySet(models.QuerySet):
    def gazetteer_data(self) -> dict:
        """Every office and holder in the shape of the gazetteer fixture, for the parser."""
        offices = [
            {"slug": o.slug, "country": o.country, "title": o.title, "rank": o.rank, "titles": o.titles}
            for o in Office.objects.all()
        ]
        people = [
            {
                "slug": h.slug,
                "country": h.country,
                "name": h.name,
                "names": h.names,
                "family_names": h.family_names,
                "terms": [
                    {"office": t.office.slug, "start": t.start.isoformat(), "end": t.end and t.end.isoformat()}
                    for t in h.terms.all()
                ],
            }
            for h in self.prefetch_related(models.Prefetch("terms", queryset=Term.objects.select_related("office")))
        ]
        return {"offices": offices, "people": people}


class OfficeHolder(models.Model):
    """A person who held an office, with their name as each language writes it."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200, help_text="The spelling the archive shows.")
    country = models.CharField(max_length=3, help_text="ISO 3166 alpha-3")
    names = models.JSONField(
        default=dict, blank=True, help_text='Full names by language: {"en": ["KISHIDA Fumio"], "ja": ["岸田文雄"]}.'
    )
    family_names = models.JSONField(
        default=dict, blank=True, help_text='The family name by language: {"en": ["Kishida"], "ja": ["岸田"]}.'
    )

    objects = OfficeHolderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=ISO_ALPHA3), name="officeholder_country_alpha3"),
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    holder = models.ForeignKey(OfficeHolder, on_delete=models.CASCADE, related_name="terms")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="terms")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while in office.")

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="term_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.holder}, {self.office.title} from {self.start}"


class ParticipantQuerySet(models.QuerySet):
    def in_index(self):
        """Those who attend a published meeting, with their number of such meetings, the years
        of the first and the last, and their offices from the gazetteer (when they are in it)."""
        published = Q(attendances__meeting__status=Status.PUBLISHED)
        return (
            self.annotate(
                meeting_count=models.Count("attendances__meeting", filter=published, distinct=True),
                first_year=models.Min("attendances__meeting__year", filter=published),
                last_year=models.Max("attendances__meeting__year", filter=published),
            )
            .filter(meeting_count__gt=0)
            .select_related("holder")
            .prefetch_related(models.Prefetch("holder__terms", queryset=Term.objects.select_related("office")))
        )

    def so_named(self, text: str):
        """The people a search for `text` suggests: those so named (named()) who attend a
        published meeting, the most often seen first. Ordered by all their attendances, which
        the attendances' index counts, not by in_index()'s published meetings, which joins each
        attendance to its meeting: 4 ms against 17 for a family name sixteen people share at
        10,000 readouts, the gap growing with the archive."""
        published = Attendance.objects.filter(participant=models.OuterRef("pk"), meeting__status=Status.PUBLISHED)
        return (
            self.named(text)
            .filter(models.Exists(published))
            .annotate(seen=models.Count("attendances"))
            .order_by("-seen", "name", "pk")
        )

    def named(self, text: str):
        """Those whose name, or a spelling of it, holds the text, case and accents set aside."""
        text = text.strip()
        if not text:
            return self.none()
        spellings = Func(F("variants"), Value("\n"), function="array_to_string", output_field=models.TextField())
        return self.alias(spellings=spellings).filter(
            Q(name__unaccent__icontains=text) | Q(spellings__unaccent__icontains=text)
        )


class Participant(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    name_key = models.CharField(max_length=200, unique=True, help_text="Sorted lower-case words of the name.")
    variants = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    country = models.CharField(max_length=3, blank=True)
    holder = models.OneToOneField(
        OfficeHolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        help_text="Who this is in the gazetteer of office holders, when known.",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=ISO_ALPHA3), name="participant_country_alpha3"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:participant-detail", kwargs={"slug": self.slug})

    @property
    def country_label(self) -> str:
        return country_name(self.country) if self.country else ""

    def counterparts(self):
        """The principals they met, of published meetings they attended (another country's, when
        theirs is known), with the number of those meetings (`shared`), most first."""
        meetings = Meeting.objects.published().filter(attendances__participant=self).values("pk")
        others = Participant.objects.exclude(pk=self.pk)
        if self.country:
            others = others.exclude(country=self.country)
        return (
            others.filter(attendances__meeting__in=meetings, attendances__role=Role.PRINCIPAL)
            .annotate(shared=models.Count("attendances__meeting", distinct=True))
            .order_by("-shared", "name")
        )


class ParticipantAlias(models.Model):
    """The address of a participant merged into another: it redirects to the one kept."""

    slug = models.SlugField(max_length=120, unique=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="aliases")

    def __str__(self):
        return f"{self.slug} → {self.participant}"


class AttendanceQuerySet(models.QuerySet):
    def in_role_order(self):
        """With their participants, principals first, then attendees, then those mentioned, each
        part as recorded: what a meeting's sides are made of (group_sides)."""
        return self.select_related("participant").order_by(role_order(), "pk")


class Attendance(models.Model):
    """A participant's role and title at one meeting, as one readout records it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    readout = models.ForeignKey(Readout, on_delete=models.CASCADE, related_name="attendances", null=True, blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="attendances")
    role = models.CharField(max_length=20, choices=Role)
    title = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=3, blank=True, help_text="The side they were on")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "role", "participant__name"]
        constraints = [
            models.UniqueConstraint(fields=["readout", "participant"], name="attendance_once_per_readout"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="attendance_role_valid"),
        ]
        indexes = [models.Index(fields=["participant", "role"], name="attendance_participant_role")]

    def __str__(self):
        return f"{self.participant} ({self.role})"


class TopicQuerySet(models.QuerySet):
    def in_index(self):
        """With their numbers of published meetings and of statements of published meetings."""
        return self.annotate(
            meeting_count=models.Count("meetings", filter=Q(meetings__status=Status.PUBLISHED), distinct=True),
            statement_count=models.Count(
                "statements", filter=Q(statements__meeting__status=Status.PUBLISHED), distinct=True
            ),
        )

    def named(self, text: str):
        """Those whose name holds the text, case and accents set aside."""
        text = text.strip()
        return self.filter(name__unaccent__icontains=text) if text else self.none()


class Topic(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    keywords = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Words and phrases that identify the topic, matched case-insensitively.",
    )
    description = models.TextField(blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:topic-detail", kwargs={"slug": self.slug})


class StatementQuerySet(models.QuerySet):
    def search(self, text: str):
        return self.filter(search_vector=search_query(text))

    def by_relevance(self, text: str, then: list[str]):
        return self.annotate(rank=SearchRank(models.F("search_vector"), search_query(text))).order_by("-rank", *then)

    def with_related(self):
        return self.select_related("readout", "meeting").prefetch_related("speakers", "topics")

    def highlighted(self, text: str, *, whole: bool = False) -> dict[int, SafeString]:
        """These statements' text with the words of a search marked ({pk: html}): the whole
        text, or (whole=False) its best passages."""
        rows = self.order_by().annotate(marked=headline("text", text, whole=whole))
        if whole:
            return {pk: render_marked(marked) for pk, marked in rows.values_list("pk", "marked")}
        return {pk: render_passage(marked, full) for pk, marked, full in rows.values_list("pk", "marked", "text")}

    def best_matches(self, text: str, *, per_meeting: int) -> dict[int, list["Statement"]]:
        """The statements of these that best match a search, at most `per_meeting` of each
        meeting, best first, each with its best passages marked (`snippet`): {meeting id: [...]}.
        Two queries; passages are made only for the statements returned (ts_headline is costly)."""
        rank = SearchRank(models.F("search_vector"), search_query(text))
        nth = Window(RowNumber(), partition_by=models.F("meeting_id"), order_by=[rank.desc(), models.F("pk").asc()])
        ranked = list(self.search(text).annotate(nth=nth).filter(nth__lte=per_meeting).values_list("pk", "nth"))
        order = dict(ranked)
        statements = (
            self.model.objects.filter(pk__in=order)
            .select_related("readout")
            .annotate(marked=headline("text", text))
            .defer("search_vector")
        )
        best: dict[int, list[Statement]] = {}
        for statement in sorted(statements, key=lambda s: (s.meeting_id, order[s.pk])):
            statement.snippet = render_passage(statement.marked, statement.text)
            best.setdefault(statement.meeting_id, []).append(statement)
        return best


class Statement(models.Model):
    readout = models.ForeignKey(Readout, on_delete=models.CASCADE, related_name="statements")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="statements",
        help_text="The readout's meeting, kept here for filtering and editing inline.",
    )
    position = models.PositiveIntegerField()
    key = models.CharField(
        max_length=8, default=new_statement_key, editable=False, help_text="Its public identifier, in anchors."
    )
    anchors = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        editable=False,
        help_text="Earlier anchors that lead here: its position before keys, statements merged into it.",
    )
    number = models.CharField(max_length=40, blank=True, help_text='As printed: "2", "(3)", "1 (2)"')
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    joint = models.BooleanField(default=False, help_text='Both sides together: "the two ministers confirmed"')
    curated = models.BooleanField(default=False, editable=False, help_text="Changed by a curator since import.")
    speakers = models.ManyToManyField(Participant, blank=True, related_name="statements")
    topics = models.ManyToManyField(Topic, blank=True, related_name="statements")
    search_vector = models.GeneratedField(
        expression=SearchVector("heading", weight="B", config=SEARCH_CONFIG)
        + SearchVector("text", weight="A", config=SEARCH_CONFIG)
        + SearchVector(CJKBigrams("text"), weight="A", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["readout", "position"]
        constraints = [
            models.UniqueConstraint(fields=["readout", "position"], name="statement_position_unique"),
            models.UniqueConstraint(fields=["meeting", "key"], name="statement_key_unique_in_meeting"),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="statement_search_gin")]

    def __str__(self):
        return f"{self.readout.issuer_name}’s readout, {self.paragraph}"

    def get_absolute_url(self):
        return f"{self.readout.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def paragraph(self) -> str:
        """How pages and citations name it: "paragraph 2" by its number as printed, or by its
        place where the readout gives it none (or only a bullet: "○", "°")."""
        if re.search(r"\w", self.number):
            return f"paragraph {self.number}"
        return f"paragraph {self.position} (unnumbered)"

    @property
    def anchor(self) -> str:
        """Its id on the meeting page; versions recorded before statements had keys used positions."""
        return f"s{self.key}" if self.key else f"r{self.readout_id}-{self.position}"

    @property
    def ref(self) -> str:
        """How a citation link names it (?statement=)."""
        return self.key or f"{self.readout_id}-{self.position}"

    @property
    def all_anchors(self) -> list[str]:
        return [self.anchor, *self.anchors]


# Version history (django-reversion): a revision of a meeting holds the meeting with its
# readouts, statements, attendances and their participants, as they were at that moment.
# What a version leaves out: what is derived from the rest, and the edit lock.
HISTORY_EXCLUDE = {
    Meeting: [
        "search_text",
        "search_vector",
        "year",
        "issuers",
        "principal_slugs",
        "topic_slugs",
        "topics",
        "lock_version",
        "published_at",
    ],
    Statement: ["search_vector"],
}
reversion.register(Meeting, exclude=HISTORY_EXCLUDE[Meeting], follow=["readouts", "attendances"])
reversion.register(Readout, follow=["statements"])
reversion.register(Statement, exclude=HISTORY_EXCLUDE[Statement])
reversion.register(Attendance, follow=["participant"])
reversion.register(Participant)
reversion.register(Topic)


def history_fields(model: type[models.Model]) -> list[str]:
    """The fields a version of a model holds: as reversion.register() takes them, every concrete
    field and many-to-many field but those excluded."""
    meta = model._meta
    excluded = HISTORY_EXCLUDE.get(model, [])
    return [f.name for f in [*meta.local_fields, *meta.local_many_to_many] if f.name not in excluded]


reversion.register(Office)
reversion.register(OfficeHolder, follow=["terms"])
reversion.register(Term)


@receiver(post_save, sender=Participant)
@receiver(post_delete, sender=Participant)
@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(m2m_changed, sender=Meeting.topics.through)
def people_or_topics_changed(sender, **kwargs) -> None:
    """People's and topics' names show on the lists' cards and facets, which are kept."""
    names_changed()
