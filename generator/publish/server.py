"""The preview's web server: a built site served over HTTP, its pages reloading when the
site is built again (`factsheets serve`).

Only the standard library: a thread per request (`ThreadingHTTPServer`), files read
from the folder of the last good build. Every HTML page gets a small script that asks
`RELOAD` whether the build it came from is still the latest; the server holds that
request open until a build is published (or `HOLD` seconds pass), so an open page
reloads as soon as a new build is in place, and an idle preview answers nothing at all.
The site is served below the path of its `site_url`, as MkDocs' own preview does.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import posixpath
import shutil
import socket
import socketserver
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

RELOAD = "/.preview/build/"
"""Where pages ask for the latest build's number (a dot path: MkDocs publishes none)."""
HOLD = 30.0
"""Seconds a page's question is held open when nothing changes."""

_SCRIPT = """<script>
(function () {
  // The build this page comes from; any other number means the site was built again
  // (or the preview restarted): reload.
  var build = %d, asking = null;
  function ask() {
    if (asking || document.hidden) return;
    var request = asking = new AbortController();
    fetch("%s" + build, {cache: "no-store", signal: request.signal})
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (text) {
        asking = null;
        if (Number(text) !== build) location.reload(); else ask();
      }, function () {
        if (asking !== request) return;  // stopped while the page is hidden
        asking = null;
        setTimeout(ask, 2000);  // the preview is stopped, or restarting
      });
  }
  // A hidden page keeps no request open: browsers allow only a few per server.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) return ask();
    var request = asking;
    asking = null;
    if (request) request.abort();
  });
  ask();
})();
</script>"""

_BUILDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Building the preview</title></head>
<body><p>The preview is being built; this page shows it when it is ready.</p></body></html>
"""


def mount_path(site_url: str | None) -> str:
    """The path the site is served below, from its `site_url`: "/" or "/story/"."""
    path = urlsplit(site_url or "/").path
    return ("/" + path.strip("/") + "/").replace("//", "/")


class PreviewServer(ThreadingHTTPServer):
    """Serves the folder `publish` last gave, below `mount`, until `close`."""

    daemon_threads = True  # a page's held question must not keep the process alive
    allow_reuse_address = True  # a restarted preview gets its port back at once

    def __init__(self, host: str, port: int, mount: str = "/") -> None:
        if ":" in host:  # an IPv6 address
            self.address_family = socket.AF_INET6
        self._host = host.strip("[]")
        # Bound here, so that a taken port is an error before anything is built.
        super().__init__((host.strip("[]"), port), _Handler)
        self.mount = mount
        self.folder: Path | None = None
        self.build = 0
        """The number of the build served; 0 before the first."""
        self._changed = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.server_address[1]}{self.mount}"

    def start(self) -> None:
        """Answers requests, in a thread of its own, until `close`."""
        self._thread = threading.Thread(target=self.serve_forever, name="preview-server")
        self._thread.start()

    def publish(self, folder: Path) -> None:
        """Serves `folder` from now on, and reloads the pages open in browsers."""
        with self._changed:
            self.folder = folder
            self.build += 1
            self._changed.notify_all()

    def server_bind(self) -> None:
        # Without HTTPServer's own, which looks the host's name up (a DNS query that can
        # take seconds where there is no network) only to say it in CGI variables.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self._host
        self.server_port = self.server_address[1]

    def served(self) -> tuple[Path | None, int]:
        """The folder served and its build's number."""
        with self._changed:
            return self.folder, self.build

    def wait_for_build(self, seen: int) -> int:
        """The latest build's number, once it is not `seen` (or `HOLD` seconds have passed,
        or the server closes)."""
        with self._changed:
            self._changed.wait_for(lambda: self.build != seen or self._closing, HOLD)
            return self.build

    def close(self) -> None:
        """Stops answering and frees the port; held questions are answered at once."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that leaves a page closes its connection: nothing to report. Anything
        # else is one line, not a traceback in the middle of the preview's messages.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"The preview could not answer a request: {error!r}", file=sys.stderr)


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # every request would be a line; MkDocs' preview hides them too

    def _answer(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(RELOAD):
            seen = path[len(RELOAD) :]
            if not seen.isdigit():
                self._send(HTTPStatus.NOT_FOUND, b"", "text/plain", body=body)
                return
            latest = self.server.wait_for_build(int(seen))
            self._send(HTTPStatus.OK, str(latest).encode(), "text/plain", body=body)
            return
        mount = self.server.mount
        if not (path + "/").startswith(mount):
            if path == "/":
                self._redirect(mount)
            else:
                self._not_found(body=body)
            return
        folder, build = self.server.served()
        if folder is None:
            page = _with_script(_BUILDING.encode(), build)
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, page, "text/html", body=body)
            return
        relative = path[len(mount) :]
        if path.endswith("/"):
            relative += "index.html"
        # Normalised from the root: no ".." leads out of the folder.
        file = folder / posixpath.normpath("/" + relative).lstrip("/")
        if file.is_dir():
            if (file / "index.html").is_file() and not path.endswith("/"):
                self._redirect(path + "/")
            else:
                self._not_found(body=body)
            return
        try:
            opened = file.open("rb")
        except (OSError, ValueError):  # ValueError: a NUL in the address
            self._not_found(body=body)
            return
        with opened:
            self._send_file(HTTPStatus.OK, opened, file.name, build, body=body)

    def _not_found(self, *, body: bool) -> None:
        folder, build = self.server.served()
        if folder is not None:
            with contextlib.suppress(OSError), (folder / "404.html").open("rb") as page:
                self._send_file(HTTPStatus.NOT_FOUND, page, "404.html", build, body=body)
                return
        self._send(HTTPStatus.NOT_FOUND, b"Not found", "text/plain", body=body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", quote(location))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_file(
        self, status: HTTPStatus, opened: BinaryIO, name: str, build: int, *, body: bool
    ) -> None:
        kind = _content_type(name)
        if kind == "text/html":
            self._send(status, _with_script(opened.read(), build), kind, body=body)
            return
        size = _size(opened)
        self._headers(status, kind, size)
        if body:
            shutil.copyfileobj(opened, self.wfile)

    def _send(self, status: HTTPStatus, content: bytes, kind: str, *, body: bool) -> None:
        self._headers(status, kind, len(content))
        if body:
            self.wfile.write(content)

    def _headers(self, status: HTTPStatus, kind: str, size: int) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(size))
        # A preview changes under the browser: it must ask again every time.
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()


def _with_script(page: bytes, build: int) -> bytes:
    """The page with the reload script just before its `</body>` (or at its end)."""
    script = (_SCRIPT % (build, RELOAD)).encode()
    end = page.rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


def _content_type(name: str) -> str:
    if name.endswith((".html", ".htm")):
        return "text/html"
    if name.endswith((".js", ".mjs")):
        return "text/javascript"  # whatever the system's table says: browsers insist
    kind, _ = mimetypes.guess_type(name)
    return kind or "application/octet-stream"


def _size(opened: BinaryIO) -> int:
    return os.fstat(opened.fileno()).st_size
