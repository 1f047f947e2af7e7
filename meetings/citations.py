"""Citations of a meeting record, or of one statement in it: Chicago, APA, BibTeX, RIS, CSL-JSON."""

import json
import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import COUNTRY_NAMES, Meeting, Statement, country_name

ARCHIVE = "Readout Archive"
ISSUER_AUTHORS = {
    "JPN": "Ministry of Foreign Affairs of Japan",
    "KOR": "Ministry of Foreign Affairs of the Republic of Korea",
    "USA": "U.S. Department of State",
    "CHN": "Ministry of Foreign Affairs of the People's Republic of China",
}


def issuer_author(code: str) -> str:
    return ISSUER_AUTHORS.get(code, f"Government of {country_name(code)}")


def _long_date(d: date | None) -> str:
    return f"{d:%B} {d.day}, {d.year}" if d else "n.d."


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_\\])", r"\\\1", text)


# Words of a title that name a nation: kept capitalised in sentence case, as countries' names are.
NATIONALITIES = {
    "Japanese", "Korean", "Chinese", "American", "Russian", "Indian", "Australian", "British", "French",
    "German", "Italian", "Canadian", "Mongolian", "Vietnamese", "Philippine", "Indonesian", "Thai",
    "Singaporean", "Malaysian", "European", "Asian", "Pacific", "ASEAN",
}  # fmt: skip
# Titles that stay capitalised before a name ("Prime Minister Kishida").
TITLE_WORDS = {"Prime", "Minister", "President", "Foreign", "Vice", "Deputy", "Secretary", "State", "Chief"}


def proper_words(*, places: list[str] = (), people: list[str] = ()) -> frozenset[str]:
    """The words a title's sentence case keeps as written: countries' names (every country the
    archive knows), nationalities, and the meeting's places and people."""
    words = set(NATIONALITIES)
    for name in [*COUNTRY_NAMES.values(), *places, *people]:
        words.update(w for w in re.split(r"[\s,()]+", name) if w[:1].isupper())
    return frozenset(words - {"The", "Of", "And"})


def _sentence_case(title: str, proper: frozenset[str] = frozenset()) -> str:
    """APA's sentence case: the first word capitalised, and after it only proper names (the
    words of `proper`, their parts in a hyphenated word such as "Japan-ROK"), acronyms ("ROK",
    "U.S.") and the titles just before a name ("Prime Minister Kishida"); every other word in
    lower case."""
    words = title.split()

    def kept(word: str) -> bool:
        bare = word.strip("()[],.:;“”\"'’")
        if bare.endswith(("'s", "’s")):
            bare = bare[:-2]
        if bare in proper:
            return True
        parts = [p for p in re.split(r"[-–/]", bare) if p]
        return bool(parts) and all(
            p in proper or (p.isupper() and len(p) > 1) or re.fullmatch(r"([A-Z]\.)+", p) for p in parts
        )

    keep = [kept(w) for w in words]
    for i in range(len(words) - 2, -1, -1):  # titles just before a name, or before such a title
        keep[i] = keep[i] or (words[i] in TITLE_WORDS and keep[i + 1])
    out = []
    for i, word in enumerate(words):
        after_colon = i > 0 and words[i - 1].endswith(":")
        if i == 0 or after_colon:
            out.append(word[:1].upper() + word[1:] if keep[i] else word[:1].upper() + word[1:].lower())
        else:
            out.append(word if keep[i] else word.lower())
    return " ".join(out)


