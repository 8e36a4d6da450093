"""A random Marian with opus-mt-tc-big-ar-en's dimensions, for benchmarks (241M parameters, 61k vocabulary).

opus-mt-tc-big-ar-en (its ``config.json``): 6+6 layers, d_model 1024, feed-forward 4096, 16 heads, a joint
vocabulary of 61,246 entries. The vendored text trains far fewer SentencePiece pieces, so the vocabulary is
filled up with tokens no input produces (``<fill-N>``, before ``<pad>``, which stays the last id): the
embedding matrix and the output layer, a large part of the decoder's cost, have the real model's size.
"""

from __future__ import annotations

import json
from pathlib import Path

from transformers import MarianTokenizer

from tests.standins.marian import (
    INPUT_SENSITIVE_STD,
    MAX_POSITIONS,
    PAD,
    init_marian,
    marian_config,
    write_marian_tokenizer,
)

TC_BIG_VOCAB = 61_246


def build_marian_tc_big_dims(
    out_dir: Path, *, src_lang: str = "ar", tgt_lang: str = "en", vocab_size: int = 16000, seed: int = 0
) -> Path:
    """Write the tc-big-sized random Marian and its tokenizer to ``out_dir`` (``from_pretrained`` loads)."""
    out_dir = Path(out_dir)
    write_marian_tokenizer(
        out_dir, src_lang=src_lang, tgt_lang=tgt_lang, vocab_size=vocab_size, hard_vocab_limit=False
    )
    vocab_file = out_dir / "vocab.json"
    vocab: dict[str, int] = json.loads(vocab_file.read_text(encoding="utf-8"))
    vocab.pop(PAD)
    for index in range(len(vocab), TC_BIG_VOCAB - 1):
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
    config = marian_config(
        len(vocab), d_model=1024, layers=6, ffn=4096, heads=16, init_std=INPUT_SENSITIVE_STD
    )
    init_marian(config, seed).save_pretrained(str(out_dir))
    return out_dir
