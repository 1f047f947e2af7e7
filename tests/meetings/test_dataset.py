"""The citable bulk dataset (manage.py export_dataset) and /data/, which offers it: validated with
the frictionless library, as a data portal would."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from frictionless import Package, validate

from meetings.dataset import TABLES
from meetings.models import Meeting, Statement, Status
from tests.meetings.builders_curation import FRANK_EXCHANGES, make_summit, record_version
from tests.meetings.conftest import make_meeting
from tests.meetings.test_admin import as_user, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path, settings):
    settings.DATASET_DIR = tmp_path / "datasets"
    return settings.DATASET_DIR


def export(version="1.0") -> zipfile.ZipFile:
    call_command("export_dataset", "--dataset-version", version, "--base-url", "https://archive.example", verbosity=0)


def table(archive: zipfile.ZipFile, name: str, version="1.0") -> list[dict]:
    text = archive.read(f"readout-archive-{version}/{name}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_dataset_is_a_valid_data_package_of_every_published_meeting(folder, seeds, tmp_path):
    make_meeting(title="A draft nobody has seen", status=Status.DRAFT)
    export()
    path = folder / "readout-archive-1.0.zip"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (folder / "readout-archive-1.0.zip.sha256").read_text() == f"{digest}  readout-archive-1.0.zip\n"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == [
            f"readout-archive-1.0/{name}"
            for name in ["datapackage.json", *(f"{t}.csv" for t in TABLES), "meetings.jsonl"]
        ]
        archive.extractall(tmp_path / "unpacked")
        meetings = table(archive, "meetings")
        statements = table(archive, "statements")
        attendances = table(archive, "attendances")
        people = {row["slug"] for row in table(archive, "people")}
        lines = archive.read("readout-archive-1.0/meetings.jsonl").decode().splitlines()
    report = validate(str(tmp_path / "unpacked/readout-archive-1.0/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "unpacked/readout-archive-1.0/datapackage.json"))
    assert package.version == "1.0"
    assert [r.name for r in package.resources] == [*TABLES, "meetings-jsonl"]
    described = {f.name: f.description for f in package.get_resource("meetings").schema.fields}
    assert all(described.values()) and list(described) == [c[0] for c in TABLES["meetings"]]

    published = Meeting.objects.published()
    assert sorted(row["id"] for row in meetings) == sorted(published.values_list("public_id", flat=True))
    assert "A draft nobody has seen" not in str(meetings)
    summit = Meeting.objects.get(date="2017-09-07")
    [row] = [r for r in meetings if r["id"] == summit.public_id]
    assert row == row | {
        "version": "1",
        "permalink": f"https://archive.example{summit.get_absolute_url()}",
        "version_permalink": f"https://archive.example{summit.get_absolute_url()}v/1/",
        "date": "2017-09-07",
        "level": "summit",
        "city": "Vladivostok",
        "country": "RUS",
        "issuers": "JPN",
    }
    assert len(statements) == Statement.objects.filter(meeting__status=Status.PUBLISHED).count()
    assert {a["person"] for a in attendances} <= people
    assert {"shinzo-abe", "moon-jae-in"} <= {a["person"] for a in attendances if a["meeting_id"] == summit.public_id}
    assert len(lines) == 5 and json.loads(lines[0])["date"] == "2012-04-07"  # oldest first


def test_a_change_waiting_for_an_editor_is_not_in_the_dataset(folder, client, curator):
    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    url = f"/admin/meetings/statement/{statement.pk}/change/"
    data = form_data(client.get(url))
    data["text"] = "A change the public may not see yet."
    assert client.post(url, data).status_code == 302
    export()
    with zipfile.ZipFile(folder / "readout-archive-1.0.zip") as archive:
        texts = [row["text"] for row in table(archive, "statements")]
    assert FRANK_EXCHANGES in texts
    assert "A change the public may not see yet." not in texts


def test_data_offers_the_newest_dataset_with_its_checksum_and_citation(folder, client, seeds):
    page = client.get("/data/").content.decode()
    assert "No dataset has been made yet." in page
    export("2026-11-01")
    export("2026-12-01")
    response = client.get("/data/")
    assert response.status_code == 200
    page = response.content.decode()
    digest = hashlib.sha256((folder / "readout-archive-2026-12-01.zip").read_bytes()).hexdigest()
    assert "<dd>2026-12-01</dd>" in page
    assert f'<code class="checksum">{digest}</code>' in page
    assert 'href="/data/readout-archive-2026-12-01.zip" download' in page
    assert "Readout Archive. Readout Archive dataset, version 2026-12-01." in page
    assert "Creative Commons Attribution 4.0" in page
    download = client.get("/data/readout-archive-2026-12-01.zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == (folder / "readout-archive-2026-12-01.zip").read_bytes()
    checksum = client.get("/data/readout-archive-2026-12-01.zip.sha256")
    assert b"".join(checksum.streaming_content).decode() == f"{digest}  readout-archive-2026-12-01.zip\n"


@pytest.mark.parametrize(
    "name",
    [
        "readout-archive-1.0.json",
        "..%2Fsettings.py",
        "readout-archive-%2E%2E.zip",
        "other.zip",
        "readout-archive-x.zip",
    ],
)
def test_only_the_datasets_own_files_are_served(folder, client, name):
    export()
    assert client.get(f"/data/{name}").status_code == 404


def test_a_version_that_is_not_a_name_is_refused(folder):
    with pytest.raises(CommandError, match="A version is letters, digits"):
        call_command("export_dataset", "--dataset-version", "../../etc", verbosity=0)
    with pytest.raises(CommandError, match="--base-url must be the site's address"):
        call_command("export_dataset", "--base-url", "javascript:alert(1)", verbosity=0)
    assert not folder.exists() or not any(folder.iterdir())
