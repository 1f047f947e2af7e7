"""The whole published archive as a citable, versioned dataset: CSV tables (meetings, readouts,
statements, people, attendances, topics) described by a Frictionless Data Package
(datapackage.json, https://specs.frictionlessdata.io/), and the meetings as JSON Lines, in one
zip file with its SHA-256 checksum beside it (manage.py export_dataset). The site offers the
newest at /data/.

What is in it is what readers see: published meetings only, each as its page shows it (its last
published version while a change waits for an Editor, exports.public_view).
"""

import csv
import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import exports
from .citations import ARCHIVE
from .models import Meeting

NAME = "readout-archive"
LICENCE_NOTE = (
    "The readouts are official publications of the governments that issued them, reproduced verbatim;"
    " their reuse is governed by each government's terms for its publications. What the archive adds"
    " (identifiers, dates it established, people, topics, the division into statements) is offered"
    " under the Creative Commons Attribution 4.0 licence (CC BY 4.0)."
)

# Each table's columns: (name, Frictionless type, description). Lists are joined by "; ".
TABLES = {
    "meetings": [
        ("id", "string", "The meeting's identifier in the archive: its permalink is /meetings/<id>/"),
        ("version", "integer", "The public version of the meeting the row is (0: none recorded yet)"),
        ("permalink", "string", "The meeting's lasting address"),
        ("version_permalink", "string", "The address of that version, which never changes"),
        ("date", "date", "The meeting's date, empty when no evidence settles it"),
        ("date_source", "string", "How the date was found, when the readout does not state it in full"),
        ("title", "string", "The meeting's title"),
        ("level", "string", "summit, foreign-ministers, vice-ministers or other"),
        ("format", "string", "in-person, telephone or video"),
        ("city", "string", "Where it was held"),
        ("country", "string", "ISO 3166 alpha-3 of where it was held"),
        ("occasion", "string", "The occasion it was held on"),
        ("start_time", "time", "When it began (local time), if the readout says"),
        ("duration_minutes", "integer", "How long it lasted, if the readout says"),
        ("issuers", "string", "ISO 3166 alpha-3 of the governments whose readouts are held, joined by '; '"),
        ("topics", "string", "The slugs of its statements' topics (topics.csv), joined by '; '"),
        ("published_at", "datetime", "When the archive first published it (UTC)"),
    ],
    "readouts": [
        ("meeting_id", "string", "The meeting (meetings.csv)"),
        ("issuer", "string", "ISO 3166 alpha-3 of the government that issued it"),
        ("title", "string", "Its title as published"),
        ("published_date", "date", "When the government published it, if known"),
        ("language", "string", "Its language (BCP 47)"),
        ("source_url", "string", "Where the government published it"),
        ("translation_note", "string", "Whether it is the government's own translation"),
        ("content_sha256", "string", "SHA-256 of the text as imported"),
        ("text", "string", "The readout's text as imported"),
    ],
    "statements": [
        ("meeting_id", "string", "The meeting (meetings.csv)"),
        ("issuer", "string", "The government whose readout it is in (readouts.csv)"),
        ("statement", "string", "Its key, which anchors it on the meeting's page (#s<key>)"),
        ("position", "integer", "Its place in the readout, from 1"),
        ("number", "string", "Its number as the readout prints it"),
        ("heading", "string", "The heading it stands under, if any"),
        ("speakers", "string", "The slugs of those the readout attributes it to (people.csv), joined by '; '"),
        ("topics", "string", "The slugs of its topics (topics.csv), joined by '; '"),
        ("text", "string", "Its text, as the readout gives it"),
    ],
    "people": [
        ("slug", "string", "The person's identifier: their page is /people/<slug>/"),
        ("name", "string", "Their name as the archive writes it"),
        ("country", "string", "ISO 3166 alpha-3 of the government they served"),
        ("office_holder", "string", "Their entry in the archive's gazetteer of office holders, if any"),
    ],
    "attendances": [
        ("meeting_id", "string", "The meeting (meetings.csv)"),
        ("issuer", "string", "The government whose readout records it; empty if a curator added it"),
        ("person", "string", "The person (people.csv)"),
        ("role", "string", "principal, attendee or mentioned"),
        ("title", "string", "Their title as that readout gives it"),
        ("country", "string", "ISO 3166 alpha-3 of the side they were on"),
    ],
    "topics": [
        ("slug", "string", "The topic's identifier: its page is /topics/<slug>/"),
        ("name", "string", "Its name"),
        ("description", "string", "What it covers"),
    ],
}
PRIMARY_KEYS = {
    "meetings": ["id"],
    "people": ["slug"],
    "topics": ["slug"],
}
FOREIGN_KEYS = {
    "readouts": [("meeting_id", "meetings", "id")],
    "statements": [("meeting_id", "meetings", "id")],
    "attendances": [("meeting_id", "meetings", "id"), ("person", "people", "slug")],
}


