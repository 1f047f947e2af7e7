"""Writing a parsed readout to the database: the one place that touches many models at once."""

import difflib
import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

import reversion
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from .caching import archive_changed
from .history import Snapshot, copy_rows, dump, next_ids, serialize, snapshots_from_database, write_snapshots
from .models import (
    CURATABLE_MEETING_FIELDS,
    Attendance,
    DateSource,
    Meeting,
    OfficeHolder,
    Participant,
    Readout,
    Statement,
    Status,
    Topic,
    new_statement_key,
)
from .readouts import ParsedParticipant, ParsedReadout, name_key, parse_readout
from .readouts.dates import make_date
from .readouts.gazetteer import SEPARATORS, Gazetteer, fold
from .readouts.parse import ROLE_RANK

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The parsed readout lacks what the archive needs to store it; the message says what."""


class AlreadyImported(Exception):
    """Files of a batch are in the archive already: another import wrote them since the batch was
    read. Written one by one, each says what it is now ("unchanged", "duplicate")."""


# PostgreSQL advisory lock of the archive's imports (a number of our own). Two imports writing at
# once would each miss what the other has not committed yet: its meetings (two meetings made of
# one meeting's two readouts), its participants and its files (a file imported twice).
IMPORT_LOCK = 15_001


def lock_imports() -> None:
    """Wait for any other import's write to commit; hold the lock until this transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


@dataclass
class WriteResult:
    # "created", "updated", "unchanged", or "duplicate": the text is in the archive already as
    # another file's, whose readout this is; nothing was written.
    outcome: str
    readout: Readout
    meeting: Meeting
    conflicts: list[str] = field(default_factory=list)


def topic_vocabulary() -> dict[str, list[str]]:
    """The topic vocabulary from the database, or from the fixture when there is none yet."""
    try:
        vocabulary = {t.slug: list(t.keywords) for t in Topic.objects.all()}
        if vocabulary:
            return vocabulary
    except DatabaseError:
        pass  # no tables yet (a dry run before migrate): the fixture still says what topics are
    rows = json.loads((settings.READOUT_FIXTURES / "topics.json").read_text(encoding="utf-8"))
    cjk = json.loads((settings.READOUT_FIXTURES / "topic_keywords_cjk.json").read_text(encoding="utf-8"))
    return {
        row["fields"]["slug"]: [*row["fields"]["keywords"], *cjk.get(row["fields"]["slug"], [])]
        for row in rows
        if row["model"] == "meetings.topic"
    }


