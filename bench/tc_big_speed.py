"""Model size against speed on a CPU: base, tc-big and NLLB-200 distilled 600M and 1.3B on the seed article,
CTranslate2 int8, warm, interleaved; then CTranslate2's thread layouts and share sizes for tc-big and base.

    .venv/bin/python -m bench.tc_big_speed [--rounds 3] [--tokens 48] [--beam 4]
        [--models base tc-big nllb-600m nllb-1.3b] [--layouts 2x1 1x2] [--share-tokens 1536 4096] [--work DIR]

Every model is a random stand-in with the real model's dimensions and vocabulary size: opus-mt-ar-en and
opus-mt-tc-big-ar-en (``tests/standins/tc_big.py``: 6+6 layers, d_model 512 and 1024, feed-forward 2048 and
4096, 8 and 16 heads, 62,834 and 61,246 vocabulary rows; 77M and 240M parameters), nllb-200-distilled-600M and
-1.3B (``tests/standins/nllb_dims.py``: d_model 1024, 16 heads, 256,206 rows; 12+12 layers and feed-forward
4096, 615M; 24+24 layers and 8192, 1.37B). The rows past the stand-ins' SentencePiece pieces are tokens no
input produces, there so the embedding and the output layer cost what the real ones do. Forced EOS removed
and end of sentence suppressed, each emits exactly ``--tokens`` tokens per segment with beam 4 (tarjama's
default; for NLLB the first is the forced target language, in CTranslate2 as in transformers): all do the
same decoding steps, so the ratios are the cost of the bigger models. The models are loaded in this process
and translate the seed article in turn, warm, through tarjama's ``Translator`` with the cache off, round after
round (the order reversed every other round); per model the median of the rounds counts, and tokens/s is
segments x ``--tokens`` over it. The first run builds the stand-ins into ``--work`` (9 GB; the 1.3B needs
about 10 GB of memory for a minute) and converts them, once.

Sizes: every ``--models`` model with tarjama's own CTranslate2 layout (one single-threaded worker per thread,
``TARJAMA_CT2_SHARE_TOKENS`` shares). Layouts: base and tc-big under every ``--layouts`` (``INTERxINTRA``:
CTranslate2 ``inter_threads`` workers of ``intra_threads`` threads each) at every ``--share-tokens`` size
(tarjama's sub-batch budget, its ``max_batch_size`` by tokens), interleaved; the fastest of each model, the
tc-big/base ratio with each at its best, and whether a model's outputs are the same under every layout. No
``--layouts`` skips that part.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.speed_inputs import REPO
from tarjama.inference.settings import ENV_CT2_SHARE_TOKENS, ENV_THREADS

SEED = REPO / "seeds" / "000_ac9cc5f60d3ec1c9.txt"
MODELS = ("base", "tc-big", "nllb-600m", "nllb-1.3b")
COMPARED = ("base", "tc-big")  # the models whose layouts are explored
Layout = tuple[int, int, int]  # inter_threads, intra_threads, share tokens


def without_forced_eos(folder: Path) -> Path:
    """``folder`` with no forced EOS in its generation config (so ``min_new_tokens`` holds to the end)."""
    config_file = folder / "generation_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if "forced_eos_token_id" in config:
        config.pop("forced_eos_token_id")
        config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return folder


def standin(name: str, work: Path) -> Path:
    """The stand-in of model ``name`` (one of :data:`MODELS`), built once into ``work``, no forced EOS."""
    from tests.standins import build_cached
    from tests.standins.nllb_dims import build_nllb_real_dims
    from tests.standins.tc_big import build_marian_filled

    builders: dict[str, tuple[Callable[..., object], dict[str, str]]] = {
        "base": (build_marian_filled, {"size": "base"}),
        "tc-big": (build_marian_filled, {"size": "tc-big"}),
        "nllb-600m": (build_nllb_real_dims, {"size": "600M"}),
        "nllb-1.3b": (build_nllb_real_dims, {"size": "1.3B"}),
    }
    builder, params = builders[name]
    return without_forced_eos(build_cached(builder, root=work / "standins", **params))


def parameters(folder: Path) -> int:
    """The parameters stored in ``folder/model.safetensors`` (tied matrices once)."""
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), framework="numpy") as weights:
        shapes = [weights.get_slice(key).get_shape() for key in weights.keys()]  # noqa: SIM118
    total = 0
    for shape in shapes:
        count = 1
        for size in shape:
            count *= size
        total += count
    return total


@dataclass
class Model:
    """One stand-in behind tarjama's ``Translator``, its CTranslate2 backend at hand to change its layout."""

    name: str
    folder: Path
    translator: Any
    backend: Any
    segments: int = 0
    layouts: dict[tuple[int, int], Any] = field(default_factory=dict)  # CTranslate2 translators by threads

    def run(self, article: str, settings: Any) -> tuple[float, str]:
        """Seconds to translate ``article``, and the translation."""
        started = time.perf_counter()
        result = self.translator.translate(article, source="ar", target="en", settings=settings)
        seconds = time.perf_counter() - started
        self.segments = result.stats.segments
        return seconds, result.text


