"""Corpus translation: `translate batch`'s path against one `Translator.translate` call per article on the
same sentences, and the Ray engine from 1 to 2 workers.

    .venv/bin/python -m bench.translate_corpus [--articles 40] [--per-article 5] [--tokens 48] [--rounds 3]

The model is the random stand-in with opus-mt-ar-en's dimensions (``bench/speed_inputs.py``), on CTranslate2
int8, with end-of-sentence suppressed so that every sentence costs exactly ``--tokens`` output tokens in
every system; the sentences are distinct NTREX-128 Arabic lines, ``--per-article`` to an article, and the
cache is off, so every system translates every sentence once.

Systems: (a) one ``Translator.translate`` call per article (what translating the files one by one does);
(b) ``run_translation_batch``, local engine, one worker (the articles of a group share the model's batches);
(c) and (d) ``run_translation_batch`` on Ray Data with 1 and 2 workers of ``--ray-threads`` threads each.
(a) and (b) use ``--threads`` (default: the CPUs this process may use). Model loading and a warm-up
sentence are not timed in (a) and (b); in (c) and (d) each run starts its Ray actors, which load the model
(a second or two, inside the time: that is what a run costs). Per system the fastest of ``--rounds`` counts.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.speed_inputs import REPO, prepare_model, sentences

SYSTEMS = {
    "a": "one call per article",
    "b": "translate batch, local",
    "c": "translate batch, ray x1",
    "d": "translate batch, ray x2",
}
WARMUP = "الطقس جميل اليوم في المدينة."


def settings_for(tokens: int) -> Any:
    from tarjama.inference import GenerationSettings

    return GenerationSettings(
        beam_size=1, max_new_tokens=tokens, min_new_tokens=tokens, length_slack=tokens, no_repeat_ngram_size=0
    )


def per_article(model: Path, articles: list[str], tokens: int, threads: int) -> tuple[float, int]:
    """Seconds for (a), and the sentences it translated."""
    from tarjama.inference import ModelPool
    from tarjama.translate import Translator

    translator = Translator(str(model), pool=ModelPool(device="cpu", threads=threads), use_cache=False)
    settings = settings_for(tokens)
    translator.translate(WARMUP, source="ar", target="en", settings=settings)
    started = time.perf_counter()
    results = [translator.translate(a, source="ar", target="en", settings=settings) for a in articles]
    return time.perf_counter() - started, sum(r.stats.segments for r in results)


def corpus(
    model: Path, articles: list[str], tokens: int, threads: int, engine: str, workers: int
) -> tuple[float, int]:
    """Seconds for (b), (c) or (d), and the sentences translated."""
    from tarjama.translate import (
        TranslationOptions,
        TranslatorConfig,
        run_translation_batch,
        worker_translator,
    )

    options = TranslationOptions(source="ar", target="en", settings=settings_for(tokens))
    config = TranslatorConfig(model=str(model), device="cpu", threads=threads, use_cache=False)
    if engine == "local":  # a fresh worker (no sentence remembered from a round before), loaded before timing
        worker_translator.cache_clear()
        worker_translator(config).translate_many([WARMUP], options)
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-") as tmp:
        source = Path(tmp) / "in.jsonl"
        source.write_text(
            "".join(
                json.dumps({"id": i, "text": a}, ensure_ascii=False) + "\n" for i, a in enumerate(articles)
            ),
            encoding="utf-8",
        )
        started = time.perf_counter()
        report = run_translation_batch(
            source, Path(tmp) / "out.jsonl", options=options, config=config, engine=engine, workers=workers
        )
        seconds = time.perf_counter() - started
    if report.written != len(articles) or report.counts["repeated"]:
        raise SystemExit(f"the batch wrote {report.written} of {len(articles)}: {report}")
    return seconds, report.counts["sentences"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=40, help="articles (default %(default)s)")
    parser.add_argument(
        "--per-article", type=int, default=5, help="sentences per article (default %(default)s)"
    )
    parser.add_argument(
        "--tokens", type=int, default=48, help="output tokens per sentence (default %(default)s)"
    )
    parser.add_argument("--threads", type=int, default=0, help="threads of (a) and (b) (default: all CPUs)")
    parser.add_argument("--ray-threads", type=int, default=1, help="threads per Ray worker (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all systems (default %(default)s)")
    parser.add_argument("--systems", default="abcd", help="which systems to run (default %(default)s)")
    parser.add_argument(
        "--work", type=Path, default=REPO / ".standins" / "bench", help="model and conversions"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    os.environ.setdefault("TARJAMA_MODELS_DIR", str(args.work.resolve() / "ct2"))
    from transformers import AutoTokenizer

    from tarjama.inference.backends import resolve_threads

    threads = resolve_threads(args.threads or None)
    model = prepare_model(args.work.resolve())
    texts = sentences(args.articles * args.per_article, 96, AutoTokenizer.from_pretrained(model))
    step = args.per_article
    articles = ["\n".join(texts[i : i + step]) for i in range(0, len(texts), step)]
    runs = {
        "a": lambda: per_article(model, articles, args.tokens, threads),
        "b": lambda: corpus(model, articles, args.tokens, threads, "local", 1),
        "c": lambda: corpus(model, articles, args.tokens, args.ray_threads, "ray", 1),
        "d": lambda: corpus(model, articles, args.tokens, args.ray_threads, "ray", 2),
    }
    if any(s in args.systems for s in "cd"):
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    best: dict[str, float] = {}
    rounds: dict[str, list[float]] = {s: [] for s in args.systems}
    for _ in range(args.rounds):
        for system in args.systems:
            seconds, done = runs[system]()
            if done != len(texts):
                raise SystemExit(f"({system}) translated {done} sentences, not {len(texts)}")
            rounds[system].append(seconds)
            best[system] = min(best.get(system, float("inf")), seconds)
    tokens = len(texts) * args.tokens
    print(f"{len(articles)} articles, {len(texts)} sentences x {args.tokens} tokens; threads {threads}")
    print(f"{'system':<28} {'tokens/s':>9} {'seconds':>8}  rounds")
    for system in args.systems:
        listed = " ".join(f"{s:.2f}" for s in rounds[system])
        print(
            f"({system}) {SYSTEMS[system]:<24} {tokens / best[system]:>9.1f} {best[system]:>8.2f}  {listed}"
        )
    if "a" in best and "b" in best:
        print(f"(b) vs (a): {best['a'] / best['b']:.2f}x the tokens/s")
    if "c" in best and "d" in best:
        print(f"ray 2 workers vs 1: {best['c'] / best['d']:.2f}x the tokens/s")
    if args.json:
        figures = {s: {"seconds": best[s], "tokens_per_second": tokens / best[s]} for s in best}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
