"""The cache key through its real callers: whatever changes an output changes the key, nothing else does.

Each test translates (or generates) once, then again with one thing changed, against the same sentence
cache: the second run may reuse the first one's output only when nothing that shapes the output changed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference import GenerationSettings, SentenceCache
from tarjama.inference.backends import BackendChoice
from tarjama.inference.cached import CachedGenerator
from tarjama.inference.hub import resolve_model
from tarjama.inference.pool import ModelRef
from tarjama.translate import Translator

BASE = GenerationSettings(beam_size=1)
TRANSFORMERS = BackendChoice("transformers", "cpu", "float32")


def changed(value: Any) -> Any:
    """Another valid value of a setting's type."""
    if value is None:
        return 7
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.25
    raise AssertionError(f"no other value known for {value!r}: teach changed() this type")


def generator(folder: Path, tmp_path: Path, choice: BackendChoice = TRANSFORMERS, **identity: str) -> Any:
    resolved = dataclasses.replace(resolve_model(str(folder), task="translate"), **identity)
    return CachedGenerator(ModelRef(resolved, choice, threads=1), SentenceCache(tmp_path / "cache.sqlite3"))


def cached(engine: CachedGenerator, text: str, settings: GenerationSettings = BASE, **call: str) -> bool:
    options = {"task": "translate", "source": "ar", "target": "en", **call}
    (made,) = engine.generate([text], settings, **options)  # type: ignore[arg-type]
    return made.cached


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(GenerationSettings)])
def test_every_generation_setting_is_in_the_key(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path, name: str
) -> None:
    engine = generator(memorised_ar_en, tmp_path)
    text = memorised_pairs[0][0]
    other = dataclasses.replace(BASE, **{name: changed(getattr(BASE, name))})
    assert not cached(engine, text, BASE)
    assert not cached(engine, text, other), f"{name} is not in the cache key"
    assert cached(engine, text, BASE) and cached(engine, text, other)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({}, {"task": "summarize"}),
        ({}, {"source": "en"}),
        ({"source": "en", "target": "ar"}, {"source": "en", "target": "en"}),
    ],
    ids=["task", "source-language", "target-language"],
)
def test_task_and_languages_are_in_the_key(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    first: dict[str, str],
    second: dict[str, str],
) -> None:
    engine = generator(memorised_ar_en, tmp_path)
    text = memorised_pairs[1][0]
    assert not cached(engine, text, **first)
    assert not cached(engine, text, **second)
    assert cached(engine, text, **first) and cached(engine, text, **second)


CT2_FLOAT32 = BackendChoice("ctranslate2", "cpu", "float32")


@pytest.mark.parametrize(
    ("first", "second", "identity"),
    [
        (TRANSFORMERS, TRANSFORMERS, {"revision": "0123456789abcdef0123456789abcdef01234567"}),
        (TRANSFORMERS, TRANSFORMERS, {"name": "another/name"}),
        (TRANSFORMERS, CT2_FLOAT32, {}),
        (CT2_FLOAT32, BackendChoice("ctranslate2", "cpu", "int8"), {}),
    ],
    ids=["revision", "model", "backend", "quantization"],
)
def test_model_identity_is_in_the_key(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    first: BackendChoice,
    second: BackendChoice,
    identity: dict[str, str],
) -> None:
    """The same weights under another revision, name, backend or precision: nothing may be reused."""
    text = memorised_pairs[2][0]
    one = generator(memorised_ar_en, tmp_path, first)
    other = generator(memorised_ar_en, tmp_path, second, **identity)
    assert not cached(one, text)
    assert not cached(other, text)
    assert cached(one, text) and cached(other, text)


@pytest.mark.parametrize(
    ("first", "second"),
    [(0, 1), (".", "؟"), (".", "!"), ("؟", "?")],
    ids=["another-sentence", "full-stop-or-question", "full-stop-or-exclamation", "arabic-or-latin-question"],
)
def test_the_text_itself_final_punctuation_included(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], first: Any, second: Any
) -> None:
    """Through the translator: "X." and "X؟" are different sentences and must not share an output."""
    translator = Translator(str(memorised_ar_en), backend="transformers", device="cpu")
    if isinstance(first, int):
        texts = [memorised_pairs[first][0], memorised_pairs[second][0]]
    else:
        stem = memorised_pairs[3][0].rstrip(".؟!?")
        texts = [stem + first, stem + second]
    runs = [translator.translate(text, source="ar", target="en", beam_size=1) for text in texts]
    assert [run.stats.cached for run in runs] == [0, 0], texts
    again = [translator.translate(text, source="ar", target="en", beam_size=1) for text in texts]
    assert [run.stats.cached for run in again] == [1, 1]
    assert [run.text for run in again] == [run.text for run in runs]


def test_the_same_sentence_in_another_article_is_reused(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    translator = Translator(str(memorised_ar_en), backend="transformers", device="cpu")
    (a, a_en), (b, b_en), (c, c_en) = memorised_pairs[4:7]
    first = translator.translate(f"{a} {b}", source="ar", target="en", beam_size=1)
    second = translator.translate(f"{c}\n\n{b} {a}", source="ar", target="en", beam_size=1)
    assert first.text == f"{a_en} {b_en}"
    assert second.text == f"{c_en}\n\n{b_en} {a_en}"
    assert [s.cached for s in second.segments] == [False, True, True]
