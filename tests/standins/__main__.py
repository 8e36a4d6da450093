"""``python -m tests.standins [NAME ...]``: build the tests' stand-ins (all by default) in parallel."""

from __future__ import annotations

import sys
import time

from tests.standins.recipes import RECIPE_NAMES, prebuild


def main(argv: list[str]) -> int:
    names = argv or list(RECIPE_NAMES)
    unknown = [n for n in names if n not in RECIPE_NAMES]
    if unknown:
        print(f"unknown stand-in {', '.join(unknown)}; known: {', '.join(RECIPE_NAMES)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    for name, path in prebuild(names).items():
        print(f"{name}: {path}")
    print(f"{len(names)} stand-ins ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
