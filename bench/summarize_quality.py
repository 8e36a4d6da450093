"""Extractive summary quality against the lead baseline, on EASC and on one-sentence ANT abstracts.

    .venv/bin/python -m bench.summarize_quality [--json OUT.json] [--no-stem]

EASC (``eval/data/easc``, 153 Arabic articles, five human extractive summaries each): the extractive
method and Lead-k pick the same number of sentences ``k`` for each article, under three length rules:
``k`` = the mean sentence count of the article's five references (rounded), ``k`` = 3, and ``k`` = 25% of
the article's sentences (rounded, at least 1). A stricter line also gives the lead the extractive summary's
exact number of words ("lead, same words"). ROUGE-1/2 F1 per reference, averaged over the five references
and then over the articles; both sides are normalised by :class:`eval.rouge.ArabicTokenizer` (diacritics,
tatweel, alef/ya/ta-marbuta forms, digits; light stemming unless ``--no-stem``), which also folds the
hamza-alef difference between EASC's articles and summaries.

ANT (``tests/data/summarize/ant_one_sentence.jsonl``, 40 articles whose abstract is one sentence): the
one-sentence extractive summary against the first sentence, for all 40 and for the 8 whose abstract is not
a copy of the article's opening.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tarjama.eval.rouge import make_scorer
from tarjama.eval.testsets import load_easc
from tarjama.summarize.extractive import select_sentences
from tarjama.summarize.text import article_sentences

REPO = Path(__file__).resolve().parents[1]
ANT = REPO / "tests" / "data" / "summarize" / "ant_one_sentence.jsonl"
LENGTH_RULES: dict[str, Callable[[int, int], int]] = {
    "k = reference length": lambda n, ref_k: ref_k,
    "k = 3": lambda n, ref_k: min(3, n),
    "k = 25% of sentences": lambda n, ref_k: max(1, int(0.25 * n + 0.5)),
}


def _rouge(scorer: Any, hyp: str, refs: Sequence[str]) -> tuple[float, float]:
    """ROUGE-1 and ROUGE-2 F1 of ``hyp`` averaged over ``refs``."""
    scores = [scorer.score(ref, hyp) for ref in refs]
    return (
        statistics.fmean(s["rouge1"].fmeasure for s in scores),
        statistics.fmean(s["rouge2"].fmeasure for s in scores),
    )


def _mean(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return 100 * statistics.fmean(p[0] for p in pairs), 100 * statistics.fmean(p[1] for p in pairs)


def easc(scorer: Any) -> list[dict[str, Any]]:
    """Rows of (length rule, system, ROUGE-1, ROUGE-2, mean words) on EASC."""
    items = []
    for item in load_easc():
        sentences = list(article_sentences(item.article, "ar").sentences)
        ref_k = round(statistics.fmean(len(article_sentences(r, "ar").sentences) for r in item.references))
        items.append((sentences, item.references, max(1, ref_k)))
    rows = []
    for rule, length in LENGTH_RULES.items():
        ours, lead, lead_words, words = [], [], [], []
        for sentences, refs, ref_k in items:
            k = length(len(sentences), ref_k)
            summary = " ".join(sentences[i] for i in select_sentences(sentences, "ar", k))
            budget = len(summary.split())
            ours.append(_rouge(scorer, summary, refs))
            lead.append(_rouge(scorer, " ".join(sentences[:k]), refs))
            lead_words.append(_rouge(scorer, " ".join(" ".join(sentences).split()[:budget]), refs))
            words.append(budget)
        for system, pairs in (("extractive", ours), ("lead-k", lead), ("lead, same words", lead_words)):
            r1, r2 = _mean(pairs)
            rows.append({"set": "EASC", "length": rule, "system": system, "rouge1": r1, "rouge2": r2})
    return rows


def ant(scorer: Any) -> list[dict[str, Any]]:
    """Rows of (subset, system, ROUGE-1, ROUGE-2) for one-sentence summaries of ANT articles."""
    records = [json.loads(line) for line in ANT.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for subset, keep in (("all 40", lambda r: True), ("8 not copied", lambda r: not r["abstract_in_text"])):
        ours, first, same = [], [], 0
        for record in filter(keep, records):
            sentences = list(article_sentences(record["text"], "ar").sentences)
            (index,) = select_sentences(sentences, "ar", 1)
            same += index == 0
            ours.append(_rouge(scorer, sentences[index], [record["abstract"]]))
            first.append(_rouge(scorer, sentences[0], [record["abstract"]]))
        for system, pairs in (("extractive, 1 sentence", ours), ("first sentence", first)):
            r1, r2 = _mean(pairs)
            rows.append(
                {"set": f"ANT {subset}", "length": "1 sentence", "system": system, "rouge1": r1, "rouge2": r2}
            )
        rows[-2]["picked_first"] = same
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--no-stem", action="store_true", help="score without light stemming")
    args = parser.parse_args(argv)
    scorer = make_scorer("ar", stem=not args.no_stem)
    rows = easc(scorer) + ant(scorer)
    print("| set | length | system | ROUGE-1 F1 | ROUGE-2 F1 |")
    print("|---|---|---|---:|---:|")
    for row in rows:
        cells = [row["set"], row["length"], row["system"], f"{row['rouge1']:.2f}", f"{row['rouge2']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
