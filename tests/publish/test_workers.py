"""A worker process that dies (the system's out-of-memory killer, say) fails the run at once,
with an error naming the stage it worked for, instead of leaving the run waiting for ever
for its results: in the generator's pools (reading summaries, rendering pages) and in the
MkDocs plugin's (converting pages, rendering their templates)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, snapshot

from generator.common import workers

MULTI = ROOT / "tests" / "fixtures" / "multi"
DIED = "died (killed by signal 9, SIGKILL: out of memory?)"


def _square(number: int) -> int:
    if number == 13:
        os.kill(os.getpid(), signal.SIGKILL)
    return number * number


def test_results_come_in_order_in_chunks() -> None:
    with workers.fork_pool(2, "squaring") as pool:
        assert list(pool.map(_square, range(12), chunksize=5)) == [n * n for n in range(12)]


def test_a_killed_worker_fails_the_map_at_once() -> None:
    started = time.monotonic()
    with (
        pytest.raises(workers.WorkerDied) as raised,
        workers.fork_pool(2, "squaring", "nothing was squared") as pool,
    ):
        list(pool.map(_square, range(40), chunksize=4))
    assert raised.value.message == f"a worker process of squaring {DIED}; nothing was squared"
    assert time.monotonic() - started < 10


def run_script(script: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Python running `script` (dedented), from the repository, with its output."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,  # a run that waits for ever fails the test instead of hanging
    )


# Each script makes its workers' count and threshold small enough for the fixture to
# fork, and one worker kill itself on a chosen item, as the out-of-memory killer would.
GENERATE = """
    import os, signal, sys
    from generator import cli
    from generator.common import workers
    from generator.pages import render
    from generator.sources import load
    workers.usable_cores = lambda: 2
    load._PARALLEL_FROM = 0
    render.PARALLEL_FROM = 0
    {patch}
    sys.argv = ["factsheets", "-C", {root!r}, "generate", "--force"]
    cli.run()
"""


def test_a_killed_worker_reading_summaries_fails_the_run(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", seeds=MULTI / "seeds", with_content=False)
    before = snapshot(root / "content")
    patch = """
    parse = load.quick_parse
    def quick_parse(raw):
        if "ledger" in raw:
            os.kill(os.getpid(), signal.SIGKILL)
        return parse(raw)
    load.quick_parse = quick_parse
    """
    result = run_script(
        textwrap.dedent(GENERATE).format(root=str(root), patch=textwrap.dedent(patch))
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.endswith(
        f"Error: a worker process of reading summaries {DIED}; nothing was written\n"
    )
    assert "Traceback" not in result.stderr
    assert snapshot(root / "content") == before


def test_a_killed_worker_rendering_pages_fails_the_run(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    before = snapshot(root / "content")
    patch = """
    work = render._render_in_worker
    def render_in_worker(path):
        if path == "actors/antony-blinken.md":
            os.kill(os.getpid(), signal.SIGKILL)
        return work(path)
    render._render_in_worker = render_in_worker
    """
    result = run_script(
        textwrap.dedent(GENERATE).format(root=str(root), patch=textwrap.dedent(patch))
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.endswith(
        f"Error: a worker process of rendering pages {DIED}; nothing was written\n"
    )
    assert "Traceback" not in result.stderr
    assert snapshot(root / "content") == before


MKDOCS = """
    import os, signal, sys
    from mkdocs.__main__ import cli
    from generator.common import workers
    from generator.publish import plugin
    workers.usable_cores = lambda: 2
    plugin.MIN_PAGES = 0
    work = plugin.{work}
    def killing(src_uri):
        if src_uri == "actors/antony-blinken.md":
            os.kill(os.getpid(), signal.SIGKILL)
        return work(src_uri)
    plugin.{work} = killing
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    cli(["build", "--strict", "-f", {config!r}])
"""


@pytest.mark.parametrize(
    ("work", "stage"),
    [("_convert", "converting pages to HTML"), ("_build_page", "rendering page templates")],
)
def test_a_killed_worker_of_the_mkdocs_plugin_fails_the_build(
    tmp_path: Path, work: str, stage: str
) -> None:
    root = copy_project(tmp_path / "project")
    result = run_script(MKDOCS.format(work=work, config=str(root / "mkdocs.yml")))
    assert result.returncode == 1, result.stderr
    output = result.stdout + result.stderr
    assert f"-  a worker process of {stage} {DIED}; the site was not built\n" in output
    assert "Aborted with a BuildError!" in output
    assert "Traceback" not in output


def _leave(number: int) -> int:
    if number == 5:
        os._exit(3)
    return number


def test_a_worker_that_exits_is_named_by_its_status() -> None:
    with pytest.raises(workers.WorkerDied) as raised, workers.fork_pool(2, "leaving") as pool:
        list(pool.map(_leave, range(10)))
    assert raised.value.message == (
        "a worker process of leaving died (it exited with status 3); nothing was written"
    )
