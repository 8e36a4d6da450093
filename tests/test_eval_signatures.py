"""Every field of every signature, for both languages: a signature must say exactly how its number was made.

A report's signature is how ``eval compare`` decides which baselines it may be compared with, so a field
that names the wrong tokenizer or stemmer for one language is a wrong claim about every score beside it.
"""

from __future__ import annotations

from importlib.metadata import version

import pytest
import sacrebleu

from tarjama.eval import score_summaries, score_translations
from tarjama.eval.rouge import ROUGE_TYPES

BOOTSTRAP = 10
HYPS, REFS = ["a b c", "d e"], [["a b c", "d f"]]


def fields(signature: str) -> dict[str, str]:
    """``{"nrefs": "1", ...}`` from ``nrefs:1|...``; a field given twice is an error."""
    pairs = [part.split(":", 1) for part in signature.split("|")]
    assert len({name for name, _ in pairs}) == len(pairs), signature
    return dict(pairs)


FOLD_AR = "diac+tatweel+alef+ya+ta+digits"
ROUGE_SIGNATURES = [
    ("ar", True, {"lang": "ar", "tok": "tarjama-ar", "fold": FOLD_AR, "stem": "light"}),
    ("ar", False, {"lang": "ar", "tok": "tarjama-ar", "fold": FOLD_AR, "stem": "no"}),
    ("en", True, {"lang": "en", "tok": "rouge-score", "stem": "porter"}),
    ("en", False, {"lang": "en", "tok": "rouge-score", "stem": "no"}),
]


@pytest.mark.parametrize(("lang", "stem", "own"), ROUGE_SIGNATURES)
def test_rouge_signature_fields(lang: str, stem: bool, own: dict[str, str]) -> None:
    system = score_summaries({"s": HYPS}, REFS, lang, stem=stem, n_bootstrap=BOOTSTRAP).systems[0]
    expected = own | {
        "multiref": "max-f1",
        "agg": "mean",
        "bs": str(BOOTSTRAP),
        "seed": "12345",
        "lsum": "newline",
        "version": f"rouge-score-{version('rouge-score')}",
    }
    for rouge_type in ROUGE_TYPES:
        assert fields(system.scores[rouge_type].signature) == expected, rouge_type


def _mt_expected(lang: str, nrefs: int) -> dict[str, dict[str, str]]:
    common = {"nrefs": str(nrefs), "bs": str(BOOTSTRAP), "seed": "12345"}
    tok = {"ar": "intl", "en": "13a"}[lang]
    return {
        "bleu": common | {"case": "mixed", "eff": "no", "tok": tok, "smooth": "exp"},
        "chrf": common | {"case": "mixed", "eff": "yes", "nc": "6", "nw": "2", "space": "no"},
        "ter": common | {"case": "lc", "tok": "tercom", "norm": "no", "punct": "yes", "asian": "no"},
    }


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("fold", [False, True])
@pytest.mark.parametrize("nrefs", [1, 2])
def test_translation_signature_fields(lang: str, fold: bool, nrefs: int) -> None:
    system = score_translations(
        {"s": HYPS}, REFS * nrefs, lang, n_bootstrap=BOOTSTRAP, fold_arabic=fold
    ).systems[0]
    for metric, own in _mt_expected(lang, nrefs).items():
        expected = own | ({"fold": "ar-orth"} if fold else {}) | {"version": sacrebleu.__version__}
        assert fields(system.scores[metric].signature) == expected, metric
