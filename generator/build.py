"""The pipeline, in order: load, validate, merge, render, write."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import cache, incremental, write
from .duplicates import LikelyDuplicate, likely_duplicates, read_distinct
from .errors import FactsheetsError, Problem, Problems
from .load import Loaded, load_all
from .merge import KnowledgeBase, merge
from .progress import Progress, silent
from .project import Project
from .render import Renderer
from .validate import validate


@dataclass
class Outcome:
    """What a run found and did."""

    plan: write.Plan
    warnings: list[Problem] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    rendered: int = 0
    """Pages rendered: the others could not have changed (see incremental.py)."""


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pauses Python's collector of reference cycles while the block runs.

    The pipeline allocates millions of objects that live until it ends, and makes almost
    no cycles: the collector's passes over them found nothing and took 2 of 11 seconds at
    10,000 fact sheets. (Memory is reclaimed by reference counting as usual.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def knowledge_base(
    project: Project, progress: Progress = silent, *, remember: bool = False
) -> tuple[KnowledgeBase, list[Problem]]:
    """Read and validate every seed, then merge; raises InvalidInput listing every problem.

    With `remember`, validated summaries go into the cache for the next run.
    """
    with _no_cycle_collection():
        loaded, kb, warnings = _read(project, progress, remember=remember)
    return kb, warnings


def _read(
    project: Project, progress: Progress, *, remember: bool
) -> tuple[list[Loaded], KnowledgeBase, list[Problem]]:
    problems = Problems()
    loaded = load_all(project.seeds, project.root, problems, progress)
    sentences = validate(loaded, problems)
    problems.raise_if_any()
    if remember:
        cache.write_summaries(project.root, ((item.cache_key, item.summary) for item in loaded))
    return loaded, merge(loaded, sentences), problems.warnings


def generate(
    project: Project, *, check: bool = False, force: bool = False, progress: Progress = silent
) -> Outcome:
    """Regenerate `content/` from `seeds/`; with `check`, only say what would change."""
    with _no_cycle_collection():
        return _generate(project, check=check, force=force, progress=progress)


def _generate(project: Project, *, check: bool, force: bool, progress: Progress) -> Outcome:
    if check:  # always the full comparison: CI must not trust a cache
        _, kb, warnings = _read(project, progress, remember=False)
        decisions = Renderer(kb, project.templates).each(partial(write.decide, project.content))
        return Outcome(write.plan_of(project.content, decisions), warnings)
    code = cache.fingerprint(project.templates, cache.PACKAGE)
    inputs = code + cache.fingerprint(project.seeds)
    last_run = cache.last_run(project.root)
    if not force:
        count = cache.unchanged_since_last_run(last_run, project.content, inputs)
        if count is not None:
            return Outcome(write.Plan(unchanged=count))
    loaded, kb, warnings = _read(project, progress, remember=True)
    renderer = Renderer(kb, project.templates)
    inputs_now = incremental.Inputs.of(loaded, code)
    # Forced runs and sites with their own templates render every page.
    previous = None if force or _has_templates(project) else incremental.read(project.root)
    only = incremental.pages_to_render(previous, inputs_now, renderer, project, last_run)
    with write.locked(project.root), write.staging(project.content):
        try:
            # Each page is staged as soon as it is rendered, then put in place (`apply`).
            decisions = renderer.each(partial(write.settle, project.content), progress, only)
            shown = incremental.shown(renderer, previous)
            outputs = incremental.outputs(shown)
            rendered = {decision.path for decision in decisions}
            kept = {path for path in outputs if project.content / path not in rendered}
            plan = write.plan_of(project.content, decisions, kept)
            backups = write.apply(
                plan, project.root, project.content, force=force, progress=progress
            )
        except OSError as error:
            raise FactsheetsError(
                f"could not write {error.filename}: {error.strerror}. Every page in content/ "
                "is whole (old or new); fix the cause and run again to finish."
            ) from None
        if (plan.conflicts and not force) or plan.orphans:
            # Not a clean state: the next run must look again, and report again.
            cache.forget_run(project.root)
            incremental.forget(project.root)
        else:
            cache.record_run(project.root, project.content, inputs, outputs)
            incremental.save(project.root, inputs_now, shown)
    return Outcome(plan, warnings, backups, rendered=len(decisions))


def _has_templates(project: Project) -> bool:
    """Whether the site overrides templates, which may show what the helpers do not track."""
    return project.templates.is_dir() and any(project.templates.iterdir())


def duplicates(project: Project, kb: KnowledgeBase) -> list[LikelyDuplicate]:
    """Ids that probably name the same entity, minus the pairs recorded as distinct."""
    problems = Problems()
    distinct = read_distinct(project.seeds, project.root, problems)
    problems.raise_if_any()
    return likely_duplicates(kb, distinct)
