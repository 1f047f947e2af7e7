"""What curators do to many rows at once: merge people, re-tag topics, split and merge statements."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max

from .models import Attendance, Meeting, Participant, ParticipantAlias, Statement, Topic
from .readouts import compile_vocabulary, tag_topics
from .readouts.parse import ROLE_RANK


def _touch(meetings) -> None:
    """Record the change of each meeting (see Meeting.record_change)."""
    for meeting in meetings:
        meeting.record_change()


@transaction.atomic
def merge_participants(*, keep: Participant, others: list[Participant]) -> int:
    """Move the others' attendances and statements to the kept participant; their addresses redirect.

    Return the number of meetings affected.
    """
    others = [p for p in others if p.pk != keep.pk]
    if not others:
        return 0
    other_ids = [p.pk for p in others]
    meeting_ids = set(Attendance.objects.filter(participant_id__in=other_ids).values_list("meeting_id", flat=True))
    for attendance in Attendance.objects.filter(participant_id__in=other_ids):
        duplicate = Attendance.objects.filter(readout_id=attendance.readout_id, participant=keep).first()
        if attendance.readout_id is not None and duplicate:
            if ROLE_RANK[attendance.role] < ROLE_RANK[duplicate.role]:
                duplicate.role = attendance.role
            duplicate.title = duplicate.title or attendance.title
            duplicate.save(update_fields=["role", "title"])
            attendance.delete()
        else:
            attendance.participant = keep
            attendance.save(update_fields=["participant"])
    through = Statement.speakers.through
    already = set(through.objects.filter(participant=keep).values_list("statement_id", flat=True))
    through.objects.filter(participant_id__in=other_ids, statement_id__in=already).delete()
    through.objects.filter(participant_id__in=other_ids).update(participant=keep)
    variants = set(keep.variants)
    for other in others:
        variants |= {other.name, *other.variants}
        ParticipantAlias.objects.filter(participant=other).update(participant=keep)
        ParticipantAlias.objects.create(slug=other.slug, participant=keep)
    keep.variants = sorted(variants - {keep.name})
    keep.country = keep.country or next((o.country for o in others if o.country), "")
    keep.save(update_fields=["variants", "country"])
    for other in others:
        other.delete()
    _touch(Meeting.objects.filter(pk__in=meeting_ids))
    return len(meeting_ids)


@dataclass
class RetagReport:
    gained: Counter = field(default_factory=Counter)
    lost: Counter = field(default_factory=Counter)
    skipped_curated: int = 0
    meetings: int = 0

    def __str__(self) -> str:
        if not self.gained and not self.lost:
            text = "No statement changed its topics."
        else:
            parts = [
                f"{name}: +{self.gained[name]} −{self.lost[name]}" for name in sorted(set(self.gained) | set(self.lost))
            ]
            meetings = f"{self.meetings} meeting{'s' if self.meetings != 1 else ''}"
            text = f"Statements re-tagged ({'; '.join(parts)}); {meetings} changed."
        if self.skipped_curated:
            text += f" {self.skipped_curated} statements a curator edited were left as they are."
        return text


@transaction.atomic
def retag(*, topics: list[Topic], batch: int = 2000) -> RetagReport:
    """Re-apply the topics' words to every statement not edited by a curator; report the change."""
    report = RetagReport()
    compiled = compile_vocabulary({t.slug: list(t.keywords) for t in topics})
    by_slug = {t.slug: t for t in topics}
    topic_ids = [t.pk for t in topics]
    through = Statement.topics.through
    current: dict[int, set[int]] = {}
    for statement_id, topic_id in through.objects.filter(topic_id__in=topic_ids).values_list(
        "statement_id", "topic_id"
    ):
        current.setdefault(statement_id, set()).add(topic_id)
    report.skipped_curated = Statement.objects.filter(curated=True).count()
    add, remove, touched = [], [], set()
    statements = Statement.objects.filter(curated=False).values_list("pk", "meeting_id", "text").order_by("pk")
    for pk, meeting_id, text in statements.iterator(chunk_size=batch):
        wanted = {by_slug[slug].pk for slug in tag_topics(text, compiled)}
        have = current.get(pk, set())
        for topic_id in wanted - have:
            add.append(through(statement_id=pk, topic_id=topic_id))
        for topic_id in have - wanted:
            remove.append((pk, topic_id))
        if wanted != have:
            touched.add(meeting_id)
    names = {t.pk: t.name for t in topics}
    for row in add:
        report.gained[names[row.topic_id]] += 1
    through.objects.bulk_create(add, batch_size=batch)
    for pk, topic_id in remove:
        report.lost[names[topic_id]] += 1
        through.objects.filter(statement_id=pk, topic_id=topic_id).delete()
    report.meetings = len(touched)
    _touch(Meeting.objects.filter(pk__in=touched))
    return report


class CurationError(ValueError):
    """A split or merge that cannot be done; the message says why."""


def _shift(readout_id: int, *, after: int, by: int) -> None:
    """Move the statements after a position by some places, keeping (readout, position) unique
    at every step: first out of the way, above the highest position, then to their places."""
    rows = Statement.objects.filter(readout=readout_id)
    top = rows.aggregate(m=Max("position"))["m"] or 0
    rows.filter(position__gt=after).update(position=F("position") + top + 1)
    rows.filter(position__gt=top).update(position=F("position") - top - 1 + by)


@transaction.atomic
def split_statement(statement: Statement, at: int) -> Statement:
    """Cut a statement's text at a character offset; the second part follows it as a new statement."""
    first, second = statement.text[:at].strip(), statement.text[at:].strip()
    if not first or not second:
        raise CurationError("Choose a place inside the text: both parts must have words.")
    _shift(statement.readout_id, after=statement.position, by=1)
    statement.text = first
    statement.curated = True
    statement.save(update_fields=["text", "curated"])
    new = Statement.objects.create(
        readout_id=statement.readout_id,
        meeting_id=statement.meeting_id,
        position=statement.position + 1,
        number="",
        heading=statement.heading,
        text=second,
        joint=statement.joint,
        curated=True,
    )
    new.speakers.set(statement.speakers.all())
    new.topics.set(statement.topics.all())
    _touch([statement.meeting])
    return new


@transaction.atomic
def merge_statements(statements: list[Statement]) -> Statement:
    """Join consecutive statements of one readout into the first of them."""
    statements = sorted(statements, key=lambda s: s.position)
    if len(statements) < 2:
        raise CurationError("Choose at least two statements to merge.")
    if len({s.readout_id for s in statements}) != 1:
        raise CurationError("Statements from different readouts cannot be merged.")
    positions = [s.position for s in statements]
    if positions != list(range(positions[0], positions[0] + len(positions))):
        raise CurationError("Only consecutive statements can be merged.")
    first, rest = statements[0], statements[1:]
    first.text = " ".join(s.text.strip() for s in statements)
    first.joint = any(s.joint for s in statements)
    first.curated = True
    first.anchors = [*first.anchors, *(a for s in rest for a in s.all_anchors)]  # their links lead here
    first.save(update_fields=["text", "joint", "curated", "anchors"])
    for s in rest:
        first.speakers.add(*s.speakers.all())
        first.topics.add(*s.topics.all())
        s.delete()
    _shift(first.readout_id, after=positions[-1], by=-len(rest))
    _touch([first.meeting])
    return first
