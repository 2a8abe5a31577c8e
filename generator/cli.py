"""The `factsheets` command line.

Exit codes:
  0  success
  1  invalid input (nothing was written), the site build failed, a write failed,
     or another run holds the project's lock
  2  wrong usage (unknown option, missing argument)
  3  content/ needs attention: stale (with --check), or pages edited by hand
     between the markers that were left alone (see --force), or pages saved
     while they were being regenerated that could not be merged; or, with
     `migrate --check`, summaries in an older format
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from functools import cached_property
from pathlib import Path

import click

from . import pipeline, skeleton
from .common.errors import ContentNeedsAttention, escape_controls
from .common.progress import silent, terminal_bar
from .common.project import Project, display_path
from .data.catalogue import size_text
from .draft.drafting import source_block
from .output.cache import Caches
from .output.write import Plan
from .pages.labels import plural
from .publish import build, preview
from .sources.schema import FORMAT, json_schema


class Context:
    def __init__(self, root: Path, verbosity: int) -> None:
        self.root = root
        self.verbosity = verbosity

    @cached_property
    def project(self) -> Project:
        """The project, its mkdocs.yml read once per command."""
        return Project.at(self.root)

    def say(self, message: str, level: int = 0) -> None:
        if self.verbosity >= level:
            click.echo(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (the one holding mkdocs.yml).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every file written.")
@click.version_option(
    package_name="factsheets",
    # The summary format too: what summaries this version reads and writes (`migrate`).
    message=f"%(prog)s %(version)s (summary format {FORMAT})",
)
@click.pass_context
def main(ctx: click.Context, root: Path, quiet: bool, verbose: bool) -> None:
    """Turn structured summaries of news articles into a searchable fact-sheet site.

    Exit codes: 0 success; 1 invalid input (nothing written), failed site build or
    write, or another run holds the lock; 2 wrong usage; 3 content/ is stale (--check) or has pages edited between the
    markers that were left alone.
    """
    ctx.obj = Context(root, -1 if quiet else (1 if verbose else 0))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", required=True, help="The site's name, as its pages and title bar show it.")
@click.option(
    "--description",
    default=skeleton.DESCRIPTION,
    help="One sentence on the site, for its home page and search engines.",
)
@click.pass_obj
def new(obj: Context, folder: Path, title: str, description: str) -> None:
    """Start a new site in FOLDER (a new or empty folder).

    Writes mkdocs.yml, the theme's overrides, the home, Search and Tags pages, an example
    source with its summary, a README for the desk, .gitignore, requirements.txt and CI
    workflows for GitHub Pages and GitLab Pages; then makes its content/.
    """
    written = skeleton.create(folder, title, description)
    for path in written:
        obj.say(f"  created: {display_path(folder / path, Path.cwd())}", 1)
    obj.say(f"Started a new site in {folder} ({plural(len(written), 'file')}).")
    _generate(Context(folder, obj.verbosity))
    obj.say(
        f"Next: cd {folder}, then `factsheets build` and `python -m http.server -d site`; "
        "README.md says how to add a source."
    )


@main.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 3 if content/ is not up to date.")
@click.option(
    "--force",
    is_flag=True,
    help="Also regenerate pages edited between the markers, after backing them up.",
)
@click.pass_obj
def generate(obj: Context, check: bool, force: bool) -> None:
    """Generate the fact sheets in content/ from seeds/.

    Only files whose text changes are written. Text outside the generated
    markers is kept; pages without markers are never touched.
    """
    _generate(obj, check=check, force=force)


def _generate(
    obj: Context, *, check: bool = False, force: bool = False, caches: Caches | None = None
) -> pipeline.Outcome:
    project = obj.project
    progress = terminal_bar if obj.verbosity >= 0 else silent
    outcome = pipeline.generate(project, check=check, force=force, progress=progress, caches=caches)
    for warning in outcome.warnings:
        obj.say(f"Warning: {warning}")
    if outcome.rendered:
        pages = outcome.plan.pages
        obj.say(f"Rendered {outcome.rendered:,} of {pages:,} pages (the others cannot change).", 1)
    _report(obj, project, outcome.plan, check=check, force=force)
    for backup in outcome.backups:
        obj.say(f"Backed up {display_path(backup, project.root)}")
    if check and outcome.plan.stale:
        raise ContentNeedsAttention(
            "content/ is not up to date with seeds/; run `factsheets generate`."
        )
    if outcome.plan.conflicts and not force:
        raise ContentNeedsAttention(
            "some pages were left untouched because they were edited between the markers "
            "or lost them; move the edits below the end marker, or rerun with --force "
            "(which backs the pages up first)."
        )
    if outcome.plan.interrupted:
        raise ContentNeedsAttention(
            "some pages were saved while they were being regenerated (see the warnings "
            "above); check them, then run `factsheets generate` again."
        )
    return outcome


def _report(obj: Context, project: Project, plan: Plan, *, check: bool, force: bool) -> None:
    verb = "would be" if check else "were"
    for label, paths in (
        ("created", plan.created),
        ("updated", plan.updated),
        ("deleted", plan.deletes),
    ):
        for path in paths:
            obj.say(f"  {label}: {display_path(path, project.root)}", 1 if not check else 0)
    action = "regenerated (forced)" if force and not check else "left untouched"
    for path in plan.edited:
        why = f" (it {plan.problems[path]})" if path in plan.problems else ""
        obj.say(f"Edited between the markers, {action}: {display_path(path, project.root)}{why}")
    for path in plan.unmarked:
        obj.say(f"No generator markers, {action}: {display_path(path, project.root)}")
    for path in plan.orphans:
        obj.say(
            f"Kept (edited, but no summary produces it any more): {display_path(path, project.root)}"
        )
    for path in plan.remerged:
        shown = display_path(path, project.root)
        obj.say(f"  saved during the run, merged again keeping the new text: {shown}", 1)
    for path, backup in plan.interrupted.items():
        shown = display_path(path, project.root)
        if backup is None:
            obj.say(
                f"Warning: {shown} was saved while it was being regenerated, and was left "
                "as it was saved."
            )
        else:
            obj.say(
                f"Warning: {shown} was saved while it was being regenerated, in a way that "
                "cannot be merged: the text saved then is in "
                f"{display_path(backup, project.root)}; copy what you need from it."
            )
    counts = (
        f"{len(plan.created)} created, {len(plan.updated)} updated, "
        f"{len(plan.deletes)} deleted, {plan.unchanged} unchanged"
    )
    obj.say(
        f"{'Checked' if check else 'Generated'} content/: {counts}"
        + (f" ({verb} changed)" if check and plan.stale else ".")
    )


@main.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Validate seeds/ without writing anything, and warn about likely duplicate ids.

    Checks every summary, source text, quote and id reference. Two ids that share
    a name or alias, or have near-identical names, are reported; record pairs
    that really are different entities in seeds/distinct.yaml. Drafts (`status:
    draft`) are checked too, and listed: the site leaves them out until reviewed.
    """
    project = obj.project
    # Drafts are checked like any summary, and merged here even when the site leaves
    # them out: their ids may duplicate others', and the counts say what was read.
    kb, warnings = pipeline.knowledge_base(project, with_drafts=True)
    for warning in warnings:
        obj.say(f"Warning: {warning}")
    for duplicate in pipeline.duplicates(project, kb):
        obj.say(f"Warning: {duplicate.message()}")
    shown = "published as unreviewed" if project.publish_drafts else "not published until reviewed"
    for draft in kb.drafts:
        obj.say(f"Draft ({shown}): {escape_controls(draft)}")
    counts = [
        plural(len(kb.sources), "source"),
        plural(len(kb.actors), "actor"),
        plural(len(kb.locations), "location"),
        plural(len(kb.events), "event"),
        plural(len(kb.statements), "statement"),
    ]
    if kb.drafts:  # every count is of every summary read
        published = "published as unreviewed" if project.publish_drafts else "not published"
        counts[0] += f" ({plural(len(kb.drafts), 'draft')}, {published})"
        counts[-1] += " in all"
    obj.say(f"OK: {', '.join(counts)}.")


