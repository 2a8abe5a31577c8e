"""The benchmark's table (sizes as columns), its targets with PASS/FAIL, and its JSON."""

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

Row = tuple[str, Callable[[dict[str, Any]], object]]

PREVIEW_LIMIT = 5
"""Seconds: our reading of the issue's "shows up in the preview within a few seconds"."""


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
        status = "not run" if measured is None else ("PASS" if ok else "FAIL")
        # A falsy measurement (None, or a zero that `x and f"..."` passes on) shows as "-".
        checks.append({"target": target, "measured": str(measured or "-"), "status": status})

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
