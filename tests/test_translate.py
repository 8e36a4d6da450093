"""The translation engine end to end on stand-in models."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.inference import (
    GenerationSettings,
    InvalidInputError,
    LimitExceededError,
    ModelPool,
    SentenceCache,
)
from tarjama.inference.settings import MAX_INPUT_CHARS
from tarjama.translate import Translator, guards, split_long

FURNITURE_TOP = "• Thursday, 23 January 2025\nlogo\n\n"
FURNITURE_END = "\n\n \n\nTop"


def article(pairs: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """The memorised sentences as a news article with page furniture, and the expected paragraphs."""
    groups = [pairs[0:1], pairs[0:1], pairs[1:4], pairs[4:8], pairs[8:9], pairs[9:14]]
    arabic = FURNITURE_TOP + "\n\n".join(" ".join(a for a, _ in g) for g in groups) + FURNITURE_END
    english = ["• Thursday, 23 January 2025", "logo", *(" ".join(e for _, e in g) for g in groups), "Top"]
    return arabic, english


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture
def translator(memorised_ar_en: Path) -> Translator:
    return Translator(str(memorised_ar_en))


def test_memorised_article_comes_out_as_references(translator: Translator, memorised_pairs) -> None:
    source, expected = article(memorised_pairs)
    result = translator.translate(source, source="ar", target="en", beam_size=1)
    assert paragraphs(result.text) == expected
    assert result.paragraphs == len(paragraphs(source))
    assert result.stats.cached == 0
    assert {s.flags for s in result.segments if s.source in ("logo", "Top")} == {("copied",)}


def test_beam_search_also_reproduces_references(translator: Translator, memorised_pairs) -> None:
    result = translator.translate("\n".join(a for a, _ in memorised_pairs), source="auto")
    assert result.source == "ar" and result.target == "en"
    assert paragraphs(result.text) == [e for _, e in memorised_pairs]


def test_second_run_is_all_cached_and_never_loads_the_model(memorised_ar_en: Path, memorised_pairs) -> None:
    source, _ = article(memorised_pairs)
    first = Translator(str(memorised_ar_en)).translate(source, beam_size=1)
    pool = ModelPool()
    second = Translator(str(memorised_ar_en), pool=pool).translate(source, beam_size=1)
    assert second.text == first.text
    assert second.stats.cached == second.stats.segments == len(second.segments)
    assert all(s.cached for s in second.segments)
    assert not pool.get(str(memorised_ar_en), task="translate").loaded


@pytest.mark.parametrize("change", ["beam", "repetition", "model"])
def test_key_changes_with_model_and_settings(
    change: str, memorised_ar_en: Path, marian_ar_en: Path, memorised_pairs
) -> None:
    text = memorised_pairs[0][0]
    Translator(str(memorised_ar_en)).translate(text, beam_size=1)
    model, settings = str(memorised_ar_en), GenerationSettings(beam_size=1)
    if change == "beam":
        settings = GenerationSettings(beam_size=2)
    elif change == "repetition":
        settings = GenerationSettings(beam_size=1, repetition_penalty=1.2)
    else:
        model = str(marian_ar_en)
    again = Translator(model).translate(text, settings=settings)
    assert again.stats.cached == 0


def test_no_cache_reads_and_writes_nothing(memorised_ar_en: Path, memorised_pairs) -> None:
    text = memorised_pairs[0][0]
    Translator(str(memorised_ar_en), use_cache=False).translate(text, beam_size=1)
    assert SentenceCache.open_default().stats().entries == 0


def test_interrupted_job_keeps_what_was_translated(memorised_ar_en: Path, memorised_pairs) -> None:
    text = "\n".join(a for a, _ in memorised_pairs)
    calls: list[int] = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append(done)
        raise KeyboardInterrupt

    small = Translator(str(memorised_ar_en), max_batch_tokens=64)
    with pytest.raises(KeyboardInterrupt):
        small.translate(text, beam_size=1, progress=stop_after_first_batch)
    kept = SentenceCache.open_default().stats().entries
    assert 0 < calls[0] == kept < len(memorised_pairs)
    rerun = small.translate(text, beam_size=1)
    assert rerun.stats.cached == kept
    assert paragraphs(rerun.text) == [e for _, e in memorised_pairs]


def test_each_batch_is_checked_while_the_next_ones_decode(memorised_ar_en: Path, memorised_pairs) -> None:
    """The guards check a batch's outputs as soon as it is made (``guards.check`` keeps them), so the
    checks of the text's last batch are all that is left once decoding ends."""
    text = "\n".join(a for a, _ in memorised_pairs)
    guards.check.cache_clear()
    checked: list[tuple[int, int]] = []

    def note(done: int, total: int) -> None:
        checked.append((done, guards.check.cache_info().currsize))

    small = Translator(str(memorised_ar_en), max_batch_tokens=64, use_cache=False)
    result = small.translate(text, beam_size=1, progress=note)
    assert paragraphs(result.text) == [e for _, e in memorised_pairs]
    assert len(checked) > 2 and all(done == size for done, size in checked)
    assert guards.check.cache_info().hits == len(memorised_pairs)  # the final pass found them all checked


