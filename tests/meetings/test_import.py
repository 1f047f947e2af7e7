"""The import_readouts command against the real database."""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from reversion.models import Revision, Version

from meetings.importing import NewReadout, read_readout, write_new_readouts
from meetings.management.commands.import_readouts import PARALLEL_FROM
from meetings.models import Attendance, Meeting, OfficeHolder, Participant, Readout, Statement, Status, Topic
from tests.conftest import SEEDS, seed_path, seed_text

pytestmark = pytest.mark.django_db

KOREAN_READOUT_OF_SEED_000 = """Press Releases

Outcome of ROK-Japan Foreign Ministers' Meeting

Date
2018-03-17
hit
12

1. Minister of Foreign Affairs Kang Kyung-wha held a ROK-Japan foreign ministers' meeting with Minister for Foreign Affairs of Japan Taro Kono on March 17 and exchanged views on the Korean Peninsula.

2. Minister Kang explained the outcome of the special envoys' visit to the North.

3. The two Ministers agreed to continue close communication.
"""


def run(*args):
    out, err = [], []

    class Sink:
        def __init__(self, target):
            self.target = target

        def write(self, text):
            self.target.append(text)

        def flush(self):
            pass

    call_command("import_readouts", *args, stdout=Sink(out), stderr=Sink(err))
    return "".join(out), "".join(err)


def test_import_of_the_seeds_creates_five_meetings():
    out, _ = run(str(SEEDS))
    assert out.strip().endswith("5 files: 5 created")
    assert Meeting.objects.count() == 5
    assert Readout.objects.count() == 5
    assert Statement.objects.count() == 5 + 3 + 20 + 5 + 9
    meeting = Meeting.objects.get(date=date(2012, 4, 7))
    assert (meeting.city, meeting.country, meeting.level) == ("Ningbo", "CHN", "foreign-ministers")
    assert meeting.readouts.get().published_date == date(2012, 4, 25)
    # The gazetteer knows him: one participant under the archive's spelling, the readout's kept.
    seo = Attendance.objects.get(participant__holder__slug="suh-hoon")
    assert (seo.role, seo.participant.name, seo.participant.variants) == ("mentioned", "Suh Hoon", ["Seo Hoon"])


def test_reimport_of_same_file_changes_nothing():
    run(str(SEEDS))
    before = list(Readout.objects.values_list("pk", "imported_at", "meeting__public_id"))
    statements = list(Statement.objects.values_list("pk", flat=True))
    out, _ = run(str(SEEDS))
    assert out.strip().endswith("5 files: 5 unchanged")
    assert list(Readout.objects.values_list("pk", "imported_at", "meeting__public_id")) == before
    assert list(Statement.objects.values_list("pk", flat=True)) == statements


def test_changed_file_updates_its_readout_and_keeps_the_permalink(tmp_path):
    path = tmp_path / seed_path("003").name
    shutil.copy(seed_path("003"), path)
    run(str(path))
    public_id = Meeting.objects.get().public_id
    path.write_text(path.read_text(encoding="utf-8").replace("frank exchanges", "candid exchanges"), encoding="utf-8")
    out, _ = run(str(path))
    assert out.strip().endswith("1 files: 1 updated")
    assert Readout.objects.count() == 1 and Meeting.objects.get().public_id == public_id
    assert Statement.objects.filter(text__contains="candid exchanges").count() == 1
    assert Statement.objects.filter(text__contains="frank exchanges").count() == 0


def test_two_governments_readouts_of_one_meeting_attach_to_one_meeting(tmp_path):
    korean = tmp_path / "kor_2018_03_17.txt"
    korean.write_text(KOREAN_READOUT_OF_SEED_000, encoding="utf-8")
    run(str(seed_path("000")), str(korean))
    meeting = Meeting.objects.get()
    assert sorted(meeting.readouts.values_list("issuer", flat=True)) == ["JPN", "KOR"]
    assert Participant.objects.filter(name__in=["Taro Kono", "Kang Kyung-wha"]).count() == 2