@main.command()
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 3 if a summary is in an older format."
)
@click.pass_obj
def migrate(obj: Context, check: bool) -> None:
    """Rewrite summaries written in an older format in the current one.

    Only the values that changed meaning are rewritten, each in place: comments, quotes
    and layout stay as they were. Every summary is validated first, and each rewritten
    one must read as the same summary; if not, nothing is written.
    """
    migrations = pipeline.migrate(obj.project, check=check)
    pending = {path: m for path, m in migrations.items() if m.changes}
    current = len(migrations) - len(pending)
    for path, migration in pending.items():
        verb = "Would migrate" if check else "Migrated"
        obj.say(f"{verb} {path} to format {FORMAT}: {'; '.join(migration.changes)}")
    summaries = plural(len(pending), "summary", "summaries")
    if not pending:
        every = "The summary is" if current == 1 else f"All {current:,} summaries are"
        obj.say(f"{every} in format {FORMAT}.")
    elif check:
        raise ContentNeedsAttention(
            f"{summaries} not in format {FORMAT}; run `factsheets migrate`."
        )
    else:
        obj.say(f"{summaries} migrated, {current:,} already in format {FORMAT}.")


@main.command("build")
@click.option("--force", is_flag=True, help="As for `generate --force`.")
@click.option(
    "--offline",
    is_flag=True,
    help="Build a copy readable from the disk (pages at x.html rather than x/): "
    "open site/index.html in a browser, no server needed.",
)
@click.pass_obj
def build_site(obj: Context, force: bool, offline: bool) -> None:
    """Generate content/, build the site with `mkdocs build --strict`, then index it for search.

    The search index (Pagefind) is written into the site's pagefind/ folder. Read the
    site served over HTTP, e.g. `python -m http.server -d site`: opened from the disk,
    its links show folders. With --offline its pages open from the disk; search and the
    Map, Timeline and Network drawings still need it served.
    """
    _generate(obj, force=force)
    project = obj.project
    started = time.perf_counter()
    if not build.build_site(project, verbosity=obj.verbosity, offline=offline):
        obj.say(
            "Nothing the site is built from changed since the last build: "
            f"{display_path(project.site, project.root)}/ is as that build left it."
        )
    for line in built_message(project.site, time.perf_counter() - started, offline=offline):
        obj.say(line)


