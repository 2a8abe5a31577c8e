"""Stage 5, publishing: `content/` built into the static site.

`mkdocs build --strict` (`build.py`), the Pagefind search index (`search.py`), our MkDocs
plugin that builds pages on every core (`plugin.py`), and the live preview
(`preview.py`).
"""
