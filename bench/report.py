"""The benchmark's table (sizes as columns), its targets with PASS/FAIL (issue 5's, then
issue 21's), the Hugo comparison, and its JSON."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from .runner import HTML_LIMIT
from .site import STAGES

Row = tuple[str, Callable[[dict[str, Any]], object]]

PREVIEW_LIMIT = 5
"""Seconds: our reading of the issue's "shows up in the preview within a few seconds"."""
# Issue 21's targets, at 10,000 fact sheets on 2 cores.
EDIT_BUILD_LIMIT = 10
"""Seconds: `factsheets build` after a one-line edit."""
NOOP_BUILD_LIMIT = 5
"""Seconds: `factsheets build` with nothing changed."""
SCRATCH_BUILD_LIMIT = 45
"""Seconds: `factsheets build` from scratch (generation, site and search index)."""
MEMORY_LIMIT = 1536
"""MB: the peak memory of any one process."""
PREVIEW_EDIT_LIMIT = 2
"""Seconds: an edit visible in the preview."""
BUILDS = (
    ("scratch", "from scratch"),
    ("edit", "after a one-line edit"),
    ("noop", "with nothing changed"),
)


def _kb(n: float) -> str:
    return f"{n / 1000:,.1f}"


def _get(result: object, *keys: str) -> Any:
    for key in keys:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def _slowest(step: dict[str, Any]) -> float:
    """The slowest of a step's runs (a step run once has no list of runs)."""
    runs: list[float] = step.get("runs") or [step["seconds"]]
    return max(runs)


def _build_rows(key: str, label: str) -> list[Row]:
    """Issue 21: one `factsheets build`, its stages and its peak memory."""

    def stage(name: str) -> Callable[[dict[str, Any]], object]:
        return lambda r: f"{r['builds'][key]['breakdown'][name]:.2f}"

    return [
        (f"factsheets build {label}, median (s)", lambda r: f"{r['builds'][key]['seconds']:.2f}"),
        ("  generation (s)", stage("generation_s")),
        ("  MkDocs (s)", stage("mkdocs_s")),
        ("  search index, Pagefind (s)", stage("search_s")),
        ("  then: new site swapped in, old deleted (s)", stage("swap_s")),
        ("  peak memory (MB)", lambda r: f"{r['builds'][key]['peak_mb']:,.0f}"),
        ("  peaked in", lambda r: r["builds"][key]["peak_process"]),
    ]


def _exit_code(code: int | None) -> str:
    return "killed" if code is None else str(code)


