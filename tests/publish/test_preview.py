"""`factsheets serve`: the preview regenerates, builds and serves in its own process.

An edit shows in the served page and open pages are told to reload; a change to
content/ alone is built too, and a build that fails leaves the last good one served;
files are watched, never polled; an edit made while another run holds the project's
lock is regenerated once that run is done; and SIGTERM stops it all: the port freed, no
process left behind, the temporary folder gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from conftest import ROOT, copy_project

from generator.common.project import Project
from generator.output import files
from generator.publish import preview, server

SUMMARY = Path("seeds") / "cbs-baghdad-drone-strike" / "summary.yaml"
DESCRIBED = "Carried out the drone strike in Baghdad"
"""Where an actor's description starts, in that summary."""
ACTOR = "actors/united-states/"
"""That actor's fact sheet."""


def wait_until(condition: Callable[[], object], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=40) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def origin(url: str) -> str:
    """The server's part of an address: where the reload question is asked."""
    return url.split("/", 3)[0] + "//" + url.split("/", 3)[2]


def build_after(url: str, seen: int) -> int:
    """The number of the build served, once it is not `seen`: what an open page asks."""
    status, text = fetch(f"{origin(url)}{server.RELOAD}{seen}")
    assert status == 200
    return int(text)


@contextlib.contextmanager
def previewing(
    project: Project, regenerate: Callable[[], object] = lambda: None, *, dirty: bool = False
) -> Iterator[preview.Preview]:
    """The preview running in a thread (as `serve` runs it, less the signals), once its
    first build is served; stopped at the end."""
    running = preview.Preview(project, "127.0.0.1:0", dirty=dirty, regenerate=regenerate)
    thread = threading.Thread(target=running.run, daemon=True)  # a failed test: no hang
    thread.start()
    try:
        assert running.listening.wait(60), "the preview never listened"
        assert running.url is not None
        wait_until(lambda: fetch(running.url or "")[0] == 200)
        yield running
    finally:
        running.stop()
        thread.join(30)
    assert not thread.is_alive()


def test_a_change_to_content_is_built_and_open_pages_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Files are watched by the system's notices: polling them is never an option.
    from watchdog.observers import polling

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the preview must not poll files")

    monkeypatch.setattr(polling.PollingObserver, "__init__", refused)
    project = Project.at(copy_project(tmp_path / "project"))
    looks: list[str] = []
    fingerprint = preview.fingerprint
    monkeypatch.setattr(
        preview, "fingerprint", lambda folder: looks.append("") or fingerprint(folder)
    )
    with previewing(project) as running:
        url = running.url or ""
        status, page = fetch(url + ACTOR)
        assert status == 200 and DESCRIBED in page
        # Every page carries the script that asks whether it is still the latest build.
        assert f'fetch("{server.RELOAD}" + build' in page and page.index(
            "<script>\n("
        ) < page.rindex("</body>")
        first = build_after(url, 0)
        time.sleep(1.5)
        assert looks == [""]  # idle: nothing looked at since the start
        sheet = project.content / "actors" / "united-states.md"
        sheet.write_text(
            sheet.read_text(encoding="utf-8") + "\nA note of the editors.\n", encoding="utf-8"
        )
        # The page's question is answered as soon as the change is built.
        assert build_after(url, first) == first + 1
        assert "A note of the editors." in fetch(url + ACTOR)[1]
        assert looks == [""]  # content/ changed, not seeds/: nothing regenerated
        # An unknown page is the site's own 404 page, reloading too.
        status, missing = fetch(url + "actors/nobody/")
        assert status == 404 and "404" in missing and server.RELOAD in missing
    assert "Error" not in capsys.readouterr().err


def test_a_failed_build_leaves_the_last_good_one_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.at(copy_project(tmp_path / "project"))
    main = project.root / "overrides" / "main.html"
    with previewing(project) as running:
        url = running.url or ""
        first = build_after(url, 0)
        good = main.read_text(encoding="utf-8")
        main.write_text(good + "{% if %}\n", encoding="utf-8")  # a template that cannot load
        wait_until(lambda: "could not build the preview" in capsys.readouterr().err)
        assert build_after(url, 0) == first  # no new build
        status, page = fetch(url + ACTOR)
        assert status == 200 and DESCRIBED in page
        mended = good.replace("{% block extrahead %}", "{% block extrahead %}<!-- mended -->")
        main.write_text(mended, encoding="utf-8")
        assert build_after(url, first) == first + 1
        assert "<!-- mended -->" in fetch(url + ACTOR)[1]


