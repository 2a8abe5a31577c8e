"""Links for a build with file URLs (`use_directory_urls: false`, `factsheets build --offline`).

MkDocs rewrites the links of Markdown (`[x](../y.md)`) for the URLs it gives pages, but
not those in raw HTML, which the page's author writes by hand: ours (the drawings of
`pages/drawings.py`, the index pages' and the Search page's) are written for directory
URLs, MkDocs' default, where `actors/x.md` is at `actors/x/`. Built with file URLs it
is at `actors/x.html`, one folder up, and a folder's page at `actors/index.html`: a
link written for directory URLs that leads to a page is rewritten to the page's file,
relative to where the page now is. Nothing else is touched: a link MkDocs rewrote
never ends in `/`, and any other link (a data file, an anchor, another site) is left
as written.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

_LINK = re.compile(
    r"""(\s(?:xlink:)?(?:href|src)=)(?:"([^"?#]*/)([?#][^"]*)?"|'([^'?#]*/)([?#][^']*)?')"""
)
"""A link in HTML whose path ends in `/`, as a directory URL's does: an `href` or `src`
attribute (SVG's `xlink:href` too), in either quotes; its path, then its query or
fragment if any. (Only these: the pages' many other links cost no call.)"""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def file_urls(files: Files) -> dict[str, str]:
    """Each page's URL with file URLs (`actors/x.html`, `actors/index.html`) by the one
    it would have with directory URLs (`actors/x/`, `actors/`; the home page's is ``),
    unquoted."""
    urls = {}
    for file in files.documentation_pages():
        directory_url = _directory_url(file)
        if directory_url is not None:
            urls[directory_url] = file.url
    return urls


def to_file_urls(html_text: str, file: File, urls: dict[str, str]) -> str:
    """The page's HTML with each relative link written for directory URLs that leads to a
    page of the site (`urls`, from `file_urls`) rewritten to that page's file, relative
    to this page's file (`file.url`)."""
    here = _directory_url(file)
    if here is None:
        return html_text

    def rewrite(found: re.Match[str]) -> str:
        double = found[2] is not None
        path, rest = (found[2], found[3]) if double else (found[4], found[5])
        if path.startswith("/") or _SCHEME.match(path):
            return found[0]
        target = posixpath.normpath(posixpath.join(here, unquote(html.unescape(path))))
        if target == ".." or target.startswith("../"):  # above the site
            return found[0]
        url = urls.get("" if target == "." else f"{target}/")
        if url is None:  # not a page: a folder of files, or a page not built
            return found[0]
        link = html.escape(get_relative_url(url, file.url), quote=True) + (rest or "")
        quote = '"' if double else "'"
        return f"{found[1]}{quote}{link}{quote}"

    return _LINK.sub(rewrite, html_text)


def _directory_url(file: File) -> str | None:
    """Where a page would be with directory URLs (`actors/x/`; the home page ``), as
    `file_urls` keys it; None for a page a plugin gave another kind of file."""
    stem = file.dest_uri.removesuffix(".html")
    if stem == file.dest_uri:
        return None
    folder, _, name = stem.rpartition("/")
    if name == "index":
        return f"{folder}/" if folder else ""
    return f"{stem}/"
