"""The benchmark stand-ins have the real models' sizes (``bench/tc_big_speed.py`` measures speed on them).

The real values are copied here from each model's ``config.json`` (sources in ``tests/standins/tc_big.py`` and
``tests/standins/nllb_dims.py``). Nothing is built: the configurations the builders use are compared with
them, and the model each makes is counted on the meta device (no memory) against the published size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from transformers import M2M100ForConditionalGeneration, MarianMTModel, PretrainedConfig, PreTrainedModel

from tests.standins.nllb_dims import nllb_real_config
from tests.standins.tc_big import marian_real_config

LAYERS = ("encoder_layers", "decoder_layers")
HEADS = ("encoder_attention_heads", "decoder_attention_heads")
FFN = ("encoder_ffn_dim", "decoder_ffn_dim")


def dims(d_model: int, layers: int, heads: int, ffn: int, vocab: int, activation: str) -> dict[str, Any]:
    return {
        "d_model": d_model,
        **dict.fromkeys(LAYERS, layers),
        **dict.fromkeys(HEADS, heads),
        **dict.fromkeys(FFN, ffn),
        "vocab_size": vocab,
        "activation_function": activation,
        "scale_embedding": True,
    }


NLLB = {"max_position_embeddings": 1024, "tokenizer_class": "NllbTokenizer", "decoder_start_token_id": 2}
SIZES: list[tuple[str, Callable[[], PretrainedConfig], type[PreTrainedModel], dict[str, Any], float]] = [
    # (model, the builder's configuration, class, the real config.json's values, published parameters)
    ("opus-mt-ar-en", lambda: marian_real_config("base"), MarianMTModel,
     {**dims(512, 6, 8, 2048, 62_834, "swish"), "decoder_vocab_size": 62_834}, 77e6),
    ("opus-mt-tc-big-ar-en", lambda: marian_real_config("tc-big"), MarianMTModel,
     {**dims(1024, 6, 16, 4096, 61_246, "relu"), "decoder_vocab_size": 61_246}, 240e6),
    ("nllb-200-distilled-600M", lambda: nllb_real_config("600M"), M2M100ForConditionalGeneration,
     {**dims(1024, 12, 16, 4096, 256_206, "relu"), **NLLB}, 615e6),
    ("nllb-200-distilled-1.3B", lambda: nllb_real_config("1.3B"), M2M100ForConditionalGeneration,
     {**dims(1024, 24, 16, 8192, 256_206, "relu"), **NLLB}, 1.37e9),
]  # fmt: skip


@pytest.mark.parametrize(("name", "config", "model_class", "real", "parameters"), SIZES)
def test_benchmark_standins_have_the_real_sizes(
    name: str,
    config: Callable[[], PretrainedConfig],
    model_class: type[PreTrainedModel],
    real: dict[str, Any],
    parameters: float,
) -> None:
    built = config()
    assert {key: getattr(built, key) for key in real} == real, name
    with torch.device("meta"):
        model = model_class(built)
    count = sum(parameter.numel() for parameter in model.parameters())
    assert abs(count - parameters) / parameters < 0.005, f"{name}: {count:,} parameters"
