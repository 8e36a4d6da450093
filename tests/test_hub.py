"""Model resolution: short names, Hub ids, folders, offline errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.errors import ModelUnavailableError
from inference.hub import folder_fingerprint, resolve_model
from inference.registry import DEFAULT_SUMMARY_MODELS, DEFAULT_TRANSLATION_MODELS, MODELS, get_spec, supports


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


def test_folder_fingerprint_follows_content(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "marian"}))
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
