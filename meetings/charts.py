"""Charts of the record, drawn as SVG by templates (includes/bar_chart.html) from the geometry
worked out here: bars of years, stacked by a series (levels), or one series of shares. Each
chart has its data as a table beside it, for screen readers and for copying."""

from dataclasses import dataclass, field

from .models import Level

WIDTH, HEIGHT = 760, 170  # the drawing's own units; it scales to the page's width
LEFT, RIGHT, BOTTOM, TOP = 44, 16, 22, 8  # room for the axis labels
WIDEST = 40  # a bar's width at most, however few the years


@dataclass
class Segment:
    series: str
    value: float
    y: float
    height: float


@dataclass
class Bar:
    label: str
    x: float
    width: float
    total: float
    segments: list[Segment] = field(default_factory=list)
    shown_label: bool = False  # a year under the axis, every few
    counted: bool = True  # False for a year the figures leave out (a share of no meetings)

    percent: bool = False

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def figure(self) -> str:
        """Its total as the chart's title and table say it: "1,204", "33.3%", "no meetings"."""
        return figure(self.total, self.percent) if self.counted else "no meetings"


def figure(value: float, percent: bool) -> str:
    """A count with thousands separators, or a share with one decimal: formatted here, not by the
    template's filters, since a chart has hundreds of them."""
    return f"{value:.1f}%" if percent else f"{int(value):,}"


@dataclass
class Chart:
    title: str
    series: list[tuple[str, str]]  # (key, label), for the legend and the CSS class of each
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) of the axis's lines
    percent: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM

    @property
    def paths(self) -> list[tuple[str, str]]:
        """Each series' segments as one SVG path, (series key, path data): a path for a series
        rather than a rectangle for each bar's segment, since the template's cost is the number of
        its nodes (a chart of 37 years and four levels rendered in 16 ms with the rectangles)."""
        paths = []
        for n, (key, _) in enumerate(self.series):
            segments = [(bar, bar.segments[n]) for bar in self.bars if bar.segments[n].height]
            if segments:
                paths.append(
                    (key, " ".join(f"M{bar.x} {s.y}h{bar.width}v{s.height}h-{bar.width}z" for bar, s in segments))
                )
        return paths

    @property
    def rows(self) -> list[dict]:
        """The data table: each bar's values by series, and its total (None where not counted),
        with the same as text."""
        return [
            {
                "label": bar.label,
                "values": [s.value for s in bar.segments],
                "total": bar.total if bar.counted else None,
                "cells": [f"{int(s.value):,}" for s in bar.segments],
                "figure": bar.figure,
            }
            for bar in self.bars
        ]


def nice_step(peak: float) -> float:
    """A round step for the axis: 1, 2 or 5 times a power of ten, four or so steps to the peak."""
    raw = peak / 4 if peak else 1
    power = 10 ** max(len(str(int(raw))) - 1, 0) if raw >= 1 else 0.1
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def year_chart(title: str, counts: dict[int, dict[str, float]], series: list[tuple[str, str]], *, percent=False):
    """Bars of every year from the first to the last counted (those with nothing included),
    each stacked by the series in order. `counts` is {year: {series key: value}}; a year between
    that it leaves out is a count of 0, or for shares a year without meetings (the table says so)."""
    if not counts:
        return None
    years = list(range(min(counts), max(counts) + 1))
    totals = {y: sum(counts.get(y, {}).values()) for y in years}
    peak = max(totals.values()) or 1
    step = nice_step(peak) if percent else max(1, int(nice_step(peak)))  # counts step by whole meetings
    top = step * -(-peak // step)  # the peak rounded up to a step
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / len(years)
    every = max(1, round(len(years) / 12))
    bars = []
    for n, year in enumerate(years):
        width = min(slot * 0.76, WIDEST)
        x, width = round(LEFT + n * slot + (slot - width) / 2, 2), round(width, 2)
        bar = Bar(
            str(year),
            x,
            width,
            totals[year],
            shown_label=n % every == 0,
            counted=not percent or year in counts,
            percent=percent,
        )
        y = HEIGHT - BOTTOM
        for key, _ in series:
            value = counts.get(year, {}).get(key, 0)
            height = plot * value / top
            y -= height
            bar.segments.append(Segment(key, value, round(y, 2), round(height, 2)))
        bars.append(bar)
    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        label = f"{value:g}%" if percent else f"{int(value):,}"
        ticks.append((round(HEIGHT - BOTTOM - plot * value / top, 2), label))
        value += step
    return Chart(title, series, bars, ticks, percent)


def meetings_per_year(counts: dict[int, dict[str, int]], title: str = "Meetings per year, by level"):
    """Each year's meetings stacked by level (the levels that have any)."""
    levels = [(value, label) for value, label in Level.choices if any(value in c for c in counts.values())]
    return year_chart(title, counts, levels)


def share_per_year(shares: dict[int, float], title: str):
    """Each year's percentage, one series; a year without meetings is no share at all."""
    return year_chart(title, {y: {"share": share} for y, share in shares.items()}, [("share", "Share")], percent=True)
