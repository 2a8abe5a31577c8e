"""Benchmark of the fact-sheet generator at realistic sizes (issue 5).

`python -m bench` synthesises corpora of 100, 1,000 and 10,000 fact sheets and
measures generation, site build, no-op regeneration, adding one source, peak
memory, HTML and search index sizes, and (with `--search`) the time to the first
search result in headless Chromium. `python -m bench.synth` writes one corpus as a
project that `factsheets build` builds.

Modules:
- `words`: fictional vocabulary (no real names, no real article text).
- `world`: the fictional world: actors, locations and events with fixed facts.
- `sources`: one source article and its summary, written from the world.
- `synth`: the corpus (world + sources) and the project on disk; its CLI.
- `measure`: child processes timed with their peak memory; files written.
- `search`: time to the first search result in headless Chromium.
- `runner`: the measurements for one size.
- `report`: the table, the targets (PASS/FAIL) and the JSON.
"""
