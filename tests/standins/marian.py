"""Random-initialised Marian stand-ins with OPUS-MT's conventions (opus-mt-ar-en, opus-mt-en-ar).

Conventions copied from the real checkpoints (their ``config.json`` / ``generation_config.json``): ``</s>``
is id 0 (also eos and forced eos), ``<unk>`` id 1, ``<pad>`` the last id and the decoder start; one embedding
matrix shared by encoder, decoder and output layer; ``scale_embedding``, sinusoidal (static) positions,
post-norm layers, ``swish`` activation; generation bans ``<pad>``. The ``<pad>`` embedding row is zero:
CTranslate2 starts the decoder from a zero vector where transformers looks up ``<pad>``, so the two agree only
if that row is zero.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

from tests.standins.corpus import corpus_lines
from tests.standins.spm import sentencepiece_pieces, train_sentencepiece

EOS = "</s>"
UNK = "<unk>"
PAD = "<pad>"
MAX_POSITIONS = 512
# At transformers' default (0.02) a random Marian gives one and the same output for every input.
INPUT_SENSITIVE_STD = 0.3
# Other target-language tokens of opus-mt-en-ar (its model card lists afb, apc, ara, arq, ary, arz).
OPUS_MT_EN_AR_OTHER_TARGETS = (">>afb<<", ">>apc<<", ">>arq<<", ">>ary<<", ">>arz<<")


def marian_vocab(
    source_spm: Path, target_spm: Path, target_token: str | None = None, other_tokens: Sequence[str] = ()
) -> dict[str, int]:
    """Joint Marian vocabulary: ``</s>``, ``<unk>``, the target-language tokens if any (``target_token``
    and ``other_tokens``, sorted as in opus-mt-en-ar), source then target pieces (each once), then ``<pad>``.
    """
    tokens = [EOS, UNK, *sorted({*([target_token] if target_token else []), *other_tokens})]
    seen = set(tokens)
    for piece in sentencepiece_pieces(source_spm) + sentencepiece_pieces(target_spm):
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    tokens.append(PAD)
    return {token: index for index, token in enumerate(tokens)}


def write_marian_tokenizer(
    out_dir: Path,
    *,
    src_lang: str,
    tgt_lang: str,
    vocab_size: int,
    target_token: str | None = None,
    other_tokens: Sequence[str] = (),
    hard_vocab_limit: bool = True,
) -> MarianTokenizer:
    """Train source and target SentencePiece models on the vendored text and save a ``MarianTokenizer``
    (``source.spm``, ``target.spm``, ``vocab.json``, ``tokenizer_config.json``) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="standin-spm-") as work:
        for name, lang in (("source", src_lang), ("target", tgt_lang)):
            model = train_sentencepiece(
                corpus_lines(lang), Path(work) / name, vocab_size, hard_vocab_limit=hard_vocab_limit
            )
            shutil.copyfile(model, out_dir / f"{name}.spm")
    vocab = marian_vocab(out_dir / "source.spm", out_dir / "target.spm", target_token, other_tokens)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
        source_lang=src_lang,
        target_lang=tgt_lang,
        model_max_length=MAX_POSITIONS,
    )
    tokenizer.save_pretrained(str(out_dir))
    return tokenizer


def marian_config(
    vocab_size: int,
    *,
    d_model: int,
    layers: int,
    ffn: int,
    heads: int,
    dropout: float = 0.1,
    init_std: float = 0.02,
) -> MarianConfig:
    """A ``MarianConfig`` laid out like opus-mt-ar-en's, with the given dimensions and ``<pad>`` = last id."""
    pad_id = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        max_position_embeddings=MAX_POSITIONS,
        activation_function="swish",
        dropout=dropout,
        init_std=init_std,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        bos_token_id=0,
        eos_token_id=0,
        forced_eos_token_id=0,
        architectures=["MarianMTModel"],
        static_position_embeddings=True,
        normalize_before=False,
        normalize_embedding=False,
    )


def opus_generation_config(pad_id: int) -> GenerationConfig:
    """The generation defaults the OPUS-MT checkpoints ship (beam 4, ``<pad>`` banned)."""
    return GenerationConfig(
        bad_words_ids=[[pad_id]],
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=MAX_POSITIONS,
        num_beams=4,
        pad_token_id=pad_id,
    )


def zero_pad_embedding(model: MarianMTModel) -> None:
    """Set the (shared) ``<pad>`` embedding row to zero, as in the converted OPUS-MT checkpoints."""
    with torch.no_grad():
        model.get_input_embeddings().weight[model.config.pad_token_id].zero_()


def init_marian(config: MarianConfig, seed: int) -> MarianMTModel:
    """A random ``MarianMTModel`` (seeded without touching the caller's RNG) with a zero pad row."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MarianMTModel(config)
    zero_pad_embedding(model)
    model.generation_config = opus_generation_config(config.pad_token_id)
    return model


def build_marian(
    out_dir: Path,
    *,
    src_lang: str,
    tgt_lang: str,
    vocab_size: int = 2000,
    d_model: int = 64,
    layers: int = 2,
    ffn: int = 256,
    heads: int = 4,
    target_token: str | None = None,
    other_tokens: Sequence[str] = (),
    dropout: float = 0.1,
    init_std: float = INPUT_SENSITIVE_STD,
    seed: int = 0,
    hard_vocab_limit: bool = True,
) -> Path:
    """Write a random ``MarianMTModel`` + ``MarianTokenizer`` (``from_pretrained`` loads them) to ``out_dir``.

    ``vocab_size`` is the size of each SentencePiece model; the joint vocabulary is their union plus the
    special tokens. ``layers`` is per side (encoder and decoder). ``target_token`` (e.g. ``">>ara<<"``) is
    added to the vocabulary as a whole token, as in multi-target OPUS-MT models; ``other_tokens`` (e.g.
    ``[">>arz<<", ">>apc<<"]``) are the other targets of such a model, whole tokens too.
    """
    out_dir = Path(out_dir)
    tokenizer = write_marian_tokenizer(
        out_dir,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        vocab_size=vocab_size,
        target_token=target_token,
        other_tokens=other_tokens,
        hard_vocab_limit=hard_vocab_limit,
    )
    config = marian_config(
        len(tokenizer.encoder),
        d_model=d_model,
        layers=layers,
        ffn=ffn,
        heads=heads,
        dropout=dropout,
        init_std=init_std,
    )
    init_marian(config, seed).save_pretrained(str(out_dir))
    return out_dir


def build_marian_real_dims(
    out_dir: Path, *, src_lang: str = "ar", tgt_lang: str = "en", vocab_size: int = 16000, seed: int = 0
) -> Path:
    """A random Marian with opus-mt-ar-en's dimensions (6+6 layers, d_model 512, ffn 2048, 8 heads), for
    benchmarks. Each SentencePiece model gets up to ``vocab_size`` pieces, fewer if the vendored text is too
    small for that."""
    return build_marian(
        out_dir,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        vocab_size=vocab_size,
        d_model=512,
        layers=6,
        ffn=2048,
        heads=8,
        seed=seed,
        hard_vocab_limit=False,
    )
