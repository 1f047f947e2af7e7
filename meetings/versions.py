"""A meeting as readers see it: now, or exactly as one of its published versions was.

Each reversion revision that holds a meeting holds its readouts, statements, attendances
and their participants as they were then. The public versions of a meeting are the
revisions in which it was published (not those of a curator's change waiting for an
Editor), numbered from 1 in the order they were made; a number, once given, always names
the same content.
"""

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from .models import Attendance, Meeting, Participant, Readout, Statement, Status, Topic, country_name, group_sides


@dataclass
class PublicVersion:
    number: int
    version: Version

    @property
    def created(self) -> datetime:
        return self.version.revision.date_created

    @property
    def comment(self) -> str:
        return self.version.revision.get_comment()


@dataclass
class StatementView:
    statement: Statement
    speakers: list[Participant]
    topics: list[Topic]
    snippet: str = ""
    chicago: str = ""

    def __getattr__(self, name):
        return getattr(self.statement, name)


@dataclass
class ReadoutView:
    readout: Readout
    statements: list[StatementView] = field(default_factory=list)

    def __getattr__(self, name):
        return getattr(self.readout, name)


@dataclass
class MeetingView:
    """What a meeting page shows, from the database or from a version."""

    meeting: Meeting
    readouts: list[ReadoutView]
    sides: list[dict]
    topics: list[Topic]
    version: PublicVersion | None = None
    attendances: list[Attendance] = field(default_factory=list)  # each readout's, with their participants

    @property
    def issuers(self) -> list[str]:
        return sorted({r.issuer for r in self.readouts})


def public_versions(meeting: Meeting) -> list[PublicVersion]:
    """The versions of a meeting that were public, oldest first, numbered from 1."""
    versions = Version.objects.get_for_object(meeting).select_related("revision", "revision__user").order_by("pk")
    numbered = []
    for version in versions:
        fields = version.field_dict
        if fields.get("status") == Status.PUBLISHED and not fields.get("changes_pending"):
            numbered.append(PublicVersion(len(numbered) + 1, version))
    return numbered


def taken_down(meeting: Meeting, versions: list[PublicVersion]) -> datetime:
    """When a meeting that was public stopped being so: the first revision after its last
    public version (or, withdrawn through no revision, the time recorded on it)."""
    later = Version.objects.get_for_object(meeting).filter(pk__gt=versions[-1].version.pk if versions else 0)
    for version in later.select_related("revision").order_by("pk"):
        if version.field_dict.get("status") != Status.PUBLISHED:
            return version.revision.date_created
    return meeting.withdrawn_at or meeting.modified


def live_view(meeting: Meeting) -> MeetingView:
    """The meeting as it stands, from objects prefetched by the detail view."""
    readouts = [
        ReadoutView(r, [StatementView(s, list(s.speakers.all()), list(s.topics.all())) for s in r.statements.all()])
        for r in meeting.readouts.all()
    ]
    attendances = list(meeting.attendances.all())
    sides = group_sides(attendances, [r.issuer for r in meeting.readouts.all()])
    return MeetingView(meeting, readouts, sides, list(meeting.topics.all()), attendances=attendances)


def version_view(meeting: Meeting, public: PublicVersion) -> MeetingView:
    """The meeting exactly as one version holds it."""
    objects: dict[type, list] = {}
    m2m: dict[int, dict] = {}
    for version in public.version.revision.version_set.all():
        model = ContentType.objects.get_for_id(version.content_type_id).model_class()
        if model is None:
            continue
        fields = version.field_dict  # by attribute name, many-to-many fields as lists of ids
        many = {f.attname for f in model._meta.many_to_many}
        obj = model(**{name: value for name, value in fields.items() if name not in many})
        objects.setdefault(model, []).append(obj)
        if model is Statement:
            m2m[obj.pk] = {name: fields.get(name, []) for name in many}
            if '"key":' not in version.serialized_data:
                obj.key = ""  # recorded before statements had keys: anchored by position
    snapshot = next(m for m in objects.get(Meeting, []) if m.pk == meeting.pk)
    snapshot.public_id = meeting.public_id  # the identifier never changes
    participants = {p.pk: p for p in objects.get(Participant, [])}
    readouts = sorted(
        (r for r in objects.get(Readout, []) if r.meeting_id == meeting.pk), key=lambda r: (r.issuer, r.pk)
    )
    readout_ids = {r.pk for r in readouts}
    statements = sorted(
        (s for s in objects.get(Statement, []) if s.readout_id in readout_ids), key=lambda s: (s.readout_id, s.position)
    )
    topic_ids = {int(pk) for data in m2m.values() for pk in data.get("topics", [])}
    topics = Topic.objects.in_bulk(topic_ids)
    missing = {int(pk) for data in m2m.values() for pk in data.get("speakers", [])} - set(participants)
    participants.update(Participant.objects.in_bulk(missing))
    views = {r.pk: ReadoutView(r) for r in readouts}
    for s in statements:
        speakers = [participants[int(pk)] for pk in m2m.get(s.pk, {}).get("speakers", []) if int(pk) in participants]
        s_topics = [topics[int(pk)] for pk in m2m.get(s.pk, {}).get("topics", []) if int(pk) in topics]
        views[s.readout_id].statements.append(
            StatementView(s, sorted(speakers, key=lambda p: p.name), sorted(s_topics, key=lambda t: t.name))
        )
    attendances: list[Attendance] = []
    for a in objects.get(Attendance, []):
        if a.meeting_id == meeting.pk and a.participant_id in participants:
            a.participant = participants[a.participant_id]
            attendances.append(a)
    attendances.sort(key=lambda a: (a.role, a.pk))
    meeting_topics = sorted(
        {t.pk: t for v in views.values() for s in v.statements for t in s.topics}.values(), key=lambda t: t.name
    )
    return MeetingView(
        snapshot,
        list(views.values()),
        group_sides(attendances, [r.issuer for r in readouts]),
        meeting_topics,
        public,
        attendances=attendances,
    )


