"""Fact-sheet site generator: structured summaries of news articles in, a searchable static site out."""
