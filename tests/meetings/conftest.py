"""Staff accounts in the two roles, for the tests of curation, and builders of the archive's
records."""

import hashlib
import itertools
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

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


def make_participant(**overrides) -> Participant:
    n = next(_serial)
    fields = {"name": f"Person {n}", "slug": f"person-{n}", "name_key": f"{n} person", "country": "JPN"}
    return Participant.objects.create(**(fields | overrides))


def make_topic(**overrides) -> Topic:
    n = next(_serial)
    return Topic.objects.create(**({"slug": f"topic-{n}", "name": f"Topic {n}"} | overrides))


def make_meeting(
    *,
    statements: tuple[str, ...] = ("The two ministers met and discussed cooperation.",),
    issuers: tuple[str, ...] = ("JPN",),
    principals: tuple[Participant, ...] = (),
    topics: tuple[Topic, ...] = (),
    **overrides,
) -> Meeting:
    """A meeting with one readout per issuer, each of these statements (each about these
    topics), and these principals; published unless told otherwise."""
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
    for issuer in issuers:
        text = "\n".join(statements)
        readout = Readout.objects.create(
            meeting=meeting,
            issuer=issuer,
            title=meeting.title,
            original_text=text,
            content_hash=hashlib.sha256(f"{n}{issuer}{text}".encode()).hexdigest(),
            file_name=f"builder-{n}-{issuer.lower()}.txt",
            imported_at=timezone.now(),
        )
        for position, sentence in enumerate(statements, start=1):
            statement = Statement.objects.create(
                readout=readout, meeting=meeting, position=position, number=str(position), text=sentence
            )
            statement.topics.set(topics)
        for person in principals:
            Attendance.objects.create(meeting=meeting, readout=readout, participant=person, role=Role.PRINCIPAL)
    meeting.refresh_derived()
    return meeting