def gazetteer_data() -> dict:
    """The gazetteer of office holders from the database, or from the fixture when there is none
    yet (a dry run before migrate)."""
    try:
        data = OfficeHolder.objects.gazetteer_data()
        if data["people"]:
            return data
    except DatabaseError:
        pass
    merged: dict = {"offices": [], "people": []}
    for path in sorted((settings.READOUT_FIXTURES / "gazetteer").glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        merged["offices"] += part["offices"]
        merged["people"] += part["people"]
    return merged


def read_readout(text: str) -> ParsedReadout:
    """Parse one text as the importer does, with the archive's topics and gazetteer, its date
    inferred from the other government's readout when the archive has it (the admin's upload)."""
    parsed = parse_readout(text, vocabulary=topic_vocabulary(), gazetteer=Gazetteer(gazetteer_data()))
    infer_dates([parsed])
    return parsed


def person_key(p: ParsedParticipant) -> str:
    """Who a participant is, whatever the spelling: the gazetteer's person, else the name's key."""
    return f"@{p.holder}" if p.holder else participant_key(p.name)


def participant_key(name: str) -> str:
    """A participant's stored name key: the name's Latin words, sorted; a name in another script
    (李京秀), which has none, as it is written."""
    return name_key(name) or SEPARATORS.sub("", fold(name))


def pair_key(parsed: ParsedReadout) -> str:
    """Two readouts of one meeting share its principals (and its date, give or take a day for
    time zones), whoever published them and in whatever language."""
    return "|".join(sorted(person_key(p) for p in parsed.principals))


def same_meeting(on: date | None, issuer: str, other_on: date | None, other_issuers: list[str]) -> bool:
    """Whether a readout of these principals on this date is of a meeting another readout of the
    same principals gives: the same date, or a day apart when another government published it
    (the two governments may write the date in their own time zones)."""
    if on is None or other_on is None:
        return False
    apart = abs((on - other_on).days)
    return apart == 0 or (apart == 1 and issuer not in other_issuers)


def date_from_pair(parsed: ParsedReadout, others: list[tuple[str, date, list[str]]]) -> date | None:
    """The date of the other government's readout of the same meeting: same principals, and the
    month and day this readout gives a day apart at most. `others` are (pair key, date, issuers)."""
    e = parsed.date_evidence
    if parsed.meeting_date or not (e.month and e.day) or len(parsed.principals) < 2:
        return None
    key = pair_key(parsed)
    found = set()
    for other_key, other_date, issuers in others:
        if other_key != key or parsed.issuer in issuers:
            continue
        for year in (other_date.year - 1, other_date.year, other_date.year + 1):
            candidate = make_date(year, e.month, e.day)
            if same_meeting(candidate, parsed.issuer, other_date, issuers):
                found.add(candidate)
    return found.pop() if len(found) == 1 else None


def infer_dates(items: list[ParsedReadout]) -> None:
    """Date the readouts that give a month and day but no year from the other government's
    readout of the same meeting, in this batch or in the archive."""
    undated = [p for p in items if p.meeting_date is None and p.date_evidence.month and len(p.principals) >= 2]
    if not undated:
        return
    others = [(pair_key(p), p.meeting_date, [p.issuer]) for p in items if p.meeting_date]
    try:
        keys = {pair_key(p) for p in undated}
        others += list(
            Meeting.objects.filter(pair_key__in=keys, date__isnull=False).values_list("pair_key", "date", "issuers")
        )
    except DatabaseError:
        pass  # no tables yet: the batch alone
    for parsed in undated:
        found = date_from_pair(parsed, others)
        if found:
            parsed.meeting_date = found
            parsed.date_source = DateSource.PAIRED_READOUT
            parsed.problems = [p for p in parsed.problems if not p.startswith("no meeting date")]


# The most statements one readout may hold: real readouts have tens; a file of many thousands is
# not one, and its page would hold a server's worker for seconds.
MAX_STATEMENTS = 2_000


def check_importable(parsed: ParsedReadout) -> None:
    if len(parsed.statements) > MAX_STATEMENTS:
        raise ImportRefused(f"{len(parsed.statements):,} paragraphs, more than a readout can hold ({MAX_STATEMENTS:,})")
    if not parsed.issuer:
        raise ImportRefused("the issuing government cannot be told from the text")
    if not parsed.statements:
        raise ImportRefused("no statements found in the text")


@transaction.atomic
def write_readout(
    *, parsed: ParsedReadout, file_name: str, text: str, publish: bool = False, action: str = "Imported", user=None
) -> WriteResult:
    """Import one file: a new one as a batch of one (write_new_readouts), a changed one by
    rewrite_readout(); a text the archive holds already writes nothing.

    A readout is its file: `file_name` is the file's path in the folder imported (import_readouts
    says how), and a text is imported once, whatever the path it is found at. The revision's
    comment is `action` and the file's name ("Imported x.txt", "Uploaded x.txt"), its user `user`.
    """
    check_importable(parsed)
    lock_imports()
    existing = Readout.objects.select_for_update().filter(file_name=file_name).select_related("meeting").first()
    if existing and existing.content_hash == parsed.content_hash:
        return WriteResult("unchanged", existing, existing.meeting)
    twin = Readout.objects.filter(content_hash=parsed.content_hash).select_related("meeting").order_by("pk").first()
    if twin:
        return WriteResult("duplicate", twin, twin.meeting)
    if existing is None:
        return write_new_readouts([NewReadout(file_name, text, parsed)], publish=publish, action=action, user=user)[0]
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(f"{action} {file_name}")
        reversion.set_user(user)
        return rewrite_readout(existing, parsed=parsed, text=text, publish=publish)


def rewrite_readout(readout: Readout, *, parsed: ParsedReadout, text: str, publish: bool) -> WriteResult:
    """Replace a readout's text with its file's changed text, its people and statements with the
    new text's, and add its meeting, as it stands afterwards, to the open revision.

    A re-import never moves a readout to another meeting (its permalink would change), never
    overwrites what a curator corrected, and lists what it could not apply as conflicts, which
    also flag the meeting for review. Statements keep their keys where the text is the same
    (carried_keys).
    """
    conflicts: list[str] = []
    key = pair_key(parsed)
    meeting = Meeting.objects.select_for_update().get(pk=readout.meeting_id)
    if meeting.pair_key != key or not (
        "date" in meeting.curated_fields or same_meeting(parsed.meeting_date, parsed.issuer, meeting.date, [])
    ):
        conflicts.append(
            f"the changed text gives another date or other principals ({parsed.meeting_date}, {key}); "
            "the readout stays with its meeting"
        )
    # The meeting's first readout sets its fields; a later one only fills what is missing.
    primary = not meeting.readouts.filter(pk__lt=readout.pk).exists()
    conflicts += _fill_meeting(meeting, parsed, primary=primary)
    if publish and meeting.status in (Status.DRAFT, Status.REVIEW):
        meeting.status = Status.PUBLISHED
    meeting.save()

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

    readout.attendances.all().delete()
    people, new_people = _participants(parsed.participants)
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                readout=readout,
                participant=people[person_key(p)],
                role=p.role,
                title=p.title[:300],
                country=p.country,
            )
            for p in attending(parsed.participants, people)
        ]
    )
    if readout.statements.filter(curated=True).exists():
        conflicts.append(
            f"a curator edited this readout's statements; the {len(parsed.statements)} statements of the changed "
            "text were not applied (the new text is kept as the readout's original)"
        )
    else:
        before = list(readout.statements.order_by("position"))
        carried, retired = carried_keys(before, [s.text for s in parsed.statements])
        readout.retired_anchors = list(dict.fromkeys([*readout.retired_anchors, *retired]))
        readout.save(update_fields=["retired_anchors"])
        readout.statements.all().delete()
        _create_statements(meeting, readout, parsed, people, carried)

    notes = review_notes(readout.file_name, parsed, set(new_people), conflicts)
    if notes:
        meeting.review_notes = list(dict.fromkeys([*meeting.review_notes, *notes]))
        meeting.needs_review = True
        meeting.save(update_fields=["review_notes", "needs_review", "modified"])
    meeting.record_change()
    return WriteResult("updated", readout, meeting, conflicts)