@dataclass
class Dataset:
    path: Path  # the zip file
    version: str
    created: datetime
    sha256: str
    meetings: int
    size: int

    @property
    def citation(self) -> str:
        return f"{ARCHIVE}. {ARCHIVE} dataset, version {self.version}. {self.created:%-d %B %Y}."


def cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dataset_dir() -> Path:
    return Path(settings.DATASET_DIR)


def write_dataset(*, version: str, directory: Path | None = None, base_url: str) -> Dataset:
    """Write the dataset of the published archive as it stands into `directory`, as
    readout-archive-<version>.zip and its .sha256; written whole under a temporary name, then
    renamed, so that a reader of /data/ never gets half a file. `base_url` makes the permalinks."""
    directory = directory or dataset_dir()
    directory.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    absolute = lambda path: base_url.rstrip("/") + path  # noqa: E731
    people: dict[str, dict] = {}
    topics: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=directory) as work:
        work = Path(work)
        files = {name: (work / f"{name}.csv").open("w", newline="", encoding="utf-8") for name in TABLES}
        writers = {name: csv.writer(f) for name, f in files.items()}
        for name, columns in TABLES.items():
            writers[name].writerow([c[0] for c in columns])
        count = 0
        meetings = Meeting.objects.published().order_by("date", "pk")
        with (work / "meetings.jsonl").open("w", encoding="utf-8") as lines:
            for meeting in exports.with_readouts(meetings.with_versions()).iterator(chunk_size=exports.CHUNK):
                view = exports.public_view(meeting)
                number = meeting.version_number
                shown = view.meeting
                url = absolute(shown.get_absolute_url())
                row = exports.meeting_row(view, number, absolute)
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")
                writers["meetings"].writerow(
                    cell(v)
                    for v in [
                        meeting.public_id,
                        number,
                        url,
                        row["version_permalink"],
                        shown.date,
                        shown.date_source,
                        shown.title,
                        shown.level,
                        shown.format,
                        shown.city,
                        shown.country,
                        shown.occasion,
                        shown.start_time,
                        shown.duration_minutes,
                        view.issuers,
                        [t.slug for t in view.topics],
                        meeting.published_at,
                    ]
                )
                for readout in view.readouts:
                    writers["readouts"].writerow(
                        cell(v)
                        for v in [
                            meeting.public_id,
                            readout.issuer,
                            readout.title,
                            readout.published_date,
                            readout.language,
                            readout.source_url,
                            readout.translation_note,
                            readout.content_hash,
                            readout.original_text,
                        ]
                    )
                    for s in readout.statements:
                        writers["statements"].writerow(
                            cell(v)
                            for v in [
                                meeting.public_id,
                                readout.issuer,
                                s.ref,
                                s.position,
                                s.number,
                                s.heading,
                                [p.slug for p in s.speakers],
                                [t.slug for t in s.topics],
                                s.text,
                            ]
                        )
                        for p in s.speakers:
                            people.setdefault(p.slug, person(p))
                        for t in s.topics:
                            topics.setdefault(t.slug, {"slug": t.slug, "name": t.name, "description": t.description})
                issuer_of = {r.pk: r.issuer for r in view.readouts}
                for a in view.attendances:
                    people.setdefault(a.participant.slug, person(a.participant))
                    writers["attendances"].writerow(
                        cell(v)
                        for v in [
                            meeting.public_id,
                            issuer_of.get(a.readout_id, ""),
                            a.participant.slug,
                            a.role,
                            a.title,
                            a.country,
                        ]
                    )
                for t in view.topics:
                    topics.setdefault(t.slug, {"slug": t.slug, "name": t.name, "description": t.description})
                count += 1
        for p in sorted(people.values(), key=lambda p: p["slug"]):
            writers["people"].writerow(cell(p[c[0]]) for c in TABLES["people"])
        for t in sorted(topics.values(), key=lambda t: t["slug"]):
            writers["topics"].writerow(cell(t[c[0]]) for c in TABLES["topics"])
        for f in files.values():
            f.close()
        package = datapackage(version, created, base_url)
        (work / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
        stem = f"{NAME}-{version}"
        partial = work / f"{stem}.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in ["datapackage.json", *(f"{t}.csv" for t in TABLES), "meetings.jsonl"]:
                archive.write(work / name, f"{stem}/{name}")
        digest = sha256_of(partial)
        target = directory / f"{stem}.zip"
        partial.replace(target)
        (directory / f"{stem}.zip.sha256").write_text(f"{digest}  {target.name}\n", encoding="utf-8")
        (directory / f"{stem}.json").write_text(
            json.dumps({"version": version, "created": created.isoformat(), "meetings": count, "sha256": digest}),
            encoding="utf-8",
        )
    return Dataset(target, version, created, digest, count, target.stat().st_size)


def person(participant) -> dict:
    holder = getattr(participant, "holder", None) if participant.holder_id else None
    return {
        "slug": participant.slug,
        "name": participant.name,
        "country": participant.country,
        "office_holder": holder.slug if holder else "",
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def datapackage(version: str, created: datetime, base_url: str) -> dict:
    """The Frictionless Data Package that describes every table and column."""
    resources = []
    for name, columns in TABLES.items():
        schema = {
            "fields": [{"name": c, "type": t, "description": d} for c, t, d in columns],
            "missingValues": [""],
        }
        if name in PRIMARY_KEYS:
            schema["primaryKey"] = PRIMARY_KEYS[name]
        if name in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": resource, "fields": target}}
                for field, resource, target in FOREIGN_KEYS[name]
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    resources.append(
        {
            "name": "meetings-jsonl",
            "path": "meetings.jsonl",
            "type": "file",  # objects with lists in them, not a table (for Frictionless v5)
            "format": "jsonl",
            "mediatype": "application/jsonl",
            "encoding": "utf-8",
            "description": "One JSON object per meeting, with every readout's statements as its text"
            " (the columns of the meeting list's JSON Lines download).",
        }
    )
    return {
        "profile": "data-package",  # tabular tables, and the JSON Lines beside them
        "name": NAME,
        "title": f"{ARCHIVE}: official readouts of Japan–Republic of Korea meetings",
        "description": "Every meeting the Readout Archive has published, as its pages show it: the"
        " governments' readouts, divided into statements, with who took part and the topics raised.",
        "version": version,
        "created": created.isoformat(),
        "homepage": base_url.rstrip("/") + "/data/",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 (the archive's additions)",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "rights": LICENCE_NOTE,
        "resources": resources,
    }


def latest() -> Dataset | None:
    """The newest dataset written, from what export_dataset left beside its zip files."""
    found = []
    for meta in dataset_dir().glob(f"{NAME}-*.json"):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            path = meta.with_suffix(".zip")
            found.append(
                Dataset(
                    path,
                    data["version"],
                    datetime.fromisoformat(data["created"]),
                    data["sha256"],
                    data["meetings"],
                    path.stat().st_size,
                )
            )
        except (OSError, ValueError, KeyError):
            continue  # a file half-written or removed: not offered
    return max(found, key=lambda d: d.created, default=None)
