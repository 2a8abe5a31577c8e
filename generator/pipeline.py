"""The pipeline, in order: read and check the sources, merge them, render the pages, write them.

Each step is a stage, a subpackage of its own (see ARCHITECTURE.md):

    sources/    seeds/ -> validated summaries and source texts (`Loaded`)
    knowledge/  summaries -> one account (`KnowledgeBase`)
    pages/      account -> Markdown pages (`Page`), and what each showed (`Shown`)
    output/     pages -> content/, written safely; caches and the record of the last run

This module calls them in turn. The caches (`output/cache.py`) and the record of the last
run (`output/record.py`) wrap the stages from here: a stage is handed a cached lookup in
place of the function it would call, and never reads a cache itself. The site is built
from `content/` afterwards, by `publish/` (`factsheets build` and `serve`, in cli.py).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .common.errors import FactsheetsError, Problem, Problems
from .common.progress import Progress, silent
from .common.project import Project, display_path, page_continued
from .data import catalogue, downloads
from .data import explore as data
from .draft import drafting
from .draft.compose import compose
from .draft.known import known_entities
from .draft.proposals import Draft
from .knowledge import positions
from .knowledge.duplicates import LikelyDuplicate, likely_duplicates
from .knowledge.merge import merge
from .knowledge.model import KnowledgeBase
from .output import apply, cache, files, incremental, record, write
from .output.cache import CACHE_DIR, Caches
from .output.record import RECORD_FILE
from .pages.render import Rendered, Renderer
from .publish import build, reuse, shards
from .sources import support
from .sources.checks import validate
from .sources.load import SUMMARY_FILE, Loaded, digest, load_all, read_distinct, read_text
from .sources.migrate import Migration, migrate_text
from .sources.parse import parse_summary
from .sources.places import PLACES_FILE, load_places
from .sources.schema import FORMAT
from .sources.text import SourceText


@dataclass
class Outcome:
    """What a run found and did."""

    plan: write.Plan
    warnings: list[Problem] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    rendered: int = 0
    """Pages rendered: the others could not have changed (see output/incremental.py)."""


def knowledge_base(
    project: Project,
    progress: Progress = silent,
    *,
    caches: Caches | None = None,
    with_drafts: bool = False,
) -> tuple[KnowledgeBase, list[Problem]]:
    """Read and validate every seed, then merge; raises InvalidInput listing every problem.

    Drafts are merged when the site publishes them, or `with_drafts` (`factsheets check`
    looks for likely duplicates in every summary)."""
    with _no_cycle_collection():
        _, kb, warnings = _read(
            project, caches or Caches(project.root), progress, remember=False, drafts=with_drafts
        )
    return kb, warnings


def generate(
    project: Project,
    *,
    check: bool = False,
    force: bool = False,
    progress: Progress = silent,
    caches: Caches | None = None,
) -> Outcome:
    """Regenerate `content/` from `seeds/`; with `check`, only say what would change.

    A process that generates several times (`factsheets serve`) passes the same `caches`
    each time. A file that cannot be written (or, with `check`, read) stops the run with
    a FactsheetsError naming it.
    """
    project.refuse_links_outside()
    caches = caches or Caches(project.root)
    with _no_cycle_collection():
        try:
            if check:
                return _check(project, caches, progress)
            return _generate(project, caches, force=force, progress=progress)
        except OSError as error:
            then = (
                "Nothing was written; fix the cause and check again."
                if check
                else "Every page in content/ is whole (old or new); fix the cause and run "
                "again to finish."
            )
            raise _could_not_write(error, project, then) from None


def _could_not_write(error: OSError, project: Project, then: str) -> FactsheetsError:
    """The error users see for a file the run could not write: `could not write <path>:
    <reason>. <then>`, the path as messages show paths."""
    name = error.filename
    path = Path(os.fsdecode(name)) if isinstance(name, (str, bytes, os.PathLike)) else None
    reason = error.strerror or str(error) or type(error).__name__
    if path is not None and error.errno in (errno.ENOTDIR, errno.EEXIST):
        # Some folder on the way is a file: name it, the system's reason does not.
        for folder in reversed(path.parents):
            if folder.is_relative_to(project.root) and folder.exists() and not folder.is_dir():
                reason = f"{display_path(folder, project.root)} is a file, not a folder"
                break
    shown = display_path(path or project.content, project.root)
    return FactsheetsError(f"could not write {shown}: {reason}. {then}")


def duplicates(project: Project, kb: KnowledgeBase) -> list[LikelyDuplicate]:
    """Ids that probably name the same entity, minus the pairs recorded as distinct."""
    problems = Problems()
    distinct = read_distinct(project.seeds, project.root, problems)
    problems.raise_if_any()
    return likely_duplicates(kb, distinct)


def migrate(project: Project, *, check: bool = False) -> dict[str, Migration]:
    """Rewrite every summary written in an older format in the current one
    (`sources/migrate.py`); with `check`, only say what that would change.

    Returns what migrating each summary does, by its path as messages show it (no
    changes: it is in the current format already). Every summary is read and validated
    first (InvalidInput lists every problem), and each rewritten text must read as the
    same summary; otherwise nothing is written. The files are rewritten under the
    project's lock, each whole (old or new) at any time.
    """
    problems = Problems()
    loaded = load_all(project.seeds, project.root, problems)
    problems.raise_if_any()
    migrations: dict[str, Migration] = {}
    pending: list[tuple[Loaded, Migration]] = []
    for item in loaded:
        if item.summary.format == FORMAT:
            migrations[item.summary_file] = Migration(item.raw, [])
            continue
        migration = migrate_text(item.raw)
        found = Problems()
        after = parse_summary(migration.text, item.summary_file, found)
        if after is None:
            why = f"does not validate ({found.items[0]})" if found.items else "does not validate"
        elif after.format != FORMAT:
            why = f"is still in format {after.format}"
        elif after.model_dump(exclude={"format"}) != item.summary.model_dump(exclude={"format"}):
            why = "reads as a different summary"
        else:
            why = ""
        if why:
            raise FactsheetsError(
                f"internal error: {item.summary_file} cannot be migrated to format {FORMAT}: "
                f"its rewritten text {why}. Nothing was written; please report this with "
                "the file."
            )
        migrations[item.summary_file] = migration
        pending.append((item, migration))
    if check or not pending:
        return migrations

    try:
        with files.locked(project.root):
            # An editor may have saved a summary since it was read: rewrite none then.
            targets: list[tuple[Path, str, str]] = []
            for item, migration in pending:
                path = (item.folder / SUMMARY_FILE).resolve()
                try:
                    now = path.read_bytes().decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    now = None
                bom = "\ufeff" if now is not None and now.startswith("\ufeff") else ""
                if now is None or now[len(bom) :] != item.raw:
                    raise FactsheetsError(
                        f"{item.summary_file} changed while it was being migrated; nothing was "
                        "written. Run `factsheets migrate` again."
                    )
                targets.append((path, bom + migration.text, item.summary_file))
            for path, text, shown in targets:
                try:
                    files.atomic_write(path, text)
                except OSError as error:
                    raise FactsheetsError(
                        f"could not write {shown}: {error.strerror}. Every summary is whole (old "
                        "or new, which read the same); fix the cause and run again to finish."
                    ) from None
    except OSError as error:  # the lock's file (each summary's are caught above)
        raise _could_not_write(error, project, "No summary was changed.") from None
    return migrations


@dataclass(frozen=True)
class Removed:
    """A file or folder `clean` removed (or, for the backups, kept)."""

    path: Path
    files: int
    size: int
    """Bytes."""


def clean(project: Project, *, backups: bool = False) -> tuple[list[Removed], Removed | None]:
    """Deletes what the tool made and makes again: the caches, what site builds kept and
    the record of the last run (`.factsheets/`), the built site and what killed builds
    left beside it. Never
    `content/`, and the backups of editors' pages only with `backups`. Returns what was
    removed, and the backups left (None when there are none)."""
    site = project.site
    targets = [project.root / path for path in (CACHE_DIR, RECORD_FILE, reuse.CACHE, shards.CACHE)]
    targets.append(project.root / build.TRASH)
    if site.is_symlink():
        # The folder it leads to is the site; the link is the user's.
        targets.append(site.resolve())
    else:
        targets.append(site)
    targets += build.leftovers(site)
    backups_folder = project.root / files.BACKUPS
    if backups:
        targets.append(backups_folder)
    removed = []
    with files.locked(project.root):
        for target in targets:
            if not (target.exists() or target.is_symlink()):
                continue
            count, size = _measure(target)
            try:
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            except OSError as error:
                shown = display_path(target, project.root)
                raise FactsheetsError(
                    f"could not remove {shown}: {error.strerror or error}"
                ) from None
            removed.append(Removed(target, count, size))
    kept = None
    if backups_folder.is_dir():
        kept = Removed(backups_folder, *_measure(backups_folder))
    return removed, kept


def _measure(path: Path) -> tuple[int, int]:
    """How many files a file or folder holds, and their bytes."""
    if not path.is_dir() or path.is_symlink():
        return 1, path.lstat().st_size
    count = size = 0
    for folder, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                size += os.lstat(os.path.join(folder, name)).st_size
                count += 1
    return count, size


def _read(
    project: Project, caches: Caches, progress: Progress, *, remember: bool, drafts: bool = False
) -> tuple[list[Loaded], KnowledgeBase, list[Problem]]:
    """Every source read and checked (all problems at once), then merged: the sources
    merged (drafts only when the site publishes them, or with `drafts`), and the
    knowledge base."""
    caches.new_run()
    problems = Problems()
    loaded = load_all(
        project.seeds,
        project.root,
        problems,
        progress,
        known=caches.summary,
        text_of=caches.text,
    )
    published = project.publish_drafts
    sentences = validate(loaded, problems, look_up=caches.quotes, drafts_published=published)
    places = load_places(project.seeds, problems, loaded, root=project.root)
    caches.keep(loaded, on_disk=remember and not problems)
    problems.raise_if_any()
    kb = merge(loaded, sentences, publish_drafts=published or drafts)
    # Where each location is drawn: reference data, read after the account it places.
    found = positions.resolve(kb, places)
    kb.positions, kb.unplaced = found.placed, found.unplaced
    positions.warn(kb, places, found, loaded, problems)
    if drafts:  # `factsheets check`: what an editor should know, said once, not every run
        for item in loaded:
            support.undated(item, problems)
    return [item for item in loaded if item.summary.source.id in kb.sources], kb, problems.warnings


def _check(project: Project, caches: Caches, progress: Progress) -> Outcome:
    """What a generation would change, comparing every page with its file: CI must not
    trust the record of the last run."""
    _, kb, warnings = _read(project, caches, progress, remember=False)
    renderer = _renderer(project, kb)
    _data_files(kb, renderer)  # the Data page prints their sizes
    pages = set(renderer.paths())
    for path in write.in_the_way(project.content):
        # Said as `generate` would say it, which could not write the page.
        if page_continued(path.relative_to(project.content).as_posix()) in pages:
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    decisions = _decisions(renderer.each(partial(write.examine, project.content)))
    refused = write.refusals(decisions)
    if refused is not None:
        raise refused
    return Outcome(write.plan_of(project.content, decisions), warnings)


def _generate(project: Project, caches: Caches, *, force: bool, progress: Progress) -> Outcome:
    # 1. Nothing changed since the last run: nothing to do. Publishing drafts or not
    #    (in mkdocs.yml) changes pages as the code does.
    code = cache.fingerprint(project.templates, cache.PACKAGE)
    code += " publish_drafts" if project.publish_drafts else ""
    # The editors' positions are no source's: a change to them may move any page's map.
    code += " places " + cache.file_digest(project.seeds / PLACES_FILE)
    # What mkdocs.yml tells the About page, and whether the home page is ours to write.
    code += " about " + project.about.fingerprint() + (" home" if project.home_is_ours else "")
    inputs = code + cache.fingerprint(project.seeds)
    last = record.read(project.root)
    if not force and last is not None:
        count = last.unchanged(project.content, inputs)
        if count is not None:
            return Outcome(write.Plan(unchanged=count))

    # 2. Read, check and merge every source.
    loaded, kb, warnings = _read(project, caches, progress, remember=True)

    # 3. Choose the pages a change can reach. Forced runs and sites with their own
    #    templates (which may show what the record does not track) render every page.
    renderer = _renderer(project, kb)
    made = _data_files(kb, renderer)
    now = incremental.Inputs.of(loaded, code)
    usable = None if force or _has_templates(project) else last
    only = incremental.pages_to_render(usable, now, renderer, project.content, caches.summary)

    with files.locked(project.root), write.staging(project.content):
        # 4. Render them, staging each page's new text as soon as it is made, then put
        #    every staged page in place (`apply`): a page an editor saved meanwhile is
        #    made again from what they saved.
        rendered = renderer.each(partial(write.settle, project.content), progress, only)
        decisions = _decisions(rendered)
        refused = write.refusals(decisions)
        if refused is not None:
            raise refused
        shown = incremental.shown(
            {page.path: page.shown for page in rendered}, renderer.paths(), usable
        )
        outputs = incremental.outputs(shown)
        written = {decision.path for decision in decisions}
        kept = {path for path in outputs if project.content / path not in written}
        plan = write.plan_of(project.content, decisions, kept)
        # Data files first: a page never links to one that is not there yet. Those beside
        # fact sheets that went away go with them.
        write.data_files(project.content, made)
        backups = apply.apply(plan, project.root, project.content, force=force, progress=progress)
        recorded = last.files if last is not None else {}
        write.delete_data(write.stale_data(project.content, made, plan.deletes, recorded))
        outputs += list(made)

        # 5. Record what this run produced, for the next one; a run that leaves pages
        #    needing attention is not recorded, so the next one looks, and reports, again.
        if (plan.conflicts and not force) or plan.orphans or plan.interrupted:
            record.forget(project.root)
        else:
            history = record.History(code, now.sources, shown)
            record.save(
                project.root, project.content, inputs=inputs, outputs=outputs, history=history
            )
    # Only now: the run compared each summary with its last version, cached.
    caches.prune()
    return Outcome(plan, warnings, backups, rendered=len(decisions))


def _renderer(project: Project, kb: KnowledgeBase) -> Renderer:
    """The pages of this project's site: with its templates, what its mkdocs.yml says for
    the About page, and its home page's section when the home page is the generator's."""
    return Renderer(kb, project.templates, about=project.about, home=project.home_is_ours)


def _data_files(kb: KnowledgeBase, renderer: Renderer) -> dict[str, str]:
    """Every data file (what the drawings load, and the downloads) by its path under
    `content/`. The Data page prints their sizes: the renderer is told them before it
    renders any page."""
    made = data.files(kb, renderer.site.timeline) | downloads.files(kb, renderer.site.timeline)
    renderer.downloads = catalogue.listing(made)
    return made


def _decisions(rendered: list[Rendered[write.Decision]]) -> list[write.Decision]:
    """The decision on every page rendered, those its long sections continue on included."""
    return [decision for page in rendered for decision in page.results]


def _has_templates(project: Project) -> bool:
    """Whether the site overrides templates."""
    return project.templates.is_dir() and any(project.templates.iterdir())


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


def draft(
    project: Project,
    folder: Path,
    source: dict[str, object],
    *,
    force: bool = False,
    model: str | None = None,
    model_name: str | None = None,
    api_key: str | None = None,
) -> tuple[Path, Draft]:
    """Draft `folder`'s summary.yaml from its source text (`generator/draft/`), reusing the
    ids of the entities every other summary defines; returns the file and the draft.

    Refuses to overwrite a summary without `force` (which backs it up first). The draft is
    validated, every quote found in the text, before it is written.
    """
    if not folder.is_absolute():
        # As given from here, or (with -C) inside the project: "-C proj draft seeds/x".
        here = Path.cwd() / folder
        folder = (
            here if here.exists() or not (project.root / folder).exists() else project.root / folder
        )
    folder = Path(os.path.normpath(folder))
    shown = display_path(folder, project.root)
    if folder.parent != Path(os.path.normpath(project.seeds)):
        raise FactsheetsError(f"{shown}: a source's folder is directly inside seeds/")
    text_path = folder / str(source.get("file") or "source.txt")
    target = folder / SUMMARY_FILE
    if target.exists() and not force:
        raise FactsheetsError(
            f"{display_path(target, project.root)} exists; rerun with --force to replace it "
            "(it is backed up first)."
        )
    if not text_path.exists() and not text_path.is_symlink():
        raise FactsheetsError(
            f"{display_path(text_path, project.root)} not found: save the article's text there first."
        )
    # Read as every source text is: inside the project, UTF-8, not empty, not too long.
    unreadable = Problems()
    text = read_text(text_path, project.root, unreadable)
    unreadable.raise_if_any()
    assert text is not None  # read_text says why whenever it reads nothing

    problems = Problems()
    others = [
        item for item in load_all(project.seeds, project.root, problems) if item.folder != folder
    ]
    source_text = SourceText(text, str(source.get("language") or "en"))
    proposed = drafting.draft(
        source_text,
        source,
        known_entities(others),
        model=model,
        model_name=model_name,
        api_key=api_key,
    )
    composed = compose(proposed, text_path.name)
    found = Problems()
    shown_file = display_path(target, project.root)
    summary = parse_summary(composed, shown_file, found)
    if summary is not None:
        # Checked as `factsheets check` will check it: with every other summary.
        item = Loaded(
            folder,
            shown_file,
            display_path(text_path, project.root),
            summary,
            source_text,
            composed,
            digest(composed),
        )
        checked = Problems()
        validate([*others, item], checked)
        found.items += [p for p in checked.items if p.file == shown_file]
    if summary is None or found.items:
        raise FactsheetsError(
            f"internal error: the draft of {shown} does not validate ({found.items[0]}); "
            "nothing was written. Please report this with the source text."
        )
    try:
        with files.locked(project.root):
            if target.exists():
                files.backup(target, project.root)
            files.atomic_write(target, composed)
    except OSError as error:
        raise _could_not_write(error, project, "Nothing was written.") from None
    return target, proposed
