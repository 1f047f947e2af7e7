"""Builders for the tests of curation and publication (test_admin, test_publication): meetings
modelled on two of the seed readouts, cut to the statements the tests read, and a meeting's
version put on record as an import leaves it."""

from datetime import date

import reversion

from meetings.models import Level, Meeting
from tests.meetings.conftest import make_meeting

FRANK_EXCHANGES = (
    "At the end of the meeting the two leaders confirmed they will continue to hold frank exchanges of views"
    " with each other."
)
KISHIDA = "Minister Kishida stated the following"


def make_summit(**overrides) -> Meeting:
    """The Japan–ROK summit in Vladivostok on 7 September 2017 (seed 003) in two statements, the
    second FRANK_EXCHANGES; published unless told otherwise."""
    fields = {
        "date": date(2017, 9, 7),
        "level": Level.SUMMIT,
        "city": "Vladivostok",
        "country": "RUS",
        "title": "Japan-Republic of Korea (ROK) Summit Meeting",
        "statements": (
            "At the beginning, Prime Minister Abe expressed that he was pleased to meet President Moon again.",
            FRANK_EXCHANGES,
        ),
    }
    return make_meeting(**(fields | overrides))


def make_new_york_meeting(**overrides) -> Meeting:
    """The foreign ministers' meeting in New York on 18 September 2016 (seed 001) in one statement,
    in which KISHIDA; published unless told otherwise."""
    fields = {
        "date": date(2016, 9, 18),
        "city": "New York",
        "country": "USA",
        "title": "Japan-ROK Foreign Ministers' Meeting",
        "statements": (
            f'Regarding the issues of North Korea, {KISHIDA}: "I hope to strengthen pressure on North Korea."',
        ),
    }
    return make_meeting(**(fields | overrides))


def record_version(*, meeting: Meeting) -> Meeting:
    """Put the meeting as it stands on record, as an import does: one revision, by no user,
    holding the meeting with what reversion follows from it (readouts, statements, attendances,
    participants). Published, it is the meeting's version 1."""
    files = ", ".join(meeting.readouts.order_by("pk").values_list("file_name", flat=True))
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(f"Imported {files}")
        reversion.add_to_revision(meeting)
    return meeting