# --- What changed between two versions -------------------------------------------------------

# The meeting's fields a reader sees, in the order its page shows them.
SHOWN_FIELDS = ["title", "date", "start_time", "duration_minutes", "level", "format", "city", "country", "occasion"]


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class StatementChange:
    """One statement in one readout: added, removed, or changed (its words, number, heading,
    speakers or topics), with the words' differences as (kind, text) pieces: "same", "removed",
    "added"."""

    kind: str  # "added", "removed" or "changed"
    issuer: str
    label: str
    anchor: str
    words: list[tuple[str, str]] = field(default_factory=list)
    details: list[FieldChange] = field(default_factory=list)


@dataclass
class Changes:
    fields: list[FieldChange]
    statements: list[StatementChange]
    people_added: list[str]
    people_removed: list[str]
    topics_added: list[str]
    topics_removed: list[str]

    def __bool__(self) -> bool:
        return any(vars(self).values())


def shown_value(meeting: Meeting, name: str) -> str:
    value = getattr(meeting, name)
    if value in (None, ""):
        return "—"
    display = getattr(meeting, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if name == "country":
        return country_name(value)
    return str(value)


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The differences of two texts, word by word (difflib), as ("same" | "removed" | "added",
    text) pieces; the template marks them, escaped as everything it shows."""
    old, new = before.split(" "), after.split(" ")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            pieces.append(("removed", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("added", " ".join(new[j1:j2])))
        if op == "equal":
            pieces.append(("same", " ".join(old[i1:i2])))
    return pieces


def statement_details(old: StatementView, new: StatementView) -> list[FieldChange]:
    details = []
    for label, before, after in [
        ("Number", old.number, new.number),
        ("Heading", old.heading, new.heading),
        ("Speakers", ", ".join(p.name for p in old.speakers), ", ".join(p.name for p in new.speakers)),
        ("Topics", ", ".join(t.name for t in old.topics), ", ".join(t.name for t in new.topics)),
    ]:
        if before != after:
            details.append(FieldChange(label, before or "—", after or "—"))
    return details


def compare(old: MeetingView, new: MeetingView) -> Changes:
    """What a reader would see change from one view of a meeting to another: its fields, each
    readout's statements (matched by their keys, or by position where a version recorded
    none), its people and its topics."""
    fields = [
        FieldChange(old.meeting._meta.get_field(name).verbose_name.capitalize(), before, after)
        for name in SHOWN_FIELDS
        if (before := shown_value(old.meeting, name)) != (after := shown_value(new.meeting, name))
    ]

    def by_ref(view: MeetingView) -> dict[tuple[str, str], StatementView]:
        return {(r.issuer, s.key or f"p{s.position}"): s for r in view.readouts for s in r.statements}

    before, after = by_ref(old), by_ref(new)
    statements = []
    for ref in [*after, *(r for r in before if r not in after)]:
        issuer = ref[0]
        if ref not in before:
            s = after[ref]
            statements.append(StatementChange("added", issuer, s.statement.paragraph, s.anchor, [("added", s.text)]))
        elif ref not in after:
            s = before[ref]
            statements.append(StatementChange("removed", issuer, s.statement.paragraph, "", [("removed", s.text)]))
        else:
            o, n = before[ref], after[ref]
            details = statement_details(o, n)
            if o.text != n.text or details:
                words = word_changes(o.text, n.text) if o.text != n.text else []
                statements.append(StatementChange("changed", issuer, n.statement.paragraph, n.anchor, words, details))

    def people(view: MeetingView) -> set[str]:
        return {a.participant.name for side in view.sides for a in side["attendances"]}

    def topic_names(view: MeetingView) -> set[str]:
        return {t.name for t in view.topics}

    return Changes(
        fields=fields,
        statements=statements,
        people_added=sorted(people(new) - people(old)),
        people_removed=sorted(people(old) - people(new)),
        topics_added=sorted(topic_names(new) - topic_names(old)),
        topics_removed=sorted(topic_names(old) - topic_names(new)),
    )
