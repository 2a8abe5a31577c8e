"""`factsheets serve` never stays stuck on an edit it could not regenerate because another
run held the project's lock: it says so once, and regenerates when that run is done."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_project

from generator.common.project import Project
from generator.output import files
from generator.publish import preview


class FakeServer:
    """Stands for `mkdocs serve`: running until told to stop."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.stopped = threading.Event()

    def poll(self) -> int | None:
        return 0 if self.stopped.is_set() else None

    def terminate(self) -> None:
        self.stopped.set()

    def wait(self) -> int:
        return 0


def wait_for(condition: threading.Event, seconds: float = 10) -> None:
    assert condition.wait(seconds), "timed out"


def test_an_edit_made_while_another_run_holds_the_lock_is_regenerated_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.at(copy_project(tmp_path / "project"))
    servers: list[FakeServer] = []

    def server(*args: object, **kwargs: object) -> FakeServer:
        servers.append(FakeServer())
        return servers[-1]

    monkeypatch.setattr(preview.subprocess, "Popen", server)
    looked = threading.Event()
    fingerprint = preview.fingerprint

    def looking(folder: Path) -> object:
        seen = fingerprint(folder)
        looked.set()
        return seen

    monkeypatch.setattr(preview, "fingerprint", looking)
    regenerated = threading.Event()

    def regenerate() -> None:
        with files.locked(project.root):  # as the pipeline does
            regenerated.set()

    serving = threading.Thread(
        target=preview.serve,
        args=(project, "127.0.0.1:0"),
        kwargs={"dirty": False, "regenerate": regenerate},
        daemon=True,  # a failed test must not leave pytest waiting for it
    )
    other_run = contextlib.ExitStack()  # another run, holding the lock
    other_run.enter_context(files.locked(project.root))
    try:
        serving.start()
        summary = project.seeds / "cbs-baghdad-drone-strike" / "summary.yaml"
        wait_for(looked)  # the preview has seen seeds/ as they are
        summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while "Another factsheets run" not in capsys.readouterr().err:
            assert time.monotonic() < deadline, "the preview did not see the edit"
            time.sleep(0.1)
        time.sleep(1)  # two turns of its loop, still waiting
        assert not regenerated.is_set()
        other_run.close()  # it is done
        wait_for(regenerated)
    finally:
        other_run.close()
        for running in servers:
            running.terminate()
        serving.join(10)
    assert not serving.is_alive()
    assert "Error" not in capsys.readouterr().err
