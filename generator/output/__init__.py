"""Stage 4, the output: pages written into `content/` without losing an editor's work.

The page file format with its markers (`markers.py`), safe writing (`write.py`), the
caches that make repeated runs cheap (`cache.py`), the record of what the last run
produced (`record.py`) and which pages a change can reach (`incremental.py`).
"""
