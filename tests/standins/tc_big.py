"""Random Marians with the real sizes of opus-mt-ar-en (77M parameters) and opus-mt-tc-big-ar-en (240M), their
vocabularies included, for benchmarks.

From the real ``config.json`` files: opus-mt-ar-en 6+6 layers, d_model 512, feed-forward 2048 (swish), 8
heads, 62,834 vocabulary rows (copies in fine-tunes that keep it, e.g. huggingface.co/Asia-N/
opus-mt-ar-en-finetuned-ar-to-en); opus-mt-tc-big-ar-en 6+6 layers, d_model 1024, feed-forward 4096 (ReLU),
16 heads, a joint vocabulary of 61,246 entries (its 1,024 sinusoidal positions cost nothing: 512 here). The
vendored text trains far fewer SentencePiece pieces (about 13k together), so the vocabulary is filled up with
tokens no input produces (``<fill-N>``, before ``<pad>``, which stays the last id): the embedding matrix and
the output layer, a large part of the decoder's cost, have the real model's size. Both are tokenised by the
same SentencePiece models.
"""

from __future__ import annotations

import json
from pathlib import Path

from transformers import MarianConfig, MarianTokenizer

from tests.standins.marian import (
    INPUT_SENSITIVE_STD,
    MAX_POSITIONS,
    PAD,
    init_marian,
    marian_config,
    write_marian_tokenizer,
)

MARIAN_ACTIVATIONS = {"base": "swish", "tc-big": "relu"}
MARIAN_SIZES: dict[str, dict[str, int]] = {
    "base": {"vocab_size": 62_834, "d_model": 512, "layers": 6, "ffn": 2048, "heads": 8},
    "tc-big": {"vocab_size": 61_246, "d_model": 1024, "layers": 6, "ffn": 4096, "heads": 16},
}


def marian_real_config(size: str) -> MarianConfig:
    """The ``MarianConfig`` of opus-mt-ar-en (``"base"``) or opus-mt-tc-big-ar-en (``"tc-big"``), but its init
    scale."""
    dims = dict(MARIAN_SIZES[size])
    config = marian_config(dims.pop("vocab_size"), **dims, init_std=INPUT_SENSITIVE_STD)
    config.activation_function = MARIAN_ACTIVATIONS[size]
    return config


def build_marian_filled(
    out_dir: Path,
    *,
    size: str,
    src_lang: str = "ar",
    tgt_lang: str = "en",
    vocab_size: int = 16000,
    seed: int = 0,
) -> Path:
    """Write the random Marian of ``size`` (a key of :data:`MARIAN_SIZES`) and its tokenizer to ``out_dir``
    (``from_pretrained`` loads them); ``vocab_size`` is each SentencePiece model's (at most)."""
    out_dir = Path(out_dir)
    write_marian_tokenizer(
        out_dir, src_lang=src_lang, tgt_lang=tgt_lang, vocab_size=vocab_size, hard_vocab_limit=False
    )
    vocab_file = out_dir / "vocab.json"
    vocab: dict[str, int] = json.loads(vocab_file.read_text(encoding="utf-8"))
    vocab.pop(PAD)
    for index in range(len(vocab), MARIAN_SIZES[size]["vocab_size"] - 1):
        vocab[f"<fill-{index}>"] = index
    vocab[PAD] = len(vocab)
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "tokenizer_config.json").unlink()  # it names <pad>'s old id: saved again below
    MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(vocab_file),
        source_lang=src_lang,
        target_lang=tgt_lang,
        model_max_length=MAX_POSITIONS,
    ).save_pretrained(str(out_dir))
    init_marian(marian_real_config(size), seed).save_pretrained(str(out_dir))
    return out_dir
