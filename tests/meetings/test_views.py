"""The researcher's pages through the test client, on meetings built for each test."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import set_script_prefix

from meetings.context_processors import site_urls
from meetings.models import Format, Level, Meeting, Participant, Role, Status, Topic
from meetings.views import MeetingListView
from tests.meetings.conftest import make_meeting, make_participant

pytestmark = pytest.mark.django_db


def facet(response, name):
    """{value: (count, chosen)} of one facet on a list page."""
    for f in response.context["filter"].facets():
        if f["name"] == name:
            return {v["value"]: (v["count"], v["chosen"]) for v in f["values"]}
    raise AssertionError(name)


CARD = re.compile(
    r'<li class="card">\s*<p class="card__date"><time datetime="([0-9-]+)">.*?</time></p>\s*'
    r'<h2 class="card__title"><a href="([^"]*)">([^<]*)</a></h2>',
    re.S,
)


def cards(response):
    """(date, address, title) of each card on a list page, as the page shows them."""
    return [(d, unescape(href), unescape(title)) for d, href, title in CARD.findall(response.content.decode())]


def titles(response):
    return [(d, title) for d, _, title in cards(response)]


def topic(slug: str) -> Topic:
    """A topic of the vocabulary a migration loads."""
    return Topic.objects.get(slug=slug)


@pytest.fixture
def archive() -> dict[str, Meeting]:
    """Five published meetings of the seed readouts' kinds: foreign ministers by telephone in
    2018 (Taro Kono speaking), in Japan in 2017 (Korea's readout, Kono a principal but never
    named in it), in New York in 2016 and in Ningbo in 2012, and a summit in Vladivostok in 2017;
    abductions in 2018, 2016 and 2012, "comfort women" in 2017 (both) and 2012."""
    kono, kang = make_participant(name="Taro Kono"), make_participant(name="Kang Kyung-wha", country="KOR")
    abductions, comfort_women = topic("abductions"), topic("comfort-women")
    return {
        "fm-2018": make_meeting(
            date=date(2018, 3, 17),
            format=Format.TELEPHONE,
            country="",
            title="Japan-ROK Foreign Ministers' Telephone Talk",
            principals=(kono, kang),
            statements=(
                {
                    "text": "Minister Kono thanked Mr. Seo Hoon for his account of the envoys' visit.",
                    "speakers": (kono,),
                },
                {
                    "text": "Minister Kono asked the ROK side to raise the abductions issue at the inter-Korean summit.",
                    "speakers": (kono,),
                    "topics": (abductions,),
                },
                {
                    "text": "The two ministers confirmed that they will work towards resolving the abductions issue.",
                    "speakers": (kono, kang),
                    "topics": (abductions,),
                },
            ),
        ),
        "fm-2017": make_meeting(
            date=date(2017, 12, 19),
            issuers=("KOR",),
            title="Foreign Minister Meets with her Japanese Counterpart",
            principals=(kang, kono),
            statements=(
                {
                    "text": "The two ministers agreed to continue consultations on the “comfort women” issue.",
                    "topics": (comfort_women,),
                },
                "They agreed to seek progress in exchanges, as their leaders discussed in Vladivostok.",
            ),
        ),
        "summit-2017": make_meeting(
            date=date(2017, 9, 7),
            level=Level.SUMMIT,
            city="Vladivostok",
            country="RUS",
            title="Japan-ROK Summit Meeting",
            principals=(make_participant(name="Shinzo Abe"), make_participant(name="Moon Jae-in", country="KOR")),
            statements=(
                "Prime Minister Abe called for more powerful United Nations Security Council (UNSC) resolutions.",
                {
                    "text": "Prime Minister Abe explained Japan's position on the comfort women issue.",
                    "topics": (comfort_women,),
                },
            ),
        ),
        "fm-2016": make_meeting(
            date=date(2016, 9, 18),
            city="New York",
            country="USA",
            title="Japan-ROK Foreign Ministers' Meeting",
            principals=(make_participant(name="Fumio Kishida"), make_participant(name="Yun Byung-se", country="KOR")),
            statements=(
                {
                    "text": "Minister Kishida hoped for a new UNSC resolution and progress on humanitarian issues,"
                    " including the abductions.",
                    "topics": (abductions,),
                },
                "The ministers took comfort in the progress made on the empowerment of women.",  # not the phrase
            ),
        ),
        "fm-2012": make_meeting(
            date=date(2012, 4, 7),
            city="Ningbo",
            country="CHN",
            title="Japan-ROK Foreign Ministers' Meeting (Overview)",
            principals=(make_participant(name="Koichiro Gemba"), make_participant(name="Kim Sung-hwan", country="KOR")),
            statements=(
                {
                    "number": "1 (5)",
                    "text": "Minister Gemba thanked Minister Kim for the ROK's support on the abduction issue.",
                    "topics": (abductions,),
                },
                {
                    "number": "2 (3)",
                    "text": 'The issues of Takeshima, "comfort women" and economic relations were discussed.',
                    "topics": (comfort_women,),
                },
            ),
        ),
    }


def test_home_lists_meetings_newest_first_with_facet_counts(client, archive):
    response = client.get("/")
    assert response.status_code == 200
    assert [d for d, _ in titles(response)] == ["2018-03-17", "2017-12-19", "2017-09-07", "2016-09-18", "2012-04-07"]
    assert facet(response, "year") == {"2018": (1, False), "2017": (2, False), "2016": (1, False), "2012": (1, False)}
    assert facet(response, "level") == {"summit": (1, False), "foreign-ministers": (4, False)}
    assert facet(response, "issuer") == {"JPN": (4, False), "KOR": (1, False)}
    assert facet(response, "country") == {"CHN": (1, False), "JPN": (1, False), "RUS": (1, False), "USA": (1, False)}
    assert facet(response, "format") == {"in-person": (4, False), "telephone": (1, False)}
    assert facet(response, "person") == {
        "kang-kyung-wha": (2, False),
        "taro-kono": (2, False),
        "fumio-kishida": (1, False),
        "kim-sung-hwan": (1, False),
        "koichiro-gemba": (1, False),
        "moon-jae-in": (1, False),
        "shinzo-abe": (1, False),
        "yun-byung-se": (1, False),
    }
    assert facet(response, "topic") == {"abductions": (3, False), "comfort-women": (3, False)}


def test_facet_counts_are_disjunctive(client, archive):
    response = client.get("/?level=summit")
    assert [d for d, _ in titles(response)] == ["2017-09-07"]
    # The chosen facet still counts its other values; the others count within the choice.
    assert facet(response, "level") == {"summit": (1, True), "foreign-ministers": (4, False)}
    assert facet(response, "year") == {"2017": (1, False)}
    assert facet(response, "person") == {"shinzo-abe": (1, False), "moon-jae-in": (1, False)}


def test_several_values_of_one_facet_are_or_and_facets_are_and(client, archive):
    response = client.get("/?year=2017&year=2012")
    assert [d for d, _ in titles(response)] == ["2017-12-19", "2017-09-07", "2012-04-07"]
    response = client.get("/?year=2017&year=2012&level=foreign-ministers")
    assert [d for d, _ in titles(response)] == ["2017-12-19", "2012-04-07"]
    assert facet(response, "level") == {"summit": (1, False), "foreign-ministers": (2, True)}
    assert facet(response, "year") == {"2018": (1, False), "2017": (1, True), "2016": (1, False), "2012": (1, True)}


def test_date_range_and_oldest_first(client, archive):
    response = client.get("/?date_from=2016-01-01&date_to=2017-12-31&sort=date")
    assert [d for d, _ in titles(response)] == ["2016-09-18", "2017-09-07", "2017-12-19"]


def test_chips_remove_one_choice_each(client):
    response = client.get("/?level=summit&year=2017")
    chips = {c["label"]: c["query"] for c in response.context["chips"]}
    assert chips == {"2017": "level=summit", "Summit": "year=2017"}


def test_chips_name_each_choice(client):
    abe, moon = make_participant(name="Shinzo Abe"), make_participant(name="Moon Jae-in", country="KOR")
    comfort_women = topic("comfort-women")
    chosen = make_meeting(principals=(abe, moon), topics=(comfort_women,))
    make_meeting(principals=(abe, moon), topics=(comfort_women,), issuers=("KOR",))
    make_meeting(principals=(abe, moon))
    make_meeting(principals=(abe,), topics=(comfort_women,))
    response = client.get("/?person=moon-jae-in&topic=comfort-women&issuer=JPN")
    assert {c["label"] for c in response.context["chips"]} == {"Moon Jae-in", "Comfort women", "Issued by Japan"}
    assert [m.pk for m in response.context["object_list"]] == [chosen.pk]


def test_page_links_keep_every_choice_but_the_page(client, monkeypatch):
    for level in (Level.SUMMIT, Level.FOREIGN_MINISTERS, Level.SUMMIT, Level.FOREIGN_MINISTERS, Level.SUMMIT):
        make_meeting(level=level, statements=("The two leaders held talks.",))
    monkeypatch.setattr(MeetingListView, "paginate_by", 2)
    html = client.get("/?level=summit&level=foreign-ministers&q=talks+or+meeting&page=2").content.decode()
    rest = "level=summit&amp;level=foreign-ministers&amp;q=talks+or+meeting&amp;"
    assert f'<a rel="prev" href="?{rest}page=1">' in html
    assert f'<a rel="next" href="?{rest}page=3">' in html


def test_the_list_addresses_follow_the_script_prefix():
    set_script_prefix("/archive/")
    try:
        assert site_urls(None) == {
            "site_urls": {
                "meetings": "/archive/",
                "statements": "/archive/statements/",
                "people": "/archive/people/",
                "topics": "/archive/topics/",
                "data": "/archive/data/",
            }
        }
    finally:
        set_script_prefix("/")
    assert site_urls(None)["site_urls"]["people"] == "/people/"


@pytest.mark.parametrize(
    ("query", "dates"),
    [
        ("abductions", ["2018-03-17", "2016-09-18", "2012-04-07"]),
        ('"comfort women"', ["2017-12-19", "2017-09-07", "2012-04-07"]),
        ("Kono", ["2018-03-17", "2017-12-19"]),
        ("UNSC", ["2017-09-07", "2016-09-18"]),
        ("Takeshima", ["2012-04-07"]),
        ("abductions -Kono", ["2016-09-18", "2012-04-07"]),
        ("Takeshima or Vladivostok", ["2017-12-19", "2017-09-07", "2012-04-07"]),
        ('"Seo Hoon"', ["2018-03-17"]),
    ],
)
def test_search_finds_meetings(client, archive, query, dates):
    response = client.get("/", {"q": query, "sort": "-date"})
    assert response.status_code == 200
    assert [d for d, _ in titles(response)] == dates


def test_search_results_highlight_the_matching_words(client):
    meeting = make_meeting(
        statements=(
            {"number": "1 (1)", "text": "Minister Gemba took comfort in the progress of the talks."},
            {"number": "2 (3)", "text": 'The issues of Takeshima and "comfort women" were discussed.'},
        )
    )
    response = client.get("/", {"q": '"comfort women"'})
    html = response.content.decode()
    assert "<mark>comfort</mark> <mark>women</mark>" in html
    readout = meeting.readouts.get()
    statement = readout.statements.get(number="2 (3)")
    card = html[html.index(f'href="{meeting.get_absolute_url()}?q=') :]
    first_hit = re.search(r'<ul class="card__hits"><li><a class="hit__num" href="([^"]*)">([^<]*)</a>', card)
    assert unescape(first_hit.group(1)) == f"{meeting.get_absolute_url()}?q=%22comfort%20women%22#{statement.anchor}"
    assert first_hit.group(2) == "Japan’s readout, paragraph 2 (3)"


def test_highlight_follows_onto_the_meeting_page(client):
    meeting = make_meeting(
        statements=(
            "Minister Kono raised the abductions issue, and asked for the abductions to be raised at the summit.",
            "The two ministers discussed North Korea's missile programmes.",
            "They will cooperate towards resolving the abductions issue.",
        )
    )
    response = client.get(meeting.get_absolute_url(), {"q": "abductions"})
    assert response.status_code == 200
    assert response.context["matches"] == 2
    assert response.content.decode().count("<mark>abductions</mark>") == 3


def test_search_with_facets_applies_both(client, archive):
    response = client.get("/", {"q": "abductions", "year": "2016"})
    assert [d for d, _ in titles(response)] == ["2016-09-18"]
    assert facet(response, "year") == {"2018": (1, False), "2016": (1, True), "2012": (1, False)}


def test_statements_view_answers_what_kono_said_about_abductions(client):
    kono, kang = make_participant(name="Taro Kono"), make_participant(name="Kang Kyung-wha", country="KOR")
    make_meeting(
        date=date(2018, 3, 17),
        principals=(kono, kang),
        statements=(
            {"text": "Minister Kono thanked the ROK for its account of the envoys' visit.", "speakers": (kono,)},
            {
                "text": "Minister Kono asked that the abductions issue be raised, the abductions being unresolved.",
                "speakers": (kono,),
            },
            {"text": "The two ministers will cooperate on the abductions issue.", "speakers": (kono, kang)},
            {"text": "Minister Kang spoke of the abductions issue too.", "speakers": (kang,)},
        ),
    )
    make_meeting(
        date=date(2017, 12, 19),
        principals=(kono, kang),
        statements=({"text": "Minister Kono spoke of a future-oriented partnership.", "speakers": (kono,)},),
    )
    response = client.get("/statements/", {"q": "abductions", "speaker": "taro-kono"})
    assert response.status_code == 200
    statements = list(response.context["object_list"])
    assert [(s.readout.meeting.date.isoformat(), s.number) for s in statements] == [
        ("2018-03-17", "2"),
        ("2018-03-17", "3"),
    ]
    speakers = {v["value"]: v["count"] for v in response.context["speakers"]}
    assert speakers == {"kang-kyung-wha": 2, "taro-kono": 2}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "!!!...???"},
        {"q": '"unbalanced quote'},
        {"q": "'; DROP TABLE meetings_meeting; --"},
        {"q": "<script>alert(1)</script>"},
        {"q": "(((("},
        {"q": "the"},
    ],
)
def test_odd_queries_give_a_page_never_a_500(client, params):
    make_meeting(statements=("The two ministers met and discussed the script of the talks.",))
    response = client.get("/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    statements = client.get("/statements/", params)
    assert statements.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "Select a valid choice. abc is not one of the available choices."),
        ({"date_from": "2020-02-31"}, "Enter a valid date."),
        (
            {"level": "<b>emperor</b>"},
            "Select a valid choice. &lt;b&gt;emperor&lt;/b&gt; is not one of the available choices.",
        ),
        ({"q": "bad\x00byte"}, "Null characters are not allowed."),
        ({"sort": "sideways"}, "Select a valid choice. sideways is not one of the available choices."),
        ({"topic": "no-such-topic"}, "Select a valid choice. no-such-topic is not one of the available choices."),
        ({"person": "nobody-at-all"}, "Select a valid choice. nobody-at-all is not one of the available choices."),
        ({"level": ["summit"] * 21}, "Choose at most 20 values."),
    ],
)
def test_malformed_parameters_answer_400_with_a_message(client, params, message):
    response = client.get("/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_facet_with_no_values_says_so(client):
    make_meeting(principals=(make_participant(),), topics=(topic("abductions"),))  # a value in every facet
    page = client.get("/", {"q": "xylophones"}).content.decode()
    assert page.count('<p class="facet__none">None among these meetings</p>') == 8


@pytest.mark.parametrize("url", ["/", "/statements/"])
def test_a_search_with_no_words_to_look_for_says_so(client, url):
    make_meeting(statements=("Minister Kono raised the abductions issue.",))
    note = "Your search has no words to look for (only punctuation or very common words), so nothing matches."
    assert note in client.get(url, {"q": "the !!"}).content.decode()
    assert note not in client.get(url, {"q": "abductions"}).content.decode()
    assert note not in client.get(url, {"q": "xylophones"}).content.decode()  # words, none found


def test_too_long_search_is_shortened_with_a_note(client):
    response = client.get("/", {"q": "abductions " * 100})
    assert response.status_code == 200
    assert "Your search was longer than 300 characters and was shortened." in response.content.decode()


def test_unknown_meeting_gives_a_helpful_404(client):
    response = client.get("/meetings/nosuchid/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No meeting has the identifier “nosuchid”." in html
    assert 'role="search"' in html


def test_wrong_or_missing_slug_redirects_permanently(client):
    meeting = make_meeting(date=date(2017, 9, 7), title="Japan-ROK Summit Meeting")
    for url in (f"/meetings/{meeting.public_id}/", f"/meetings/{meeting.public_id}/an-old-title/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == f"/meetings/{meeting.public_id}/2017-09-07-japan-rok-summit-meeting/"


def test_permalink_survives_a_curators_title_change(client):
    meeting = make_meeting(date=date(2017, 9, 7), title="Japan-ROK Summit Meeting")
    old = meeting.get_absolute_url()
    meeting.title = "Abe–Moon Summit in Vladivostok"
    meeting.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/meetings/{meeting.public_id}/2017-09-07-abe-moon-summit-in-vladivostok/"
    assert client.get(response["Location"]).status_code == 200


def test_meeting_page_shows_sides_statements_and_readout(client):
    kishida, yun = make_participant(name="Fumio Kishida"), make_participant(name="Yun Byung-se", country="KOR")
    meeting = make_meeting(
        date=date(2016, 9, 18),
        city="New York",
        country="USA",
        occasion="during his visit to New York",
        duration_minutes=45,
        principals=(kishida,),
        # Yun, a principal, recorded after an attendee of his side: first on it all the same.
        attendees=(
            {"participant": make_participant(name="Koro Bessho"), "title": "Permanent Representative to the UN"},
            make_participant(name="Kenji Kanasugi"),
            make_participant(name="Oh Joon", country="KOR"),
            {"participant": yun, "role": Role.PRINCIPAL},
            {"participant": make_participant(name="Kim Hong-kyun", country=""), "country": "KOR"},  # the side given
        ),
        statements=(
            "Minister Kishida hoped to strengthen pressure on North Korea.",
            "The two ministers exchanged views on Japan-ROK relations.",
        ),
    )
    response = client.get(meeting.get_absolute_url())
    html = response.content.decode()
    sides = [
        (side["name"], [a.participant.name for a in side["attendances"]]) for side in response.context["view"].sides
    ]
    assert sides == [
        ("Japan", ["Fumio Kishida", "Koro Bessho", "Kenji Kanasugi"]),
        ("Republic of Korea", ["Yun Byung-se", "Oh Joon", "Kim Hong-kyun"]),
    ]
    second = meeting.readouts.get().statements.get(position=2)
    assert f'id="s{second.key}"' in html
    assert "Occasion" in html and "During his visit to New York" in html
    assert "about 45 minutes" in html


def test_meeting_page_head_has_highwire_and_json_ld(client):
    meeting = make_meeting(date=date(2012, 4, 7), title="Japan-ROK Foreign Ministers' Meeting (Overview)")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<meta name="citation_title" content="Japan-ROK Foreign Ministers&#x27; Meeting (Overview)">' in html
    assert '<meta name="citation_author" content="Ministry of Foreign Affairs of Japan,">' in html
    assert '<meta name="citation_technical_report_institution" content="Readout Archive">' in html
    assert '<meta name="citation_date" content="2012/04/07">' in html
    assert '"@type": "Report"' in html


def test_participant_and_topic_pages(client):
    kono, abductions = make_participant(name="Taro Kono"), topic("abductions")
    spoken = {"text": "Minister Kono raised the abductions issue.", "speakers": (kono,)}
    make_meeting(date=date(2018, 3, 17), principals=(kono,), topics=(abductions,), statements=(spoken, spoken))
    make_meeting(date=date(2017, 12, 19), issuers=("JPN", "KOR"), principals=(kono,), statements=(spoken,))
    make_meeting(
        date=date(2019, 1, 8), status=Status.DRAFT, principals=(kono,), topics=(abductions,), statements=(spoken,)
    )
    make_meeting(date=date(2018, 5, 9), topics=(abductions,))
    make_meeting(date=date(2016, 9, 18), topics=(abductions,))
    response = client.get(kono.get_absolute_url())
    assert response.status_code == 200
    # Once for each published meeting (both readouts of 2017 record him), the draft not at all.
    assert [a.meeting.date.isoformat() for a in response.context["attendances"]] == ["2018-03-17", "2017-12-19"]
    assert response.context["statement_count"] == 4
    response = client.get("/topics/abductions/")
    assert [(r["label"], r["total"]) for r in response.context["per_year"].rows] == [
        ("2016", 1),
        ("2017", 0),
        ("2018", 2),
    ]
    assert response.context["meeting_count"] == 3
    assert 'href="/?topic=abductions&amp;year=2018"' in response.content.decode()


def test_a_person_recorded_in_two_parts_is_shown_in_the_larger(client):
    """Japan's readout names Kono a principal, Korea's an attendee with his title: his page and
    the meeting's sides say principal (the roles' names sort attendee first)."""
    kono = make_participant(name="Taro Kono")
    meeting = make_meeting(issuers=("JPN", "KOR"), attendees=(kono,))
    japan = meeting.attendances.get(readout__issuer="JPN")
    japan.role = Role.PRINCIPAL
    japan.save()
    meeting.attendances.filter(readout__issuer="KOR").update(title="Minister for Foreign Affairs")
    response = client.get(kono.get_absolute_url())
    assert [(a.role, a.title) for a in response.context["attendances"]] == [(Role.PRINCIPAL, "")]
    assert '<span class="role">principal</span>' in response.content.decode()
    sides = client.get(meeting.get_absolute_url()).context["view"].sides
    assert [(a.participant, a.role) for side in sides for a in side["attendances"]] == [(kono, Role.PRINCIPAL)]


@pytest.mark.parametrize(
    "url", ["/", "/?q=abductions&level=foreign-ministers", "/statements/?q=Kono&speaker=taro-kono"]
)
def test_list_pages_use_a_bounded_number_of_queries(client, archive, django_assert_max_num_queries, url):
    # The first reader, in a process that reads the facet index: the version, the index's state
    # (twice) and its meetings, the matches (with its SET LOCAL in a savepoint), the page's ids,
    # meetings, people and topics, the best statements (two), the facets' labels; for a search,
    # the people and topics it names.
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url, queries",
    [
        # The facet index's state (the counts, the page's ids and the charts from the index; the
        # names of topics and people kept); the page's meetings, whose cards are kept (their
        # people and topics not read again).
        ("/", 2),
        # ... a search's matches kept: its ids ranked by relevance, the best-matching statements,
        # and the people and topics it names
        ("/?q=abductions&level=foreign-ministers", 7),
    ],
)
def test_a_new_list_page_of_choices_seen_before_reads_no_more_than_it_shows(
    client, archive, django_assert_num_queries, url, queries
):
    client.get(url + "&page=1" if "?" in url else url + "?page=1")  # the same choices: the matches kept
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_html_kept_is_keyed_by_the_templates_of_the_release(client, settings):
    """A deploy that changes a template never shows HTML kept from the old one: the cache's key
    prefix is the templates' fingerprint, which a restarted server works out anew."""
    import hashlib

    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    fingerprint = hashlib.blake2b(b"".join(p.read_bytes() for p in templates), digest_size=6).hexdigest()
    from archive import settings as project_settings

    assert project_settings.CACHES["default"]["KEY_PREFIX"].endswith(fingerprint)  # after the database's own
    client.get("/")  # the facets kept under this release's prefix
    facets = settings.BASE_DIR / "templates" / "meetings" / "facets.html"
    sources = {"meetings/facets.html": facets.read_text() + "<!-- v2 -->"}
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", sources),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}]
    assert "<!-- v2 -->" not in client.get("/").content.decode()  # the same release: what it kept
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_PREFIX": "next-release"}}
    assert client.get("/").content.decode().count("<!-- v2 -->") == 1