def test_long_sentence_is_split_not_truncated(memorised_ar_en: Path, memorised_pairs) -> None:
    translator = Translator(str(memorised_ar_en), use_cache=False)
    clauses = [a.rstrip(".؟!") for a, _ in memorised_pairs[:12]]
    sentence = "، ".join(clauses) + "."
    backend = translator.pool.get(str(memorised_ar_en), task="translate").load()
    backend.max_input_tokens = 40  # as if the model took 40 tokens at most
    length = backend.token_lengths([sentence], source="ar")[0]
    assert length > 40
    parts = split_long(sentence, 40, lambda s: backend.token_lengths([s], source="ar")[0])
    assert len(parts) > 1 and " ".join(parts) == sentence
    result = translator.translate(sentence, source="ar", beam_size=1)
    assert len(result.segments) == 1
    # the model's own outputs for the parts, straight from the backend: not through the translator under test
    outputs = backend.generate(parts, GenerationSettings(beam_size=1), source="ar", target="en")
    assert len(set(outputs)) == len(parts) and all(outputs)
    assert result.text == " ".join(outputs)


def test_english_to_arabic_uses_the_target_token(marian_en_ar: Path) -> None:
    translator = Translator(str(marian_en_ar))
    backend = translator.pool.get(str(marian_en_ar), task="translate").load()
    plain = backend.token_lengths(["The minister arrived."], source="en")[0]
    assert backend.token_lengths(["The minister arrived."], source="en", target="ar")[0] == plain + 1
    result = translator.translate("The minister arrived.\n\nHe spoke.", source="auto", beam_size=1)
    assert (result.source, result.target) == ("en", "ar")
    assert result.paragraphs == 2 and len(paragraphs(result.text)) == 2


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", InvalidInputError),
        ("   \n\n\t ", InvalidInputError),
        ("12 34", InvalidInputError),
        ("ا" * (MAX_INPUT_CHARS + 1), LimitExceededError),
    ],
)
def test_unusable_input_raises_clearly(translator: Translator, text: str, error: type) -> None:
    with pytest.raises(error):
        translator.translate(text)


@pytest.mark.parametrize("direction", [("en", "en"), ("ar", "fr")])
def test_bad_direction(translator: Translator, direction: tuple[str, str]) -> None:
    with pytest.raises(InvalidInputError, match="cannot translate"):
        translator.translate("مرحبا.", source=direction[0], target=direction[1])


def test_registered_model_in_wrong_direction() -> None:
    with pytest.raises(
        InvalidInputError, match="opus-mt-en-ar cannot translate ar→en: it translates en→ar only"
    ):
        Translator("opus-mt-en-ar").translate("مرحبا.", source="ar", target="en")