def review_notes(file_name: str, parsed: ParsedReadout, new_people: set[str], conflicts: list[str]) -> list[str]:
    """What a file leaves for a curator to check: the parser's doubts, the people the archive had
    not seen before (by person_key), and what could not be applied."""
    notes = [f"{file_name}: {p}" for p in parsed.problems]
    notes += [f"{file_name}: new participant {p.name}" for p in parsed.participants if person_key(p) in new_people]
    return notes + [f"{file_name}: {c}" for c in conflicts]


def carried_keys(before: list[Statement], texts: list[str]) -> tuple[list[tuple[str, list[str]] | None], list[str]]:
    """Which statement of a readout's earlier text each paragraph of its changed text continues.

    The two texts are aligned paragraph by paragraph (difflib): a paragraph found unchanged, or,
    in a changed stretch, the first one after the last match that is mostly the same as an old
    one (similarity 0.6 or more), keeps that statement's key and anchors, so links to it still lead
    to it. Return, for each new paragraph, the (key, anchors) it keeps or None, and the anchors
    of the statements that are gone.
    """
    old = [" ".join(s.text.split()) for s in before]
    new = [" ".join(t.split()) for t in texts]
    carried: list[tuple[str, list[str]] | None] = [None] * len(new)
    kept: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag not in ("equal", "replace"):
            continue
        j = j1
        for i in range(i1, i2):  # in order: the first paragraph of the stretch that is like it
            match = next(
                (
                    k
                    for k in range(j, j2)
                    if tag == "equal" or difflib.SequenceMatcher(None, old[i], new[k]).ratio() >= 0.6
                ),
                None,
            )
            if match is not None:
                carried[match] = (before[i].key, before[i].anchors)
                kept.add(i)
                j = match + 1
    retired = [a for i, s in enumerate(before) if i not in kept for a in s.all_anchors]
    return carried, retired


