"""The CTranslate2 backend beside transformers: identical outputs on the stand-in models."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from transformers import AutoConfig, AutoTokenizer

from tarjama.inference import GenerationSettings, InvalidInputError
from tarjama.inference.backends.base import forced_bos_token
from tarjama.inference.backends.ct2_models import converted_model
from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend
from tarjama.inference.backends.transformers_backend import TransformersBackend
from tarjama.translate import Translator
from tests.backends import resolved
from tests.standins import corpus_lines


@pytest.fixture(scope="module")
def memorised_backends(memorised_ar_en: Path, session_models_dir: Path) -> dict[str, Any]:
    """The memorised stand-in loaded once per backend and precision for this module."""
    model = resolved(memorised_ar_en)
    return {
        "transformers": TransformersBackend(model, device="cpu"),
        "float32": CTranslate2Backend(
            model, device="cpu", quantization="float32", models_root=session_models_dir
        ),
        "int8": CTranslate2Backend(model, device="cpu", quantization="int8", models_root=session_models_dir),
    }


# --- parity ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("beam_size", [1, 4])
def test_translator_outputs_identical_on_both_backends(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], beam_size: int
) -> None:
    text = "\n".join(source for source, _ in memorised_pairs)
    results = {
        backend: Translator(str(memorised_ar_en), backend=backend, device="cpu", use_cache=False).translate(
            text, source="ar", target="en", beam_size=beam_size
        )
        for backend in ("transformers", "ctranslate2")
    }
    assert results["ctranslate2"].backend == "ctranslate2"
    assert results["transformers"].backend == "transformers"
    assert results["ctranslate2"].text == results["transformers"].text
    assert results["ctranslate2"].text.splitlines() == [target for _, target in memorised_pairs]


PARITY_SETTINGS = [
    GenerationSettings(beam_size=1),
    GenerationSettings(beam_size=4),
    GenerationSettings(beam_size=1, max_new_tokens=3),  # cut short: transformers forces </s> last
    GenerationSettings(beam_size=1, max_new_tokens=1),
    GenerationSettings(beam_size=1, min_new_tokens=14),  # longer than any reference
    GenerationSettings(beam_size=1, max_new_tokens=9, min_new_tokens=9),
    GenerationSettings(beam_size=1, repetition_penalty=1.5, no_repeat_ngram_size=2),
    GenerationSettings(beam_size=3, length_penalty=0.5, no_repeat_ngram_size=0),
]


@pytest.mark.parametrize(
    "settings",
    PARITY_SETTINGS,
    ids=["greedy", "beam4", "max3", "max1", "min14", "exactly9", "penalties", "beam3-lp0.5"],
)
def test_float32_parity_under_every_setting(
    memorised_backends: dict[str, Any], memorised_pairs: list[tuple[str, str]], settings: GenerationSettings
) -> None:
    sources = [source for source, _ in memorised_pairs]
    reference = memorised_backends["transformers"].generate(sources, settings, source="ar", target="en")
    got = memorised_backends["float32"].generate(sources, settings, source="ar", target="en")
    assert got == reference


@pytest.mark.parametrize("beam_size", [1, 4])
def test_int8_reproduces_the_memorised_references(
    memorised_backends: dict[str, Any], memorised_pairs: list[tuple[str, str]], beam_size: int
) -> None:
    settings = GenerationSettings(beam_size=beam_size)
    sources = [source for source, _ in memorised_pairs]
    assert memorised_backends["int8"].generate(sources, settings, source="ar", target="en") == [
        target for _, target in memorised_pairs
    ]


@pytest.mark.parametrize("backend", ["transformers", "int8"])
def test_generate_batches_gives_each_batch_as_generate_does(
    memorised_backends: dict[str, Any], memorised_pairs: list[tuple[str, str]], backend: str
) -> None:
    engine = memorised_backends[backend]
    sources = [source for source, _ in memorised_pairs[:10]]
    batches = [sources[:3], sources[3:4], [], sources[4:]]
    settings = GenerationSettings(beam_size=1)
    got = list(engine.generate_batches(iter(batches), settings, source="ar", target="en"))
    assert got == [engine.generate(batch, settings, source="ar", target="en") for batch in batches]
    assert [t for batch in got for t in batch] == [target for _, target in memorised_pairs[:10]]


@pytest.mark.parametrize("backend", ["transformers", "int8"])
def test_a_bad_batch_comes_after_the_batches_before_it(
    memorised_backends: dict[str, Any], memorised_pairs: list[tuple[str, str]], backend: str
) -> None:
    engine = memorised_backends[backend]
    good = [memorised_pairs[0][0]]
    too_long = [" ".join([memorised_pairs[1][0]] * 400)]
    made = engine.generate_batches(
        iter([good, too_long]), GenerationSettings(beam_size=1), source="ar", target="en"
    )
    assert next(made) == [memorised_pairs[0][1]]
    with pytest.raises(InvalidInputError, match="input limit"):
        next(made)


@pytest.mark.parametrize(
    ("fixture", "task", "source", "target"),
    [
        ("marian_en_ar", "translate", "en", "ar"),  # >>ara<< prefix
        ("bart_en", "summarize", "en", "en"),  # forced <s>, forced </s>
        ("t5_multi", "summarize", "ar", "ar"),
        ("m2m100_tiny", "translate", "ar", "en"),  # target language as the forced first token
        ("nllb_tiny", "translate", "ar", "en"),  # arb_Arab first in the source, eng_Latn forced, </s> forced
        ("nllb_tiny", "translate", "en", "ar"),
    ],
)
def test_other_families_agree_in_float32(
    request: pytest.FixtureRequest,
    session_models_dir: Path,
    fixture: str,
    task: str,
    source: str,
    target: str,
) -> None:
    model = resolved(request.getfixturevalue(fixture), task)
    texts = [" ".join(corpus_lines(source)[i : i + 2]) for i in range(200, 210, 2)]
    # no n-gram blocking: transformers counts the decoder start token in the n-gram history, CTranslate2 does
    # not, which matters only for a random model that emits its start token (the mT5 stand-in does).
    settings = GenerationSettings(beam_size=1, max_new_tokens=12, no_repeat_ngram_size=0)
    reference = TransformersBackend(model, device="cpu").generate(
        texts, settings, source=source, target=target
    )
    ct2 = CTranslate2Backend(model, device="cpu", quantization="float32", models_root=session_models_dir)
    assert ct2.generate(texts, settings, source=source, target=target) == reference
    assert ct2.token_lengths(texts, source=source, target=target) == TransformersBackend(
        model, device="cpu"
    ).token_lengths(texts, source=source, target=target)


def load_backend(backend: str, folder: Path, models_root: Path) -> Any:
    model = resolved(folder)
    if backend == "transformers":
        return TransformersBackend(model, device="cpu")
    return CTranslate2Backend(model, device="cpu", quantization="float32", models_root=models_root)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize(
    ("fixture", "source", "target", "forced"),
    [
        ("m2m100_tiny", "ar", "en", "__en__"),
        ("nllb_tiny", "ar", "en", "eng_Latn"),
        ("nllb_tiny", "en", "ar", "arb_Arab"),
    ],
)
def test_forced_target_language_token_is_not_in_the_output(
    request: pytest.FixtureRequest,
    session_models_dir: Path,
    backend: str,
    fixture: str,
    source: str,
    target: str,
    forced: str,
) -> None:
    engine = load_backend(backend, request.getfixturevalue(fixture), session_models_dir)
    texts = [" ".join(corpus_lines(source)[i : i + 2]) for i in range(220, 226, 2)]
    settings = GenerationSettings(beam_size=1, max_new_tokens=8, min_new_tokens=8, no_repeat_ngram_size=0)
    outputs = engine.generate(texts, settings, source=source, target=target)
    assert len(outputs) == len(texts) and all(outputs)
    assert not any(output.startswith(forced) for output in outputs), outputs


# --- many-to-many models: language tokens ----------------------------------------------------------
# a local NLLB folder knows the codes tarjama routes to it: Sorani and the Arabic dialects too
NLLB_CODES = {"ar": "arb_Arab", "en": "eng_Latn"} | {c: f"{c}_Arab" for c in ("ckb", "acm", "apc", "arz")}


@pytest.mark.parametrize(
    ("fixture", "family", "codes"),
    [("nllb_tiny", "nllb", NLLB_CODES), ("m2m100_tiny", "m2m100", {"ar": "ar", "en": "en"})],
)
def test_local_many_to_many_folder_gets_its_family_and_language_tokens(
    request: pytest.FixtureRequest, fixture: str, family: str, codes: dict[str, str]
) -> None:
    folder = request.getfixturevalue(fixture)
    spec = resolved(folder).spec
    assert (spec.family, spec.lang_codes) == (family, codes)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    for lang in ("ar", "en"):
        token = forced_bos_token(spec, tokenizer, lang)
        assert token == (codes[lang] if family == "nllb" else f"__{lang}__")
        assert tokenizer.convert_tokens_to_ids(token) != tokenizer.unk_token_id


@pytest.mark.parametrize("fixture", ["nllb_tiny", "m2m100_tiny"])
def test_conversion_keeps_every_token_id(
    request: pytest.FixtureRequest, session_models_dir: Path, fixture: str
) -> None:
    """The language tokens keep their ids in CTranslate2's vocabulary, so a forced prefix means the same."""
    folder = request.getfixturevalue(fixture)
    model = resolved(folder)
    path = converted_model(model, "float32", root=session_models_dir)
    vocabulary = json.loads((path / "shared_vocabulary.json").read_text(encoding="utf-8"))
    tokenizer = AutoTokenizer.from_pretrained(folder)
    ids = tokenizer.get_vocab()  # M2M100's language tokens are not in it under transformers 5
    assert vocabulary[: len(ids)] == sorted(ids, key=ids.__getitem__)
    assert len(vocabulary) == AutoConfig.from_pretrained(folder).vocab_size
    for lang in ("ar", "en"):
        token = forced_bos_token(model.spec, tokenizer, lang)
        assert token is not None and vocabulary[tokenizer.convert_tokens_to_ids(token)] == token


