"""``prebuild`` (run by the session hook in conftest and by ``python -m tests.standins``) builds the stand-ins
a run needs, independent ones in separate processes, into the same cache entries the fixtures use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.standins.cache import ENV_STANDINS
from tests.standins.recipes import build, cached_path, prebuild, recipe

ROOT = Path(__file__).resolve().parents[1]


def test_prebuild_builds_in_parallel_into_the_fixtures_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STANDINS, str(tmp_path))
    names = ["marian_ar_en", "bart_en"]
    assert not any(cached_path(*recipe(n)).exists() for n in names)
    built = prebuild(names, workers=2)
    assert built == {n: cached_path(*recipe(n)) for n in names}
    stamps = {n: (p / "config.json").stat().st_mtime_ns for n, p in built.items()}
    assert {n: build(n) for n in names} == built  # the fixtures find them: nothing is built again
    assert stamps == {n: (p / "config.json").stat().st_mtime_ns for n, p in built.items()}


def test_the_command_line_lists_what_it_built(tmp_path: Path) -> None:
    env = {**os.environ, ENV_STANDINS: str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.standins", "marian_ar_en", "nope"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown stand-in nope" in done.stderr
