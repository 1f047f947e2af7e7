"""Citations of a meeting record, or of one statement in it: Chicago, APA, BibTeX, RIS, CSL-JSON."""

import json
import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Meeting, Statement, country_name

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


GENERIC_WORDS = {
    "meeting",
    "meetings",
    "talk",
    "talks",
    "telephone",
    "summit",
    "summary",
    "overview",
    "outcome",
    "held",
    "meets",
    "with",
    "counterpart",
    "conversation",
    "foreign",
    "minister",
    "ministers",
    "ministers'",
    "ministerial",
    "the",
    "of",
    "and",
    "on",
    "his",
    "her",
    "a",
    "an",
    "to",
    "in",
    "for",
    "has",
    "holds",
}


def _sentence_case(title: str) -> str:
    """APA's sentence case: generic words lower-cased, names and countries kept as printed."""
    words = title.split()
    return " ".join(
        w if i == 0 or w.lower().strip("(),.:") not in GENERIC_WORDS else w.lower() for i, w in enumerate(words)
    )


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
            f"{_sentence_case(self.title)}{part} [Meeting readout{', version ' + str(self.version) if self.version else ''}]. {ARCHIVE}. "
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
