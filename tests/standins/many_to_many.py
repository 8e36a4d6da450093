"""Random many-to-many translators: M2M100 (like m2m100_418M) and NLLB (like nllb-200-distilled-600M).

Both are the M2M100 architecture at tiny sizes; they differ in the tokenizer, its special-id layout and how
the source language is marked, which is what the backends must get right.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import (
    AddedToken,
    GenerationConfig,
    M2M100Config,
    M2M100ForConditionalGeneration,
    M2M100Tokenizer,
    NllbTokenizer,
)
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

from tests.standins.corpus import corpus_lines
from tests.standins.spm import sentencepiece_pieces, train_sentencepiece

TINY = {
    "d_model": 32,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}
FAIRSEQ_IDS = {"bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 2}


def _training_lines() -> list[str]:
    return corpus_lines("ar")[:600] + corpus_lines("en")[:600]


def _seeded(config: M2M100Config, seed: int) -> M2M100ForConditionalGeneration:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return M2M100ForConditionalGeneration(config)


def build_m2m100(out_dir: Path, *, init_std: float = 0.5, seed: int = 0) -> Path:
    """Write a tiny random M2M100 laid out like m2m100_418M: fairseq special ids, SentencePiece pieces, then
    100 language tokens (``__ar__``, ``__en__`` ...) and 8 made-up words. ``init_std`` well above the
    default 0.02, at which every input gave the same output."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spm_file = train_sentencepiece(
        _training_lines(), out_dir / "spm", 800, unk_id=3, bos_id=0, eos_id=2, pad_id=1
    )
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in sentencepiece_pieces(spm_file):
        vocab.setdefault(piece, len(vocab))
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(out_dir / "vocab.json"), str(spm_file), language_codes="m2m100")
    tokenizer.save_pretrained(str(out_dir))
    config = M2M100Config(
        vocab_size=len(vocab) + 100 + 8,
        max_position_embeddings=256,
        init_std=init_std,
        **TINY,
        **FAIRSEQ_IDS,
    )
    _seeded(config, seed).save_pretrained(str(out_dir))
    return out_dir


def build_nllb(out_dir: Path, *, seed: int = 0) -> Path:
    """Write a tiny random NLLB laid out like nllb-200-distilled-600M.

    ``NllbTokenizer`` over a BPE ``sentencepiece.bpe.model`` with NLLB's ids: ``<s>``=0, ``<pad>``=1,
    ``</s>``=2, ``<unk>``=3, the pieces, the 202 FLORES-200 codes (``arb_Arab``, ``eng_Latn`` ...), then
    ``<mask>``; two embedding rows beyond the tokenizer, as in the real model; ``</s>`` starts the decoder
    and is forced last.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spm_file = train_sentencepiece(
        _training_lines(), out_dir / "sentencepiece.bpe", 800, model_type="bpe", unk_id=0, bos_id=1, eos_id=2
    )
    spm_file.with_suffix(".vocab").unlink()
    # Converted without <mask>, which would otherwise take the id before the language codes.
    tokenizer = NllbTokenizer.from_pretrained(
        str(out_dir),
        mask_token=None,
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        model_max_length=1024,
    )
    tokenizer.add_special_tokens(
        {"mask_token": AddedToken("<mask>", normalized=True, lstrip=True, special=True)}
    )
    tokenizer.save_pretrained(str(out_dir))
    config = M2M100Config(
        vocab_size=len(tokenizer) + 2,
        max_position_embeddings=1024,
        init_std=1.0,  # at the default 0.02 every source and target language gave the same output
        tokenizer_class="NllbTokenizer",
        **TINY,
        **FAIRSEQ_IDS,
    )
    model = _seeded(config, seed)
    model.generation_config = GenerationConfig(**FAIRSEQ_IDS, forced_eos_token_id=2, max_length=200)
    model.save_pretrained(str(out_dir))
    return out_dir