def test_a_site_url_path_is_served_below_it(tmp_path: Path) -> None:
    project_root = copy_project(tmp_path / "project")
    config = project_root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "# site_url: https://example.org/story/", "site_url: https://example.org/story/"
        ),
        encoding="utf-8",
    )
    with previewing(Project.at(project_root)) as running:
        url = running.url or ""
        assert url.endswith("/story/")
        assert DESCRIBED in fetch(url + ACTOR)[1]
        assert fetch(origin(url) + "/" + ACTOR)[0] == 404
        # The server's root leads to the site.
        with urllib.request.urlopen(origin(url) + "/", timeout=40) as response:
            assert response.url == url


def test_an_edit_made_while_another_run_holds_the_lock_is_regenerated_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.at(copy_project(tmp_path / "project"))
    regenerated = threading.Event()

    def regenerate() -> None:
        with files.locked(project.root):  # as the pipeline does
            regenerated.set()

    other_run = contextlib.ExitStack()  # another run, holding the lock
    other_run.enter_context(files.locked(project.root))
    try:
        with previewing(project, regenerate):
            summary = project.root / SUMMARY
            summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            deadline = time.monotonic() + 10
            while "Another factsheets run" not in capsys.readouterr().err:
                assert time.monotonic() < deadline, "the preview did not see the edit"
                time.sleep(0.1)
            time.sleep(1)  # two looks at the lock, still held
            assert not regenerated.is_set()
            other_run.close()  # it is done
            assert regenerated.wait(10)
    finally:
        other_run.close()
    assert "Error" not in capsys.readouterr().err


def test_a_regeneration_is_built_once_and_its_errors_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.at(copy_project(tmp_path / "project"))
    sheets = sorted((project.content / "actors").glob("*.md"))[:5]
    runs: list[str] = []

    def regenerate() -> None:  # stands for the pipeline: pages written one by one
        runs.append("")
        if len(runs) == 2:
            raise click.ClickException("seeds/x/summary.yaml: something is wrong")
        for sheet in sheets:
            sheet.write_text(sheet.read_text(encoding="utf-8") + "\nRegenerated.\n", "utf-8")
            time.sleep(0.1)  # longer than an editor's burst of writes

    with previewing(project, regenerate) as running:
        url = running.url or ""
        first = build_after(url, 0)
        summary = project.root / SUMMARY
        summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert build_after(url, first) == first + 1
        time.sleep(1.5)  # late notices of its writes: no second build
        assert build_after(url, 0) == first + 1
        # A regeneration that fails is said, and the preview goes on.
        summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        wait_until(lambda: len(runs) == 2)
        time.sleep(0.5)
        assert "Error: seeds/x/summary.yaml: something is wrong" in capsys.readouterr().err
        assert fetch(url + ACTOR)[0] == 200


def test_where_files_cannot_be_watched_seeds_are_looked_at_and_the_edit_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview.Watcher, "start", lambda *args: None)
    project = Project.at(copy_project(tmp_path / "project"))
    sheet = project.content / "actors" / "united-states.md"

    def regenerate() -> None:  # stands for the pipeline: one page rewritten
        sheet.write_text(sheet.read_text(encoding="utf-8") + "\nRegenerated.\n", "utf-8")

    with previewing(project, regenerate) as running:
        url = running.url or ""
        first = build_after(url, 0)
        summary = project.root / SUMMARY
        summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert build_after(url, first) == first + 1
        assert "Regenerated." in fetch(url + ACTOR)[1]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_sigterm_stops_the_preview_and_everything_it_started(tmp_path: Path) -> None:
    """`factsheets serve` as an editor runs it: an edit shows in the page, then SIGTERM
    (a service manager's stop) ends it within seconds, exit status 0, its port freed,
    no process of its own left running and its temporary folder gone."""
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {
        **os.environ,
        "TMPDIR": str(temporary),
        "PYTHONPATH": str(ROOT),
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "generator", "serve", "-a", "127.0.0.1:0"]
    process = subprocess.Popen(
        command, cwd=project, env=environment, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            if line.startswith("Serving the preview on "):
                url = line.split()[4]
                break
        assert url.startswith("http://127.0.0.1:")
        wait_until(lambda: fetch(url)[0] == 200)
        summary = project / SUMMARY
        text = summary.read_text(encoding="utf-8")
        summary.write_text(text.replace(DESCRIBED, "Carried out the edited strike"), "utf-8")
        wait_until(lambda: "Carried out the edited strike" in fetch(url + ACTOR)[1])
        children = descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)
    assert [pid for pid in children if alive(pid)] == []
    assert list(temporary.iterdir()) == []


def descendants(pid: int) -> list[int]:
    """The process's children, theirs and so on, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            parent = (entry / "stat").read_text().rpartition(")")[2].split()[1]
            parents.setdefault(int(parent), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
