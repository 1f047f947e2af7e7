"""The benchmark's table, from a run's results (bench/out/results-<N>.json): each figure beside
its baseline, its budget (for 100,000 readouts on 2 cores), MET or MISSED, and the load average."""

from pathlib import Path
from typing import NamedTuple

CLIENTS_IN_BUDGET = 16  # the load level the budgets name


class Row(NamedTuple):
    measure: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    budget: str = ""
    verdict: str = ""
    load: str = ""


HEADINGS = Row("measure", "figure", "baseline", "ratio", "budget", "verdict", "load")


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def load(step: dict) -> str:
    """The load average at the end of a step, and in brackets the cores' worth of CPU others used."""
    if "others_cpu_cores" not in step:
        return str(step.get("load_average", ""))
    return f"{step['load_average']} ({step['others_cpu_cores']})"


def rows(results: dict) -> list[Row]:
    """Every row of the table, in the order the issue names the figures."""
    p = results["pages"]
    new, rep, browse, edit = p["new_searches"], p["repeated"], p["browse"], p["after_edit"]
    out = [
        Row(
            f"new searches, each once ({new['pages']}): p50",
            f"{new['p50_ms']} ms",
            f"SQL {new['sql_p50_ms']} ms",
            f"{new['p50_ms'] / max(new['sql_p50_ms'], 0.01):.2f}",
            "< 40 ms",
            verdict(new["p50_ms"] < 40),
            load(new),
        ),
        Row(
            "  p95",
            f"{new['p95_ms']} ms",
            f"SQL {new['sql_p95_ms']} ms",
            f"{new['ratio_of_p95s']}",
            "< 150 ms",
            verdict(new["p95_ms"] < 150),
        ),
        Row(
            "  each page over its own SQL: p95 of pages",
            f"{new['page_ratio_p95']}×",
            f"(p50 {new['page_ratio_p50']}×)",
            "",
            "≤ 1.3×",
            verdict(new["page_ratio_p95"] <= 1.3),
        ),
        Row(
            f"repeated pages ({rep['pages']} × {rep['fetches'] // max(rep['pages'], 1)}): p95",
            f"{rep['p95_ms']} ms",
            f"SQL {rep['sql_p95_ms']} ms",
            f"{rep['ratio_of_p95s']}",
            "< 30 ms",
            verdict(rep["p95_ms"] < 30),
            load(rep),
        ),
        Row(
            f"browse, each once ({browse['pages']}): p95",
            f"{browse['p95_ms']} ms",
            f"SQL {browse['sql_p95_ms']} ms",
            f"{browse['ratio_of_p95s']}",
            "< 50 ms",
            verdict(browse["p95_ms"] < 50),
            load(browse),
        ),
        Row(
            f"after an edit ({edit['edits']}): the admin's save, max",
            f"{edit['save_max_ms']} ms",
            f"(p50 {edit['save_p50_ms']} ms)",
            "",
            "< 50 ms",
            verdict(edit["save_max_ms"] < 50),
            load(edit),
        ),
        Row(
            f"  its next readers of pages not showing it ({edit['readers']}: home, searches): p95",
            f"{edit['reader_p95_ms']} ms",
            f"repeated {rep['p95_ms']} ms",
            f"{edit['reader_p95_over_repeated_p95']}",
            "≤ 2×",
            verdict(edit["reader_p95_over_repeated_p95"] <= 2),
        ),
    ]
    if edit.get("related_readers"):  # searches whose matches hold the edited meeting: new pages
        out.append(
            Row(
                f"  … of searches matching it ({edit['related_readers']}): p50 / p95",
                f"{edit['related_p50_ms']} / {edit['related_p95_ms']} ms",
                "",
                "",
                "",
                "",
            )
        )
    for level in p["under_load"]:
        http, sql, clients = level["http"], level["sql"], level["clients"]
        judged = clients == CLIENTS_IN_BUDGET
        out.append(
            Row(
                f"{clients} client{'s' if clients > 1 else ''} at once: requests/s",
                f"{http['requests_per_s']}",
                f"SQL {sql['requests_per_s']}",
                f"{level['share_of_sql']}",
                "≥ 0.6×" if judged else "",
                verdict(level["share_of_sql"] >= 0.6) if judged else "",
                load(http),
            )
        )
        out.append(
            Row(
                "  p50 / p95 / p99 ms, errors",
                f"{http['p50_ms']} / {http['p95_ms']} / {http['p99_ms']}, {http['errors']}",
                f"SQL {sql['p50_ms']} / {sql['p95_ms']} / {sql['p99_ms']}, {sql['errors']}",
                "",
                "p95 < 1 s, 0 errors" if judged else "",
                verdict(http["errors"] == 0 and (http["p95_ms"] or 0) < 1000) if judged else "",
                f"SQL: {load(sql)}",
            )
        )
    out += memory_and_import_rows(results)
    return out


