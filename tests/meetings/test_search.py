"""Highlights as the pages show them: escaped, with the headline's markers as <mark>."""

from meetings.search import START, STOP, render_marked


def test_a_headline_is_escaped_and_its_markers_become_marks():
    text = f'{START}Abe{STOP} & <b>"Moon"</b> {START}O\'Brien{STOP}'
    assert render_marked(text) == "<mark>Abe</mark> &amp; &lt;b&gt;&quot;Moon&quot;&lt;/b&gt; <mark>O&#x27;Brien</mark>"


def test_a_headline_with_a_mark_left_open_is_shown_without_marks():
    assert render_marked(f"{START}Abe{STOP} and {START}Moon <i>") == "Abe and Moon &lt;i&gt;"


def test_a_headline_with_no_markers_is_only_escaped():
    assert render_marked("a < b") == "a &lt; b"