ROWS: list[Row] = [
    ("Fact sheets (actors+locations+events)", lambda r: f"{r['fact_sheets']:,}"),
    ("Sources", lambda r: f"{r['corpus']['sources']:,}"),
    ("Seeds (MB)", lambda r: f"{r['corpus']['seed_bytes'] / 1e6:,.1f}"),
    ("Synthesis (s, not a target)", lambda r: f"{r['synthesis_s']:.1f}"),
    ("Generation, median run (s)", lambda r: f"{r['generate']['seconds']:.2f}"),
    ("  slowest run (s)", lambda r: f"{_slowest(r['generate']):.2f}"),
    ("Site build, mkdocs --strict + Pagefind (s)", lambda r: f"{r['site_build']['seconds']:.2f}"),
    ("  of which mkdocs build (s)", lambda r: f"{r['mkdocs_build']['seconds']:.2f}"),
    ("  of which Pagefind indexing (s)", lambda r: f"{r['search_index_build']['seconds']:.2f}"),
    ("End-to-end = generation + build (s)", lambda r: f"{r['end_to_end_s']:.2f}"),
    *(row for key, label in BUILDS for row in _build_rows(key, label)),
    ("  the edit showed in the built page", lambda r: "yes" if r["builds"]["edit_shown"] else "NO"),
    ("Hugo, same Markdown from scratch (s)", lambda r: f"{r['hugo']['seconds']:.2f}"),
    ("  ours from scratch / Hugo", lambda r: f"{r['hugo']['ratio']:.1f}x"),
    ("  MkDocs alone / Hugo", lambda r: f"{r['hugo']['mkdocs_ratio']:.1f}x"),
    ("  Hugo peak memory (MB)", lambda r: f"{r['hugo']['peak_mb']:,.0f}"),
    ("  Hugo HTML pages", lambda r: f"{r['hugo']['html_pages']:,}"),
    ("Peak memory, generation (MB)", lambda r: f"{r['generate']['peak_mb']:,.0f}"),
    ("Peak memory, site build (MB)", lambda r: f"{r['site_build']['peak_mb']:,.0f}"),
    ("No-op regeneration, median run (s)", lambda r: f"{r['noop']['seconds']:.2f}"),
    ("No-op regeneration: files written", lambda r: r["noop"]["files_written"]),
    ("No-op, caches removed (s)", lambda r: f"{r['noop_cold']['seconds']:.2f}"),
    ("No-op, caches removed: files written", lambda r: r["noop_cold"]["files_written"]),
    ("Add one source (s)", lambda r: f"{r['add_source']['seconds']:.2f}"),
    ("Add one source: files written", lambda r: r["add_source"]["files_written"]),
    ("  of which fact sheets", lambda r: r["add_source"]["fact_sheets_written"]),
    ("  pages it touches (allowed)", lambda r: r["add_source"]["touched"]),
    ("  written outside those", lambda r: len(r["add_source"]["unexpected"])),
    ("Preview (serve): first page (s)", lambda r: f"{r['preview']['first_preview_s']:.1f}"),
    ("Preview: an edit shows, median (s)", lambda r: f"{r['preview']['seconds']:.2f}"),
    ("  slowest (s)", lambda r: f"{_slowest(r['preview']):.2f}"),
    ("Preview: idle CPU (s per minute)", lambda r: f"{r['preview']['idle_cpu_s_per_min']:.2f}"),
    ("Preview: stopped cleanly", lambda r: "yes" if r["preview"]["stopped_cleanly"] else "NO"),
    ("Preview: SIGTERM, exit code", lambda r: _exit_code(r["preview"]["sigterm_exit_code"])),
    ("  port freed", lambda r: "yes" if r["preview"]["sigterm_port_free"] else "NO"),
    ("  processes left running", lambda r: r["preview"]["sigterm_children_left"]),
    ("HTML per fact sheet, mean (KB)", lambda r: _kb(r["html"]["mean"])),
    ("HTML per fact sheet, median (KB)", lambda r: _kb(r["html"]["median"])),
    ("HTML per fact sheet, p95 (KB)", lambda r: _kb(r["html"]["p95"])),
    ("HTML per fact sheet, max (KB)", lambda r: _kb(r["html"]["max"])),
    (
        "Pages continuing long sections",
        lambda r: f"{r['html']['count'] - r['fact_sheets']:,}",
    ),
    (
        f"Fact-sheet pages over {HTML_LIMIT // 1000} KB",
        lambda r: f"{r['html']['over_limit']:,}",
    ),
    (
        "Index pages and their continuations",
        lambda r: f"{_get(r, 'index_html', 'pages') or 0:,}",
    ),
    ("  largest (KB)", lambda r: _kb(_get(r, "index_html", "max") or 0)),
    ("Search index, Pagefind bundle (KB)", lambda r: _kb(r["search_index_bytes"])),
    ("Search index per fact sheet (bytes)", lambda r: f"{r['search_index_bytes_per_page']:,.0f}"),
    ("All in nav: site build (s)", lambda r: f"{r['nav']['seconds']:.2f}"),
    ("All in nav: build time ratio", lambda r: f"{r['nav']['time_ratio']:.1f}x"),
    ("All in nav: HTML per fact sheet (KB)", lambda r: _kb(r["nav"]["html"]["mean"])),
    ("All in nav: HTML ratio", lambda r: f"{r['nav']['html_ratio']:.1f}x"),
    ("All in nav: peak memory (MB)", lambda r: f"{r['nav']['peak_mb']:,.0f}"),
    ("Search: first result (ms)", lambda r: f"{r['search']['first_result_ms']:,.0f}"),
    ("Search: Pagefind files fetched", lambda r: r["search"]["index_files_fetched"]),
    ("Search: Pagefind bytes fetched (KB)", lambda r: _kb(r["search"]["index_bytes_fetched"])),
    ("Search: page loaded (ms)", lambda r: f"{r['search']['page_load_ms']:,.0f}"),
    ("Map: first drawn (ms)", lambda r: f"{r['drawings']['map']['first_draw_ms']:,.0f}"),
    ("Timeline: first drawn (ms)", lambda r: f"{r['drawings']['timeline']['first_draw_ms']:,.0f}"),
    ("Network: first drawn (ms)", lambda r: f"{r['drawings']['network']['first_draw_ms']:,.0f}"),
]