@dataclass
class Fed:
    """What a backend handed its model, per text: the encoder ids and the forced first output token."""

    sources: list[list[int]] = field(default_factory=list)
    forced: list[int] = field(default_factory=list)


def record_feed(engine: Any, tokenizer: Any, monkeypatch: pytest.MonkeyPatch) -> Fed:
    """Wrap the backend's model call (``generate`` or CT2's ``translate_batch``) to note what it is given."""
    fed = Fed()
    if isinstance(engine, CTranslate2Backend):
        translator = engine.translator

        def translate_batch(source: list[list[str]], **options: Any) -> Any:
            fed.sources += [tokenizer.convert_tokens_to_ids(row) for row in source]
            fed.forced += [tokenizer.convert_tokens_to_ids(prefix[0]) for prefix in options["target_prefix"]]
            return translator.translate_batch(source, **options)

        monkeypatch.setattr(engine, "translator", SimpleNamespace(translate_batch=translate_batch))
        return fed
    generate = engine.model.generate

    def spy(**inputs: Any) -> Any:
        rows = zip(inputs["input_ids"].tolist(), inputs["attention_mask"].tolist(), strict=True)
        fed.sources += [[i for i, keep in zip(row, mask, strict=True) if keep] for row, mask in rows]
        fed.forced += [inputs["forced_bos_token_id"]] * len(inputs["input_ids"])
        return generate(**inputs)

    monkeypatch.setattr(engine.model, "generate", spy)
    return fed


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize(("source", "target"), [("ar", "en"), ("en", "ar")])
def test_nllb_source_starts_with_its_language_and_output_with_the_target(
    nllb_tiny: Path,
    session_models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    source: str,
    target: str,
) -> None:
    engine = load_backend(backend, nllb_tiny, session_models_dir)
    texts = corpus_lines(source)[230:234]
    tokenizer = AutoTokenizer.from_pretrained(nllb_tiny)
    source_id, target_id = tokenizer.convert_tokens_to_ids([NLLB_CODES[source], NLLB_CODES[target]])
    assert tokenizer.unk_token_id not in (source_id, target_id)
    words = tokenizer(texts, add_special_tokens=False)["input_ids"]
    fed = record_feed(engine, tokenizer, monkeypatch)
    engine.generate(texts, GenerationSettings(beam_size=1, max_new_tokens=4), source=source, target=target)
    # NLLB's non-legacy layout, [src_lang] tokens </s>; CT2 gets the texts in shares of similar length
    assert sorted(fed.sources) == sorted([source_id, *row, tokenizer.eos_token_id] for row in words)
    assert fed.forced == [target_id] * len(texts)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize(("source", "target"), [("ar", "en"), ("en", "ar")])
