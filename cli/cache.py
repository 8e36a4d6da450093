"""`tarjama cache stats | check | repair | clear | copy`, on an SQLite file or a Redis URL."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from tarjama.cli.common import print_json
from tarjama.inference.cache import open_store
from tarjama.inference.cache_admin import Renewal, check_cache, clear_cache, copy_cache, repair_cache
from tarjama.inference.settings import cache_location

LOCATION_HELP = "an SQLite file or a redis://host:port/db URL (default: $TARJAMA_CACHE or the user cache)"


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `tarjama cache ...`."""
    cache = sub.add_parser("cache", help="the sentence cache: statistics, checks, repair, clearing, copying")
    actions = cache.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    for name, handler, text in (
        ("stats", _stats, "entries, size, hits and misses"),
        ("check", _check, "read the whole cache and say whether it works (exit 1 when it does not)"),
        ("repair", _repair, "move a damaged cache file aside and start a new one with what can be read"),
        ("clear", _clear, "delete every cached output"),
    ):
        p = actions.add_parser(name, help=text)
        p.add_argument("--cache", metavar="LOCATION", help=LOCATION_HELP)
        if name in ("stats", "check"):
            p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
    p = actions.add_parser("copy", help="copy every entry of one cache into another (SQLite or Redis)")
    p.add_argument("source", metavar="SRC", help="the cache to read: " + LOCATION_HELP.split(" (")[0])
    p.add_argument("destination", metavar="DST", help="the cache to fill (created if need be)")
    p.set_defaults(handler=_copy)


def _location(args: argparse.Namespace) -> str:
    return args.cache or cache_location()


def _stats(args: argparse.Namespace) -> int:
    store = open_store(_location(args))
    try:
        stats = store.stats()
    finally:
        store.close()
    if args.json:
        print_json(asdict(stats))
    else:
        print(f"store    {stats.store}\nlocation {stats.location}\nentries  {stats.entries}")
        print(f"size     {stats.size_bytes:,} bytes\nhits     {stats.hits}\nmisses   {stats.misses}")
    return 0


def _check(args: argparse.Namespace) -> int:
    found = check_cache(_location(args))
    if args.json:
        print_json(asdict(found))
    elif found.ok:
        print(f"ok: {found.store} cache at {found.location}, {found.entries} entries")
    else:
        print(f"{found.state}: {found.message}")
    return 0 if found.ok else 1


def _renewed(done: Renewal) -> str:
    kept = f"; {done.kept} entries read back into it" if done.kept else ""
    lost = f" (the rest could not be read: {done.unreadable})" if done.unreadable and done.kept else ""
    moved = f"moved the damaged cache aside to {done.moved_to} and started a new one at {done.location}"
    return moved + kept + lost


def _repair(args: argparse.Namespace) -> int:
    done = repair_cache(_location(args))
    if isinstance(done, Renewal):
        print(_renewed(done))
    else:
        print(f"nothing to repair: the {done.store} cache at {done.location} works ({done.entries} entries)")
    return 0


def _clear(args: argparse.Namespace) -> int:
    done = clear_cache(_location(args))
    print(_renewed(done) if isinstance(done, Renewal) else f"removed {done} entries")
    return 0


def _copy(args: argparse.Namespace) -> int:
    copied = copy_cache(args.source, args.destination)
    print(f"copied {copied} entries")
    return 0
