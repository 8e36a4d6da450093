"""The mutation table of ``bench/mutant_table.py`` stays true to the code: each bug can still be planted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.mutant_table import MUTANTS, Mutant
from bench.mutants import ROOT


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_plants_once_and_compiles(mutant: Mutant) -> None:
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    assert text.count(mutant.original) == 1, "the code changed: update the table"
    assert mutant.mutated != mutant.original
    compile(text.replace(mutant.original, mutant.mutated), mutant.file, "exec")
    files = [t for t in mutant.tests if t.startswith("tests/")]
    assert files and all((ROOT / t.split("::")[0]).is_file() for t in files)


def test_names_are_unique() -> None:
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)


def test_apply_plants_the_bug_and_returns_the_original(tmp_path: Path) -> None:
    mutant = MUTANTS[0]
    (tmp_path / mutant.file).parent.mkdir(parents=True)
    (tmp_path / mutant.file).write_text((ROOT / mutant.file).read_text(encoding="utf-8"), encoding="utf-8")
    original = mutant.apply(tmp_path)
    planted = (tmp_path / mutant.file).read_text(encoding="utf-8")
    assert original == (ROOT / mutant.file).read_text(encoding="utf-8")
    assert planted == original.replace(mutant.original, mutant.mutated) != original