def test_translator_runs_a_local_nllb_folder(nllb_tiny: Path, backend: str, source: str, target: str) -> None:
    sentences = corpus_lines(source)[240:243]
    result = Translator(str(nllb_tiny), backend=backend, device="cpu", use_cache=False).translate(
        " ".join(sentences),
        source=source,
        target=target,
        settings=GenerationSettings(beam_size=1, max_new_tokens=6, min_new_tokens=2),
    )
    assert (result.model, result.backend, result.source, result.target) == (
        str(nllb_tiny),
        backend,
        source,
        target,
    )
    assert [segment.source for segment in result.segments] == sentences
    assert any(segment.translation for segment in result.segments), result.segments  # int8 may give ""
    assert not any(code in result.text for code in NLLB_CODES.values()), result.text


def test_generate_does_not_log_about_max_length(
    memorised_backends: dict[str, Any], memorised_pairs: list[tuple[str, str]]
) -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    library = logging.getLogger("transformers")  # transformers' own handler does not propagate to pytest's
    library.addHandler(handler)
    try:
        settings = GenerationSettings(beam_size=1, max_new_tokens=8)
        memorised_backends["transformers"].generate(
            [memorised_pairs[0][0]], settings, source="ar", target="en"
        )
    finally:
        library.removeHandler(handler)
    assert not [r.getMessage() for r in records if "max_length" in r.getMessage()]
