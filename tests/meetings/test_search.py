"""Highlights as the pages show them: escaped, with the headline's markers as <mark>."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from meetings.models import Meeting
from meetings.search import CONFIG, START, STOP, render_marked


def test_a_headline_is_escaped_and_its_markers_become_marks():
    text = f'{START}Abe{STOP} & <b>"Moon"</b> {START}O\'Brien{STOP}'
    assert render_marked(text) == "<mark>Abe</mark> &amp; &lt;b&gt;&quot;Moon&quot;&lt;/b&gt; <mark>O&#x27;Brien</mark>"


def test_a_headline_with_a_mark_left_open_is_shown_without_marks():
    assert render_marked(f"{START}Abe{STOP} and {START}Moon <i>") == "Abe and Moon &lt;i&gt;"


def test_a_headline_with_no_markers_is_only_escaped():
    assert render_marked("a < b") == "a &lt; b"


def test_a_headline_whose_marks_close_before_they_open_is_shown_without_marks():
    assert render_marked(f"{STOP}closed first{START}") == "closed first"
    assert render_marked(f"{START}a{STOP}{STOP}b{START}") == "ab"


def test_text_outside_any_latin_script_is_kept_as_it_is():
    assert render_marked(f"日韓 «{START}cooperation{STOP}» — ¶ 2 (3)") == "日韓 «<mark>cooperation</mark>» — ¶ 2 (3)"


QUERIES = ["abductions", '"comfort women"', "Takeshima or Vladivostok", "abductions -Kono", "the", "Kono's"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", QUERIES)
def test_search_matches_and_ranks_latin_text_as_a_plain_searchquery_does(seeds, text):
    """Queries go through cjk_query (migration 0016), which leaves text in Latin script as it is."""
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    expected = (
        Meeting.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")
    )
    found = Meeting.objects.search(text).by_relevance(text).order_by("-rank", "pk").values_list("pk", "rank")
    assert list(found) == list(expected)
    assert len(expected) == EXPECTED_MATCHES[text]


EXPECTED_MATCHES = {
    "abductions": 3,
    '"comfort women"': 3,
    "Takeshima or Vladivostok": 3,
    "abductions -Kono": 2,
    "the": 0,
    "Kono's": 2,
}


JA_STATEMENT = "大韓民国\n日韓外相会談\n平成29年9月7日\n9月7日、河野外務大臣は、康京和韓国外交部長官との間で日韓外相会談を行ったところ、概要以下のとおり。\n1 河野大臣から、拉致問題の早期解決に向けた協力を求めた。\n"
KO_STATEMENT = "한·일 외교장관회담 결과\n2017년 8월 9일\n강경화 외교장관은 8. 7.(월) 고노 타로 일본 외무대신과 회담을 갖고 의견을 교환하였습니다.\nㅇ 강 장관은 위안부 문제에 대한 국민들의 우려를 전달하였습니다.\n"


@pytest.fixture
def cjk_readouts(db, tmp_path):
    from django.core.management import call_command

    (tmp_path / "ja.txt").write_text(JA_STATEMENT, encoding="utf-8")
    (tmp_path / "ko.txt").write_text(KO_STATEMENT, encoding="utf-8")
    call_command("import_readouts", "--publish", str(tmp_path), verbosity=0)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("拉致", ["河野大臣から、拉致問題の早期解決に向けた協力を求めた。"]),
        ("拉致問題", ["河野大臣から、拉致問題の早期解決に向けた協力を求めた。"]),
        ("위안부", ["강 장관은 위안부 문제에 대한 국민들의 우려를 전달하였습니다."]),
        ("問題の解決", []),
        ("위안부 -문제", []),
        ('"拉致問題"', ["河野大臣から、拉致問題の早期解決に向けた協力を求めた。"]),
        ('"問題拉致"', []),
    ],
)
def test_japanese_and_korean_words_are_found_inside_their_sentences(cjk_readouts, query, found):
    from meetings.models import Statement

    assert list(Statement.objects.search(query).values_list("text", flat=True)) == found


def test_the_statements_page_finds_a_korean_word(cjk_readouts, client):
    response = client.get("/statements/", {"q": "위안부"})
    assert response.status_code == 200
    assert "국민들의 우려를" in response.content.decode()
    assert "拉致問題" not in response.content.decode()


def test_the_meeting_list_finds_a_japanese_word(cjk_readouts, client):
    response = client.get("/", {"q": "拉致"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Japan" in page and "1 meeting" in page.replace("\xa0", " ")


@pytest.fixture
def names(db) -> dict[str, Meeting]:
    from tests.meetings.conftest import make_meeting

    return {
        "kono": make_meeting(statements=("Minister Kōno Tarō met the minister.",)),
        "konishi": make_meeting(statements=("Ambassador Konishi spoke of the konbu trade.",)),
        "abe": make_meeting(statements=("Prime Minister Abe spoke.",)),
    }


def found(text: str, names: dict[str, Meeting]) -> set[str]:
    by_pk = {meeting.pk: name for name, meeting in names.items()}
    return {by_pk[pk] for pk in Meeting.objects.search(text).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kono", {"kono"}),  # accents set aside, in the readout ...
        ("Kōno", {"kono"}),  # ... and in the query
        ("KÔNO taro", {"kono"}),
        ("Kon*", {"kono", "konishi"}),  # a prefix: every word that begins so
        ("kōn*", {"kono", "konishi"}),
        ("Kon* ambassador", {"konishi"}),
        ("Kon* -ambassador", {"kono"}),
        ("-Konishi*", {"kono", "abe"}),  # an excluded prefix excludes the word as written
        ('"Minister Kon*"', set()),  # inside quotes "*" is only punctuation: the phrase "minister kon"
        ("Prime*", {"abe"}),
        ("zzz*", set()),
    ],
)
def test_search_sets_accents_aside_and_takes_prefixes(names, text, expected):
    assert found(text, names) == expected


def test_a_prefix_is_highlighted_in_the_words_it_matches(names, client):
    page = client.get("/", {"q": "Kon*"}).content.decode()
    assert "<mark>Kōno</mark>" in page
    assert "<mark>Konishi</mark>" in page
    assert "<mark>konbu</mark>" in page


def test_a_query_of_stars_alone_has_no_words_to_look_for(names, client):
    assert "Your search has no words to look for" in client.get("/", {"q": "* **"}).content.decode()


def test_a_passage_that_leaves_the_text_out_says_so():
    from meetings.search import render_passage

    text = "The ministers met in Tokyo. They discussed the abductions issue at length. Then they dined."
    assert render_passage(f"They discussed the {START}abductions{STOP} issue", text) == (
        "… They discussed the <mark>abductions</mark> issue …"
    )
    assert (
        render_passage(f"The ministers met in {START}Tokyo{STOP}", text) == "The ministers met in <mark>Tokyo</mark> …"
    )
    assert render_passage(f"{START}Then{STOP} they dined.", text) == "… <mark>Then</mark> they dined."
    assert render_passage(f"The ministers met … they {START}dined{STOP}.", text) == (
        "The ministers met … they <mark>dined</mark>."
    )