def load(name: str, folder: Path, article: str, settings: Any) -> Model:
    """``name``'s stand-in loaded (converted on first use) and warmed on ``article``."""
    from tarjama.inference import ModelPool
    from tarjama.translate import Translator

    translator = Translator(str(folder), pool=ModelPool(backend="ctranslate2", device="cpu"), use_cache=False)
    backend = translator.pool.get(str(folder), task="translate").load()
    model = Model(name, folder, translator, backend)
    model.run(article, settings)
    return model


def interleaved(
    rounds: int, cells: list[tuple[Model, Layout | None]], article: str, settings: Any
) -> tuple[dict[tuple[str, Layout | None], list[float]], dict[tuple[str, Layout | None], str]]:
    """Each cell's seconds per round and its last output, the cells in turn, reversed every other round."""
    times: dict[tuple[str, Layout | None], list[float]] = {}
    outputs: dict[tuple[str, Layout | None], str] = {}
    for round_ in range(rounds):
        for model, layout in cells if round_ % 2 == 0 else cells[::-1]:
            if layout is not None:
                apply_layout(model, layout)
            seconds, outputs[(model.name, layout)] = model.run(article, settings)
            times.setdefault((model.name, layout), []).append(seconds)
    return times, outputs


def apply_layout(model: Model, layout: Layout) -> None:
    """Give ``model``'s backend CTranslate2 workers of ``layout`` (loaded once per model and layout)."""
    import ctranslate2

    inter, intra, share = layout
    if (inter, intra) not in model.layouts:
        model.layouts[(inter, intra)] = ctranslate2.Translator(
            str(model.backend.path),
            device="cpu",
            compute_type=model.backend.quantization,
            inter_threads=inter,
            intra_threads=intra,
        )
    model.backend.translator = model.layouts[(inter, intra)]
    model.backend.workers = inter
    model.backend.share_tokens = share


def describe(layout: Layout) -> str:
    inter, intra, share = layout
    return f"{inter} x {intra} threads, {share} share tokens"


def sizes(models: list[Model], rounds: int, tokens: int, article: str, settings: Any) -> None:
    """Every model with tarjama's own layout: median seconds, tokens/s and the ratio to base."""
    backend = models[0].backend
    print(f"tarjama's layout: {backend.workers} x 1 threads ({ENV_THREADS}), ", end="")
    print(f"{backend.share_tokens} share tokens ({ENV_CT2_SHARE_TOKENS})")
    times, _ = interleaved(rounds, [(model, None) for model in models], article, settings)
    medians = {model.name: statistics.median(times[(model.name, None)]) for model in models}
    base = medians.get("base")
    row = "{:<10} {:>7} {:>8} {:>9} {:>8} {:>8}   {}"
    print(row.format("model", "params", "segments", "median s", "tokens/s", "vs base", "rounds"))
    for model in models:
        median = medians[model.name]
        ratio = f"{median / base:.2f}x" if base else "-"
        rate = f"{model.segments * tokens / median:.0f}"
        got = " ".join(f"{t:.2f}" for t in times[(model.name, None)])
        params = f"{parameters(model.folder) / 1e6:.0f}M"
        print(row.format(model.name, params, model.segments, f"{median:.2f}", rate, ratio, got))