@dataclass
class Citation:
    title: str
    authors: list[str]
    meeting_date: date | None  # None when no evidence settles it: cited "n.d."
    url: str
    accessed: date
    public_id: str
    place: str
    statement_label: str = ""
    version: int | None = None
    proper: frozenset[str] = frozenset()  # the words sentence case keeps (proper_words)

    @property
    def record(self) -> str:
        return f"record {self.public_id}" + (f", version {self.version}" if self.version else "")

    @classmethod
    def for_meeting(
        cls,
        meeting: Meeting,
        request,
        *,
        accessed: date,
        statement: Statement | None = None,
        issuer: str = "",
        issuers: list[str] | None = None,
        version: int | None = None,
    ) -> "Citation":
        """The citation of a meeting, or of one statement in it; with a version, its permalink."""
        path = meeting.get_absolute_url() + (f"v/{version}/" if version else "")
        url = request.build_absolute_uri(path)
        label = ""
        if statement is not None:
            url += f"#{statement.anchor}"
            label = statement.paragraph
            issuer = issuer or statement.readout.issuer
            if issuer:
                label += f" of the {country_name(issuer)} readout"
        codes = issuers if issuers is not None else meeting.issuers
        authors = [issuer_author(code) for code in (codes or [])] or [ARCHIVE]
        return cls(
            title=meeting.title,
            authors=authors,
            meeting_date=meeting.date,
            url=url,
            accessed=accessed,
            public_id=meeting.public_id,
            place=meeting.place,
            statement_label=label,
            version=version,
            proper=proper_words(
                places=[meeting.city, meeting.occasion],
                people=[a.participant.name for a in meeting.attendances.all()],
            ),
        )

    @property
    def file_stem(self) -> str:
        return (
            f"readout-{self.public_id}"
            + (f"-v{self.version}" if self.version else "")
            + ("-" + re.sub(r"\W+", "-", self.statement_label).strip("-") if self.statement_label else "")
        )

    @property
    def key(self) -> str:
        return (
            f"readout{self.meeting_date:%Y%m%d}{self.public_id}" if self.meeting_date else f"readoutnd{self.public_id}"
        )

    def _authors_text(self, joiner: str = " and ") -> str:
        return (
            joiner.join(self.authors)
            if len(self.authors) <= 2
            else ", ".join(self.authors[:-1]) + ", and " + self.authors[-1]
        )

    def chicago(self) -> str:
        part = f", {self.statement_label}" if self.statement_label else ""
        return (
            f"{self._authors_text()}. “{self.title}{part}.” {_long_date(self.meeting_date)}. "
            f"{ARCHIVE}, {self.record}. Accessed {_long_date(self.accessed)}. {self.url}."
        )

    def apa(self) -> str:
        authors = ", & ".join(self.authors) if len(self.authors) == 2 else ", ".join(self.authors)
        part = f" ({self.statement_label})" if self.statement_label else ""
        return (
            f"{authors}. ({self._apa_date()}). "
            f"{_sentence_case(self.title, self.proper)}{part} [Meeting readout{', version ' + str(self.version) if self.version else ''}]. {ARCHIVE}. "
            f"Retrieved {_long_date(self.accessed)}, from {self.url}"
        )

    def _apa_date(self) -> str:
        d = self.meeting_date
        return f"{d.year}, {d:%B} {d.day}" if d else "n.d."

    def chicago_html(self):
        text = escape(self.chicago())
        return mark_safe(text.replace(escape(self.url), f'<a href="{escape(self.url)}">{escape(self.url)}</a>'))

    def bibtex(self) -> str:
        authors = " and ".join("{" + _bibtex_escape(a) + "}" for a in self.authors)
        title = self.title + (f", {self.statement_label}" if self.statement_label else "")
        fields = [
            ("title", "{" + _bibtex_escape(title) + "}"),
            ("author", authors),
            *(
                [("date", f"{self.meeting_date:%Y-%m-%d}"), ("year", str(self.meeting_date.year))]
                if self.meeting_date
                else []
            ),
            ("howpublished", ARCHIVE),
            ("url", self.url),
            ("urldate", f"{self.accessed:%Y-%m-%d}"),
            ("note", f"Meeting readout, {self.record}" + (f", {self.place}" if self.place else "")),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [("TY", "ELEC")]
        lines += [("AU", a) for a in self.authors]
        lines += [
            ("TI", self.title + (f", {self.statement_label}" if self.statement_label else "")),
            # Where the meeting was held is a note: RIS's CY is the place of publication.
            *([("N1", f"Meeting held in {self.place}")] if self.place else []),
            *(
                [("DA", f"{self.meeting_date:%Y/%m/%d}"), ("PY", str(self.meeting_date.year))]
                if self.meeting_date
                else []
            ),
            ("PB", ARCHIVE),
            ("UR", self.url),
            ("Y2", f"{self.accessed:%Y/%m/%d}"),
            ("M3", "Meeting readout"),
            ("ID", self.public_id),
            *([("ET", f"Version {self.version}")] if self.version else []),
        ]
        lines.append(("ER", ""))  # "ER  - ", its space included, as the RIS specification writes it
        return "\r\n".join(f"{tag}  - {value}" for tag, value in lines) + "\r\n"

    def csl_json(self) -> list[dict]:
        item = {
            "id": self.key,
            "type": "webpage",
            "genre": "Meeting readout",
            "title": self.title + (f", {self.statement_label}" if self.statement_label else ""),
            "author": [{"literal": a} for a in self.authors],
            **(
                {"issued": {"date-parts": [[self.meeting_date.year, self.meeting_date.month, self.meeting_date.day]]}}
                if self.meeting_date
                else {}
            ),
            "accessed": {"date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]},
            "container-title": ARCHIVE,
            "URL": self.url,
            # The record's identifier where styles print an archive's own reference; "number"
            # would be printed "No. Scspsv4u", capitalised, by styles that show it.
            "archive_location": f"record {self.public_id}",
            **({"version": str(self.version)} if self.version else {}),
        }
        if self.place:
            item["event-place"] = self.place
        return [item]

    def highwire(self) -> list[tuple[str, str]]:
        """The page's Highwire Press tags, as Zotero's "Embedded Metadata" translator reads them
        (zotero/translators, "Embedded Metadata.js"): citation_technical_report_institution
        makes the item a report, not the journal article a bare citation_title makes it. An
        author with a comma is taken as "Last, First" (ZU.cleanAuthor's useComma) and the comma
        is trimmed: "Ministry of Foreign Affairs of Japan," is one name kept whole, where without
        it the last word would be taken for a family name ("Japan") and the rest for a first."""
        tags = [("citation_title", self.title)]
        tags += [("citation_author", f"{a},") for a in self.authors]
        tags += [
            ("citation_technical_report_institution", ARCHIVE),
            *(
                [
                    ("citation_date", f"{self.meeting_date:%Y/%m/%d}"),
                    ("citation_publication_date", f"{self.meeting_date:%Y/%m/%d}"),
                ]
                if self.meeting_date
                else []
            ),
            ("citation_publisher", ARCHIVE),
            ("citation_public_url", self.url),
            ("citation_abstract_html_url", self.url),
            ("citation_technical_report_number", self.public_id),
            *([("citation_version", str(self.version))] if self.version else []),
        ]
        return tags

    def json_ld(self) -> str:
        data = {
            "@context": "https://schema.org",
            "@type": "Report",
            "name": self.title,
            "url": self.url,
            "identifier": self.public_id,
            **({"datePublished": f"{self.meeting_date:%Y-%m-%d}"} if self.meeting_date else {}),
            "author": [{"@type": "Organization", "name": a} for a in self.authors],
            "publisher": {"@type": "Organization", "name": ARCHIVE},
            "about": {
                "@type": "Event",
                "name": self.title,
                **({"startDate": f"{self.meeting_date:%Y-%m-%d}"} if self.meeting_date else {}),
                **({"location": {"@type": "Place", "name": self.place}} if self.place else {}),
            },
        }
        # Escape "<" so a title can never close the script element.
        return mark_safe(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))
