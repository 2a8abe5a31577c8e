"""Stage 1, the sources: `seeds/` read and checked.

The summary format (`schema.py`, its codes in `vocabulary.py`), reading YAML with the
line of every field (`parse.py`), the files under `seeds/` (`load.py`), source texts
split into sentences (`text.py`), and the checks that need every summary at once: ids,
references, quotes (`checks.py`). Its product is a list of `load.Loaded`.
"""
