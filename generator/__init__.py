"""Fact-sheet site generator: structured summaries of news articles in, a searchable static site out.

A subpackage per stage, run in turn by `pipeline.py`: `sources` → `knowledge` → `pages` →
`output` → `publish` (ARCHITECTURE.md describes them); `cli.py` is the command line.
"""
