"""`tarjama` command line: a thin layer that parses arguments and calls library functions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tarjama import __version__
from tarjama.cli import cache, evaluation, serve, summaries, translation
from tarjama.cli.common import warnings_on_stderr
from tarjama.inference.errors import TarjamaError

Handler = Callable[[argparse.Namespace], int]

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree; each command group adds its sub-commands."""
    parser = argparse.ArgumentParser(
        prog="tarjama", description="Arabic <-> English news translation, summaries and evaluation."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    translation.add_commands(sub)
    summaries.add_commands(sub)
    evaluation.add_commands(sub)
    cache.add_commands(sub)
    serve.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tarjama` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    with warnings_on_stderr():
        try:
            return handler(args)
        except TarjamaError as exc:
            print(f"tarjama: error: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("tarjama: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