def built_message(site: Path, seconds: float, *, offline: bool) -> list[str]:
    """What `factsheets build` says when the site is built: how to open it."""
    # http.server's own address; the pages are found from the root (a folder's index.html).
    serve = f"python -m http.server -d {site}, then open http://127.0.0.1:8000/"
    if offline:
        return [
            f"Built the site in {seconds:.1f} s, readable from the disk: "
            f"open {site / 'index.html'} in a browser.",
            f"Search and the Map, Timeline and Network drawings need it served: {serve}",
        ]
    return [
        f"Built the site in {seconds:.1f} s. Serve it to read it: {serve} "
        "(`factsheets serve` is a live preview, without search).",
        "Opened from the disk its links show folders: `factsheets build --offline` "
        "builds a copy readable from the disk.",
    ]


@main.command()
@click.option(
    "-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@click.option(
    "--dirty/--full",
    default=None,
    help="Rebuild only changed pages, or every page, after a change "
    f"[default: --dirty from {preview.DIRTY_FROM:,} fact sheets].",
)
@click.pass_obj
def serve(obj: Context, dev_addr: str, dirty: bool | None) -> None:
    """Preview the site, regenerating fact sheets whenever a file in seeds/ changes.

    The site is built in a temporary folder and served at --dev-addr (below the path
    of mkdocs.yml's site_url); open pages reload when a change is built. A change to
    content/ is built too, and one to mkdocs.yml or the theme's custom_dir rebuilds every
    page. On large sites only the pages a change rewrites are rebuilt (--dirty), so an
    edit shows within seconds; index pages may then lag until the next full build.
    The preview has no search index: search works in the site `factsheets build` writes.
    Ctrl-C (or SIGTERM) stops it.
    """
    project = obj.project
    caches = Caches(project.root)  # kept from one regeneration to the next
    first = _generate(obj, caches=caches)
    obj.say("Search is not available in the preview: it needs the site `factsheets build` writes.")
    preview.serve(
        project,
        dev_addr,
        dirty=preview.dirty_by_default(project) if dirty is None else dirty,
        regenerate=lambda: _generate(obj, caches=caches),
        # Nothing was read when seeds/ had not changed: read every summary (and split
        # their texts) once the preview is built, so the first edit is quick too.
        warm_up=None if first.rendered else lambda: pipeline.knowledge_base(project, caches=caches),
        verbosity=obj.verbosity,
    )


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The article's headline [default: its first sentence, shortened].")
@click.option("--outlet", help="The publication, e.g. 'CBS News'.")
@click.option(
    "--published",
    help="Publication date, YYYY-MM-DD (or YYYY-MM, YYYY): relative dates are read against it.",
)
@click.option("--url", help="Where the article can be read (http or https).")
@click.option("--language", default="en", show_default=True, help="ISO 639 code of the text.")
@click.option("--force", is_flag=True, help="Replace an existing summary.yaml (backed up first).")
@click.option(
    "--explain", is_flag=True, help="Show, for each proposal, the words that triggered it."
)
@click.option(
    "--model",
    metavar="URL",
    help="Draft with a language model behind an OpenAI-compatible API at URL (e.g. "
    "http://127.0.0.1:8080/v1); its key, if any, from $FACTSHEETS_MODEL_KEY or $OPENAI_API_KEY. "
    "Without it nothing leaves this machine.",
)
@click.option("--model-name", help="The model to ask for [default: the server's first].")
@click.pass_obj
def draft(
    obj: Context,
    folder: Path,
    title: str | None,
    outlet: str | None,
    published: str | None,
    url: str | None,
    language: str,
    force: bool,
    explain: bool,
    model: str | None,
    model_name: str | None,
) -> None:
    """Draft seeds/<id>/summary.yaml from seeds/<id>/source.txt, for an editor to review.

    Proposes the actors, places, events (with dates, places, roles and figures) and
    statements the text reports, each with a verbatim quote and a comment saying why;
    entities other summaries define keep their ids. The draft is marked `status: draft`
    and is not published until an editor reviews it and deletes that line.
    """
    project = obj.project
    source = source_block(
        folder.name, title=title, outlet=outlet, published=published, url=url, language=language
    )
    key = os.environ.get("FACTSHEETS_MODEL_KEY") or os.environ.get("OPENAI_API_KEY")
    path, proposed = pipeline.draft(
        project, folder, source, force=force, model=model, model_name=model_name, api_key=key
    )
    if explain:
        for proposal in proposed.proposals:
            label = proposal.item.get("id", "")
            obj.say(f"{proposal.section} {label}: {proposal.trigger!r}: {proposal.why}")
    for dropped in proposed.dropped:
        obj.say(f"Left out ({dropped.section}) {dropped.label}: {dropped.reason}")
    counts = ", ".join(
        plural(len(proposed.of(section)), noun)
        for section, noun in (
            ("actors", "actor"),
            ("locations", "location"),
            ("events", "event"),
            ("statements", "statement"),
        )
    )
    obj.say(
        f"Drafted {display_path(path, project.root)}: {counts}, every quote found in the text. "
        "Review it, delete its `status: draft` line to publish it, and run `factsheets check`."
    )