def _create_statements(
    meeting: Meeting,
    readout: Readout,
    parsed: ParsedReadout,
    people: dict[str, Participant],
    carried: list[tuple[str, list[str]] | None],
) -> None:
    topics = {t.slug: t for t in Topic.objects.all()}
    statements = Statement.objects.bulk_create(
        [
            Statement(
                readout=readout,
                meeting=meeting,
                position=s.position,
                **({"key": kept[0], "anchors": kept[1]} if kept else {}),
                number=s.number[:40],
                heading=s.heading[:300],
                text=s.text,
                joint=s.joint,
            )
            for s, kept in zip(parsed.statements, carried, strict=True)
        ]
    )
    by_name = {p.name: people[person_key(p)] for p in parsed.participants}
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


def _fill_meeting(meeting: Meeting, parsed: ParsedReadout, *, primary: bool) -> list[str]:
    """Set the meeting's fields from a readout; return what could not be applied.

    A new meeting takes everything. An existing one keeps what a curator edited (each
    difference is a conflict), and a second government's readout only fills what is empty.
    """
    values = {
        "date": parsed.meeting_date,
        "date_source": parsed.date_source,
        "title": (parsed.meeting_title or parsed.title)[:300] or "Meeting",
        "level": parsed.level,
        "format": parsed.format,
        "city": parsed.city,
        "country": parsed.country,
        "occasion": parsed.occasion[:255],
        "start_time": parsed.start_time,
        "duration_minutes": parsed.duration_minutes,
    }
    if meeting.pk is None:
        for name, value in values.items():
            setattr(meeting, name, value if value is not None else getattr(meeting, name))
        return []
    conflicts = []
    for name, value in values.items():
        current = getattr(meeting, name)
        if name in meeting.curated_fields or (name == "date_source" and "date" in meeting.curated_fields):
            if value not in (None, "") and value != current:
                conflicts.append(f"{name} stays {current!s} as a curator set it; the readout says {value!s}")
            continue
        if value not in (None, "") and (primary or current in (None, "", "other")):
            setattr(meeting, name, value)
    return conflicts


def _participants(parsed: list[ParsedParticipant]) -> tuple[dict[str, Participant], list[str]]:
    """The archive's participants for readouts' people, creating those not seen before. A person
    the gazetteer knows is one participant however the readouts spell them.

    Return them by person_key(), and the keys of those created.
    """
    spellings: dict[str, dict[str, None]] = {}
    first: dict[str, ParsedParticipant] = {}
    for p in parsed:
        key = person_key(p)
        first.setdefault(key, p)
        names = spellings.setdefault(key, {})
        for name in (p.name, *p.variants):
            names.setdefault(name)
        if p.country and not first[key].country:
            first[key] = p
    holders = OfficeHolder.objects.in_bulk([k[1:] for k in first if k.startswith("@")], field_name="slug")
    display = {key: holders[key[1:]].name if key[1:] in holders else p.name for key, p in first.items()}
    wanted = {key: participant_key(name) for key, name in display.items()}
    linked = {p.holder_id: p for p in Participant.objects.filter(holder__in=holders.values())}

    def lookup() -> dict[str, Participant]:
        by_name = {p.name_key: p for p in Participant.objects.filter(name_key__in=list(wanted.values()))}
        out = {}
        for key in first:
            holder = holders.get(key[1:])
            person = (linked.get(holder.pk) if holder else None) or by_name.get(wanted[key])
            if person:
                out[key] = person
        return out

    found = lookup()
    new = [key for key in first if key not in found]
    slugs = unique_slugs([display[key] for key in new])
    missing = [
        Participant(
            name=display[key],
            slug=slug,
            name_key=wanted[key],
            variants=sorted(set(spellings[key]) - {display[key]}),
            country=first[key].country,
            holder=holders.get(key[1:]),
        )
        for key, slug in zip(new, slugs, strict=True)
    ]
    Participant.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        found = lookup()
    changed = []
    for key, p in first.items():
        person = found[key]
        holder = holders.get(key[1:])
        variants = sorted((set(person.variants) | set(spellings[key])) - {person.name})
        if variants != person.variants or (p.country and not person.country) or (holder and not person.holder_id):
            person.variants = variants
            person.country = person.country or p.country
            if holder and not person.holder_id and holder.pk not in linked:
                person.holder = holder
            changed.append(person)
    Participant.objects.bulk_update(changed, ["variants", "country", "holder"], batch_size=1000)
    return found, list(new)