def test_meeting_page_uses_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    kono, kang = make_participant(name="Taro Kono"), make_participant(name="Kang Kyung-wha", country="KOR")
    abductions, comfort_women = topic("abductions"), topic("comfort-women")
    meeting = make_meeting(
        issuers=("JPN", "KOR"),
        principals=(kono, kang),
        attendees=(make_participant(), {"participant": make_participant(country="KOR"), "title": "Director-General"}),
        statements=(
            {"text": "Minister Kono raised the abductions issue.", "speakers": (kono,), "topics": (abductions,)},
            {
                "text": "Minister Kang spoke of the comfort women issue.",
                "speakers": (kang,),
                "topics": (comfort_women,),
            },
            {"text": "Both ministers agreed to meet again.", "speakers": (kono, kang), "joint": True},
            {"text": "Minister Kono will visit Seoul.", "number": "°", "speakers": (kono,)},
        ),
    )
    with django_assert_max_num_queries(12):
        assert client.get(meeting.get_absolute_url(), {"q": "Kono"}).status_code == 200


def test_each_statement_is_anchored_by_its_key(client):
    meeting = make_meeting(
        statements=(
            {"heading": "North Korean issues", "number": "1 (1)", "text": "Minister Kim hoped for a good exchange."},
            {"number": "1 (2)", "text": "Minister Gemba congratulated the ROK."},
            {"heading": "Japan-ROK relations", "number": "2 (1)", "text": "They will step up cooperation."},
            {"number": "°", "text": "The ministers also discussed economic relations."},
        )
    )
    html = client.get(meeting.get_absolute_url()).content.decode()
    keys = list(meeting.statements.order_by("position").values_list("key", flat=True))
    assert re.findall(r'<li class="statement[^"]*" id="s([0-9a-z]{8})">', html) == keys


