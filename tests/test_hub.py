"""Model resolution: short names, Hub ids, folders, offline errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.inference.errors import ModelUnavailableError
from tarjama.inference.hub import folder_fingerprint, pull_model, resolve_model
from tarjama.inference.registry import (
    DEFAULT_SUMMARY_MODELS,
    DEFAULT_TRANSLATION_MODELS,
    MODELS,
    describe_directions,
    get_spec,
    supports,
)


@pytest.mark.parametrize(
    "name", ["opus-mt-ar-en", "Helsinki-NLP/opus-mt-ar-en", "facebook/nllb-200-distilled-600M"]
)
def test_offline_hub_model_names_model_and_fix(name: str) -> None:
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model(name, task="translate")  # HF_HUB_OFFLINE=1 and an empty HF cache (conftest)
    message = str(info.value)
    assert name in message
    assert "tarjama models pull" in message and "HF_HUB_OFFLINE" in message


@pytest.mark.parametrize(
    ("name", "reason"),
    [("no-such-model", "unknown model name"), ("./missing/folder", "no such folder")],
)
def test_bad_names(name: str, reason: str) -> None:
    with pytest.raises(ModelUnavailableError, match=reason):
        resolve_model(name, task="translate")


def test_folder_without_config(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"no config\.json"):
        resolve_model(str(tmp_path), task="translate")


def marian_folder(folder: Path, config: object, tokenizer: object | None = None) -> Path:
    """A model folder's JSON files only (enough to resolve it; nothing loads weights here)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    if tokenizer is not None:
        (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer))
    return folder


AR_EN = {"source_lang": "ar", "target_lang": "en"}


def test_folder_fingerprint_follows_content(tmp_path: Path) -> None:
    marian_folder(tmp_path, {"model_type": "marian"}, AR_EN)
    first = resolve_model(str(tmp_path), task="translate")
    assert first.revision.startswith("local-") and first.spec.family == "marian"
    (tmp_path / "weights.bin").write_bytes(b"1")
    assert folder_fingerprint(tmp_path) != first.revision.removeprefix("local-")


def test_registry_defaults_are_registered() -> None:
    for (source, target), name in DEFAULT_TRANSLATION_MODELS.items():
        assert supports(MODELS[name], source, target)
    for name in DEFAULT_SUMMARY_MODELS.values():
        assert MODELS[name].task == "summarize"
    assert get_spec("Helsinki-NLP/opus-mt-en-ar").target_prefix == ">>ara<<"
    assert supports(MODELS["nllb-200-distilled-600M"], "en", "ar")
    assert not supports(MODELS["opus-mt-ar-en"], "en", "ar")


@pytest.mark.parametrize(
    ("config", "tokenizer", "problem"),
    [
        (["marian"], AR_EN, "its config.json holds a list, not a JSON object"),
        ("marian", AR_EN, "its config.json holds a string, not a JSON object"),
        ({"model_type": "marian", "max_position_embeddings": "abc"}, AR_EN, "max_position_embeddings 'abc'"),
        ({"model_type": "marian", "max_position_embeddings": -3}, AR_EN, "max_position_embeddings -3"),
        ({"model_type": "marian"}, None, "no tokenizer files"),
        ({"model_type": "marian"}, ["ar"], "its tokenizer_config.json holds a list"),
        ({"model_type": "marian"}, {"tokenizer_class": "MarianTokenizer"}, "does not say which languages"),
        ({"model_type": "gpt2"}, AR_EN, "'gpt2' is not a supported seq2seq model"),
    ],
)
def test_broken_folder_is_one_message_naming_the_problem(
    tmp_path: Path, config: object, tokenizer: object | None, problem: str
) -> None:
    folder = marian_folder(tmp_path / "model", config, tokenizer)
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model(str(folder), task="translate")
    message = str(info.value)
    assert problem in message and "\n" not in message
    assert "models pull" not in message  # a folder cannot be pulled


def test_folder_without_config_does_not_suggest_pulling_it(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model(str(tmp_path), task="translate")
    assert "no config.json" in str(info.value) and "models pull" not in str(info.value)


@pytest.mark.parametrize(
    ("tokenizer", "vocab", "declared", "directions"),
    [
        ({"source_lang": "ar", "target_lang": "en"}, None, "", "ar→en"),
        ({"source_lang": "eng", "target_lang": "ara"}, None, "", "en→ar"),
        ({"tokenizer_class": "MarianTokenizer"}, {">>ara<<": 2, "▁the": 3}, "", "en→ar"),
        ({"tokenizer_class": "MarianTokenizer"}, {"▁the": 3}, "en-ar=", "en→ar"),
        ({"source_lang": "ar", "target_lang": "en"}, None, "en-ar=", "en→ar"),
    ],
)
def test_a_folder_knows_its_direction(
    tmp_path: Path, tokenizer: dict, vocab: dict | None, declared: str, directions: str
) -> None:
    folder = marian_folder(tmp_path / "model", {"model_type": "marian"}, tokenizer)
    if vocab is not None:
        (folder / "vocab.json").write_text(json.dumps(vocab))
    resolved = resolve_model(f"{declared}{folder}", task="translate")
    assert describe_directions(resolved.spec) == directions


def test_multilingual_models_do_both_directions() -> None:
    for name in ("nllb-200-distilled-600M", "m2m100_418M"):
        assert describe_directions(MODELS[name]) == "ar→en, en→ar"


def test_pull_offline_does_not_suggest_pulling_again() -> None:
    with pytest.raises(ModelUnavailableError) as info:
        pull_model("opus-mt-ar-en", task="translate")  # HF_HUB_OFFLINE=1 (conftest)
    message = str(info.value)
    assert "HF_HUB_OFFLINE" in message and "models pull" not in message
    assert "Error" not in message  # no exception class names such as LocalEntryNotFoundError
