"""`python -m bench` (`make bench`): measure the generator at several corpus sizes.

    python -m bench                              # 100, 1,000 and 10,000 fact sheets
    python -m bench --sizes 100,1000 --json bench/out/results.json
    python -m bench --sizes 1000 --search        # also time search in headless Chromium
    python -m bench --sizes 10000 --profile      # and cProfile a generation and a MkDocs build

At each size: generation from scratch, with nothing changed and after adding a source
(issue 5); the site build (MkDocs, Pagefind) and the pages' sizes; `factsheets build`
whole from scratch, with nothing changed and after a one-line edit, each split into
generation, MkDocs and search index, with the peak memory of any process it ran (issue
21); Hugo over the same Markdown for comparison, when installed (`make bench` installs
it); and the preview: its first page, an edit showing, its idle CPU and its stop.

Progress goes to standard error; the table, the targets and the Hugo comparison to
standard output. Targets are reported, never asserted: the exit code is 0 unless a step
failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from .measure import StepFailed
from .report import hugo_text, sections, table, targets_text, write_json
from .runner import Options, measure

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or sizes[0] < 3:
        raise argparse.ArgumentTypeError("sizes are numbers of fact sheets, at least 3")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[100, 1000, 10000],
        help="comma-separated numbers of fact sheets (default 100,1000,10000)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where the projects go (default bench/out)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--nav-max",
        type=int,
        default=1000,
        help="build the every-fact-sheet-in-the-navigation variant up to this size (default 1000)",
    )
    parser.add_argument(
        "--search",
        action="store_true",
        help="time the first search result in headless Chromium (/usr/bin/chromium)",
    )
    parser.add_argument("--search-runs", type=int, default=3, help="cold page loads (default 3)")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of generation from scratch and of the no-op, median reported (default 3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--timeout", type=float, default=3600, help="limit per measured step, s (default 3600)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run `factsheets generate` and `mkdocs build` under cProfile at the largest "
        "size; print the hotspots",
    )
    args = parser.parse_args(argv)
    options = Options(
        out=args.out.resolve(),
        seed=args.seed,
        nav_max=args.nav_max,
        search=args.search,
        search_runs=args.search_runs,
        runs=args.runs,
        timeout=args.timeout,
        profile=args.profile,
    )

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: list[dict[str, Any]] = []
    status = 0
    for pages in args.sizes:
        try:
            # Profiling takes a full generation more: only at the largest size.
            profile = options.profile and pages == args.sizes[-1]
            results.append(measure(pages, dataclasses.replace(options, profile=profile), say))
        except StepFailed as error:
            # Keep what was measured: the smaller sizes still make a useful table.
            say(f"[{pages:,}] failed: {error}")
            status = 1
            break
    if results:
        print(table(results))
        checks: list[dict[str, str]] = []
        for heading, section in sections(results):
            print(f"\n{heading}:")
            print(targets_text(section))
            checks += section
        hugo = hugo_text(results)
        if hugo:
            print(f"\n{hugo}")
        if args.json:
            write_json(args.json, results, checks)
            say(f"Wrote {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