def test_facet_counts_follow_a_change_to_the_archive(client):
    make_meeting(date=date(2017, 9, 7), level=Level.SUMMIT)
    make_meeting(date=date(2016, 9, 18))
    ningbo = make_meeting(date=date(2012, 4, 7))
    assert facet(client.get("/"), "level") == {"summit": (1, False), "foreign-ministers": (2, False)}
    Meeting.objects.filter(pk=ningbo.pk).update(level="summit")
    Meeting.objects.filter(pk=ningbo.pk).refresh_derived()
    assert facet(client.get("/"), "level") == {"summit": (2, False), "foreign-ministers": (1, False)}


def test_too_many_matches_to_rank_are_shown_newest_first_with_a_note(client, monkeypatch):
    # By relevance the oldest, which says it most, would come first.
    make_meeting(date=date(2012, 4, 7), statements=("The abductions, the abductions, the abductions.",))
    make_meeting(date=date(2018, 3, 17), statements=("The abductions issue, and the abductions.",))
    make_meeting(date=date(2016, 9, 18), statements=("Humanitarian issues, including the abductions.",))
    make_meeting(date=date(2017, 9, 7), statements=("The two leaders discussed North Korea.",))
    monkeypatch.setattr("meetings.filters.RANK_LIMIT", 2)
    monkeypatch.setattr("meetings.views.RANK_LIMIT", 2)
    response = client.get("/", {"q": "abductions"})
    assert [d for d, _ in titles(response)] == ["2018-03-17", "2016-09-18", "2012-04-07"]
    assert "More than 2 meetings match, too many to rank each by relevance" in response.content.decode()


