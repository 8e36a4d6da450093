"""``$TARJAMA_MAX_OUTPUT_TOKENS``: the operator's cap on any one output, in every setting and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.inference.cache import SentenceCache
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.settings import ENV_MAX_OUTPUT_TOKENS
from tarjama.translate import Translator

ARABIC = "ذهب الرئيس إلى المدينة لحضور الاجتماع السنوي مع الوزراء والسفراء."


@pytest.mark.parametrize(
    ("env", "given", "minimum", "expected"),
    [
        ("", {}, 0, (None, 0)),
        ("256", {}, 0, (256, 0)),
        ("256", {"max_new_tokens": 142}, 30, (142, 30)),  # a summary's own cap is lower
        ("20", {"max_new_tokens": 142}, 30, (20, 20)),  # the least length never exceeds the cap
        ("20", {"max_new_tokens": None}, 0, (20, 0)),
    ],
)
def test_the_cap_bounds_every_setting(
    monkeypatch: pytest.MonkeyPatch, env: str, given: dict, minimum: int, expected: tuple
) -> None:
    monkeypatch.setenv(ENV_MAX_OUTPUT_TOKENS, env)
    settings = GenerationSettings(min_new_tokens=minimum, **given)
    assert (settings.max_new_tokens, settings.min_new_tokens) == expected
    assert settings.as_key()["max_new_tokens"] == expected[0]
    assert settings.max_tokens_for(200, 10_000) == min(610, expected[0] or 610)


@pytest.mark.parametrize("env", ["0", "-3", "many", "1.5"])
def test_a_bad_cap_is_refused(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv(ENV_MAX_OUTPUT_TOKENS, env)
    with pytest.raises(InvalidInputError, match=ENV_MAX_OUTPUT_TOKENS):
        GenerationSettings()


def test_a_capped_translation_is_shorter_and_cached_apart(
    monkeypatch: pytest.MonkeyPatch, marian_ar_en: Path, tmp_path: Path
) -> None:
    """The random stand-in never ends a sentence: uncapped it decodes to 3 x source + 10 tokens."""
    translator = Translator(str(marian_ar_en), cache=SentenceCache(tmp_path / "cache.db"))
    backend = translator.model_for("ar", "en").load()
    monkeypatch.delenv(ENV_MAX_OUTPUT_TOKENS, raising=False)
    free = translator.translate(ARABIC, source="ar", target="en").text
    monkeypatch.setenv(ENV_MAX_OUTPUT_TOKENS, "5")
    capped = translator.translate(ARABIC, source="ar", target="en")
    assert not capped.segments[0].cached  # the uncapped output is not the capped one's
    (capped_tokens,), (free_tokens,) = (backend.token_lengths([t], source="en") for t in (capped.text, free))
    assert capped_tokens <= 6 < free_tokens  # 5 pieces, perhaps one more for a split word when re-read
