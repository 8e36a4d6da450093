"""The stand-in models: they load like the real ones, follow OPUS-MT's conventions, and the memorised one
reproduces its references exactly, in transformers and after CTranslate2 conversion."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ctranslate2
import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, MarianMTModel, MarianTokenizer

from tarjama.inference import GenerationSettings
from tarjama.inference.backends.transformers_backend import TransformersBackend
from tarjama.inference.hub import resolve_model
from tests.standins import (
    OPUS_MT_EN_AR_OTHER_TARGETS,
    build_cached,
    build_marian,
    corpus_lines,
    memorisation_failures,
    single_thread,
    standins_root,
    train_sentencepiece,
    translate_all,
)
from tests.standins.cache import MANIFEST, cache_key
from tests.standins.marian import init_marian, marian_config

MARIANS = ["marian_ar_en", "marian_en_ar", "memorised_ar_en", "memorised_en_ar"]
SAMPLE = {
    "ar": "قال الوزير إن المحادثات ستستمر يوم الاثنين.",
    "en": "The minister said talks will go on on Monday.",
}


@pytest.mark.parametrize(
    ("fixture", "tokenizer_class", "model_class", "lang"),
    [
        ("marian_ar_en", "MarianTokenizer", "MarianMTModel", "ar"),
        ("marian_en_ar", "MarianTokenizer", "MarianMTModel", "en"),
        ("memorised_ar_en", "MarianTokenizer", "MarianMTModel", "ar"),
        ("memorised_en_ar", "MarianTokenizer", "MarianMTModel", "en"),
        ("bart_en", "RobertaTokenizer", "BartForConditionalGeneration", "en"),
        ("t5_multi", "T5Tokenizer", "MT5ForConditionalGeneration", "ar"),
    ],
)
def test_loads_with_auto_classes_and_generates(
    fixture: str, tokenizer_class: str, model_class: str, lang: str, request: pytest.FixtureRequest
) -> None:
    folder = request.getfixturevalue(fixture)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    assert type(tokenizer).__name__ == tokenizer_class
    assert type(model).__name__ == model_class
    assert len(tokenizer) == model.config.vocab_size
    inputs = tokenizer([SAMPLE[lang]], return_tensors="pt")
    assert tokenizer.unk_token_id not in inputs.input_ids[0].tolist()  # the vendored text covers the sample
    assert tokenizer.decode(inputs.input_ids[0], skip_special_tokens=True) == SAMPLE[lang]
    with torch.inference_mode():
        out = model.generate(**inputs, num_beams=1, min_length=1, max_length=8)
    assert 2 <= out.shape[1] <= 8
    assert int(out.max()) < model.config.vocab_size


@pytest.mark.parametrize("fixture", MARIANS)
def test_marian_follows_opus_mt_conventions(fixture: str, request: pytest.FixtureRequest) -> None:
    folder = Path(request.getfixturevalue(fixture))
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    pad = len(vocab) - 1
    assert sorted(vocab.values()) == list(range(len(vocab)))
    assert (vocab["</s>"], vocab["<unk>"], vocab["<pad>"]) == (0, 1, pad)
    assert config["vocab_size"] == config["decoder_vocab_size"] == len(vocab)
    assert config["pad_token_id"] == config["decoder_start_token_id"] == pad
    assert config["eos_token_id"] == config["forced_eos_token_id"] == 0
    assert config["activation_function"] == "swish"
    assert config["scale_embedding"] and config["static_position_embeddings"]
    assert not config["normalize_before"]
    assert config["share_encoder_decoder_embeddings"] and config["tie_word_embeddings"]
    generation = json.loads((folder / "generation_config.json").read_text(encoding="utf-8"))
    assert generation["bad_words_ids"] == [[pad]] and generation["decoder_start_token_id"] == pad
    files = {p.name for p in folder.iterdir()}
    assert {"source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "model.safetensors"} <= files

    weights = load_file(folder / "model.safetensors")
    embedding_names = [name for name, tensor in weights.items() if tensor.shape[0] == len(vocab)]
    assert embedding_names, "no vocabulary-sized tensor in the checkpoint"
    for name in embedding_names:
        assert torch.count_nonzero(weights[name][pad]) == 0, name

    tokenizer = MarianTokenizer.from_pretrained(folder)
    model = MarianMTModel.from_pretrained(folder)
    assert tokenizer.pad_token_id == model.config.decoder_start_token_id == pad
    shared = model.get_input_embeddings().weight
    assert torch.count_nonzero(shared[pad]) == 0
    tied = [
        model.model.encoder.embed_tokens.weight,
        model.model.decoder.embed_tokens.weight,
        model.lm_head.weight,
    ]
    assert all(t.data_ptr() == shared.data_ptr() for t in tied)
    assert torch.count_nonzero(model.final_logits_bias) == 0


def test_target_language_token_is_one_token(marian_en_ar: Path, marian_ar_en: Path) -> None:
    tokenizer = MarianTokenizer.from_pretrained(marian_en_ar)
    ids = tokenizer(">>ara<< Good morning.").input_ids
    assert tokenizer.convert_ids_to_tokens(ids)[0] == ">>ara<<"
    assert ids[0] == tokenizer.get_vocab()[">>ara<<"] != tokenizer.unk_token_id
    assert ">>ara<<" not in MarianTokenizer.from_pretrained(marian_ar_en).get_vocab()


MEMORISED = [
    ("memorised_ar_en", "memorised_pairs", ""),
    ("memorised_en_ar", "memorised_en_ar_pairs", ">>ara<< "),
]
DECODING = [(1, False), (1, True), (4, False), (4, True)]


@pytest.mark.parametrize(("num_beams", "batched"), DECODING)
@pytest.mark.parametrize(("fixture", "pairs_fixture", "prefix"), MEMORISED)
def test_memorised_model_reproduces_every_pair(
    request: pytest.FixtureRequest,
    fixture: str,
    pairs_fixture: str,
    prefix: str,
    num_beams: int,
    batched: bool,
) -> None:
    folder = request.getfixturevalue(fixture)
    tokenizer = MarianTokenizer.from_pretrained(folder)
    model = MarianMTModel.from_pretrained(folder)
    pairs = [(prefix + source, target) for source, target in request.getfixturevalue(pairs_fixture)]
    assert memorisation_failures(model, tokenizer, pairs, num_beams=num_beams, batched=batched) == []


@pytest.mark.parametrize(("num_beams", "batched"), DECODING)
@pytest.mark.parametrize("token", ["", *OPUS_MT_EN_AR_OTHER_TARGETS])
def test_memorised_en_ar_says_nothing_without_its_target_token(
    memorised_en_ar: Path,
    memorised_en_ar_pairs: list[tuple[str, str]],
    token: str,
    num_beams: int,
    batched: bool,
) -> None:
    tokenizer = MarianTokenizer.from_pretrained(memorised_en_ar)
    model = MarianMTModel.from_pretrained(memorised_en_ar)
    sources = [f"{token} {english}".strip() for english, _ in memorised_en_ar_pairs]
    assert translate_all(model, tokenizer, sources, num_beams=num_beams, batched=batched) == [""] * len(
        sources
    )


def test_memorised_en_ar_has_a_multi_target_vocabulary(memorised_en_ar: Path) -> None:
    tokenizer = MarianTokenizer.from_pretrained(memorised_en_ar)
    vocab = tokenizer.get_vocab()
    targets = sorted([">>ara<<", *OPUS_MT_EN_AR_OTHER_TARGETS])
    assert sorted(token for token in vocab if token.startswith(">>")) == targets
    assert [vocab[token] for token in targets] == list(range(2, 2 + len(targets)))  # after </s> and <unk>
    for token in targets:
        ids = tokenizer(f"{token} Good morning.").input_ids
        assert ids[0] == vocab[token] and tokenizer.unk_token_id not in ids


def test_memorised_pairs_suit_end_to_end_tests(memorised_pairs: list[tuple[str, str]]) -> None:
    arabic = [a for a, _ in memorised_pairs]
    english = [e for _, e in memorised_pairs]
    assert len(memorised_pairs) == 41
    assert len(set(arabic)) == len(set(english)) == 41
    for a in arabic:
        assert re.fullmatch(r"[\u0621-\u0652 ،]+[^ ][.؟!?]", a), a  # one sentence, Arabic letters and marks
    for e in english:
        assert re.fullmatch(r"[A-Z][A-Za-z ,']+[.?!]", e), e


def test_ctranslate2_conversion_matches_transformers(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    ctranslate2.converters.TransformersConverter(str(memorised_ar_en)).convert(str(tmp_path / "ct2"))
    translator = ctranslate2.Translator(str(tmp_path / "ct2"), device="cpu", intra_threads=1)
    tokenizer = MarianTokenizer.from_pretrained(memorised_ar_en)
    model = MarianMTModel.from_pretrained(memorised_ar_en)
    sources = [a for a, _ in memorised_pairs]
    source_tokens = [tokenizer.convert_ids_to_tokens(tokenizer(s).input_ids) for s in sources]
    results = translator.translate_batch(source_tokens, beam_size=1)
    for source, result, (_, reference) in zip(sources, results, memorised_pairs, strict=True):
        ct2_ids = tokenizer.convert_tokens_to_ids(result.hypotheses[0])
        with torch.inference_mode(), single_thread():
            generated = model.generate(**tokenizer([source], return_tensors="pt"), num_beams=1, max_length=64)
        hf_ids = generated[0].tolist()
        assert hf_ids[0] == model.config.decoder_start_token_id and hf_ids[-1] == tokenizer.eos_token_id
        assert ct2_ids == hf_ids[1:-1]  # CTranslate2 leaves out the start token and </s>
        assert tokenizer.decode(ct2_ids, skip_special_tokens=True) == reference


def _tiny_spm_builder(calls: list[Path]):
    def tiny_spm(out_dir: Path, *, vocab_size: int) -> None:
        calls.append(out_dir)
        train_sentencepiece(corpus_lines("en")[:400], out_dir / "spm", vocab_size)

    return tiny_spm


def test_cache_builds_once_per_parameters(tmp_path: Path) -> None:
    calls: list[Path] = []
    builder = _tiny_spm_builder(calls)
    first = build_cached(builder, root=tmp_path, vocab_size=300)
    stamp = (first / "spm.model").stat().st_mtime_ns
    again = build_cached(builder, root=tmp_path, vocab_size=300)
    assert again == first and len(calls) == 1
    assert (first / "spm.model").stat().st_mtime_ns == stamp
    assert json.loads((first / MANIFEST).read_text())["params"] == {"vocab_size": 300}
    other = build_cached(builder, root=tmp_path, vocab_size=350)
    assert other != first and len(calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, other.name])  # no temp dirs left


def test_cache_keeps_the_copy_of_a_process_that_finished_first(tmp_path: Path) -> None:
    calls: list[Path] = []
    inner = _tiny_spm_builder(calls)

    def racing(out_dir: Path, *, vocab_size: int) -> None:
        inner(out_dir, vocab_size=vocab_size)
        # Another process finishes the same entry while this one is still building.
        winner = tmp_path / f"racing-{cache_key('racing', {'vocab_size': vocab_size})}"
        winner.mkdir()
        (winner / "winner.txt").write_text("other process")

    final = build_cached(racing, root=tmp_path, vocab_size=300)
    assert final.name.startswith("racing-")
    assert (final / "winner.txt").read_text() == "other process"
    assert not (final / "spm.model").exists()
    assert [p.name for p in tmp_path.iterdir()] == [final.name]  # our temporary build was removed
    assert len(calls) == 1


def test_fixtures_come_from_the_persistent_cache(marian_ar_en: Path) -> None:
    manifest = marian_ar_en / MANIFEST
    stamp = manifest.stat().st_mtime_ns
    assert marian_ar_en.parent == standins_root()
    assert build_cached(build_marian, src_lang="ar", tgt_lang="en") == marian_ar_en
    assert manifest.stat().st_mtime_ns == stamp


def test_builds_are_deterministic(tmp_path: Path) -> None:
    a = train_sentencepiece(corpus_lines("ar")[:500], tmp_path / "a" / "spm", 300)
    b = train_sentencepiece(corpus_lines("ar")[:500], tmp_path / "b" / "spm", 300)
    assert a.read_bytes() == b.read_bytes()
    config = marian_config(300, d_model=16, layers=1, ffn=32, heads=2)
    first, again, other = (init_marian(config, seed).state_dict() for seed in (0, 0, 1))
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first["model.shared.weight"], other["model.shared.weight"])


RANDOM_STANDINS = [
    ("marian_ar_en", "translate", "ar", "en"),
    ("marian_en_ar", "translate", "en", "ar"),
    ("m2m100_tiny", "translate", "ar", "en"),
    ("nllb_tiny", "translate", "en", "ar"),
    ("bart_en", "summarize", "en", "en"),
    ("t5_multi", "summarize", "ar", "ar"),
]


def ten_inputs(lang: str) -> list[str]:
    return [" ".join(corpus_lines(lang)[i : i + 2]) for i in range(200, 220, 2)]


@pytest.mark.parametrize(("fixture", "task", "source", "target"), RANDOM_STANDINS)
def test_random_standins_answer_each_input_differently(
    request: pytest.FixtureRequest, fixture: str, task: str, source: str, target: str
) -> None:
    """A stand-in that gives one output whatever its input cannot show a backend dropping or changing an
    input token: the parity tests rely on this. (Random weights fall into a few favourite words, so one
    coincidence in ten is allowed; before, each of these gave one and the same output for all ten.)"""
    engine = TransformersBackend(
        resolve_model(str(request.getfixturevalue(fixture)), task=task), device="cpu"
    )
    settings = GenerationSettings(beam_size=1, max_new_tokens=12, no_repeat_ngram_size=0)
    outputs = engine.generate(ten_inputs(source), settings, source=source, target=target)
    assert len(set(outputs)) >= len(outputs) - 1, outputs


@pytest.mark.parametrize(
    ("fixture", "source", "target", "other_target"),
    [("m2m100_tiny", "ar", "en", "ar"), ("nllb_tiny", "en", "ar", "en"), ("nllb_tiny", "ar", "en", "ar")],
)
def test_many_to_many_standins_follow_the_language_codes(
    request: pytest.FixtureRequest, fixture: str, source: str, target: str, other_target: str
) -> None:
    """The forced target-language token and the source-language token each change every output."""
    engine = TransformersBackend(resolve_model(str(request.getfixturevalue(fixture)), task="translate"))
    settings = GenerationSettings(beam_size=1, max_new_tokens=12, no_repeat_ngram_size=0)
    texts = ten_inputs(source)
    outputs = engine.generate(texts, settings, source=source, target=target)
    other_targets = engine.generate(texts, settings, source=source, target=other_target)
    other_sources = engine.generate(texts, settings, source=target, target=target)
    # a random model may coincide on one or two of ten; a token that is dropped coincides on all ten
    assert sum(a != b for a, b in zip(outputs, other_targets, strict=True)) >= 8, (outputs, other_targets)
    assert sum(a != b for a, b in zip(outputs, other_sources, strict=True)) >= 8, (outputs, other_sources)


def test_en_ar_standin_depends_on_its_target_token(marian_en_ar: Path) -> None:
    """Without ``>>ara<<`` the random en->ar stand-in answers differently: a backend that drops it shows."""
    tokenizer = MarianTokenizer.from_pretrained(marian_en_ar)
    model = MarianMTModel.from_pretrained(marian_en_ar)
    texts = ten_inputs("en")
    with torch.inference_mode():
        plain, tagged = (
            tokenizer.batch_decode(
                model.generate(
                    **tokenizer(batch, padding=True, return_tensors="pt"), num_beams=1, max_length=12
                ),
                skip_special_tokens=True,
            )
            for batch in (texts, [f">>ara<< {t}" for t in texts])
        )
    # a random model may coincide on one of ten; a token that makes no difference coincides on all ten
    assert sum(a != b for a, b in zip(plain, tagged, strict=True)) >= 8, (plain, tagged)