def count_shown(response) -> int:
    return int(
        re.search(r'<p class="results__count" role="status"><strong>(\d+)</strong>', response.content.decode())[1]
    )


@pytest.mark.parametrize(
    "query, dates",
    [
        ("year=2016&year=2017&year=2018", ["2018-03-17", "2017-12-19", "2017-09-07", "2016-09-18"]),  # one range
        ("year=2018&year=2016&year=2012", ["2018-03-17", "2016-09-18", "2012-04-07"]),  # three, bounded
        ("level=summit", ["2017-09-07"]),
        ("level=foreign-ministers&issuer=KOR", ["2017-12-19"]),
        ("level=summit&level=foreign-ministers&year=2017", ["2017-12-19", "2017-09-07"]),
    ],
)
def test_the_number_of_matches_is_the_number_listed(client, archive, query, dates):
    response = client.get("/?" + query)
    assert [d for d, _ in titles(response)] == dates
    assert count_shown(response) == len(dates)


def test_a_kept_card_follows_a_curators_change_to_a_person_or_a_topic(client, django_capture_on_commit_callbacks):
    kono, abductions = make_participant(name="Taro Kono"), topic("abductions")
    make_meeting(principals=(kono,), topics=(abductions,))
    assert "Taro Kono" in client.get("/").content.decode()
    kono.name = "KONO Taro"
    with django_capture_on_commit_callbacks(execute=True):
        kono.save()
    html = client.get("/").content.decode()
    assert "KONO Taro" in html and "Taro Kono" not in html
    old = abductions.name
    abductions.name = "Abductions of Japanese nationals"
    with django_capture_on_commit_callbacks(execute=True):
        abductions.save()
    html = client.get("/").content.decode()
    assert "Abductions of Japanese nationals" in html and f">{old}<" not in html