@pytest.mark.parametrize(
    "noise",
    [
        "\u200f\u202b{s}\u202c",  # bidi marks
        "{s} 😀🇮🇶",  # emoji
        "{s}\x07\x1b",  # control characters
        "<p>{s}</p>",  # HTML
        "{s} (CNN) Reuters",  # mixed scripts
    ],
)
def test_messy_input_keeps_every_paragraph(translator: Translator, memorised_pairs, noise: str) -> None:
    lines = [noise.format(s=a) for a, _ in memorised_pairs[:5]]
    result = translator.translate("\n\n".join(lines), source="ar", beam_size=1)
    assert len(paragraphs(result.text)) == 5
    assert all(s.translation for s in result.segments)


def test_megabyte_article(translator: Translator, memorised_pairs) -> None:
    block = "\n\n".join(a for a, _ in memorised_pairs)
    text = "\n\n".join([block] * (1_000_000 // len(block) + 1))
    assert len(text) > 1_000_000
    result = translator.translate(text, source="ar", beam_size=1)
    assert len(paragraphs(result.text)) == len(paragraphs(text))
    assert paragraphs(result.text)[: len(memorised_pairs)] == [e for _, e in memorised_pairs]


@pytest.mark.parametrize(
    ("fixture", "text", "asked", "can"),
    [
        ("marian_ar_en", "Hello, my friend.", "en→ar", "ar→en"),  # English in: detected en→ar
        ("marian_en_ar", "مرحبا يا صديقي.", "ar→en", "en→ar"),
    ],
)
def test_a_folder_refuses_a_direction_it_cannot_do(
    request: pytest.FixtureRequest, fixture: str, text: str, asked: str, can: str
) -> None:
    folder = str(request.getfixturevalue(fixture))
    with pytest.raises(InvalidInputError) as info:
        Translator(folder).translate(text)
    assert str(info.value) == f"model {folder} cannot translate {asked}: it translates {can} only"


def test_several_models_each_serve_their_direction(marian_ar_en: Path, marian_en_ar: Path) -> None:
    translator = Translator((str(marian_en_ar), str(marian_ar_en)), use_cache=False)
    assert translator.translate("مرحبا يا صديقي.", beam_size=1).model == str(marian_ar_en)
    assert translator.translate("Hello, my friend.", beam_size=1).model == str(marian_en_ar)
    declared = Translator(f"en-ar={marian_ar_en}")  # the folder's direction said outright
    assert declared.model_for("en", "ar").resolved.spec.directions == (("en", "ar"),)


def test_a_phrase_the_source_repeats_is_translated_as_it_is(translator: Translator, memorised_pairs) -> None:
    repeated = [(a, e) for a, e in memorised_pairs if e.count("the Jewish") == 2]
    assert repeated, "the memorised pairs must hold one whose reference repeats a phrase"
    for arabic, english in repeated:
        assert translator.translate(arabic, source="ar").text == english  # default settings: beam 4


def test_an_unbroken_3000_character_token_does_not_sink_the_article(
    translator: Translator, memorised_pairs
) -> None:
    token = "".join(chr(0x0628 + i % 20) for i in range(3000))  # Arabic letters, no space: a pasted blob
    lines = [a for a, _ in memorised_pairs[:3]] + [f"نشر الحساب {token} أمس."] + [memorised_pairs[3][0]]
    result = translator.translate("\n\n".join(lines), source="ar", beam_size=1)
    out = paragraphs(result.text)
    assert out[:3] + out[4:] == [e for _, e in memorised_pairs[:4]]
    assert out[3].strip()


def test_runaway_repetition_is_bounded_and_flagged(marian_ar_en: Path) -> None:
    translator = Translator(str(marian_ar_en), use_cache=False)  # a random model: it loops
    source = "قال الوزير إن الوفد وصل إلى بغداد أمس."
    segment = translator.translate(source, source="ar").segments[0]  # default settings: no n-gram blocking
    backend = translator.pool.get(str(marian_ar_en), task="translate").load()
    settings, source_tokens = GenerationSettings(), backend.token_lengths([source], source="ar")[0]
    bound = settings.max_length_ratio * source_tokens + settings.length_slack  # relative to the source
    assert len(segment.translation.split()) <= bound  # every word is at least one token
    assert "repetition" in segment.flags