@main.command()
@click.option(
    "--backups",
    is_flag=True,
    help="Also remove the backups of edited pages (.factsheets/backups/).",
)
@click.pass_obj
def clean(obj: Context, backups: bool) -> None:
    """Remove the caches, the record of the last run and the built site.

    Everything removed is made again by the next run; content/ and seeds/ are never
    touched, nor the backups of pages edited by hand unless --backups is given.
    """
    project = obj.project
    removed, kept = pipeline.clean(project, backups=backups)
    for item in removed:
        obj.say(
            f"Removed {display_path(item.path, project.root)}: "
            f"{plural(item.files, 'file')}, {size_text(item.size, exact=False)}",
            level=1,
        )
    total = sum(item.size for item in removed)
    obj.say(
        f"Removed what the next run makes again: {size_text(total, exact=False)}."
        if removed
        else "Nothing to remove."
    )
    if kept is not None:
        obj.say(
            f"Kept {display_path(kept.path, project.root)}/ ({plural(kept.files, 'file')}): "
            "the backups of edited pages; `factsheets clean --backups` removes them."
        )


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
@click.pass_obj
def schema(obj: Context, output: Path | None) -> None:
    """Print the JSON Schema of summary.yaml, for editor completion and validation."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    obj.say(f"Wrote {output}")


def run() -> None:
    """The `factsheets` command: `main`, then an immediate exit.

    At its normal exit Python frees every object the run left (at 10,000 fact sheets,
    millions, for 0.6 to 0.9 s), memory the system takes back anyway. Like mypy, the
    command ends the process as soon as its output is flushed. Tests call `main`.
    """
    code: int
    try:
        main(prog_name="factsheets")
        code = 0
    except SystemExit as exit:  # click ends every command this way
        if exit.code is None or isinstance(exit.code, int):
            code = exit.code or 0
        else:
            click.echo(exit.code, err=True)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nobody to tell
            stream.flush()
    if sys.getprofile() is not None:
        # A profiler (`python -m cProfile -m generator`) writes its results at the normal
        # exit, which `os._exit` would skip.
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