def table(results: list[dict[str, Any]]) -> str:
    """A plain-text table: one row per measure, one column per size; `-` where not measured."""
    header = ["Measure", *(f"{r['pages']:,}" for r in results)]
    body = []
    for label, cell in ROWS:
        cells = [_cell(cell, r) for r in results]
        if any(c != "-" for c in cells):
            body.append([label, *cells])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in body)])


def _cell(cell: Callable[[dict[str, Any]], object], result: dict[str, Any]) -> str:
    try:
        return str(cell(result))
    except (KeyError, TypeError, ZeroDivisionError):
        return "-"


def targets(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The issue's targets against the measurements; `not run` where a size is missing."""
    by = {r["pages"]: r for r in results}
    big, mid = by.get(10_000), by.get(1_000)
    checks: list[dict[str, str]] = []

    def check(target: str, measured: str | float | None, ok: bool | None) -> None:
        checks.append(_check("5", target, measured, ok))

    gen = _get(big, "generate", "seconds")
    check("10,000: generation <= 5 s", gen and f"{gen:.1f} s", gen is not None and gen <= 5)
    e2e = _get(big, "end_to_end_s")
    check(
        "10,000: generation + site build <= 45 s",
        e2e and f"{e2e:.1f} s",
        e2e is not None and e2e <= 45,
    )
    peak = _get(big, "peak_mb")
    check(
        "10,000: peak memory <= 1.5 GB",
        peak and f"{peak:,.0f} MB",
        peak is not None and peak <= 1536,
    )
    ratio = e2e / mid["end_to_end_s"] if e2e and mid else None
    check(
        "end-to-end 10,000 <= 12x end-to-end 1,000",
        ratio and f"{ratio:.1f}x",
        ratio is not None and ratio <= 12,
    )
    noop = _get(big, "noop")
    check(
        "10,000: no-op regeneration <= 2 s, 0 files written",
        noop and f"{noop['seconds']:.2f} s, {noop['files_written']} files",
        noop is not None and noop["seconds"] <= 2 and noop["files_written"] == 0,
    )
    first = _get(big, "search", "first_result_ms")
    check(
        "10,000: first search result <= 1 s (headless Chromium, --search)",
        first and f"{first:,.0f} ms",
        first is not None and first <= 1000,
    )
    for page in ("map", "timeline", "network"):
        drawn = _get(big, "drawings", page, "first_draw_ms")
        marks = _get(big, "drawings", page, "marks")
        check(
            f"10,000: the {page.capitalize()} page first draws <= 2 s (headless Chromium, --search)",
            drawn and f"{drawn:,.0f} ms, {marks:,} marks",
            drawn is not None and drawn <= 2000,
        )
    preview = _get(big, "preview")
    edit = _slowest(preview) if preview else None
    check(
        f"10,000: an edited summary shows in the preview within {PREVIEW_LIMIT} s (slowest edit)",
        edit and f"{edit:.1f} s",
        edit is not None and edit <= PREVIEW_LIMIT,
    )
    for r in results:
        added = r["add_source"]
        check(
            f"{r['pages']:,}: adding one source rewrites only the pages it touches",
            f"{added['files_written']} written, {len(added['unexpected'])} outside "
            f"{added['touched']} touched",
            not added["unexpected"],
        )
    if results:
        r = results[-1]
        html = r["html"]
        check(
            f"{r['pages']:,}: every fact sheet's HTML <= {HTML_LIMIT // 1000} KB",
            f"median {_kb(html['median'])} KB, p95 {_kb(html['p95'])} KB, max "
            f"{_kb(html['max'])} KB; {html['over_limit']:,} of {html['count']:,} pages over",
            html["over_limit"] == 0,
        )
    return checks


def build_targets(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Issue 21's targets: `factsheets build` whole, its memory, and the preview."""
    big = next((r for r in results if r["pages"] == 10_000), None)
    checks: list[dict[str, str]] = []

    def check(target: str, measured: str | float | None, ok: bool | None) -> None:
        checks.append(_check("21", target, measured, ok))

    for key, label, limit in (
        ("edit", "after a one-line edit", EDIT_BUILD_LIMIT),
        ("noop", "with nothing changed", NOOP_BUILD_LIMIT),
        ("scratch", "from scratch (generation, site, search index)", SCRATCH_BUILD_LIMIT),
    ):
        step = _get(big, "builds", key)
        shown = key != "edit" or bool(_get(big, "builds", "edit_shown"))
        measured = step and _build_text(step) + ("" if shown else "; the edit did NOT show")
        check(
            f"10,000: `factsheets build` {label} <= {limit} s",
            measured,
            step is not None and step["seconds"] <= limit and shown,
        )
    peak, process = _get(big, "builds", "peak_mb"), _get(big, "builds", "peak_process")
    check(
        "10,000: peak memory of any process in those builds <= 1.5 GB",
        peak and f"{peak:,.0f} MB" + (f" ({process})" if process else ""),
        peak is not None and peak <= MEMORY_LIMIT,
    )
    preview = _get(big, "preview")
    edit = _slowest(preview) if preview else None
    check(
        f"10,000: an edit visible in the preview <= {PREVIEW_EDIT_LIMIT} s (slowest edit)",
        edit and f"{edit:.1f} s",
        edit is not None and edit <= PREVIEW_EDIT_LIMIT,
    )
    return checks


def _build_text(step: dict[str, Any]) -> str:
    """ "8.2 s: generation 2.0, MkDocs 5.1, search 0.9, swap 0.2 s" (the stages it could tell)."""
    stages = step.get("breakdown") or {}
    parts = [f"{name} {stages[key]:.1f}" for name, key in STAGES if stages.get(key) is not None]
    return f"{step['seconds']:.1f} s" + (f": {', '.join(parts)} s" if parts else "")


def _check(
    issue: str, target: str, measured: str | float | None, ok: bool | None
) -> dict[str, str]:
    status = "not run" if measured is None else ("PASS" if ok else "FAIL")
    # A falsy measurement (None, or a zero that `x and f"..."` passes on) shows as "-".
    return {"issue": issue, "target": target, "measured": str(measured or "-"), "status": status}


def sections(results: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, str]]]]:
    """The targets, by issue: (heading, checks)."""
    return [
        ("Targets (issue 5)", targets(results)),
        ("Targets (issue 21)", build_targets(results)),
    ]


