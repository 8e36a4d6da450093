"""What a glossary costs: a 100-sentence article translated with and without one, in seconds.

    .venv/bin/python -m bench.glossary_cost [--backend auto|ctranslate2|transformers] [--model DIR]

The article is 100 distinct sentences made from the memorised stand-in's 41 Tatoeba pairs (each numbered, so
none is a repeat); the glossary maps the four names of those pairs (سامي, ليلى, توم, فاضل) to other
spellings, so about half the sentences hold a term. Without ``--model`` the memorised stand-in translates
(tiny: the ratio is what matters, the seconds are not a real model's). Both runs bypass the cache and the
model is loaded (and converted) before timing; each figure is the best of ``--repeat`` runs in this one
process. A sentence with a term costs ``GLOSSARY_HYPOTHESES`` hypotheses (a beam that wide) and its
attention, and one more decode when a Latin-script term is put into the source.
"""

from __future__ import annotations

import argparse
import time

from tarjama.inference import ModelPool
from tarjama.inference.settings import GLOSSARY_HYPOTHESES
from tarjama.translate import Translator
from tarjama.translate.glossary import glossary_from_pairs
from tests.standins import build_cached, load_memorised_pairs
from tests.standins.memorised import build_memorised_marian

NAMES = [["سامي", "Samir"], ["ليلى", "Laila"], ["توم", "Thomas"], ["فاضل", "Fadel"]]


def article() -> str:
    """100 distinct Arabic sentences, one paragraph each ten."""
    pairs = load_memorised_pairs()
    sentences = [f"{n + 1}. {pairs[n % len(pairs)][0]}" for n in range(100)]
    return "\n".join(" ".join(sentences[i : i + 10]) for i in range(0, 100, 10))


def best_seconds(run: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="auto", choices=["auto", "ctranslate2", "transformers"])
    parser.add_argument("--model", help="an ar-en model folder (default: the memorised stand-in)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = args.model or str(build_cached(build_memorised_marian, pairs=load_memorised_pairs()))
    translator = Translator(model, pool=ModelPool(backend=args.backend), use_cache=False)
    text, glossary = article(), glossary_from_pairs(NAMES)
    translator.translate(text, source="ar", target="en")  # load (and convert) before timing
    plain = best_seconds(lambda: translator.translate(text, source="ar", target="en"), args.repeat)
    with_terms = translator.translate(text, source="ar", target="en", glossary=glossary)
    termed = sum(1 for s in with_terms.segments if any(n[0] in s.source for n in NAMES))
    flagged = sum(1 for s in with_terms.segments if "glossary" in s.flags)
    glossed = best_seconds(
        lambda: translator.translate(text, source="ar", target="en", glossary=glossary), args.repeat
    )
    backend = translator.model_for("ar", "en").identity["backend"]
    print(f"model {model} on {backend}; {len(with_terms.segments)} sentences, {termed} with a term")
    print(f"without glossary: {plain:.2f} s")
    print(f"with glossary:    {glossed:.2f} s  ({glossed / plain:.2f} x; {GLOSSARY_HYPOTHESES} hypotheses)")
    print(f"flagged 'glossary': {flagged} of {termed}")


if __name__ == "__main__":
    main()