@pytest.mark.parametrize("url", ["/", "/?q=abductions", "/?q=abductions&level=summit"])
def test_list_pages_show_no_template_syntax(client, url):
    # A card of every part (people, topics, the matching statements), and a summit that does
    # not match: the last address lists none.
    make_meeting(
        principals=(make_participant(),),
        topics=(topic("abductions"),),
        statements=("Minister Kono raised the abductions issue.",),
    )
    make_meeting(level=Level.SUMMIT, principals=(make_participant(),))
    html = client.get(url).content.decode()
    assert not re.search(r"\{[#%{]|[#%}]\}|<@", html)


def test_a_card_carries_the_search_into_its_links_escaped(client):
    meeting = make_meeting(statements=("Minister Kono raised the abductions issue.",))
    response = client.get("/", {"q": 'abductions "<b>"'})
    links = {href for _, href, _ in cards(response)}
    assert f"{meeting.get_absolute_url()}?q=abductions%20%22%3Cb%3E%22" in links
    assert "<b>" not in response.content.decode().split("<main", 1)[1]


def test_each_card_shows_its_matching_statements_three_at_most(client):
    four = make_meeting(
        date=date(2018, 3, 17),
        statements=(
            "Japan will pursue cooperation with the ROK.",
            "The ministers discussed North Korea.",
            "They confirmed trilateral cooperation with the United States.",
            "Security cooperation will continue.",
            "Economic cooperation was discussed too.",
        ),
    )
    two = make_meeting(
        date=date(2017, 12, 19),
        statements=("Cooperation in culture will grow.", "They met in Tokyo.", "Cooperation on history, too."),
    )
    by_title = make_meeting(
        date=date(2016, 9, 18), title="Japan-ROK Cooperation Dialogue", statements=("The ministers met in New York.",)
    )
    make_meeting(date=date(2012, 4, 7), statements=("The ministers met in Ningbo.",))
    html = client.get("/", {"q": "cooperation", "sort": "-date"}).content.decode()
    shown = []
    for card in html.split('<li class="card">')[1:]:
        href = re.search(r'<h2 class="card__title"><a href="([^"?]*)', card).group(1)
        shown.append((href, card.count('<a class="hit__num"')))
    assert shown == [(four.get_absolute_url(), 3), (two.get_absolute_url(), 2), (by_title.get_absolute_url(), 0)]


