"""How long a reader waits for the Map, Timeline and Network pages to draw: headless
Chromium (the system's, over DevTools, as `bench.search`), the built site served locally,
each page loaded cold `runs` times. The page's script records when it first drew
(`data-since`: milliseconds since the navigation started) and how many marks."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from .search import chromium, serve

PAGES = ("map", "timeline", "network")
_STATE = (
    "JSON.stringify((() => { const b = document.querySelector('.fs-explore');"
    " if (!b) return document.readyState === 'complete' ? {missing: true} : null;"
    " return {since: b.dataset.since, drawn: b.dataset.drawn, error: b.dataset.error}; })())"
)


def first_draw(site: Path, *, runs: int = 3, timeout: float = 60.0) -> dict[str, Any]:
    """For each page: the median milliseconds to its first drawing, and the marks drawn."""
    found: dict[str, Any] = {}
    with serve(site) as base, chromium(timeout=timeout) as tab:
        tab.call("Page.enable")
        tab.call("Network.enable")
        tab.call("Network.setCacheDisabled", cacheDisabled=True)
        for page in PAGES:
            samples, drawn = [], 0
            for _ in range(runs):
                tab.call("Page.navigate", url="about:blank")
                tab.call("Network.clearBrowserCache")
                url = f"{base}{page}/"
                tab.call("Page.navigate", url=url)
                state = _wait(tab, timeout, url)
                if state.get("error") or state.get("missing"):
                    raise RuntimeError(f"{page}: {state.get('error') or 'no drawing on the page'}")
                samples.append(float(state["since"]))
                drawn = int(state["drawn"])
            found[page] = {
                "first_draw_ms": statistics.median(samples),
                "first_draw_ms_all": [round(s) for s in samples],
                "marks": drawn,
            }
    return found


def _wait(tab: Any, timeout: float, url: str) -> dict[str, Any]:
    """The drawing's state once the page at `url` (not the one before it) has one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = tab.call(
            "Runtime.evaluate",
            expression=f"location.href === {json.dumps(url)} ? {_STATE} : 'null'",
        )
        state = json.loads(reply.get("result", {}).get("value") or "null")
        if isinstance(state, dict) and (
            state.get("since") or state.get("error") or state.get("missing")
        ):
            return state
        time.sleep(0.02)
    raise TimeoutError(f"nothing drawn within {timeout:.0f} s")