def test_the_other_governments_readout_imported_with_publish_publishes_the_draft_it_joins(tmp_path):
    run(str(seed_path("000")))
    meeting = Meeting.objects.get()
    assert meeting.status == Status.DRAFT
    korean = tmp_path / "kor_2018_03_17.txt"
    korean.write_text(KOREAN_READOUT_OF_SEED_000, encoding="utf-8")
    run("--publish", str(korean))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.issuers, meeting.readouts.count()) == (Status.PUBLISHED, ["JPN", "KOR"], 2)
    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(meeting)]
    assert comments == ["Imported kor_2018_03_17.txt", f"Imported {seed_path('000').name}"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not text"),
        (b"Caf\xe9 meeting held with Mr. Jean Dupont", "is not UTF-8 text (byte 3 cannot be decoded)"),
        (
            b"A list of recipes.\n\nBread and butter.",
            "no sentence says who met whom; this does not look like a meeting readout",
        ),
        (
            b"1. Foreign Minister Kim Min-su met with his Japanese counterpart Taro Yamada on September 25 and exchanged views.",
            "no meeting date: the text does not say in which year the meeting was held",
        ),
        (
            "日韓外相会談を行った。岸田外務大臣".encode(),
            "the readout is written in Japanese; the importer reads English readouts only",
        ),
    ],
)
def test_bad_file_is_reported_and_nothing_of_it_is_written(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        out, _ = run(str(bad), str(seed_path("003")))
    assert str(excinfo.value) == "1 of 2 files failed"
    assert Readout.objects.filter(file_name="bad.txt").count() == 0
    assert Readout.objects.count() == 1  # the good file went on


def test_bad_file_message_names_the_file_and_the_reason(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    with pytest.raises(CommandError):
        call_command("import_readouts", str(bad), stdout=Sink(), stderr=Sink())
    assert "empty.txt: the file is empty" in "".join(out)


def test_missing_path_is_a_command_error():
    with pytest.raises(CommandError, match="No such file or folder: /nonexistent/readouts"):
        run("/nonexistent/readouts")


def test_dry_run_json_gives_a_refused_file_one_object_with_the_reason(tmp_path):
    page = tmp_path / "recipe.txt"
    page.write_text("A recipe for bread.\n\nMix flour and water.", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import_readouts", "--dry-run", "--json", str(page), str(seed_path("000")), stdout=out, stderr=err)
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    assert objects[0] == {
        "file": "recipe.txt",
        "refused": "no sentence says who met whom; this does not look like a meeting readout",
    }
    assert (objects[1]["file"], objects[1]["refused"]) == (seed_path("000").name, None)


def test_a_readout_with_no_year_is_imported_with_its_date_unknown_and_flagged(tmp_path, client):
    page = tmp_path / "call.txt"
    page.write_text(
        "CHEONG WA DAE\n\nPresident Moon Jae-in spoke by phone this morning with Prime Minister Shinzo Abe of Japan about the "
        "situation on the Korean Peninsula.\n\n1. The two leaders agreed to keep in close touch.\n",
        encoding="utf-8",
    )
    run(str(page))
    meeting = Meeting.objects.get()
    assert (meeting.date, meeting.date_source, meeting.year, meeting.needs_review) == (None, "", None, True)
    assert "call.txt: no meeting date: nothing in the readout or the gazetteer settles the year" in meeting.review_notes
    assert meeting.get_absolute_url() == f"/meetings/{meeting.public_id}/date-unknown-rok-japan-summit-telephone-talk/"
    meeting.status = "published"
    meeting.save()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Unknown: no readout of this meeting settles it" in page
    listed = client.get("/", {"year": "unknown"}).content.decode()
    assert "ROK-Japan Summit Telephone Talk" in listed and "Date unknown" in listed
    bib = client.get(f"/meetings/{meeting.public_id}/cite.bib").content.decode()
    assert "year =" not in bib and f"readoutnd{meeting.public_id}" in bib


def test_two_governments_readouts_in_two_languages_attach_to_one_meeting(tmp_path):
    (tmp_path / "ja.txt").write_text(
        "大韓民国\n日韓首脳電話会談\n平成30年4月24日\n"
        "安倍総理大臣は，4月24日午後4時頃から約40分間，文在寅韓国大統領と電話会談を行ったところ，概要以下のとおり。\n"
        "1 両首脳は，緊密に連携していくことで一致した。\n",
        encoding="utf-8",
    )
    (tmp_path / "ko.txt").write_text(
        "문재인 대통령은 4. 24.(화) 오후 아베 신조 일본 총리와 전화 통화를 가졌습니다.\n"
        "ㅇ 양 정상은 긴밀히 협력하기로 하였습니다.\n",
        encoding="utf-8",
    )
    run(str(tmp_path))
    meeting = Meeting.objects.get()
    assert (meeting.date, meeting.level, meeting.format, meeting.issuers) == (
        date(2018, 4, 24),
        "summit",
        "telephone",
        ["JPN", "KOR"],
    )
    assert sorted(p.name for p in meeting.principals) == ["Moon Jae-in", "Shinzo Abe"]


def test_dry_run_json_prints_one_object_per_readout_and_writes_nothing():
    out, err = run("--dry-run", "--json", str(seed_path("000")), str(seed_path("004")))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [obj["file"] for obj in lines] == [seed_path("000").name, seed_path("004").name]
    first = lines[0]
    assert first["issuer"] == "JPN"
    assert first["meeting_date"] == "2018-03-17"
    assert first["level"] == "foreign-ministers"
    assert first["format"] == "in-person"
    assert first["location"] == {"city": None, "country": None}
    assert first["participants"][0] == {
        "name": "Taro Kono",
        "title": "Minister for Foreign Affairs",
        "country": "JPN",
        "role": "principal",
        "person": "taro-kono",
    }
    assert (first["date_source"], first["refused"]) == ("page-date", None)
    assert first["statements"][1]["number"] == "1"
    assert first["statements"][1]["speakers"] == ["Taro Kono"]
    assert "north-korea-nuclear-missile" in first["topics"]
    assert lines[1]["published_date"] == "2012-04-25"
    assert err.strip() == "Dry run: 2 files: 2 parsed"
    assert Readout.objects.count() == 0


def test_people_named_only_in_japanese_script_are_each_their_own_participant(tmp_path):
    (tmp_path / "ja.txt").write_text(
        "日韓外相会談\n平成27年3月23日\n"
        "21日，岸田外務大臣は，尹炳世韓国外交部長官との間で日韓外相会談を行ったところ，概要以下のとおり"
        "（同席者：韓国側から，李京秀（イ・ギョンス）次官補，崔明和（チェ・ミョンファ）局長）。\n"
        "1 両外相は，協力していくことで一致した。\n",
        encoding="utf-8",
    )
    run(str(tmp_path))
    names = sorted(Participant.objects.values_list("name", flat=True))
    assert names == ["Fumio Kishida", "Yun Byung-se", "崔明和", "李京秀"]


def test_one_governments_readouts_a_day_apart_are_two_meetings(tmp_path):
    for day in (17, 18):
        (tmp_path / f"{day}.txt").write_text(
            KOREAN_READOUT_OF_SEED_000.replace("2018-03-17", f"2018-03-{day}").replace("March 17", f"March {day}"),
            encoding="utf-8",
        )
    run(str(tmp_path))
    assert sorted(str(d) for d in Meeting.objects.values_list("date", flat=True)) == ["2018-03-17", "2018-03-18"]


def test_a_file_of_more_paragraphs_than_a_readout_holds_is_refused_and_nothing_written(tmp_path):
    from meetings.importing import MAX_STATEMENTS

    body = "".join(f"\n{i}. The two Ministers agreed on point {i}." for i in range(1, MAX_STATEMENTS + 2))
    (tmp_path / "huge.txt").write_text(KOREAN_READOUT_OF_SEED_000 + body, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        call_command("import_readouts", str(tmp_path), stdout=out, stderr=err)
    assert f"huge.txt: {MAX_STATEMENTS + 4:,} paragraphs, more than a readout can hold (2,000)" in out.getvalue()
    assert Meeting.objects.count() == 0


def test_two_files_of_one_name_in_two_folders_are_two_readouts(tmp_path):
    for folder, seed in (("a", "000"), ("b", "004")):
        (tmp_path / folder).mkdir()
        shutil.copy(seed_path(seed), tmp_path / folder / "x.txt")
    out, _ = run(str(tmp_path))
    assert out.strip() == "2 files: 2 created"
    assert sorted(Readout.objects.values_list("file_name", "meeting__date")) == [
        ("a/x.txt", date(2018, 3, 17)),
        ("b/x.txt", date(2012, 4, 7)),
    ]


def test_the_same_text_at_two_paths_is_imported_once_and_reported(tmp_path):
    for path in ("a/x.txt", "b/y.txt"):
        (tmp_path / path).parent.mkdir()
        shutil.copy(seed_path("000"), tmp_path / path)
    out, _ = run(str(tmp_path))
    assert out.splitlines() == [
        "b/y.txt: the same text as a/x.txt; skipped as a duplicate",
        "2 files: 1 created, 1 duplicate",
    ]
    assert list(Readout.objects.values_list("file_name", flat=True)) == ["a/x.txt"]


def test_a_text_the_archive_holds_under_another_path_is_a_duplicate(tmp_path):
    run(str(SEEDS))
    shutil.copy(seed_path("003"), tmp_path / "copy.txt")
    out, _ = run(str(tmp_path))
    assert out.splitlines() == [
        f"copy.txt: the same text as {seed_path('003').name}; skipped as a duplicate",
        "1 files: 1 duplicate",
    ]
    assert Readout.objects.count() == 5


def test_a_file_named_twice_is_imported_once():
    out, _ = run(str(seed_path("003")), str(SEEDS))
    assert out.splitlines() == [
        f"{seed_path('003').name}: named twice in this import; skipped as a duplicate",
        "6 files: 5 created, 1 duplicate",
    ]


def test_two_files_of_one_name_given_on_their_own_are_refused_the_second(tmp_path):
    for folder, seed in (("a", "000"), ("b", "004")):
        (tmp_path / folder).mkdir()
        shutil.copy(seed_path(seed), tmp_path / folder / "x.txt")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import_readouts", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), stdout=out)
    assert out.getvalue().splitlines() == [
        f"x.txt: {tmp_path}/b/x.txt has the name of another file of this import; "
        "import the folder that holds both to keep them apart",
        "2 files: 1 created, 1 failed",
    ]
    assert Readout.objects.get().meeting.date == date(2018, 3, 17)


def test_a_folder_is_the_same_from_any_working_directory_and_by_its_absolute_path(tmp_path, monkeypatch):
    (tmp_path / "readouts" / "2018").mkdir(parents=True)
    shutil.copy(seed_path("000"), tmp_path / "readouts" / "2018" / "x.txt")
    out, _ = run(str(tmp_path / "readouts"))
    assert out.strip() == "1 files: 1 created"
    monkeypatch.chdir(tmp_path)
    assert run("readouts")[0].strip() == "1 files: 1 unchanged"
    monkeypatch.chdir(tmp_path / "readouts" / "2018")
    assert run("..")[0].strip() == "1 files: 1 unchanged"
    assert run("../../readouts/")[0].strip() == "1 files: 1 unchanged"
    assert list(Readout.objects.values_list("file_name", flat=True)) == ["2018/x.txt"]


def test_a_changed_file_in_a_folder_updates_its_own_readout_only(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(seed_path("003"), tmp_path / folder / "x.txt")
    (tmp_path / "b" / "x.txt").write_text(seed_path("004").read_text(encoding="utf-8"), encoding="utf-8")
    run(str(tmp_path))
    before = dict(Readout.objects.values_list("file_name", "content_hash"))
    changed = seed_path("004").read_text(encoding="utf-8").replace("Ningbo", "Ningbo City")
    (tmp_path / "b" / "x.txt").write_text(changed, encoding="utf-8")
    out, _ = run(str(tmp_path))
    assert out.strip() == "2 files: 1 unchanged, 1 updated"
    after = dict(Readout.objects.values_list("file_name", "content_hash"))
    assert after["a/x.txt"] == before["a/x.txt"] and after["b/x.txt"] != before["b/x.txt"]
    assert Readout.objects.get(file_name="b/x.txt").original_text == changed


def test_a_file_changed_to_the_text_of_another_is_a_duplicate_and_keeps_its_readout(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "x.txt")
    shutil.copy(seed_path("004"), tmp_path / "y.txt")
    run(str(tmp_path))
    shutil.copy(seed_path("004"), tmp_path / "x.txt")
    out, _ = run(str(tmp_path))
    assert out.splitlines() == [
        "x.txt: the same text as y.txt; skipped as a duplicate",
        "2 files: 1 duplicate, 1 unchanged",
    ]
    assert Readout.objects.get(file_name="x.txt").original_text == seed_path("003").read_text(encoding="utf-8")


def test_writing_a_text_the_archive_holds_under_another_name_is_a_duplicate():
    from meetings.importing import read_readout, write_readout

    run(str(seed_path("003")))
    text = seed_text("003")
    result = write_readout(parsed=read_readout(text), file_name="upload.txt", text=text)
    assert (result.outcome, result.readout.file_name) == ("duplicate", seed_path("003").name)
    assert Readout.objects.count() == 1


def test_symbolic_link_loops_and_links_to_nothing_are_reported_and_the_others_imported(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "good.txt")
    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "dangling.txt").symlink_to("missing.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 of 4 files failed") as excinfo:
        call_command("import_readouts", str(tmp_path), stdout=out)
    assert excinfo.value.returncode == 1
    assert out.getvalue().splitlines() == [
        "dangling.txt: is a symbolic link to missing.txt, which does not exist",
        "loop: is a symbolic link loop (to ., a folder it is in)",
        "self.txt: is a symbolic link loop (it never leads to a file)",
        "4 files: 1 created, 3 failed",
    ]
    assert list(Readout.objects.values_list("file_name", flat=True)) == ["good.txt"]


def test_a_link_to_a_folder_is_followed_and_a_loop_further_down_is_reported(tmp_path):
    (tmp_path / "readouts").mkdir()
    (tmp_path / "elsewhere" / "2018").mkdir(parents=True)
    shutil.copy(seed_path("000"), tmp_path / "elsewhere" / "2018" / "x.txt")
    (tmp_path / "elsewhere" / "2018" / "up").symlink_to("..")
    (tmp_path / "readouts" / "more").symlink_to("../elsewhere")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command("import_readouts", str(tmp_path / "readouts"), stdout=out)
    assert out.getvalue().splitlines() == [
        "more/2018/up: is a symbolic link loop (to .., a folder it is in)",
        "2 files: 1 created, 1 failed",
    ]
    assert list(Readout.objects.values_list("file_name", flat=True)) == ["more/2018/x.txt"]


def test_a_batch_size_below_one_is_a_command_error():
    with pytest.raises(CommandError, match="--batch-size must be 1 or more"):
        run("--batch-size=0", str(SEEDS))


def lock_waits() -> int:
    """How many of the test database's connections wait for a lock another holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_another_imports_batch_and_joins_its_meeting(tmp_path):
    # The people are in the archive already (another meeting of theirs), so that nothing but the
    # import's own lock can make the second import wait for the first.
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "kor.txt").write_text(
        KOREAN_READOUT_OF_SEED_000.replace("2018-03-17", "2018-01-09").replace("March 17", "January 9"),
        encoding="utf-8",
    )
    run(str(tmp_path / "earlier"))
    korean = tmp_path / "kor_2018_03_17.txt"
    korean.write_text(KOREAN_READOUT_OF_SEED_000, encoding="utf-8")
    written, release = threading.Event(), threading.Event()

    def first_import():  # a batch written, not yet committed
        try:
            with transaction.atomic():
                text = seed_text("000")
                write_new_readouts([NewReadout(seed_path("000").name, text, read_readout(text))])
                written.set()
                release.wait(30)
        finally:
            connection.close()

    def second_import():
        try:
            run(str(korean))
        finally:
            connection.close()

    first = threading.Thread(target=first_import)
    first.start()
    assert written.wait(30)
    second = threading.Thread(target=second_import)
    second.start()
    deadline = time.monotonic() + 30
    while second.is_alive() and not lock_waits() and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    first.join()
    second.join()
    meeting = Meeting.objects.get(date=date(2018, 3, 17))
    assert sorted(meeting.readouts.values_list("issuer", flat=True)) == ["JPN", "KOR"]
    assert Meeting.objects.count() == 2


ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS_SIZE = PARALLEL_FROM  # the fewest files parsed in parallel, as large imports are
BATCH = 80  # three batches, the last of 40


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """Generated readouts, as the benchmark makes them."""
    folder = tmp_path_factory.mktemp("corpus")
    generate = [sys.executable, str(ROOT / "bench" / "generate.py"), str(folder), "--readouts", str(CORPUS_SIZE)]
    subprocess.run(generate, check=True, capture_output=True)
    return folder


def start_import(*args: str) -> subprocess.Popen:
    """manage.py import_readouts in a process of its own, on the test database, in batches of BATCH."""
    db = settings.DATABASES["default"]
    url = f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_readouts", f"--batch-size={BATCH}", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its parsing workers with it, for a kill
    )


def archive_content() -> dict[str, list]:
    """Every row an import writes, but for what two imports of the same files cannot share: ids
    (a rolled-back batch has used some up), public ids and statement keys (random) and times. Rows refer to each
    other by what they are: a readout by its file name, a meeting by its readouts', a
    participant by its slug."""
    files = dict(Readout.objects.values_list("pk", "file_name"))
    meetings: dict[int, list[str]] = {}
    for pk, meeting_id in Readout.objects.values_list("pk", "meeting_id"):
        meetings.setdefault(meeting_id, []).append(files[pk])
    refer = {
        "meeting_id": {pk: sorted(names) for pk, names in meetings.items()},
        "readout_id": files,
        "participant_id": dict(Participant.objects.values_list("pk", "slug")),
        "holder_id": dict(OfficeHolder.objects.values_list("pk", "slug")),
    }
    slugs = {Participant: refer["participant_id"], Topic: dict(Topic.objects.values_list("pk", "slug"))}
    skip = {"id", "public_id", "key", "created", "modified", "imported_at", "search_vector"}

    def rows(model) -> list:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        many = model._meta.local_many_to_many
        out = []
        for obj in model.objects.prefetch_related(*(f.name for f in many)):
            row = [(name, refer[name].get(v) if name in refer else v) for name in fields for v in [getattr(obj, name)]]
            row += [(f.name, sorted(slugs[f.related_model][o.pk] for o in getattr(obj, f.name).all())) for f in many]
            out.append(row)
        return sorted(out, key=repr)

    content = {model.__name__: rows(model) for model in (Meeting, Readout, Statement, Participant, Attendance)}
    content["Revision"] = sorted(
        (r.comment, sorted(r.version_set.values_list("object_repr", flat=True))) for r in Revision.objects.all()
    )
    return content


def empty_archive() -> None:
    for model in (Revision, Statement, Attendance, Readout, Meeting, Participant):
        model.objects.all().delete()


def clean_import_content(corpus: Path) -> dict[str, list]:
    empty_archive()
    clean = start_import(str(corpus))  # not forked from this process: it has threads
    assert clean.communicate(timeout=120)[1] == "" and clean.returncode == 0
    return archive_content()


def summary(out: str) -> dict[str, int]:
    """The counts of an import's last line: "200 files: 120 created, 80 unchanged"."""
    files, counts = out.strip().splitlines()[-1].split(": ")
    assert files == f"{CORPUS_SIZE} files"
    return {outcome: int(n) for n, outcome in (part.split(" ") for part in counts.split(", "))}


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_folder_at_once_both_finish_and_write_what_one_writes(corpus):
    call_command("loaddata", str(settings.READOUT_FIXTURES / "topics.json"), verbosity=0)
    imports = [start_import(str(corpus)), start_import(str(corpus))]
    results = [process.communicate(timeout=120) for process in imports]
    assert [process.returncode for process in imports] == [0, 0]
    assert [err for _, err in results] == ["", ""]
    counts = [summary(out) for out, _ in results]
    # Each file imported by one import, and found unchanged by the other.
    assert all(set(c) <= {"created", "unchanged"} and sum(c.values()) == CORPUS_SIZE for c in counts)
    assert sum(c.get("created", 0) for c in counts) == CORPUS_SIZE
    both = archive_content()
    assert both == clean_import_content(corpus)


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_after_its_first_batch_then_run_again_writes_what_a_clean_import_writes(corpus):
    call_command("loaddata", str(settings.READOUT_FIXTURES / "topics.json"), verbosity=0)
    killed = start_import(str(corpus))
    deadline = time.monotonic() + 60
    while not Readout.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(killed.pid, signal.SIGKILL)  # the import and its parsing workers
    killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    # Whole batches: the first, perhaps the second (how far the kill came is the clock's), never part of one.
    written = Readout.objects.count()
    assert written in (BATCH, 2 * BATCH)
    again = start_import(str(corpus))
    out, err = again.communicate(timeout=120)
    assert (again.returncode, err) == (0, "")
    assert summary(out) == {"created": CORPUS_SIZE - written, "unchanged": written}
    resumed = archive_content()
    assert resumed == clean_import_content(corpus)
