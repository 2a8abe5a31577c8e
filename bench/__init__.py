"""Benchmark of the fact-sheet generator at realistic sizes (issues 5 and 21).

`python -m bench` synthesises corpora of 100, 1,000 and 10,000 fact sheets and
measures generation, site build, no-op regeneration, adding one source, peak
memory, HTML and search index sizes; `factsheets build` whole from scratch, with
nothing changed and after a one-line edit, split into its stages, with the peak
memory of any process it runs; Hugo over the same Markdown, for comparison; the
preview; and (with `--search`) the time to the first search result in headless
Chromium. `python -m bench.synth` writes one corpus as a project that `factsheets
build` builds.

Modules:
- `words`: fictional vocabulary (no real names, no real article text).
- `world`: the fictional world: actors, locations and events with fixed facts.
- `sources`: one source article and its summary, written from the world.
- `synth`: the corpus (world + sources) and the project on disk; its CLI.
- `measure`: child processes timed with their peak memory (of which process, too);
  files written.
- `site`: `factsheets build` from scratch, with nothing changed and after an edit.
- `hugo`: Hugo over the same Markdown, when installed.
- `preview`: how soon an edit shows in `factsheets serve`, its idle cost, its stop.
- `search`: time to the first search result in headless Chromium.
- `profile`: cProfile's hotspots of a generation and of a MkDocs build (`--profile`).
- `runner`: the measurements for one size.
- `report`: the table, the targets (PASS/FAIL) and the JSON.
"""
