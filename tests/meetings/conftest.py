"""Staff accounts in the two roles, for the tests of curation, and builders of the archive's
records."""

import hashlib
import itertools
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.text import slugify

from meetings.models import (
    Attendance,
    Format,
    Level,
    Meeting,
    Participant,
    Readout,
    Role,
    Statement,
    Status,
    Topic,
)


def make_user(role: str) -> User:
    user = User.objects.create_user(role.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def curator():
    return make_user("Curator")


@pytest.fixture
def editor():
    return make_user("Editor")


# Builders, as Princeton-CDH/geniza's conftest has them: plain functions, keyword-only, each
# making one object with sensible defaults that a test overrides. Only import tests import files.
_serial = itertools.count(1)


def make_participant(*, name: str = "", **overrides) -> Participant:
    """A participant; its slug and name key follow from its name."""
    name = name or f"Person {next(_serial)}"
    fields = {"name": name, "slug": slugify(name), "name_key": " ".join(sorted(name.lower().split())), "country": "JPN"}
    return Participant.objects.create(**(fields | overrides))


def make_topic(**overrides) -> Topic:
    n = next(_serial)
    return Topic.objects.create(**({"slug": f"topic-{n}", "name": f"Topic {n}"} | overrides))


def make_meeting(
    *,
    statements: tuple[str | dict, ...] = ("The two ministers met and discussed cooperation.",),
    issuers: tuple[str, ...] = ("JPN",),
    principals: tuple[Participant, ...] = (),
    attendees: tuple[Participant | dict, ...] = (),
    topics: tuple[Topic, ...] = (),
    **overrides,
) -> Meeting:
    """A meeting with one readout per issuer, each of these statements, and these principals and
    then these attendees; published unless told otherwise.

    A statement is its text, about these topics and numbered by its position, or a dict of a
    statement's fields with its `speakers` and `topics` (and an `issuer`: in that readout only). An attendee is a participant, or a dict
    of an attendance's fields (`participant`, `role`: attendee unless told, `title`, `country`).
    """
    n = next(_serial)
    fields = {
        "date": date(2017, 12, 19),
        "level": Level.FOREIGN_MINISTERS,
        "format": Format.IN_PERSON,
        "country": "JPN",
        "title": f"Japan–Republic of Korea Foreign Ministers' Meeting {n}",
        "pair_key": f"builder-{n}",
        "status": Status.PUBLISHED,
    }
    meeting = Meeting.objects.create(**(fields | overrides))
    said = [{"text": s} if isinstance(s, str) else s for s in statements]
    attending = [
        *({"participant": p, "role": Role.PRINCIPAL} for p in principals),
        *({"participant": a} if isinstance(a, Participant) else a for a in attendees),
    ]
    for issuer in issuers:
        mine = [s for s in said if s.get("issuer", issuer) == issuer]
        text = "\n".join(s["text"] for s in mine)
        readout = Readout.objects.create(
            meeting=meeting,
            issuer=issuer,
            title=meeting.title,
            original_text=text,
            content_hash=hashlib.sha256(f"{n}{issuer}{text}".encode()).hexdigest(),
            file_name=f"builder-{n}-{issuer.lower()}.txt",
            imported_at=timezone.now(),
        )
        for position, row in enumerate(mine, start=1):
            row = {"number": str(position)} | row
            row.pop("issuer", None)
            speakers, about = row.pop("speakers", ()), row.pop("topics", topics)
            statement = Statement.objects.create(readout=readout, meeting=meeting, position=position, **row)
            statement.speakers.set(speakers)
            statement.topics.set(about)
        for row in attending:
            Attendance.objects.create(meeting=meeting, readout=readout, **({"role": Role.ATTENDEE} | row))
    meeting.refresh_derived()
    return meeting