def test_a_statements_own_markup_is_escaped_in_the_highlights_of_a_card(client):
    make_meeting(
        statements=(
            "Zebrafish <script>alert(1)</script> 3 < 5 & 'quoted' \"too\" here",
            "The two ministers discussed fisheries.",
        )
    )
    make_meeting(statements=("The two ministers discussed whales.",))
    html = client.get("/", {"q": "zebrafish"}).content.decode()
    assert "<script>alert" not in html
    hits = re.findall(r'<ul class="card__hits">.*?</ul>', html, re.S)
    assert len(hits) == 1  # ts_headline drops what it takes for tags; the rest is escaped
    assert "<mark>Zebrafish</mark>  alert(1)  3 &lt; 5 &amp; &#x27;quoted&#x27; &quot;too&quot; here</li>" in hits[0]


def test_statements_beyond_the_rank_limit_are_shown_newest_first(client, monkeypatch):
    # Made in no order of date, the oldest saying it most: only newest first lists them so.
    make_meeting(
        date=date(2012, 4, 7),
        statements=("Minister Gemba met the minister, minister to minister.", "Minister Kim agreed."),
    )
    make_meeting(date=date(2018, 3, 17), statements=("Minister Kono spoke.",))
    make_meeting(
        date=date(2016, 9, 18), statements=("Minister Kishida spoke.", "The talks ended.", "Minister Yun too.")
    )
    monkeypatch.setattr("meetings.filters.RANK_LIMIT", 3)
    response = client.get("/statements/", {"q": "minister"})
    assert response.context["filter"].rank_bounded
    shown = [(s.meeting.date.isoformat(), s.number) for s in response.context["object_list"]]
    assert shown == [
        ("2018-03-17", "1"),
        ("2016-09-18", "1"),
        ("2016-09-18", "3"),
        ("2012-04-07", "1"),
        ("2012-04-07", "2"),
    ]
    assert "too many to rank each by relevance: they are shown newest first" in response.content.decode()
    monkeypatch.setattr("meetings.filters.RANK_LIMIT", 5000)
    cache.clear()  # the page as the first reader got it is kept
    assert not client.get("/statements/", {"q": "minister"}).context["filter"].rank_bounded


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_out_of_reach_readers_get_a_503_with_retry_after(client):
    from django.db import connections

    client.raise_request_exception = False
    connection = connections["default"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"  # nothing listens there: a refused connection, as during a restart
    try:
        response = client.get("/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "The archive is briefly unavailable" in response.content.decode()
    assert client.get("/").status_code == 200


def test_a_statement_of_two_chosen_speakers_and_topics_is_listed_once(client):
    kono, kang = make_participant(name="Taro Kono"), make_participant(name="Kang Kyung-wha", country="KOR")
    yun = make_participant(name="Yun Byung-se", country="KOR")
    abductions, comfort_women = topic("abductions"), topic("comfort-women")
    meeting = make_meeting(
        principals=(kono, kang),
        statements=(
            {
                "text": "Both spoke of the abductions and comfort women.",
                "speakers": (kono, kang),
                "topics": (abductions, comfort_women),
            },
            {"text": "Minister Kono raised the abductions issue.", "speakers": (kono,), "topics": (abductions,)},
            {"text": "Minister Kang thanked Japan.", "speakers": (kang,)},  # of no topic chosen
            {"text": "Minister Yun spoke of the comfort women.", "speakers": (yun,), "topics": (comfort_women,)},
        ),
    )
    both, kono_only = meeting.statements.order_by("position")[:2]
    params = {"speaker": ["taro-kono", "kang-kyung-wha"], "topic": ["abductions", "comfort-women"]}
    response = client.get("/statements/", params)
    listed = [s.pk for s in response.context["object_list"]]
    assert listed == [both.pk, kono_only.pk]
    assert response.context["paginator"].count == 2
    counts = {row["value"]: row["count"] for row in response.context["speakers"]}
    assert counts == {"taro-kono": 2, "kang-kyung-wha": 1, "yun-byung-se": 1}


@pytest.mark.parametrize(("old", "new"), [("oldest", "date"), ("newest", "-date")])
def test_an_address_with_an_old_order_is_sent_on_to_its_new_name(client, old, new):
    response = client.get("/", {"q": "cooperation", "sort": old, "level": "summit"})
    assert response.status_code == 301
    assert response["Location"] == f"?q=cooperation&sort={new}&level=summit"


def test_the_order_control_shows_the_order_in_force(client):
    def selected(params):
        html = client.get("/", params).content.decode()
        return re.findall(r'<option value="([^"]*)" selected>', html)

    assert selected({}) == ["-date"]
    assert selected({"q": "cooperation"}) == ["relevance"]
    assert selected({"q": "cooperation", "sort": "date"}) == ["date"]
    assert "relevance" not in selected({"sort": "relevance"})


def test_the_index_of_people_lists_those_at_published_meetings(client, archive):
    response = client.get("/people/")
    assert response.status_code == 200
    rows = [(p.name, p.meeting_count, p.first_year, p.last_year) for p in response.context["object_list"]]
    assert ("Taro Kono", 2, 2017, 2018) in rows
    assert all(count > 0 for _, count, _, _ in rows)
    by_meetings = client.get("/people/", {"sort": "-meetings"}).context["object_list"]
    counts = [p.meeting_count for p in by_meetings]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("name", ["kono", "KŌNO", "Tarō Kō", "aro Ko"])
def test_the_index_of_people_finds_a_name_in_any_case_and_accent(client, archive, name):
    found = [p.slug for p in client.get("/people/", {"name": name}).context["object_list"]]
    assert found == ["taro-kono"]


def test_the_index_of_people_says_what_to_try_when_nobody_is_so_named(client, archive):
    page = client.get("/people/", {"name": "Zzyzx"}).content.decode()
    assert "Nobody at a published meeting has a name that holds “Zzyzx”." in page
    assert 'href="/?q=Zzyzx"' in page


def test_the_index_of_people_refuses_a_country_it_does_not_know(client, archive):
    assert client.get("/people/", {"country": "XXX"}).status_code == 400


def test_the_index_of_topics_counts_published_meetings_and_statements(client, archive):
    topics = {t.slug: (t.meeting_count, t.statement_count) for t in client.get("/topics/").context["topics"]}
    assert topics["abductions"] == (3, 4)  # 2018 (two statements), 2016, 2012
    assert topics["comfort-women"] == (3, 3)  # 2017 (each government's readout), 2012
    draft = make_meeting(status=Status.DRAFT, topics=(topic("abductions"),))
    assert draft.statements.filter(topics__slug="abductions").exists()
    cache.clear()
    assert {t.slug: t.meeting_count for t in client.get("/topics/").context["topics"]}["abductions"] == 3


def test_a_search_that_names_a_person_offers_their_page(client, archive):
    page = client.get("/", {"q": "Kōno"}).content.decode()
    assert 'People so named: <a href="/people/taro-kono/">Taro Kono</a>' in page
    assert 'Topic: <a href="/topics/abductions/">Abductions</a>' in client.get("/", {"q": "abduction"}).content.decode()


def test_a_search_offers_those_so_named_who_attend_a_published_meeting_the_most_seen_first(client, db):
    often, once, unpublished = (make_participant(name=f"{n} Ishida") for n in ("Yoko", "Akiko", "Chieko"))
    for _ in range(2):
        make_meeting(principals=(often,))
    make_meeting(principals=(once,))
    make_meeting(principals=(unpublished, often), status=Status.DRAFT)
    assert [p.name for p in Participant.objects.so_named("ishida")] == ["Yoko Ishida", "Akiko Ishida"]
    page = client.get("/", {"q": "Ishida"}).content.decode()
    assert (
        f'People so named: <a href="{often.get_absolute_url()}">Yoko Ishida</a>'
        f' · <a href="{once.get_absolute_url()}">Akiko Ishida</a></p>'
    ) in page


def test_a_quoted_search_is_not_quoted_twice_in_the_heading(client, archive):
    page = client.get("/", {"q": '"comfort women"'}).content.decode()
    assert '<h1 id="results-title">Meetings matching &quot;comfort women&quot;</h1>' in page
    assert "<title>&quot;comfort women&quot; — Meetings" in page


def test_pagination_shows_the_first_the_last_and_nearby_pages(client, archive, monkeypatch):
    for day in range(1, 25):
        make_meeting(date=date(2019, 1, day))
    monkeypatch.setattr(MeetingListView, "paginate_by", 2)
    response = client.get("/", {"page": "7", "level": "foreign-ministers"})
    assert response.context["page_range"] == [1, "…", 5, 6, 7, 8, 9, "…", 14]  # 28 meetings, 2 a page
    page = response.content.decode()
    assert 'aria-current="page" href="?level=foreign-ministers&amp;page=7"' in page
    assert 'aria-label="Last page, 14"' in page


def test_a_page_beyond_the_last_says_so_and_shows_the_last(client, archive):
    response = client.get("/", {"page": "90"})
    assert response.status_code == 404
    assert response.context["page_obj"].number == 1
    assert "There is no page 90: this list has 1 page." in response.content.decode()
    statements = client.get("/statements/", {"page": "3"})
    assert statements.status_code == 404
    assert "There is no page 3" in statements.content.decode()


def test_no_results_say_what_to_try(client, archive):
    page = client.get("/", {"q": "zzyzx", "level": "summit"}).content.decode()
    assert "No meetings match “zzyzx” with the choices in force." in page
    assert '<a href="/?q=zzyzx">keep only the search</a>' in page
    assert "<code>negotiat*</code>" in page
    assert '<a href="/statements/?q=zzyzx">Search the statements</a>' in page


def test_the_statements_are_narrowed_by_year_date_and_issuer_and_ordered(client, archive):
    def shown(**params):
        response = client.get("/statements/", params)
        assert response.status_code == 200
        return [(s.meeting.date.isoformat(), s.readout.issuer) for s in response.context["object_list"]]

    everything = shown()
    in_2017 = shown(year="2017")
    assert in_2017 and {d[:4] for d, _ in in_2017} == {"2017"}
    assert in_2017 == [row for row in everything if row[0].startswith("2017")]
    assert shown(date_from="2017-01-01", date_to="2017-12-31") == in_2017
    assert {issuer for _, issuer in shown(issuer="KOR")} == {"KOR"}
    oldest = shown(sort="date")
    assert [d for d, _ in oldest] == sorted(d for d, _ in everything)
    assert client.get("/statements/", {"year": "twenty"}).status_code == 400
    page = client.get("/statements/", {"year": "2017"}).content.decode()
    assert '<option value="2017" selected>2017</option>' in page
    assert '<option value="-date" selected>Newest first</option>' in page


@pytest.mark.parametrize(
    "number, label",
    [
        ("2", "paragraph 2"),
        ("(3)", "paragraph (3)"),
        ("○", "paragraph 1 (unnumbered)"),
        ("", "paragraph 1 (unnumbered)"),
    ],
)
def test_a_hit_names_the_readout_and_paragraph_in_words(client, number, label):
    make_meeting(issuers=("KOR",), statements=({"number": number, "text": "The ministers discussed whaling."},))
    html = client.get("/", {"q": "whaling"}).content.decode()
    assert f"Republic of Korea’s readout, {label}</a>" in html
    assert "Republic of Korea’s readout</p>" in client.get("/statements/", {"q": "whaling"}).content.decode()


def test_the_meeting_page_names_the_source_not_the_archive_s_file(client):
    meeting = make_meeting()
    readout = meeting.readouts.get()
    readout.source_url = "https://www.mofa.go.jp/a_o/na/kr/page4e_000001.html"
    readout.save()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert readout.file_name not in html
    assert (
        'Source: <a href="https://www.mofa.go.jp/a_o/na/kr/page4e_000001.html" rel="noopener">www.mofa.go.jp</a>'
        in html
    )
    assert "The text as Japan published it" in html


def test_a_long_facet_can_be_shown_whole(client):
    people = [make_participant(name=f"Minister Number {n:02d}") for n in range(20)]
    for n, person in enumerate(people):
        for _ in range(n + 1):  # the later, the more meetings
            make_meeting(principals=(person,))
    response = client.get("/", {"level": "foreign-ministers"})
    facet = next(f for f in response.context["filter"].facets() if f["name"] == "person")
    assert len(facet["values"]) == 15
    assert facet["more"] == "level=foreign-ministers&more=person"
    assert 'href="?level=foreign-ministers&amp;more=person">Show every principal</a>' in response.content.decode()
    whole = client.get("/", {"level": "foreign-ministers", "more": "person"})
    facet = next(f for f in whole.context["filter"].facets() if f["name"] == "person")
    assert len(facet["values"]) == 20
    assert facet["fewer"] == "level=foreign-ministers"
    assert [c["label"] for c in whole.context["chips"]] == [c["label"] for c in response.context["chips"]]
    assert '<input type="hidden" name="more" value="person">' in whole.content.decode()
    assert client.get("/", {"more": "year"}).status_code == 400
