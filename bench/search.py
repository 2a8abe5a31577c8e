"""Time to the first search result, in headless Chromium, over a local HTTP server.

The site is served on 127.0.0.1 only. Chromium opens `search/?q=QUERY` (the Search
page, content/search.md, hands the query in the address to Pagefind's UI, as when
a reader submits the header's search box or follows a shared search link), and a
script injected before the page's own records `performance.now()` when the first
result appears: that includes fetching the page, Pagefind's script, its entry
file, WebAssembly, the index chunks and the result fragments it needs, which is
what could grow with the site. Chromium is driven over the DevTools protocol
with a small stdlib WebSocket client; every wait is bounded, and the browser is
stopped by its own process group.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
_OBSERVER = """
(() => {
  const state = (window.__fsBench = {});
  const look = () => {
    // A result whose title link is rendered: Pagefind draws placeholders first and
    // fills each one in when its fragment has arrived.
    const links = document.querySelectorAll(".pagefind-ui__result .pagefind-ui__result-link");
    if (!links.length) return false;
    state.firstResult = performance.now();
    state.results = document.querySelectorAll(".pagefind-ui__result").length;
    return true;
  };
  const watch = () => {
    if (look()) return;
    new MutationObserver((_, observer) => { if (look()) observer.disconnect(); })
      .observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
  addEventListener("load", () => { state.load = performance.now(); });
})();
"""


def available(binary: str = CHROMIUM) -> bool:
    return Path(binary).is_file() and os.access(binary, os.X_OK)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list[tuple[str, int]] | None = None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's signature
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.served is not None and str(code) == "200":
            path = urllib.parse.urlsplit(self.path).path
            with contextlib.suppress(OSError):
                self.served.append((path, os.path.getsize(self.translate_path(path))))


@contextlib.contextmanager
def serve(site: Path, served: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at a free port; yields the base URL.

    With `served`, each file sent is appended to it as (URL path, bytes)."""
    handler = functools.partial(
        type("_Handler", (_QuietHandler,), {"served": served}), directory=str(site)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class DevTools:
    """A minimal DevTools-protocol client over a WebSocket (RFC 6455, text frames only)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            response += chunk
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"DevTools refused the WebSocket: {response[:200]!r}")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result, skipping the events that arrive meanwhile."""
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def _send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])  # final frame, text
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 2**16:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(data))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _receive(self) -> str:
        message = b""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._exactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._exactly(8))[0]
            payload = self._exactly(length)  # servers never mask their frames
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


@contextlib.contextmanager
def chromium(binary: str = CHROMIUM, timeout: float = 30.0) -> Iterator[DevTools]:
    """A headless Chromium with a fresh profile; yields a DevTools client on its first tab."""
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    process = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its helpers share our child's process group
    )
    client = None
    try:
        port = _devtools_port(Path(profile), process, timeout)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
            targets = json.load(r)
        page = next(t for t in targets if t.get("type") == "page")
        client = DevTools(page["webSocketDebuggerUrl"], timeout)
        yield client
    finally:
        if client:
            client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], timeout: float) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Chromium exited with {process.returncode} before DevTools started")
        with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        time.sleep(0.05)
    raise TimeoutError(f"Chromium did not open DevTools within {timeout:.0f} s")


def first_result(site: Path, query: str, *, runs: int = 3, timeout: float = 60.0) -> dict[str, Any]:
    """Milliseconds from navigation start to the first search result, over `runs` cold loads."""
    samples: list[dict[str, Any]] = []
    served: list[tuple[str, int]] = []
    with serve(site, served) as base, chromium(timeout=timeout) as tab:
        tab.call("Page.enable")
        tab.call("Network.enable")
        tab.call("Network.setCacheDisabled", cacheDisabled=True)
        tab.call("Page.addScriptToEvaluateOnNewDocument", source=_OBSERVER)
        url = f"{base}search/?q={urllib.parse.quote(query)}"
        for _ in range(runs):
            # Leave the previous page first, so its recorded result cannot be read again.
            tab.call("Page.navigate", url="about:blank")
            _poll(tab, timeout, lambda href, state: href == "about:blank")
            # Cold: cache switched off for the page is not enough for Pagefind's web worker.
            tab.call("Network.clearBrowserCache")
            served.clear()
            tab.call("Page.navigate", url=url)
            sample = _poll(
                tab,
                timeout,
                lambda href, state: href.startswith(base) and state and "firstResult" in state,
            )
            # Pagefind's files (script, WebAssembly, index chunks, fragments) served by then,
            # to the page or to Pagefind's web worker.
            index = [size for path, size in list(served) if path.startswith("/pagefind/")]
            sample["indexFiles"], sample["indexBytes"] = len(index), sum(index)
            samples.append(sample)
    firsts = [s["firstResult"] for s in samples]
    return {
        "query": query,
        "runs": runs,
        "first_result_ms": statistics.median(firsts),
        "first_result_ms_all": [round(f, 1) for f in firsts],
        "page_load_ms": statistics.median(s.get("load", 0.0) for s in samples),
        "index_bytes_fetched": samples[-1].get("indexBytes", 0),
        "index_files_fetched": samples[-1].get("indexFiles", 0),
        "results_shown": samples[-1].get("results", 0),
    }


def _poll(
    tab: DevTools, timeout: float, done: Callable[[str, dict[str, Any] | None], object]
) -> dict[str, Any]:
    """Evaluate the page's address and recorded state until `done(href, state)`; bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = tab.call(
            "Runtime.evaluate",
            expression="JSON.stringify({href: location.href, state: window.__fsBench || null})",
        )
        value = json.loads(reply.get("result", {}).get("value") or "{}")
        state: dict[str, Any] | None = value.get("state")
        if done(value.get("href", ""), state):
            return state or {}
        time.sleep(0.02)
    raise TimeoutError(f"no search result within {timeout:.0f} s")
