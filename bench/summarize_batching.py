"""Abstractive summaries one article per call against many articles per call (``summarize_many``).

    .venv/bin/python -m bench.summarize_batching [--articles 24] [--tokens 64] [--rounds 3]
        [--backend auto|ctranslate2|transformers] [--quantization int8|float32]
        [--d-model 512 --layers 6 --ffn 2048 --heads 8]

- **Model**: a random English BART stand-in (``tests/standins.build_bart``: byte-level BPE trained on the
  vendored text, distilbart-cnn's special ids and generation config), by default with bart-base-like
  dimensions (d_model 512, 6 encoder + 6 decoder layers, feed-forward 2048, 8 heads), so model time
  dominates; distilbart-cnn-12-6 itself is twice as wide and deeper. Built once into
  ``.standins/bench/``; loading and any conversion happen before the timings.
- **Inputs**: the 6 English CNN/DailyMail articles vendored in ``tests/data/summarize``, each cut at
  sentence ends into 4 consecutive parts of about equal length, so there are 24 distinct articles
  (``--articles`` takes the first N), each one chunk for the model.
- **Equal work**: no cache (``use_cache=False``); every summary is exactly ``--tokens`` tokens
  (``min_new_tokens = max_new_tokens``), beam 4 and the other summary settings as usual. The bench counts
  the summaries that differ between the two ways and exits non-zero if any does, except in int8
  (CTranslate2's default on CPU), whose batched arithmetic depends on the batch: there it reports them.
- **Timed**: (a) ``Summarizer.summarize`` once per article, in a loop; (b) one ``Summarizer.summarize_many``
  call over all of them (what ``summarize batch`` does per group of records). Each round runs (a) then (b)
  in this process; the fastest round of each counts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tarjama.inference import ModelPool
from tarjama.summarize import Summarizer, Summary, article_sentences
from tarjama.summarize.abstractive import summary_settings
from tests.standins import build_bart, build_cached

REPO = Path(__file__).resolve().parents[1]
CNN = REPO / "tests" / "data" / "summarize" / "cnndm_sample.jsonl"
PARTS = 4


def articles(count: int) -> list[str]:
    """``count`` distinct English articles: each vendored CNN/DailyMail article in ``PARTS`` parts."""
    texts: list[str] = []
    for line in CNN.read_text(encoding="utf-8").splitlines():
        sentences = article_sentences(json.loads(line)["article"], "en").sentences
        bounds = [round(i * len(sentences) / PARTS) for i in range(PARTS + 1)]
        texts.extend(" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds))
    if count > len(texts):
        raise SystemExit(f"there are {len(texts)} articles; ask for at most that many")
    return texts[:count]


def timed_one_by_one(summarizer: Summarizer, texts: list[str], options: dict) -> tuple[float, list[str]]:
    started = time.perf_counter()
    summaries = [summarizer.summarize(text, **options).summary for text in texts]
    return time.perf_counter() - started, summaries


def timed_together(summarizer: Summarizer, texts: list[str], options: dict) -> tuple[float, list[str]]:
    started = time.perf_counter()
    results = summarizer.summarize_many(texts, **options)
    seconds = time.perf_counter() - started
    failed = [r for r in results if not isinstance(r, Summary)]
    if failed:
        raise SystemExit(f"summarize_many failed: {failed[0]}")
    return seconds, [r.summary for r in results if isinstance(r, Summary)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=PARTS * 6)
    parser.add_argument("--tokens", type=int, default=64, help="tokens in every summary")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the fastest of each way counts")
    parser.add_argument("--backend", default="auto", choices=["auto", "ctranslate2", "transformers"])
    parser.add_argument("--quantization", help="CTranslate2 compute type (default: int8 on CPU)")
    parser.add_argument("--d-model", type=int, default=512)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--ffn", type=int, default=2048)
    parser.add_argument("--heads", type=int, default=8)
    args = parser.parse_args(argv)

    dims = {"d_model": args.d_model, "layers": args.layers, "ffn": args.ffn, "heads": args.heads}
    model = str(build_cached(build_bart, root=REPO / ".standins" / "bench", **dims))
    settings = replace(summary_settings(), min_new_tokens=args.tokens, max_new_tokens=args.tokens)
    options = {"lang": "en", "method": "abstractive", "settings": settings}
    pool = ModelPool(backend=args.backend, quantization=args.quantization)
    summarizer = Summarizer(model, pool=pool, use_cache=False)
    texts = articles(args.articles)
    summarizer.summarize(texts[0], **options)  # loads (and converts) the model outside the timings
    backend = summarizer.pool.get(model, task="summarize").load()
    tokens = backend.token_lengths(texts, source="en")
    print(
        f"{len(texts)} articles, {min(tokens)}-{max(tokens)} tokens (mean {sum(tokens) / len(tokens):.0f}), "
        f"{args.tokens}-token summaries, beam {settings.beam_size}; model {dims}, "
        f"backend {type(backend).__name__} ({backend.quantization})"
    )
    best = {"one": float("inf"), "many": float("inf")}
    for number in range(1, args.rounds + 1):
        one, first = timed_one_by_one(summarizer, texts, options)
        many, second = timed_together(summarizer, texts, options)
        differ = sum(a != b for a, b in zip(first, second, strict=True))
        best = {"one": min(best["one"], one), "many": min(best["many"], many)}
        print(f"round {number}: one call per article {one:.2f} s, summarize_many {many:.2f} s; ", end="")
        print(f"{differ} of {len(texts)} summaries differ")
        if differ and "int8" not in backend.quantization:
            raise SystemExit(f"the two ways gave different summaries in {backend.quantization}")
    print("| way | seconds (best) | articles/s | vs one call per article |")
    print("|---|---:|---:|---:|")
    for name, label in (("one", "one `summarize` call per article"), ("many", "one `summarize_many` call")):
        seconds = best[name]
        print(f"| {label} | {seconds:.2f} | {len(texts) / seconds:.2f} | {best['one'] / seconds:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
