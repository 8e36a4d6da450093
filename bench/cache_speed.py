"""A repeated article costs nothing: the seed article translated cold, then again through the cache.

    .venv/bin/python -m bench.cache_speed [--backend auto|ctranslate2|transformers] [--repeat 3]

The model is a random stand-in with opus-mt-ar-en's real dimensions (``tests/standins``), so the cost of
a cold run is that of the real model. A random model seldom stops by itself, so the output is bounded to
the source's length in tokens (``max_length_ratio=1``, no slack), about what Arabic → English news needs.
Any conversion (CTranslate2) is done before timing: it happens once per model, not per article.

Three timings, each in this one run, with a fresh cache file:
- cold: a new ``Translator`` (new model pool) on an empty cache: model load + every sentence translated;
- warm, new process state: a new ``Translator`` again, every sentence in the cache (the model is never
  loaded: this is what a second ``tarjama translate`` of the same article costs);
- loaded model: the same article through the first ``Translator`` once more, model already in memory.
The target (issue 2): the second run at least 20 × faster than the first, every segment cached.

Then the same as whole processes, as a person runs them: ``tarjama --help``, and ``tarjama translate`` of the
seed article twice (cold, then every sentence cached; ``python -m tarjama`` with this tree first on the path).
The target (issue 13): the all-cached CLI run within 3 × ``tarjama --help``; torch, transformers and
CTranslate2 are never imported on that path.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tarjama.inference import GenerationSettings, ModelPool, SentenceCache
from tarjama.translate import Translator
from tests.standins import build_cached, build_marian_real_dims

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_ac9cc5f60d3ec1c9.txt"


def cli_seconds(args: list[str], env: dict[str, str], repeat: int) -> float:
    """The best wall time of ``python -m tarjama ARGS`` as a whole process, out of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tarjama", *args], cwd=REPO, env=env, check=True, capture_output=True
        )
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="auto", choices=["auto", "ctranslate2", "transformers"])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs; the best is reported")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TARJAMA_MODELS_DIR"] = str(Path(tmp) / "models")
        model = str(build_cached(build_marian_real_dims))
        text = SEED.read_text(encoding="utf-8")
        settings = GenerationSettings(max_length_ratio=1.0, length_slack=0)
        warmup = Translator(model, backend=args.backend, use_cache=False)
        warmup.translate("تحضير النموذج.", settings=settings)  # converts the model once, outside the timings

        cache = SentenceCache(Path(tmp) / "cache.sqlite3")
        started = time.perf_counter()
        first_translator = Translator(model, cache=cache, pool=ModelPool(backend=args.backend))
        first = first_translator.translate(text, settings=settings)
        cold = time.perf_counter() - started

        warm, loaded = float("inf"), float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            pool = ModelPool(backend=args.backend)
            second = Translator(model, cache=cache, pool=pool).translate(text, settings=settings)
            warm = min(warm, time.perf_counter() - started)
            assert second.text == first.text
            assert second.stats.cached == second.stats.segments, "every segment must come from the cache"
            assert not pool.get(model, task="translate").loaded, "a cached article must not load the model"
            started = time.perf_counter()
            first_translator.translate(text, settings=settings)
            loaded = min(loaded, time.perf_counter() - started)

        env = os.environ | {"PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(Path(tmp) / "cli-cache.sqlite3")}
        translate = ["translate", str(SEED), "--model", model, "--backend", args.backend, "--beam", "1"]
        cli_cold = cli_seconds(translate, env, 1)
        cli_warm = cli_seconds(translate, env, args.repeat)
        cli_help = cli_seconds(["--help"], env, args.repeat)

    print(f"seed article: {first.paragraphs} paragraphs, {first.stats.segments} segments, {first.backend}")
    print(f"cold (load + translate)        {cold * 1000:9.1f} ms")
    print(f"warm, new translator           {warm * 1000:9.1f} ms   {cold / warm:7.0f}x faster  (target 20x)")
    print(f"warm, model already loaded     {loaded * 1000:9.1f} ms   {cold / loaded:7.0f}x faster")
    print(f"segments cached on the second run: {second.stats.cached}/{second.stats.segments}")
    print("whole processes:")
    print(f"tarjama --help                 {cli_help * 1000:9.1f} ms")
    print(f"tarjama translate, cold        {cli_cold * 1000:9.1f} ms")
    ratio = cli_warm / cli_help
    print(f"tarjama translate, all cached  {cli_warm * 1000:9.1f} ms   {ratio:7.2f}x --help  (target ≤ 3x)")


if __name__ == "__main__":
    main()
