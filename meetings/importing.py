"""Writing a parsed readout to the database: the one place that touches many models at once."""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Attendance, Meeting, Participant, Readout, Statement, Topic
from .readouts import ParsedReadout, name_key

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The parsed readout lacks what the archive needs to store it; the message says what."""


@dataclass
class WriteResult:
    outcome: str  # "created", "updated", "unchanged"
    readout: Readout
    meeting: Meeting


def topic_vocabulary() -> dict[str, list[str]]:
    """The topic vocabulary from the database, or from the fixture when there is none yet."""
    try:
        vocabulary = {t.slug: list(t.keywords) for t in Topic.objects.all()}
        if vocabulary:
            return vocabulary
    except DatabaseError:
        pass  # no tables yet (a dry run before migrate): the fixture still says what topics are
    path = settings.READOUT_FIXTURES / "topics.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {row["fields"]["slug"]: row["fields"]["keywords"] for row in rows if row["model"] == "meetings.topic"}


def pair_key(parsed: ParsedReadout) -> str:
    """Two readouts of one meeting share its date and its principals, whoever published them."""
    people = sorted(name_key(p.name) for p in parsed.principals)
    return f"{parsed.meeting_date:%Y-%m-%d}|" + "|".join(people)


def check_importable(parsed: ParsedReadout) -> None:
    if parsed.meeting_date is None:
        raise ImportRefused("no meeting date: the text does not say in which year the meeting was held")
    if not parsed.issuer:
        raise ImportRefused("the issuing government cannot be told from the text")
    if not parsed.statements:
        raise ImportRefused("no statements found in the text")


@transaction.atomic
def write_readout(*, parsed: ParsedReadout, file_name: str, text: str) -> WriteResult:
    """Create or update the readout parsed from one file, with its meeting, people and statements."""
    check_importable(parsed)
    existing = Readout.objects.select_for_update().filter(file_name=file_name).select_related("meeting").first()
    if existing and existing.content_hash == parsed.content_hash:
        return WriteResult("unchanged", existing, existing.meeting)

    key = pair_key(parsed)
    meeting = Meeting.objects.filter(pair_key=key).order_by("pk").first()
    if meeting is None and existing and existing.meeting.pair_key == key:
        meeting = existing.meeting
    if meeting is None:
        meeting = Meeting(pair_key=key)
    _fill_meeting(meeting, parsed)
    meeting.save()

    readout = existing or Readout(file_name=file_name)
    old_meeting = existing.meeting if existing else None
    readout.meeting = meeting
    readout.issuer = parsed.issuer
    readout.title = parsed.title[:300]
    readout.published_date = parsed.published_date
    readout.language = parsed.language
    readout.original_text = text
    readout.translation_note = parsed.translation_note
    readout.content_hash = parsed.content_hash
    readout.imported_at = timezone.now()
    readout.problems = parsed.problems
    readout.save()
    if existing:
        readout.statements.all().delete()
        readout.attendances.all().delete()

    people = _participants(parsed)
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                readout=readout,
                participant=people[name_key(p.name)],
                role=p.role,
                title=p.title[:300],
                country=p.country,
            )
            for p in parsed.participants
        ]
    )
    topics = {t.slug: t for t in Topic.objects.all()}
    statements = Statement.objects.bulk_create(
        [
            Statement(
                readout=readout,
                position=s.position,
                number=s.number[:40],
                heading=s.heading[:300],
                text=s.text,
                joint=s.joint,
            )
            for s in parsed.statements
        ]
    )
    by_name = {p.name: people[name_key(p.name)] for p in parsed.participants}
    Statement.speakers.through.objects.bulk_create(
        [
            Statement.speakers.through(statement_id=row.pk, participant_id=by_name[name].pk)
            for row, s in zip(statements, parsed.statements, strict=True)
            for name in dict.fromkeys(s.speakers)
            if name in by_name
        ]
    )
    Statement.topics.through.objects.bulk_create(
        [
            Statement.topics.through(statement_id=row.pk, topic_id=topics[slug].pk)
            for row, s in zip(statements, parsed.statements, strict=True)
            for slug in s.topics
            if slug in topics
        ]
    )
    refresh_meeting_topics(meeting)
    meeting.refresh_derived()
    if old_meeting and old_meeting.pk != meeting.pk:
        _drop_if_empty(old_meeting)
    return WriteResult("updated" if existing else "created", readout, meeting)


def _fill_meeting(meeting: Meeting, parsed: ParsedReadout) -> None:
    """Fill what the meeting lacks; a second government's readout does not overwrite the first's."""
    new = meeting.pk is None
    meeting.date = parsed.meeting_date
    if new or not meeting.title:
        meeting.title = parsed.title[:300] or "Meeting"
    if new or meeting.level == "other":
        meeting.level = parsed.level
    if new:
        meeting.format = parsed.format
    for field, value in (
        ("city", parsed.city),
        ("country", parsed.country),
        ("occasion", parsed.occasion[:255]),
        ("start_time", parsed.start_time),
        ("duration_minutes", parsed.duration_minutes),
    ):
        if value and not getattr(meeting, field):
            setattr(meeting, field, value)


def _participants(parsed: ParsedReadout) -> dict[str, Participant]:
    keys = {name_key(p.name): p for p in parsed.participants}
    found = {p.name_key: p for p in Participant.objects.filter(name_key__in=keys)}
    new = [(key, p) for key, p in keys.items() if key not in found]
    slugs = unique_slugs([p.name for _, p in new])
    missing = [
        Participant(name=p.name, slug=slug, name_key=key, variants=sorted(set(p.variants)), country=p.country)
        for (key, p), slug in zip(new, slugs, strict=True)
    ]
    Participant.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        found = {p.name_key: p for p in Participant.objects.filter(name_key__in=keys)}
    for key, p in keys.items():
        person = found[key]
        variants = sorted(set(person.variants) | set(p.variants) | ({p.name} - {person.name}))
        if variants != person.variants or (p.country and not person.country):
            person.variants = variants
            person.country = person.country or p.country
            person.save(update_fields=["variants", "country"])
    return found


def refresh_meeting_topics(meeting: Meeting) -> None:
    topic_ids = (
        Statement.topics.through.objects.filter(statement__readout__meeting=meeting)
        .values_list("topic_id", flat=True)
        .distinct()
    )
    meeting.topics.set(list(topic_ids))


def _drop_if_empty(meeting: Meeting) -> None:
    if meeting.readouts.exists():
        refresh_meeting_topics(meeting)
        meeting.refresh_derived()
    else:
        meeting.delete()


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs for new participants that no participant has yet: "kim-min-su", "kim-min-su-2"."""
    wanted = [slugify(n)[:110] or "person" for n in names]
    taken: set[str] = set()
    if wanted:
        # Slugs hold only [a-z0-9-], so they go into the pattern as they are.
        pattern = r"^({})(-[0-9]+)?$".format("|".join(sorted(set(wanted))))
        taken = set(Participant.objects.filter(slug__regex=pattern).values_list("slug", flat=True))
    out = []
    for base in wanted:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out.append(slug)
    return out
