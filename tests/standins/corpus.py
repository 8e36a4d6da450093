"""Vendored text the stand-ins are trained on (``tests/data/``; origin and licence in each ``SOURCE.md``)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MEMORISED_TSV = DATA_DIR / "tatoeba" / "memorised.tsv"
TATOEBA_TSV = DATA_DIR / "tatoeba" / "ara-eng.tsv"
NTREX_TSV = DATA_DIR / "ntrex" / "newstest2019-eng-arb.tsv"
CORPUS_FILES = (MEMORISED_TSV, TATOEBA_TSV, NTREX_TSV)

LANGUAGES = ("ar", "en")


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_memorised_pairs() -> list[tuple[str, str]]:
    """The 41 Tatoeba (Arabic, English) pairs that the memorised Marian stand-in reproduces exactly."""
    return [(row["ara"], row["eng"]) for row in _read_tsv(MEMORISED_TSV)]


def corpus_lines(lang: str) -> list[str]:
    """All vendored lines in ``lang`` ("ar" or "en"): memorised pairs, Tatoeba, then NTREX-128 news."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    tatoeba_col = "ara" if lang == "ar" else "eng"
    ntrex_col = "arb" if lang == "ar" else "eng"
    lines = [row[tatoeba_col] for row in _read_tsv(MEMORISED_TSV)]
    lines += [row[tatoeba_col] for row in _read_tsv(TATOEBA_TSV)]
    lines += [row[ntrex_col] for row in _read_tsv(NTREX_TSV)]
    return lines


def corpus_digest() -> str:
    """SHA-256 over the vendored training text, so cached stand-ins are rebuilt when the text changes."""
    digest = hashlib.sha256()
    for path in CORPUS_FILES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