def attending(parsed: list[ParsedParticipant], people: dict[str, Participant]) -> list[ParsedParticipant]:
    """A readout's people, once each: two spellings the archive knows as one person (a name and
    its gazetteer holder) are one attendance, in the higher of their roles."""
    best: dict[int, ParsedParticipant] = {}
    for p in parsed:
        pk = people[person_key(p)].pk
        if pk not in best or ROLE_RANK[p.role] < ROLE_RANK[best[pk].role]:
            best[pk] = p
    return [p for p in parsed if best[people[person_key(p)].pk] is p]


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs for new participants that no participant has yet: "kim-min-su", "kim-min-su-2"."""
    wanted = [slugify(n)[:110] or "person" for n in names]
    taken = set(Participant.objects.filter(slug__in=set(wanted)).values_list("slug", flat=True))
    for base in list(taken):
        taken |= set(Participant.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
    out = []
    for base in wanted:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out.append(slug)
    return out


@dataclass
class NewReadout:
    file_name: str
    text: str
    parsed: ParsedReadout


@transaction.atomic
def write_new_readouts(
    items: list[NewReadout], *, publish: bool = False, action: str = "Imported", user=None
) -> list[WriteResult]:
    """Write readouts that are not in the archive yet (neither their paths nor their texts), each
    to the meeting another readout of it made (in the archive or in this batch) or to a new
    one: every new file takes this path, a folder's in batches, an upload as a batch of one.

    Rows are COPYed in with ids reserved beforehand, derived columns are recomputed by one
    UPDATE, and one revision is written for each meeting touched, its comment `action` and the
    files' names, its user `user`. All or nothing: the import command retries file by file
    when a batch fails, so that one bad file cannot stop the others. Imports write one at a
    time (lock_imports); AlreadyImported when another has written some of these files (or
    texts) since the caller looked.
    """
    archive_changed()  # once the batch commits: COPY sends no signals
    if not items:
        return []
    # The revision is history's own (write_snapshots); this one, left empty, is opened so that
    # the publication rules know who saves an earlier meeting a readout joins.
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user)
        return _write_new(items, publish=publish, action=action, user=user)


def _write_new(items: list[NewReadout], *, publish: bool, action: str, user) -> list[WriteResult]:
    for item in items:
        check_importable(item.parsed)
    lock_imports()
    there = Q(file_name__in=[item.file_name for item in items])
    there |= Q(content_hash__in=[item.parsed.content_hash for item in items])
    if Readout.objects.filter(there).exists():
        raise AlreadyImported
    keys = [pair_key(item.parsed) for item in items]
    people, new_people = _participants([p for item in items for p in item.parsed.participants])
    new_keys = set(new_people)
    # The meetings these readouts may belong to, by principals; then by date, a day apart at most.
    candidates: dict[str, list[Meeting]] = {}
    dated = [item.parsed.meeting_date for item in items if item.parsed.meeting_date]
    if dated:
        near = Meeting.objects.select_for_update().filter(
            pair_key__in=set(keys) - {""},
            date__range=(min(dated) - timedelta(days=1), max(dated) + timedelta(days=1)),
        )
        for m in near.order_by("pk"):
            candidates.setdefault(m.pair_key, []).append(m)
    existing_ids = {m.pk for ms in candidates.values() for m in ms}
    new_meetings = []
    conflicts: list[list[str]] = []
    slots: list[Meeting] = []
    for item, key in zip(items, keys, strict=True):
        on = item.parsed.meeting_date
        fitting = [
            m for m in candidates.get(key, []) if key and same_meeting(on, item.parsed.issuer, m.date, m.issuers)
        ]
        meeting = min(fitting, key=lambda m: abs((m.date - on).days), default=None)
        clashes = []
        if meeting is None:
            meeting = Meeting(pair_key=key, status=Status.PUBLISHED if publish else Status.DRAFT)
            _fill_meeting(meeting, item.parsed, primary=True)
            candidates.setdefault(key, []).append(meeting)
            new_meetings.append(meeting)
        elif meeting.pk in existing_ids:
            clashes = _fill_meeting(meeting, item.parsed, primary=False)
            if publish and meeting.status in (Status.DRAFT, Status.REVIEW):
                meeting.status = Status.PUBLISHED
        conflicts.append(clashes)
        slots.append(meeting)
        if item.parsed.issuer not in meeting.issuers:  # for the next readouts of this batch
            meeting.issuers = [*meeting.issuers, item.parsed.issuer]
        notes = review_notes(item.file_name, item.parsed, new_keys, clashes)
        meeting.review_notes = list(dict.fromkeys([*meeting.review_notes, *notes]))
        meeting.needs_review = meeting.needs_review or bool(notes)
    now = timezone.now()
    for pk, meeting in zip(next_ids("meetings_meeting", len(new_meetings)), new_meetings, strict=True):
        meeting.pk = pk
        meeting.created = meeting.modified = now
        meeting.published_at = now if meeting.status == Status.PUBLISHED else None
        meeting._state.adding, meeting._state.db = False, "default"
    copy_rows("meetings_meeting", MEETING_COLUMNS, ([getattr(m, c) for c in MEETING_COLUMNS] for m in new_meetings))

    readout_ids = next_ids("meetings_readout", len(items))
    readouts = [
        Readout(
            pk=rid,
            meeting=slot,
            file_name=item.file_name,
            issuer=item.parsed.issuer,
            title=item.parsed.title[:300],
            published_date=item.parsed.published_date,
            language=item.parsed.language,
            original_text=item.text,
            translation_note=item.parsed.translation_note,
            content_hash=item.parsed.content_hash,
            imported_at=now,
            problems=item.parsed.problems,
        )
        for rid, item, slot in zip(readout_ids, items, slots, strict=True)
    ]
    copy_rows("meetings_readout", READOUT_COLUMNS, ([getattr(r, c) for c in READOUT_COLUMNS] for r in readouts))

    attendances, statements, speakers, statement_topics = [], [], [], []
    topics = {t.slug: t.pk for t in Topic.objects.all()}
    for item, slot, readout in zip(items, slots, readouts, strict=True):
        meeting_id = slot.pk
        for p in attending(item.parsed.participants, people):
            attendances.append([meeting_id, readout.pk, people[person_key(p)].pk, p.role, p.title[:300], p.country])
        names = {p.name: people[person_key(p)].pk for p in item.parsed.participants}
        for s in item.parsed.statements:
            statements.append(
                [
                    readout.pk,
                    meeting_id,
                    s.position,
                    new_statement_key(),
                    [],
                    s.number[:40],
                    s.heading[:300],
                    s.text,
                    s.joint,
                    False,
                ]
            )
            speakers.append([names[n] for n in dict.fromkeys(s.speakers) if n in names])
            statement_topics.append([topics[t] for t in s.topics if t in topics])
    attendance_ids = next_ids("meetings_attendance", len(attendances))
    copy_rows(
        "meetings_attendance",
        ["id", *ATTENDANCE_COLUMNS],
        ([i, *row] for i, row in zip(attendance_ids, attendances, strict=True)),
    )
    statement_ids = next_ids("meetings_statement", len(statements))
    copy_rows(
        "meetings_statement",
        ["id", *STATEMENT_COLUMNS],
        ([i, *row] for i, row in zip(statement_ids, statements, strict=True)),
    )
    copy_rows(
        "meetings_statement_speakers",
        ["statement_id", "participant_id"],
        ((sid, pid) for sid, pids in zip(statement_ids, speakers, strict=True) for pid in pids),
    )
    copy_rows(
        "meetings_statement_topics",
        ["statement_id", "topic_id"],
        ((sid, tid) for sid, tids in zip(statement_ids, statement_topics, strict=True) for tid in tids),
    )

    touched = {slot.pk: slot for slot in slots}
    for pk in existing_ids & set(touched):  # rare: a second government's readout of an earlier meeting
        meeting = touched[pk]
        meeting.lock_version = F("lock_version") + 1
        meeting.save(
            update_fields=["status", "needs_review", "review_notes", "lock_version", *CURATABLE_MEETING_FIELDS]
        )
    Meeting.objects.filter(pk__in=list(touched)).refresh_derived()

    comments: dict[int, list[str]] = {}
    for item, slot in zip(items, slots, strict=True):
        comments.setdefault(slot.pk, []).append(item.file_name)
    comment = {pk: f"{action} {', '.join(names)}" for pk, names in comments.items()}
    snapshots = _snapshots_of_new(
        [m for m in new_meetings],
        comment,
        readouts,
        attendance_ids,
        attendances,
        statement_ids,
        statements,
        speakers,
        statement_topics,
        people,
    )
    snapshots += snapshots_from_database([pk for pk in touched if pk in existing_ids], comment)
    write_snapshots(snapshots, user_id=user.pk if user else None)
    return [
        WriteResult("created", readout, slot, found)
        for readout, slot, found in zip(readouts, slots, conflicts, strict=True)
    ]


# Every stored column of a meeting (the generated ones are PostgreSQL's to compute).
MEETING_COLUMNS = [f.attname for f in Meeting._meta.concrete_fields if not getattr(f, "generated", False)]
READOUT_COLUMNS = [
    "id",
    "meeting_id",
    "issuer",
    "title",
    "published_date",
    "source_url",
    "language",
    "original_text",
    "translation_note",
    "content_hash",
    "file_name",
    "imported_at",
    "problems",
    "retired_anchors",
]
ATTENDANCE_COLUMNS = ["meeting_id", "readout_id", "participant_id", "role", "title", "country"]
STATEMENT_COLUMNS = [
    "readout_id",
    "meeting_id",
    "position",
    "key",
    "anchors",
    "number",
    "heading",
    "text",
    "joint",
    "curated",
]


def _snapshots_of_new(
    meetings,
    comment,
    readouts,
    attendance_ids,
    attendances,
    statement_ids,
    statements,
    speakers,
    statement_topics,
    people,
) -> list[Snapshot]:
    """Revisions of meetings created in this batch, from the rows just written (no reading back)."""
    by_id = {m.pk: Snapshot(comment.get(m.pk, "")) for m in meetings}
    participants = {p.pk: p for p in people.values()}
    readout_repr = {}
    for m in meetings:
        by_id[m.pk].add(Meeting, m.pk, str(m), serialize(m))
    for r in readouts:
        readout_repr[r.pk] = str(r)
        if r.meeting_id in by_id:
            by_id[r.meeting_id].add(Readout, r.pk, readout_repr[r.pk], serialize(r))
    for sid, row, pids, tids in zip(statement_ids, statements, speakers, statement_topics, strict=True):
        readout_id, meeting_id, position, key, anchors, number, heading, text, joint, curated = row
        if meeting_id in by_id:
            fields = {
                "readout": readout_id,
                "meeting": meeting_id,
                "position": position,
                "key": key,
                "anchors": json.dumps(anchors),  # as ArrayField.value_to_string gives it
                "number": number,
                "heading": heading,
                "text": text,
                "joint": joint,
                "curated": curated,
                "speakers": pids,
                "topics": tids,
            }
            label = f"{readout_repr[readout_id]} §{number or position}"
            by_id[meeting_id].add(Statement, sid, label, dump("meetings.statement", sid, fields))
    seen = set()
    for aid, row in zip(attendance_ids, attendances, strict=True):
        meeting_id, readout_id, participant_id, role, title, country = row
        if meeting_id not in by_id:
            continue
        person = participants[participant_id]
        fields = {
            "meeting": meeting_id,
            "readout": readout_id,
            "participant": participant_id,
            "role": role,
            "title": title,
            "country": country,
        }
        by_id[meeting_id].add(Attendance, aid, f"{person} ({role})", dump("meetings.attendance", aid, fields))
        if (meeting_id, participant_id) not in seen:
            seen.add((meeting_id, participant_id))
            by_id[meeting_id].add(Participant, participant_id, str(person), serialize(person))
    return list(by_id.values())
