"""Dates as readouts write them, in English, Japanese and Korean, and how a meeting's date is
settled from the evidence: the text, the page's own date, the principals' terms of office.

Nothing is guessed: when the evidence leaves more than one year, the date stays unknown.
"""

import re
from dataclasses import dataclass
from datetime import date

from .gazetteer import Gazetteer, Holder

# Japanese era names and the year before each era's first year (平成元年 = 1989).
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
JA_WEEKDAYS = "月火水木金土日"
KO_WEEKDAYS = "월화수목금토일"
EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

ERA_DATE = re.compile(
    r"(?P<era>令和|平成|昭和)\s*(?P<year>元|\d{1,2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
)
JA_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
KO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일")
DOTTED_DATE = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d{2})\s*\.\s*(?P<month>\d{1,2})\s*\.\s*(?P<day>\d{1,2})(?![\d])\.?"
)
# In a lead: "9月7日(月曜日)", "7日", "8월 7일(월)", "8. 7.(월)", "3.21.(금)".
JA_MONTH_DAY = re.compile(
    rf"(?<!\d)(?:(?P<month>\d{{1,2}})\s*月\s*)?(?P<day>\d{{1,2}})\s*日(?:\s*[(（](?P<weekday>[{JA_WEEKDAYS}])(?:曜日?)?[)）])?"
)
KO_MONTH_DAY = re.compile(
    rf"(?<![\d.])(?:(?P<month>\d{{1,2}})\s*월\s*)?(?P<day>\d{{1,2}})\s*일(?:\s*\((?P<weekday>[{KO_WEEKDAYS}])\))?"
    rf"|(?<![\d.])(?P<dmonth>\d{{1,2}})\s*\.\s*(?P<dday>\d{{1,2}})\s*\.\s*(?:\((?P<dweekday>[{KO_WEEKDAYS}])\))?"
)
EARLIER = re.compile(r"\b(?:yesterday|last\s+(?:week|month)|earlier\s+this)\b|어제|昨日", re.I)
TODAY = re.compile(r"\b(?:today|this\s+(?:morning|afternoon|evening))\b|오늘|금일|本日|今日", re.I)


@dataclass
class DateEvidence:
    """What a readout's lead says of the meeting's date; each part None when it says nothing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    today: bool = False  # "spoke by phone this morning": the day the page was published
    earlier: bool = False  # "yesterday", "last week": not the page's day, and no date given


def make_date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def page_date_cjk(line: str) -> date | None:
    """A Japanese or Korean page's own date: 平成29年9月15日, 2017年9月15日, 2017년 9월 15일, 2024-02-29."""
    m = ERA_DATE.search(line)
    if m:
        year = 1 if m.group("year") == "元" else int(m.group("year"))
        return make_date(ERAS[m.group("era")] + year, m.group("month"), m.group("day"))
    for pattern in (JA_DATE, KO_DATE, DOTTED_DATE):
        m = pattern.search(line)
        if m:
            return make_date(m.group("year"), m.group("month"), m.group("day"))
    return None


def cjk_evidence(lead: str, language: str) -> DateEvidence:
    """The meeting date as a Japanese or Korean lead gives it."""
    full = page_date_cjk(lead)
    if full:
        return DateEvidence(full.year, full.month, full.day, None)
    if language in ("ja", "zh"):
        m = JA_MONTH_DAY.search(lead)
        if m:
            weekday = JA_WEEKDAYS.index(m.group("weekday")) if m.group("weekday") else None
            return DateEvidence(None, _int(m.group("month")), int(m.group("day")), weekday)
    else:
        m = KO_MONTH_DAY.search(lead)
        if m:
            if m.group("dmonth"):
                weekday = KO_WEEKDAYS.index(m.group("dweekday")) if m.group("dweekday") else None
                return DateEvidence(None, int(m.group("dmonth")), int(m.group("dday")), weekday)
            weekday = KO_WEEKDAYS.index(m.group("weekday")) if m.group("weekday") else None
            return DateEvidence(None, _int(m.group("month")), int(m.group("day")), weekday)
    return DateEvidence(today=bool(TODAY.search(lead)), earlier=bool(EARLIER.search(lead)))


def english_weekday(text: str) -> int | None:
    m = re.search(r"\b(" + "|".join(EN_WEEKDAYS) + r")\b", text, re.I)
    return EN_WEEKDAYS.index(m.group(1).lower()) if m else None


def _int(value) -> int | None:
    return int(value) if value else None


def settle(
    evidence: DateEvidence,
    published: date | None,
    holders: list[Holder],
    gazetteer: Gazetteer | None,
    *,
    today: date,
) -> tuple[date | None, str]:
    """The meeting's date and how it was found ("text", "page-date", "weekday-and-terms",
    "terms"), or (None, "") when the evidence does not settle it."""
    e = evidence
    if e.year and e.month and e.day:
        found = make_date(e.year, e.month, e.day)
        return (found, "text") if found else (None, "")
    if published and e.day:
        # The page's date gives the year (and the month, when the lead names a day only): the
        # latest such date that is not after the page, but for a day of time zones.
        if e.month:
            candidates = [make_date(published.year + k, e.month, e.day) for k in (-1, 0, 1)]
        else:
            months = [(published.year * 12 + published.month - 1 + k) for k in (-1, 0, 1)]
            candidates = [make_date(m // 12, m % 12 + 1, e.day) for m in months]
        fitting = [d for d in candidates if d and (d - published).days <= 1]
        return (max(fitting), "page-date") if fitting else (None, "")
    if published and (e.today or not (e.month or e.earlier)):
        return published, "page-date"
    if e.month and e.day and gazetteer and len(holders) >= 2:
        if e.weekday is not None:
            # The weekday rules out years; when it rules out all of them, the text contradicts
            # the terms, and nothing is settled.
            years = gazetteer.years_fitting(holders, e.month, e.day, e.weekday, until=today)
            found = make_date(years[0], e.month, e.day) if len(years) == 1 else None
            return (found, "weekday-and-terms") if found else (None, "")
        years = gazetteer.years_fitting(holders, e.month, e.day, until=today)
        if len(years) == 1:
            return make_date(years[0], e.month, e.day), "terms"
    return None, ""
