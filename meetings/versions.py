"""A meeting as readers see it: now, or exactly as one of its published versions was.

Each reversion revision that holds a meeting holds its readouts, statements, attendances
and their participants as they were then. The public versions of a meeting are the
revisions in which it was published (not those of a curator's change waiting for an
Editor), numbered from 1 in the order they were made; a number, once given, always names
the same content.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from .models import Attendance, Meeting, Participant, Readout, Statement, Status, Topic, group_sides


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
    sides = group_sides(list(meeting.attendances.all()), [r.issuer for r in meeting.readouts.all()])
    return MeetingView(meeting, readouts, sides, list(meeting.topics.all()))


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
        snapshot, list(views.values()), group_sides(attendances, [r.issuer for r in readouts]), meeting_topics, public
    )
