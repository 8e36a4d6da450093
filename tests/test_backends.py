"""The CTranslate2 backend beside transformers: identical outputs on the stand-in models."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import torch

from inference import GenerationSettings
from inference.backends.ctranslate2_backend import CTranslate2Backend
from inference.backends.transformers_backend import TransformersBackend
from inference.hub import ResolvedModel, resolve_model
from tests.standins import corpus_lines
from translate import Translator


def resolved(folder: Path, task: str = "translate") -> ResolvedModel:
    return resolve_model(str(folder), task=task)  # type: ignore[arg-type]


def build_m2m100(out_dir: Path) -> Path:
    """A tiny random M2M100 laid out like m2m100_418M: fairseq special ids, SentencePiece pieces, then 100
    language tokens and 8 made-up words. The stand-in builders have no many-to-many model: it lives here."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    from tests.standins import sentencepiece_pieces, train_sentencepiece

    out_dir.mkdir(parents=True, exist_ok=True)
    lines = corpus_lines("ar")[:600] + corpus_lines("en")[:600]
    spm_file = train_sentencepiece(lines, out_dir / "spm", 800, unk_id=3, bos_id=0, eos_id=2, pad_id=1)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in sentencepiece_pieces(spm_file):
        vocab.setdefault(piece, len(vocab))
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(out_dir / "vocab.json"), str(spm_file), language_codes="m2m100")
    tokenizer.save_pretrained(str(out_dir))
    config = M2M100Config(
        vocab_size=len(vocab) + 100 + 8,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=256,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        M2M100ForConditionalGeneration(config).save_pretrained(str(out_dir))
    return out_dir


@pytest.fixture(scope="session")
def m2m100_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_m2m100(tmp_path_factory.mktemp("m2m100"))


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


@pytest.mark.parametrize(
    ("fixture", "task", "source", "target"),
    [
        ("marian_en_ar", "translate", "en", "ar"),  # >>ara<< prefix
        ("bart_en", "summarize", "en", "en"),  # forced <s>, forced </s>
        ("t5_multi", "summarize", "ar", "ar"),
        ("m2m100_tiny", "translate", "ar", "en"),  # target language as the forced first token
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


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_forced_target_language_token_is_not_in_the_output(
    m2m100_tiny: Path, session_models_dir: Path, backend: str
) -> None:
    model = resolved(m2m100_tiny)
    engine: Any = (
        TransformersBackend(model, device="cpu")
        if backend == "transformers"
        else CTranslate2Backend(model, device="cpu", quantization="float32", models_root=session_models_dir)
    )
    texts = [" ".join(corpus_lines("ar")[i : i + 2]) for i in range(220, 226, 2)]
    settings = GenerationSettings(beam_size=1, max_new_tokens=8, min_new_tokens=8, no_repeat_ngram_size=0)
    outputs = engine.generate(texts, settings, source="ar", target="en")
    assert len(outputs) == len(texts) and all(outputs)
    assert not any(output.startswith("__en__") for output in outputs), outputs


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
