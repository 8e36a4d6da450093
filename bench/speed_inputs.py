"""The speed bench's inputs and model: NTREX Arabic sentences and the real-dimension Marian stand-in."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NTREX = REPO / "tests" / "data" / "ntrex" / "newstest2019-eng-arb.tsv"


def sentences(count: int, max_tokens: int, tokenizer: Any) -> list[str]:
    """The first ``count`` NTREX Arabic lines that tarjama segments as one sentence of words, within
    ``max_tokens`` source tokens, so every system translates the same units."""
    from tarjama.translate import guards
    from tarjama.translate.segment import segment

    with NTREX.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        lines = [row["arb"].strip() for row in rows]
    chosen: list[str] = []
    for line in lines:
        paragraphs = segment(line, "ar")
        if len(paragraphs) != 1 or paragraphs[0].sentences != (line,) or not guards.has_words(line, "ar"):
            continue
        if len(tokenizer(line).input_ids) <= max_tokens and line not in chosen:
            chosen.append(line)
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"only {len(chosen)} suitable NTREX sentences, asked for {count}")


def prepare_model(work: Path) -> Path:
    """opus-mt-ar-en's stand-in: its dimensions and its 62,834-row vocabulary, random weights
    (``tests/standins/tc_big.py``), built once into ``work/standins``, with no forced EOS in its generation
    config."""
    from tests.standins import build_cached
    from tests.standins.tc_big import build_marian_filled

    folder = build_cached(build_marian_filled, root=work / "standins", size="base")
    config_file = folder / "generation_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if "forced_eos_token_id" in config:
        config.pop("forced_eos_token_id")
        config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return folder