def layouts(models: list[Model], grid: list[Layout], rounds: int, article: str, settings: Any) -> None:
    """Base and tc-big under every layout of ``grid``: the fastest of each, and whether outputs change."""
    for model in models:  # warm every layout before anything is timed
        for layout in grid:
            apply_layout(model, layout)
            model.run(article, settings)
    cells = [(model, layout) for layout in grid for model in models]
    times, outputs = interleaved(rounds, cells, article, settings)
    medians = {key: statistics.median(got) for key, got in times.items()}
    print(f"{'model':<8} {'layout':<34} {'median s':>9}   rounds")
    for layout in grid:
        for model in models:
            got = " ".join(f"{t:.2f}" for t in times[(model.name, layout)])
            print(f"{model.name:<8} {describe(layout):<34} {medians[(model.name, layout)]:9.2f}   {got}")
    best: dict[str, Layout] = {}
    for model in models:
        best[model.name] = min(grid, key=lambda layout: medians[(model.name, layout)])
        seconds = medians[(model.name, best[model.name])]
        print(f"{model.name}: fastest with {describe(best[model.name])} ({seconds:.2f} s)")
        same = len({outputs[(model.name, layout)] for layout in grid}) == 1
        print(f"{model.name}: outputs {'identical' if same else 'DIFFER'} across layouts")
    if {"base", "tc-big"} <= best.keys():
        for layout in grid:
            ratio = medians[("tc-big", layout)] / medians[("base", layout)]
            print(f"tc-big / base with {describe(layout)}: {ratio:.2f}x the time")
        ratio = medians[("tc-big", best["tc-big"])] / medians[("base", best["base"])]
        print(f"tc-big / base, each at its fastest: {ratio:.2f}x the time")


def parse_layout(text: str) -> tuple[int, int]:
    inter, _, intra = text.partition("x")
    if not (inter.isdigit() and intra.isdigit() and int(inter) > 0 and int(intra) > 0):
        raise argparse.ArgumentTypeError(f"a layout is INTERxINTRA, e.g. 2x1, not {text!r}")
    return int(inter), int(intra)


def grid_of(threads: Iterable[tuple[int, int]], shares: Iterable[int]) -> list[Layout]:
    return [(inter, intra, share) for inter, intra in threads for share in shares]


def main(argv: list[str] | None = None) -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--layouts", type=parse_layout, nargs="*", default=[(2, 1), (1, 2)])
    parser.add_argument("--share-tokens", type=int, nargs="+", default=[1536, 4096])
    parser.add_argument("--work", type=Path, default=REPO / ".standins" / "bench")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    os.environ.setdefault("TARJAMA_MODELS_DIR", str(work / "ct2"))
    from tarjama.inference import GenerationSettings

    settings = GenerationSettings(
        beam_size=args.beam, max_new_tokens=args.tokens, min_new_tokens=args.tokens, length_slack=args.tokens,
        no_repeat_ngram_size=0,
    )  # fmt: skip
    article = SEED.read_text(encoding="utf-8")
    names = [name for name in MODELS if name in args.models]
    models = [load(name, standin(name, work), article, settings) for name in names]
    print(f"seed article, {args.tokens} tokens per segment, beam {args.beam}, {args.rounds} rounds, int8")
    sizes(models, args.rounds, args.tokens, article, settings)
    compared = [model for model in models if model.name in COMPARED]
    if args.layouts and compared:
        print()
        grid = grid_of(args.layouts, args.share_tokens)
        layouts(compared, grid, args.rounds, article, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
