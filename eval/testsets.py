"""The bundled test sets (origin and licence: ``eval/data/README.md``) and user files of the same shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from tarjama.inference.arabic import arabic_ratio
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.textio import read_text

MT_TESTSETS = ("ntrex", "tatoeba")
SUMMARY_TESTSETS = ("easc", "cnndm", "xsum")
_LANG_FILES = {
    "ntrex": {"en": "newstest2019-src.eng.txt", "ar": "newstest2019-ref.arb.txt"},
    "tatoeba": {"en": "tatoeba-test-v2021-08-07.eng", "ar": "tatoeba-test-v2021-08-07.ara"},
}


@dataclass(frozen=True)
class MTItem:
    """One source sentence, its reference translation and the document it belongs to (``""`` if none)."""

    source: str
    reference: str
    document: str = ""


@dataclass(frozen=True)
class MTTestSet:
    """Sentence-aligned translation test data in one direction."""

    name: str
    source_lang: str
    target_lang: str
    items: tuple[MTItem, ...]

    @property
    def has_documents(self) -> bool:
        """True when the items carry document ids (NTREX), so whole documents can be translated."""
        return any(item.document for item in self.items)

    def documents(self) -> list[tuple[str, list[int]]]:
        """``(document id, item indices)`` in order; consecutive lines with one id form a document."""
        order: list[tuple[str, list[int]]] = []
        for index, item in enumerate(self.items):
            if order and order[-1][0] == item.document:
                order[-1][1].append(index)
            else:
                order.append((item.document, [index]))
        return order


@dataclass(frozen=True)
class SummaryItem:
    """An article and its reference summaries (EASC has five per article, the others one)."""

    id: str
    article: str
    references: tuple[str, ...]


EascItem = SummaryItem


def _data(*parts: str) -> Path:
    return Path(str(files("tarjama.eval").joinpath("data", *parts)))


def _lines(path: Path) -> list[str]:
    text = read_text(path).replace("\r\n", "\n")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def _check_direction(source: str, target: str) -> None:
    if {source, target} != {"ar", "en"}:
        raise InvalidInputError(
            f"cannot evaluate {source}→{target}; use --from ar --to en or --from en --to ar"
        )


def load_ntrex(source: str = "ar", target: str = "en") -> MTTestSet:
    """NTREX-128 (WMT19 news, English original with an Arabic reference): 1997 sentences in 123 documents."""
    _check_direction(source, target)
    folder = _data("ntrex")
    src = _lines(folder / _LANG_FILES["ntrex"][source])
    ref = _lines(folder / _LANG_FILES["ntrex"][target])
    docs = _lines(folder / "DOCUMENT_IDS.tsv")
    items = tuple(MTItem(s, r, d.strip()) for s, r, d in zip(src, ref, docs, strict=True))
    return MTTestSet("ntrex", source, target, items)


def load_tatoeba(source: str = "ar", target: str = "en", *, msa_only: bool = True) -> MTTestSet:
    """The Tatoeba Challenge ara-eng test set (v2021-08-07); ``msa_only`` keeps the lines labelled ``ara``."""
    _check_direction(source, target)
    folder = _data("tatoeba")
    src = _lines(folder / _LANG_FILES["tatoeba"][source])
    ref = _lines(folder / _LANG_FILES["tatoeba"][target])
    labels = _lines(folder / "tatoeba-test-v2021-08-07.ara.labels")
    items = tuple(
        MTItem(s, r) for s, r, label in zip(src, ref, labels, strict=True) if not msa_only or label == "ara"
    )
    return MTTestSet("tatoeba" if not msa_only else "tatoeba-msa", source, target, items)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{path} line {number} is not valid JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise InvalidInputError(f"{path} line {number} must be a JSON object")
        rows.append(row)
    return rows


def load_easc() -> list[SummaryItem]:
    """EASC: 153 Arabic articles (106 Wikipedia, 47 newspaper), five extractive reference summaries each."""
    return [
        SummaryItem(row["id"], row["article"], tuple(row["references"]))
        for row in _jsonl(_data("easc", "easc.jsonl"))
    ]


def load_cnndm() -> list[SummaryItem]:
    """250 CNN/DailyMail test articles (from FRANK) with their highlights, one per line."""
    return [
        SummaryItem(r["id"], r["article"], (r["reference"],)) for r in _jsonl(_data("frank", "cnndm.jsonl"))
    ]


def load_xsum() -> list[SummaryItem]:
    """249 XSum test articles (from FRANK, Welsh items dropped) with their one-sentence summaries."""
    return [
        SummaryItem(r["id"], r["article"], (r["reference"],)) for r in _jsonl(_data("frank", "xsum.jsonl"))
    ]


def _first(row: dict[str, Any], keys: Sequence[str], where: str) -> str:
    for key in keys:
        if isinstance(row.get(key), str):
            return row[key]
    raise InvalidInputError(f"{where} needs a string field: one of {', '.join(keys)}")


def load_mt_file(path: str | Path, source: str, target: str) -> MTTestSet:
    """A user test set: a TSV of ``source<TAB>reference`` or a JSONL of ``{"source"|"text", "reference"}``."""
    _check_direction(source, target)
    file = Path(path)
    items: list[MTItem] = []
    if file.suffix == ".jsonl":
        for number, row in enumerate(_jsonl(file), 1):
            where = f"{file} item {number}"
            items.append(MTItem(_first(row, ("source", "text"), where), _first(row, ("reference",), where)))
    else:
        for number, line in enumerate(_lines(file), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise InvalidInputError(f"{file} line {number} must be 'source<TAB>reference'")
            items.append(MTItem(parts[0].strip(), parts[1].strip()))
    if not items:
        raise InvalidInputError(f"{file} has no test items")
    return MTTestSet(file.stem, source, target, tuple(items))


def load_summary_file(path: str | Path) -> list[SummaryItem]:
    """A user summary set: JSONL of ``{"article"|"text"|"source", "reference" or "references": [...]}``,
    or a TSV of ``article<TAB>reference`` (one line per article)."""
    file = Path(path)
    items: list[SummaryItem] = []
    if file.suffix == ".jsonl":
        for number, row in enumerate(_jsonl(file), 1):
            where = f"{file} item {number}"
            refs = row.get("references")
            if isinstance(refs, list) and refs and all(isinstance(r, str) for r in refs):
                references = tuple(refs)
            else:
                references = (_first(row, ("reference", "summary"), where),)
            article = _first(row, ("article", "text", "source"), where)
            items.append(SummaryItem(str(row.get("id", number)), article, references))
    else:
        for number, line in enumerate(_lines(file), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                raise InvalidInputError(f"{file} line {number} must be 'article<TAB>reference'")
            items.append(SummaryItem(str(number), parts[0], (parts[1],)))
    if not items:
        raise InvalidInputError(f"{file} has no test items")
    return items


def load_mt_testset(name: str, source: str, target: str) -> MTTestSet:
    """A bundled set by name (``ntrex``, ``tatoeba``) or a user file by path."""
    if name == "ntrex":
        return load_ntrex(source, target)
    if name == "tatoeba":
        return load_tatoeba(source, target)
    if not Path(name).exists():
        raise InvalidInputError(
            f"unknown test set {name!r}: use {' or '.join(MT_TESTSETS)}, or a TSV/JSONL path"
        )
    return load_mt_file(name, source, target)


def load_summary_testset(name: str) -> tuple[list[SummaryItem], str]:
    """A bundled summary set by name (``easc``, ``cnndm``, ``xsum``) or a user file, and its language."""
    loaders = {"easc": (load_easc, "ar"), "cnndm": (load_cnndm, "en"), "xsum": (load_xsum, "en")}
    if name in loaders:
        loader, lang = loaders[name]
        return loader(), lang
    if not Path(name).exists():
        raise InvalidInputError(
            f"unknown test set {name!r}: use {', '.join(SUMMARY_TESTSETS)}, or a JSONL/TSV path"
        )
    items = load_summary_file(name)
    lang = "ar" if arabic_ratio(" ".join(i.article for i in items[:20])) > 0.5 else "en"
    return items, lang
