"""Random NLLB-200 distilled models with the real dimensions, for benchmarks (615M and 1.37B parameters).

The dimensions are those of the real ``config.json`` files, which the Hub cannot give here; read from copies:
facebook/nllb-200-distilled-600M's in github.com/Higasa-Yumetaka/PyVoiceTranslate
(``nllb-200-distilled-600M/config.json``) and in fine-tunes that keep it (e.g. huggingface.co/Miguelanruiz/
facebook-nllb); facebook/nllb-200-distilled-1.3B's in fine-tunes that keep it (huggingface.co/yonyou-sg/
nllb-zh-id-140k, huggingface.co/raxtemur/SONAR_200_text_decoder, ``"_name_or_path":
"facebook/nllb-200-distilled-1.3B"``), matching fairseq2's ``nllb_dense_600m`` / ``nllb_dense_1b``
architectures (github.com/facebookresearch/fairseq2, ``src/fairseq2/models/nllb/_config.py``). Both: d_model
1024, 16 heads, ReLU, scaled embeddings, 1,024 positions and 256,206 vocabulary rows; 12+12 layers with a
feed-forward of 4,096 (600M) or 24+24 layers and 8,192 (1.3B).

Tokenised like the tiny NLLB (:func:`build_nllb`: ``NllbTokenizer``, the FLORES-200 codes, ``</s>`` starting
the decoder and forced last), whose SentencePiece model has far fewer pieces than the real one: the rows
past the tokenizer stay (CTranslate2's converter names them ``madeupwordN``), so the embedding matrix and the
output layer, a large part of the decoder's cost, have the real models' size.
"""

from __future__ import annotations

from pathlib import Path

from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration

from tests.standins.many_to_many import FAIRSEQ_IDS, _seeded, build_nllb

NLLB_VOCAB = 256_206
# What both real config.json files hold besides the sizes below (dropout and the like change no inference).
NLLB_COMMON = {
    "d_model": 1024,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "activation_function": "relu",
    "scale_embedding": True,
    "max_position_embeddings": 1024,
    "vocab_size": NLLB_VOCAB,
    "tokenizer_class": "NllbTokenizer",
    **FAIRSEQ_IDS,
}
NLLB_SIZES = {
    "600M": {"encoder_layers": 12, "decoder_layers": 12, "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096},
    "1.3B": {"encoder_layers": 24, "decoder_layers": 24, "encoder_ffn_dim": 8192, "decoder_ffn_dim": 8192},
}
INIT_STD = 1.0  # as the tiny NLLB: at the real 0.02 a random model gives one output for every input


def nllb_real_config(size: str) -> M2M100Config:
    """The ``M2M100Config`` of nllb-200-distilled-``size`` (``"600M"`` or ``"1.3B"``), but its init scale."""
    return M2M100Config(**NLLB_COMMON, **NLLB_SIZES[size], init_std=INIT_STD)


def build_nllb_real_dims(out_dir: Path, *, size: str = "600M", seed: int = 0) -> Path:
    """Write a random nllb-200-distilled-``size`` (float32) and the tiny NLLB's tokenizer to ``out_dir``.

    The 1.3B model takes about 5.5 GB of memory to build and as much disk."""
    out_dir = Path(out_dir)
    build_nllb(out_dir, seed=seed)  # the tokenizer and generation settings; its tiny weights are replaced
    generation = GenerationConfig.from_pretrained(str(out_dir))
    model: M2M100ForConditionalGeneration = _seeded(nllb_real_config(size), seed)
    model.generation_config = generation
    model.save_pretrained(str(out_dir))
    return out_dir