def memory_and_import_rows(results: dict) -> list[Row]:
    mem, imp, w = results["pages"]["memory"], results["import"], results["writes"]
    largest = max([mem["master_mb"], *mem["workers_mb"]])
    return [
        Row(
            "server processes' memory after the load",
            " / ".join(f"{m} MB" for m in mem["workers_mb"]),
            f"master {mem['master_mb']} MB",
            "",
            "< 200 MB each",
            verdict(largest < 200),
        ),
        Row(
            "import, readouts/s",
            f"{imp['readouts_per_s']}",
            f"{imp['statements_per_s']} statements/s",
            "",
            "≥ 200",
            verdict(imp["readouts_per_s"] >= 200),
            load(imp),
        ),
        Row(
            "  its writes alone vs plain COPY, readouts/s",
            "failed" if "error" in w else f"{w['writes_readouts_per_s']}",
            f"COPY {w['copy_readouts_per_s']}" if "copy_readouts_per_s" in w else "",
            f"{w.get('writes_speed_share_of_copy', '')}",
            "≥ 0.5×",
            verdict(w.get("writes_speed_share_of_copy", 0) >= 0.5),
            load(w),
        ),
        Row(
            "  re-import of the unchanged files, s",
            f"{imp['reimport_seconds']}",
            f"first {imp['seconds']}",
            f"{imp['reimport_share']}",
            "≤ 0.3×",
            verdict(imp["reimport_share"] <= 0.3),
        ),
    ]


def notes(results: dict) -> str:
    """What the budgets are for, and what the load column says."""
    size = results["import"]["readouts"]
    other = "" if size == 100_000 else f"; this run has {size:,}, so MET/MISSED only say how it compares"
    return (
        f"The budgets are for 100,000 readouts on 2 cores{other}. Load: the 1-minute load average at the end of"
        " each step (the benchmark's own work included) and, in brackets, the CPU in cores that processes other"
        " than the benchmark's own (it, its server and the embedded PostgreSQL) used during the step."
    )


def text(results: dict) -> str:
    """The table as the run prints it."""
    imp = results["import"]
    table = [HEADINGS, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADINGS))]
    lines = [
        f"Readout Archive benchmark, {results.get('date', '')}: {imp['readouts']:,} readouts, "
        f"{imp['statements']:,} statements, {imp['meetings']:,} meetings; {results['machine']['cpus']} CPUs; "
        f"load average before the run {' / '.join(map(str, results.get('load_average_before', [])))} (1/5/15 min)",
        notes(results),
        "",
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in table]
    if "error" in results["writes"]:
        lines.append(f"\nThe importer's batch writes failed: {results['writes']['error']}")
    return "\n".join(lines)


def markdown(results: dict) -> str:
    """The table as Markdown, for bench/README.md."""
    lines = ["| " + " | ".join(HEADINGS) + " |", "| --- | ---: | ---: | ---: | --- | --- | ---: |"]
    for row in rows(results):
        cells = [cell.replace("|", "\\|") for cell in row]
        cells[0] = "… " + cells[0].strip() if cells[0].startswith("  ") else cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    return notes(results) + "\n\n" + "\n".join(lines) + "\n"


def report(results: dict, out: Path) -> Path:
    """Print the table and write it as Markdown beside the JSON; the Markdown file's path."""
    print(text(results))
    path = out / f"results-{results['readouts_requested']}.md"
    path.write_text(markdown(results))
    return path
