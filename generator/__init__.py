"""Fact-sheet site generator: structured summaries of news articles in, a searchable static site out.

A subpackage per stage: `sources` → `knowledge` → `pages` → `output`, run in turn by
`pipeline.py`, which writes `content/`; then `publish`, which builds the site from it.
`cli.py` is the command line. ARCHITECTURE.md describes them.
"""