def hugo_text(results: list[dict[str, Any]]) -> str:
    """Hugo over the same Markdown, against our build from scratch: a line per size, or
    why there is none."""
    measured = [r for r in results if "seconds" in (r.get("hugo") or {})]
    if not measured:
        skipped = next(
            (r["hugo"]["skipped"] for r in results if "skipped" in r.get("hugo", {})), None
        )
        return f"Hugo: {skipped}" if skipped else ""
    lines = [
        f"Hugo {measured[0]['hugo'].get('version') or ''} over the same content/ Markdown, from "
        "scratch (minimal layouts: no theme, navigation or search index; not a target):"
    ]
    for r in measured:
        found, ours = r["hugo"], r["builds"]["scratch"]
        mkdocs = ours["breakdown"]["mkdocs_s"]
        alone = (
            f" (MkDocs alone {mkdocs:.1f} s, {mkdocs / found['seconds']:.1f}x)" if mkdocs else ""
        )
        lines.append(
            f"  {r['pages']:,}: Hugo {found['seconds']:.2f} s, {found['peak_mb']:,.0f} MB, "
            f"{found['html_pages']:,} pages; ours {ours['seconds']:.1f} s = "
            f"{ours['seconds'] / found['seconds']:.1f}x Hugo{alone}"
        )
    return "\n".join(lines)


def targets_text(checks: list[dict[str, str]]) -> str:
    width = max(len(c["target"]) for c in checks)
    return "\n".join(f"{c['status']:<8} {c['target']:<{width}}  {c['measured']}" for c in checks)


def environment() -> dict[str, Any]:
    """What the numbers depend on: machine, versions, and the generator's commit."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    versions: dict[str, str | None] = {}
    for package in ("mkdocs", "mkdocs-material", "pagefind", "pydantic", "jinja2", "pyyaml"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "commit": git("rev-parse", "HEAD"),
        "generator_modified": bool(git("status", "--porcelain", "--", "generator")),
        "generator_digest": _digest(root / "generator"),
    }


def _digest(folder: Path) -> str:
    """A hash of the generator's code and templates: which version the numbers belong to,
    even when it has uncommitted changes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_json(path: Path, results: list[dict[str, Any]], checks: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"environment": environment(), "results": results, "targets": checks}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
