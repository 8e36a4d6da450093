"""Segmentation against NTREX-128's Arabic news: sentence-boundary F1 on the dev and held-out halves."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tarjama.translate.segment import normalize_input, segment

HERE = Path(__file__).parent
NTREX = HERE.parent / "eval" / "data" / "ntrex"  # the bundled copy (CC BY-SA 4.0, eval/data/README.md)

# --- NTREX-128 Arabic news: boundary F1 ---------------------------------------------------------

_END = re.compile(r"[.!?؟…][\"'”’»›)\]]*$")


def _ntrex_documents() -> dict[str, list[str]]:
    """The 123 documents as lists of reference sentences (the file has CRLF line ends)."""
    raw = (NTREX / "newstest2019-ref.arb.txt").read_text(encoding="utf-8")  # "\r\n" read as "\n"
    lines = raw.removesuffix("\n").split("\n")
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(ids) == 1997
    documents: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines, strict=True):
        documents.setdefault(doc_id, []).append(normalize_input(line).strip())
    return documents


def _half(doc_id: str) -> str:
    """Rules were written looking at the "dev" half only; "held-out" was run, never read."""
    return "dev" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "held-out"


def _join(sentences: list[str]) -> str:
    """One document: a space after a sentence, a line break after a line with no end punctuation."""
    parts = [s + (" " if _END.search(s) else "\n") for s in sentences]
    return "".join(parts).rstrip()


def _boundaries(sentences: list[str] | tuple[str, ...]) -> set[int]:
    """Sentence starts as offsets in the text without whitespace (the first start left out)."""
    offsets, position = set(), 0
    for sentence in sentences[:-1]:
        position += len("".join(sentence.split()))
        offsets.add(position)
    return offsets


@pytest.mark.parametrize("half", ["dev", "held-out"])
def test_ntrex_boundary_f1(half: str, record_property: pytest.RecordProperty) -> None:
    documents = {k: v for k, v in _ntrex_documents().items() if _half(k) == half}
    true_pos = false_pos = false_neg = 0
    for sentences in documents.values():
        text = _join(sentences)
        predicted = [s for p in segment(text, "ar") for s in p.sentences]
        assert "".join("".join(predicted).split()) == "".join(text.split())
        gold, found = _boundaries(sentences), _boundaries(predicted)
        true_pos += len(gold & found)
        false_pos += len(found - gold)
        false_neg += len(gold - found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    f1 = 2 * precision * recall / (precision + recall)
    record_property(f"ntrex_{half}_f1", round(f1, 4))
    print(f"NTREX {half}: {len(documents)} documents, P={precision:.4f} R={recall:.4f} F1={f1:.4f}")
    assert len(documents) > 50
    assert f1 >= 0.97
