"""Random summariser stand-ins: BART (like distilbart-cnn-12-6) and mT5 (like mT5_multilingual_XLSum)."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from tokenizers import ByteLevelBPETokenizer
from transformers import (
    AutoTokenizer,
    BartConfig,
    BartForConditionalGeneration,
    GenerationConfig,
    MT5Config,
    MT5ForConditionalGeneration,
    PreTrainedModel,
)

from tests.standins.corpus import corpus_lines
from tests.standins.spm import train_sentencepiece

BART_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")  # ids 0..4: bos, pad, eos, unk, mask
T5_PAD, T5_EOS, T5_UNK = 0, 1, 2


def _seeded(model_class: type[PreTrainedModel], config: object, seed: int) -> PreTrainedModel:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return model_class(config)


def build_bart(
    out_dir: Path,
    *,
    vocab_size: int = 4000,
    d_model: int = 64,
    layers: int = 2,
    ffn: int = 256,
    heads: int = 4,
    init_std: float = 0.7,  # at the default 0.02 every article gave the same summary
    seed: int = 0,
) -> Path:
    """Write a random ``BartForConditionalGeneration`` with a byte-level BPE tokenizer trained on the vendored
    English text; special ids and generation settings as in sshleifer/distilbart-cnn-12-6."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        corpus_lines("en"),
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=list(BART_SPECIALS),
        show_progress=False,
    )
    bpe.save_model(str(out_dir))  # vocab.json + merges.txt, the files distilbart-cnn ships
    config = BartConfig(
        vocab_size=bpe.get_vocab_size(),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        max_position_embeddings=1024,
        activation_function="gelu",
        init_std=init_std,
        scale_embedding=False,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        architectures=["BartForConditionalGeneration"],
    )
    model = _seeded(BartForConditionalGeneration, config, seed)
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        num_beams=4,
        length_penalty=2.0,
        max_length=142,
        min_length=56,
        no_repeat_ngram_size=3,
        early_stopping=True,
    )
    model.save_pretrained(str(out_dir))
    tokenizer = AutoTokenizer.from_pretrained(str(out_dir), model_max_length=1024)
    tokenizer.save_pretrained(str(out_dir))
    return out_dir


def build_t5(
    out_dir: Path,
    *,
    vocab_size: int = 4000,
    d_model: int = 64,
    layers: int = 2,
    ffn: int = 128,
    heads: int = 4,
    initializer_factor: float = 10.0,  # at the default 1.0 the summaries hardly depended on the article
    seed: int = 0,
) -> Path:
    """Write a random ``MT5ForConditionalGeneration`` with a SentencePiece tokenizer (``spiece.model``,
    ``<pad>``=0, ``</s>``=1, ``<unk>``=2, no sentinel ids) trained on the vendored Arabic and English text;
    architecture choices (gated-gelu, untied output layer) as in csebuetnlp/mT5_multilingual_XLSum."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    train_sentencepiece(
        corpus_lines("ar") + corpus_lines("en"),
        out_dir / "spiece",
        vocab_size,
        pad_id=T5_PAD,
        eos_id=T5_EOS,
        unk_id=T5_UNK,
        bos_id=-1,
    )
    (out_dir / "spiece.vocab").unlink()
    tokenizer_config = {
        "tokenizer_class": "T5Tokenizer",
        "extra_ids": 0,
        "additional_special_tokens": [],
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "model_max_length": 512,
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2), encoding="utf-8")
    tokenizer = AutoTokenizer.from_pretrained(str(out_dir))
    config = MT5Config(
        vocab_size=len(tokenizer),
        d_model=d_model,
        d_kv=d_model // heads,
        d_ff=ffn,
        num_layers=layers,
        num_decoder_layers=layers,
        num_heads=heads,
        feed_forward_proj="gated-gelu",
        initializer_factor=initializer_factor,
        tie_word_embeddings=False,
        dropout_rate=0.1,
        pad_token_id=T5_PAD,
        eos_token_id=T5_EOS,
        decoder_start_token_id=T5_PAD,
        architectures=["MT5ForConditionalGeneration"],
    )
    model = _seeded(MT5ForConditionalGeneration, config, seed)
    model.generation_config = GenerationConfig(
        pad_token_id=T5_PAD,
        eos_token_id=T5_EOS,
        decoder_start_token_id=T5_PAD,
        max_length=84,
        num_beams=4,
        no_repeat_ngram_size=2,
    )
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    return out_dir
