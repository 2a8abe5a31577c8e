"""Stage 3, the pages: the account rendered as Markdown fact sheets.

Jinja2 templates (`templates/`, overridable by a site's own), the renderer that makes
every page, on every core (`render.py`), one page's state and what its template calls
(`page.py`), escaping and footnotes (`markup.py`), the page budget (`budget.py`) and
the words readers see for codes (`labels.py`). Its product is `page.Page`s, and what
each showed (`page.Shown`).
"""
