"""The bundled test sets load with the documented sizes; user files in TSV and JSONL form."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tarjama.eval import (
    SummaryItem,
    load_cnndm,
    load_easc,
    load_mt_testset,
    load_ntrex,
    load_summary_testset,
    load_tatoeba,
    load_xsum,
)
from tarjama.eval.testsets import load_mt_file, load_summary_file
from tarjama.inference.arabic import arabic_ratio
from tarjama.inference.errors import InvalidInputError

DATA = Path(__file__).resolve().parent.parent / "eval" / "data"


def test_ntrex_has_1997_lines_in_123_documents_both_ways() -> None:
    ar_en = load_ntrex("ar", "en")
    en_ar = load_ntrex("en", "ar")
    assert len(ar_en.items) == len(en_ar.items) == 1997
    assert len(ar_en.documents()) == 123
    assert ar_en.documents()[0] == ("bbc.381790", list(range(len(ar_en.documents()[0][1]))))
    assert ar_en.items[0].source == en_ar.items[0].reference
    assert arabic_ratio(ar_en.items[0].source) > 0.9 and arabic_ratio(ar_en.items[0].reference) < 0.1
    assert not any("\r" in item.source or "\r" in item.reference for item in ar_en.items)
    assert sum(len(indices) for _, indices in ar_en.documents()) == 1997


@pytest.mark.parametrize(("msa_only", "size"), [(True, 9642), (False, 10305)])
def test_tatoeba_sizes(msa_only: bool, size: int) -> None:
    testset = load_tatoeba("ar", "en", msa_only=msa_only)
    assert len(testset.items) == size
    assert not testset.has_documents
    assert all(item.source.strip() and item.reference.strip() for item in testset.items)


@pytest.mark.parametrize(
    ("loader", "size", "refs", "arabic"),
    [(load_easc, 153, 5, True), (load_cnndm, 250, 1, False), (load_xsum, 249, 1, False)],
)
def test_summary_sets(loader: Callable[[], list[SummaryItem]], size: int, refs: int, arabic: bool) -> None:
    items = loader()
    assert len(items) == size
    assert len({item.id for item in items}) == size
    assert all(len(item.references) == refs and all(r.strip() for r in item.references) for item in items)
    assert (arabic_ratio(items[0].article) > 0.5) == arabic
    assert all(len(item.article) > len(item.references[0]) for item in items)


def test_xsum_drops_the_welsh_items_and_cleans_escapes() -> None:
    items = load_xsum()
    assert not {"39497668", "39553812"} & {item.id for item in items}
    assert not any("\\'" in item.references[0] or "``" in item.references[0] for item in items)


def test_every_bundled_folder_has_attribution_and_the_total_is_small() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for words in ("CC BY-SA 4.0", "CC BY-SA 3.0", "MIT", "Tatoeba", "EASC", "NTREX", "XSum", "CNN/DailyMail"):
        assert words in readme
    assert (DATA / "ntrex" / "LICENSE.md").exists() and (DATA / "easc" / "COPYRIGHT").exists()
    assert (DATA / "frank" / "LICENSE").exists()
    total = sum(f.stat().st_size for f in DATA.rglob("*") if f.is_file())
    assert total < 8_000_000


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("set.tsv", "مرحبا\tHello\nشكرا\tThanks\n"),
        ("set.jsonl", '{"source": "مرحبا", "reference": "Hello"}\n{"text": "شكرا", "reference": "Thanks"}\n'),
    ],
)
def test_user_mt_file(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    testset = load_mt_testset(str(path), "ar", "en")
    assert [(i.source, i.reference) for i in testset.items] == [("مرحبا", "Hello"), ("شكرا", "Thanks")]
    assert testset.name == "set"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.tsv", "only one column\n", "bad.tsv line 1 must be 'source<TAB>reference'"),
        ("bad.jsonl", '{"source": "x"}\n', "needs a string field: one of reference"),
        ("bad.jsonl", "not json\n", "line 1 is not valid JSON"),
        ("empty.tsv", "\n\n", "has no test items"),
    ],
)
def test_bad_user_mt_file(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        load_mt_file(path, "ar", "en")


def test_user_summary_file_with_several_references(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    rows = [{"id": "a", "article": "Long text. More.", "references": ["Short.", "Brief."]}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items, lang = load_summary_testset(str(path))
    assert lang == "en" and items[0].references == ("Short.", "Brief.") and items[0].id == "a"
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("مقال طويل جدا\tملخص\n", encoding="utf-8")
    assert load_summary_file(tsv)[0].references == ("ملخص",)
    assert load_summary_testset(str(tsv))[1] == "ar"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: load_mt_testset("flores", "ar", "en"), "unknown test set 'flores'"),
        (lambda: load_summary_testset("nope"), "unknown test set 'nope'"),
        (lambda: load_ntrex("ar", "ar"), "cannot evaluate ar→ar"),
    ],
)
def test_unknown_sets_and_directions(call: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        call()
