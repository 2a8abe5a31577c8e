"""Synthesise a corpus in our summary format and write it as a buildable project.

    python -m bench.synth --pages 1000 --out /tmp/corpus
    cd /tmp/corpus && factsheets build

`--pages` counts fact sheets (actors + locations + events); sources get pages
too but are not counted. The corpus is deterministic for a given seed and size,
and entirely fictional. Sources are about one per eight fact sheets: each
introduces a few entities (its *home* entities) with all their facts and reuses
popular ones, drawn with a Zipf-like skew, with some of their facts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.common.project import CATEGORY_DIRS

from .sources import Draft, write_source
from .words import slug
from .world import World

ROOT = Path(__file__).resolve().parent.parent
"""The repository: its mkdocs.yml and hand-written content/ pages are the template."""
MARKER = ".bench-project"
"""Written into every synthesised project, so the benchmark only ever clears its own folders."""
PAGES_PER_SOURCE = 8
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_OUTLETS = ("Herald", "Courier", "Observer", "Daily", "Gazette", "Dispatch", "Record", "Monitor")
_TITLE_ENDINGS = ("", ": what we know", " draws condemnation", ": officials respond")


@dataclass
class Corpus:
    """A synthesised corpus: its world and its sources."""

    pages: int
    seed: int
    world: World
    drafts: list[Draft]
    outlets: list[str]

    @property
    def counts(self) -> dict[str, int]:
        w = self.world
        return {
            "actors": len(w.actors),
            "locations": len(w.locations),
            "events": len(w.events),
            "sources": len(self.drafts),
        }


def synthesise(pages: int, seed: int = 0) -> Corpus:
    """A corpus with exactly `pages` fact sheets (at least 3)."""
    pages = max(pages, 3)
    rng = random.Random(f"factsheets-bench:{seed}:{pages}")
    n_actors = round(pages * 0.45)
    n_locations = max(1, round(pages * 0.15))
    n_events = pages - n_actors - n_locations
    world = World.build(rng, n_actors, n_locations, n_events)
    n_sources = max(1, math.ceil(pages / PAGES_PER_SOURCE))
    outlets = [f"The {world.namer.place()} {rng.choice(_OUTLETS)}" for _ in range(8)]

    # Every entity has a home source that introduces it. Events are dealt in order, so
    # sources run roughly in time; actors and locations are shuffled across sources.
    homes: list[dict[str, list[str]]] = [
        {"actors": [], "locations": [], "events": []} for _ in range(n_sources)
    ]
    for index, event_id in enumerate(world.events):
        homes[index * n_sources // max(n_events, 1)]["events"].append(event_id)
    for category, table in (("actors", world.actors), ("locations", world.locations)):
        ids = list(table)
        rng.shuffle(ids)
        for index, entity_id in enumerate(ids):
            homes[index % n_sources][category].append(entity_id)

    drafts = []
    for number, home in enumerate(homes, 1):
        own = {i for ids in home.values() for i in ids}
        # Besides its own entities, a source mentions popular ones: the skew lives here.
        actors = home["actors"] + world.popular_actors.sample(rng, 4, exclude=own)
        locations = home["locations"] + world.popular_locations.sample(rng, 1, exclude=own)
        events = home["events"] + world.popular_events.sample(rng, 1, exclude=own)
        meta = _meta(rng, outlets, number, n_sources, world, events)
        drafts.append(
            write_source(
                world,
                rng,
                meta,
                actors=actors,
                locations=locations,
                events=events,
                home=own,
                statements=rng.choice((1, 2, 2, 3)),
            )
        )
    return Corpus(pages, seed, world, drafts, outlets)


def _meta(
    rng: random.Random, outlets: list[str], number: int, total: int, world: World, events: list[str]
) -> dict[str, Any]:
    outlet = rng.choice(outlets)
    published = dt.date(2023, 1, 1) + dt.timedelta(days=(number * 760) // max(total, 1))
    source_id = f"{slug(outlet.removeprefix('The '))}-{number:05d}"
    if events:
        title = world.events[events[0]].title + rng.choice(_TITLE_ENDINGS)
    else:
        title = f"Officials speak on the crisis ({number})"
    authors = [world.namer.person() for _ in range(rng.choice((1, 1, 2)))]
    return {
        "id": source_id,
        "title": title,
        "outlet": outlet,
        "authors": authors,
        "published": published.isoformat(),
        "url": f"https://{slug(outlet)}.example/{published.year}/{source_id}",
        "language": "en",
        "file": "source.txt",
    }


def extra_source(corpus: Corpus) -> Draft:
    """One more source, as an editor would add: a new actor, two new events, popular entities.

    It states no date for the existing event it mentions, so the pages it should
    change are exactly those of the ids it defines or refers to, plus index pages.
    Adds entities to the world: call it once per corpus.
    """
    world = corpus.world
    rng = random.Random(f"factsheets-bench:{corpus.seed}:{corpus.pages}:extra")
    existing_event = world.popular_events.draw(rng)
    new_actor = world.new_actor()
    new_events = [world.new_event(dated=True).id for _ in range(2)]
    actors = [new_actor.id, *world.popular_actors.sample(rng, 4, exclude={new_actor.id})]
    locations = world.popular_locations.sample(rng, 2)
    events = [*new_events, existing_event]
    number = len(corpus.drafts) + 1
    meta = _meta(rng, corpus.outlets, number, number, world, events)
    return write_source(
        world,
        rng,
        meta,
        actors=actors,
        locations=locations,
        events=events,
        home={new_actor.id, *new_events},
        statements=2,
        keep_dates={existing_event},
        vary=False,
    )


def write_draft(seeds: Path, draft: Draft) -> None:
    folder = seeds / draft.id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(draft.text, encoding="utf-8")
    header = "# Synthesised by bench.synth: fictional names and text, for benchmarking only.\n"
    body = yaml.dump(draft.summary, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    (folder / "summary.yaml").write_text(header + body, encoding="utf-8")


def write_project(corpus: Corpus, out: Path) -> Path:
    """Write `mkdocs.yml`, `overrides/`, `seeds/` and the hand-written pages of `content/`
    (search.md included) into `out`."""
    prepare(out)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # The theme's overrides beside it, as in a site `factsheets new` makes.
    config = config.replace("custom_dir: generator/skeleton/overrides", "custom_dir: overrides")
    name = f"Fact sheets: synthetic corpus of {corpus.pages:,} fact sheets"
    config = re.sub(r"(?m)^site_name:.*$", lambda _: f'site_name: "{name}"', config, count=1)
    (out / "mkdocs.yml").write_text(config, encoding="utf-8")
    # The theme overrides (theme.custom_dir): the header's search box, Pagefind's markers.
    shutil.copytree(ROOT / "generator" / "skeleton" / "overrides", out / "overrides")
    content = out / "content"
    content.mkdir()
    for item in sorted((ROOT / "content").iterdir()):
        # Hand-written pages and assets (tags.md, search.md, css) come from the demo;
        # fact sheets do not.
        if item.name in CATEGORY_DIRS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, content / item.name)
        else:
            shutil.copy(item, content / item.name)
    (content / "index.md").write_text(_home_page(corpus), encoding="utf-8")
    seeds = out / "seeds"
    for draft in corpus.drafts:
        write_draft(seeds, draft)
    return out


def prepare(out: Path) -> None:
    """Make `out` an empty project folder; refuse to clear a folder this module did not write."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out} is not empty and was not written by bench.synth; refusing")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Synthesised by bench.synth; the benchmark may delete it.\n")


def _home_page(corpus: Corpus) -> str:
    counts = corpus.counts
    return (
        f"# A synthetic corpus of {corpus.pages:,} fact sheets\n\n"
        "Every name and every sentence on this site is invented by the benchmark "
        f"(`python -m bench.synth`, seed {corpus.seed}). It has {counts['actors']:,} actors, "
        f"{counts['locations']:,} locations and {counts['events']:,} events "
        f"from {counts['sources']:,} sources.\n\n"
        "## Browse\n\n"
        "- [Actors](actors/index.md)\n"
        "- [Locations](locations/index.md)\n"
        "- [Events](events/index.md)\n"
        "- [Statements](statements/index.md)\n"
        "- [Sources](sources/index.md)\n"
        "- [Search](search.md)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth",
        description="Write a synthetic fact-sheet project (seeds/, mkdocs.yml, content/) into DIR.",
    )
    parser.add_argument("--pages", type=int, default=100, help="fact sheets (default 100)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    corpus = synthesise(args.pages, args.seed)
    write_project(corpus, args.out)
    counts = ", ".join(f"{n:,} {k}" for k, n in corpus.counts.items())
    print(f"Wrote {args.out}: {counts}. Build it with `factsheets build` inside that folder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
