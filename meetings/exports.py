"""The archive as data: the meetings or statements of a list as rows (for CSV and JSON Lines
downloads and the bulk dataset), and their citations.

A row holds what a reader of the meeting's page sees: the meeting as it stands, or, while an
Editor has still to publish a curator's change, its last published version (versions.py). Each
row names the version it is, and the permalink pinned to it.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from .models import Attendance, Format, Level, Meeting, Readout, Role, Statement, country_name
from .versions import MeetingView, live_view, public_versions, version_view

CHUNK = 200  # meetings or statements read from PostgreSQL at a time

MEETING_COLUMNS = {
    "id": "The meeting's identifier in the archive",
    "permalink": "Its lasting address",
    "version": "The public version the row is (0: published before versions were recorded)",
    "version_permalink": "The address of that version, which never changes",
    "date": "The meeting's date (ISO 8601), empty (null in JSON) when unknown",
    "title": "Its title",
    "level": "Its level: " + ", ".join(Level.values),
    "format": "How it was held: " + ", ".join(Format.values),
    "city": "Where it was held",
    "country": "ISO 3166 alpha-3 of where it was held",
    "place": "City and country, as the pages show them",
    "occasion": "The occasion it was held on, such as a summit of many countries",
    "principals": "The principals, as the archive names them",
    "issuers": "ISO 3166 alpha-3 of the governments whose readouts the archive holds",
    "topics": "The topics of its statements",
    "speakers": "Everyone a statement is attributed to",
    "sources": "The addresses at which the governments published their readouts",
    "text": "Each readout's statements, in order, each readout headed by its government",
}

STATEMENT_COLUMNS = {
    "meeting_id": "The meeting's identifier in the archive",
    "statement": "The statement's key, which anchors it on the meeting's page",
    "permalink": "The statement's lasting address",
    "version": "The public version of the meeting the row is from",
    "version_permalink": "The statement in that version",
    "date": "The meeting's date (ISO 8601), empty (null in JSON) when unknown",
    "meeting_title": "The meeting's title",
    "level": "The meeting's level",
    "format": "The meeting's format",
    "place": "Where the meeting was held",
    "principals": "The meeting's principals",
    "issuer": "ISO 3166 alpha-3 of the government whose readout it is in",
    "language": "The readout's language (BCP 47)",
    "number": "Its number as the readout prints it",
    "heading": "The heading it stands under, if any",
    "speakers": "Whom the readout attributes it to",
    "topics": "Its topics",
    "text": "Its text, as the readout gives it",
}


def with_readouts(meetings):
    """Meetings with everything their rows hold: readouts, statements with their speakers and
    topics, attendances with their people, topics."""
    return meetings.defer("search_text", "search_vector").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.in_role_order()),
        Prefetch(
            "readouts",
            queryset=Readout.objects.order_by("issuer", "pk").prefetch_related(
                Prefetch(
                    "statements",
                    queryset=Statement.objects.defer("search_vector")
                    .prefetch_related("speakers", "topics")
                    .order_by("position"),
                )
            ),
        ),
        "topics",
    )


def public_view(meeting: Meeting) -> MeetingView:
    """The meeting as readers see it (MeetingDetailView): its last published version while a
    change waits for an Editor, else as it stands. `meeting` has `version_number`
    (MeetingQuerySet.with_versions)."""
    if meeting.changes_pending and meeting.version_number:
        return version_view(meeting, public_versions(meeting)[-1])
    return live_view(meeting)


def names(people) -> list[str]:
    return list(dict.fromkeys(p.name for p in people))


def meeting_row(view: MeetingView, number: int, absolute) -> dict:
    meeting = view.meeting
    url = absolute(meeting.get_absolute_url())
    statements = [s for r in view.readouts for s in r.statements]
    principals = [a.participant for side in view.sides for a in side["attendances"] if a.role == Role.PRINCIPAL]
    return {
        "id": meeting.public_id,
        "permalink": url,
        "version": number,
        "version_permalink": f"{url}v/{number}/" if number else url,
        "date": meeting.date.isoformat() if meeting.date else None,
        "title": meeting.title,
        "level": meeting.level,
        "format": meeting.format,
        "city": meeting.city,
        "country": meeting.country,
        "place": meeting.place,
        "occasion": meeting.occasion,
        "principals": names(principals),
        "issuers": view.issuers,
        "topics": [t.name for t in view.topics],
        "speakers": names(p for s in statements for p in s.speakers),
        "sources": [r.source_url for r in view.readouts if r.source_url],
        "text": "\n\n".join(
            "\n".join([f"[{country_name(r.issuer)}]", *(s.text for s in r.statements)]) for r in view.readouts
        ),
    }


def statement_row(view: MeetingView, readout, statement, number: int, absolute) -> dict:
    meeting = view.meeting
    url = absolute(meeting.get_absolute_url())
    principals = [a.participant for side in view.sides for a in side["attendances"] if a.role == Role.PRINCIPAL]
    return {
        "meeting_id": meeting.public_id,
        "statement": statement.ref,
        "permalink": f"{url}#{statement.anchor}",
        "version": number,
        "version_permalink": f"{url}v/{number}/#{statement.anchor}" if number else f"{url}#{statement.anchor}",
        "date": meeting.date.isoformat() if meeting.date else None,
        "meeting_title": meeting.title,
        "level": meeting.level,
        "format": meeting.format,
        "place": meeting.place,
        "principals": names(principals),
        "issuer": readout.issuer,
        "language": readout.language,
        "number": statement.number,
        "heading": statement.heading,
        "speakers": names(statement.speakers),
        "topics": [t.name for t in statement.topics],
        "text": statement.text,
    }


def meeting_rows(meetings, absolute) -> Iterator[dict]:
    """A row for each of these meetings, in their order; `absolute` makes a path an address."""
    for meeting in with_readouts(meetings.with_versions()).iterator(chunk_size=CHUNK):
        yield meeting_row(public_view(meeting), meeting.version_number, absolute)


def public_views(ids) -> dict[int, tuple[Meeting, MeetingView]]:
    """These meetings (with_versions) and what readers see of them, by id: a few queries."""
    meetings = with_readouts(Meeting.objects.with_versions().filter(pk__in=set(ids)))
    return {m.pk: (m, public_view(m)) for m in meetings}


def shown_statements(views: dict[int, tuple[Meeting, MeetingView]]) -> dict[tuple, tuple]:
    """Each statement readers see of these meetings, with its readout: found by (meeting id,
    statement id) in a meeting as it stands, by (meeting id, key) in a version."""
    return {
        (pk, s.pk if view.version is None else s.key): (r, s)
        for pk, (_, view) in views.items()
        for r in view.readouts
        for s in r.statements
    }


def statement_rows(statements, absolute) -> Iterator[dict]:
    """A row for each of these statements, in their order, as readers see it: of a meeting whose
    change waits for an Editor, the statement with the same key in its last published version
    (none, if that version has no such statement)."""
    for chunk in chunked(statements.values_list("pk", "meeting_id", "key").iterator(chunk_size=CHUNK), CHUNK):
        views = public_views(meeting_id for _, meeting_id, _ in chunk)
        shown = shown_statements(views)
        for pk, meeting_id, key in chunk:
            meeting, view = views[meeting_id]
            found = shown.get((meeting_id, pk if view.version is None else key))
            if found:
                yield statement_row(view, *found, meeting.version_number, absolute)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- Formats -----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula


def spreadsheet_cell(value) -> str | int:
    """A value as a CSV cell: lists joined by "; ", and text a spreadsheet would run as a formula
    (=, +, -, @, a tab or a carriage return first) quoted with a leading apostrophe, as OWASP
    advises; the apostrophe does not show in the spreadsheet."""
    if isinstance(value, list):
        value = "; ".join(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Lines:
    """A file-like object whose write returns what is written (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[dict], columns: Iterable[str]) -> Iterator[str]:
    """CSV for a spreadsheet: UTF-8 with a byte order mark (so Excel reads it as UTF-8), a header
    row, every cell quoted as needed, formulas neutralised (spreadsheet_cell)."""
    writer = csv.writer(Lines())
    columns = list(columns)
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([spreadsheet_cell(row[c]) for c in columns])


def json_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
