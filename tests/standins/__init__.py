"""Small stand-in models that the tests and benchmarks build themselves (real weights cannot be downloaded).

Every builder takes an output folder first and writes files that ``from_pretrained(folder)`` loads; builds are
deterministic (fixed seeds). ``build_cached(builder, **params)`` keeps each build under a content hash in
``$TARJAMA_STANDINS`` or ``<repo>/.standins/`` so reruns are fast. For tests and ``bench/`` only.
"""

from tests.standins.cache import ENV_STANDINS, build_cached, cache_key, standins_root
from tests.standins.corpus import corpus_lines, load_memorised_pairs
from tests.standins.many_to_many import build_m2m100, build_nllb
from tests.standins.marian import (
    OPUS_MT_EN_AR_OTHER_TARGETS,
    build_marian,
    build_marian_real_dims,
    marian_vocab,
)
from tests.standins.memorised import (
    build_memorised_marian,
    memorisation_failures,
    single_thread,
    translate_all,
)
from tests.standins.spm import sentencepiece_pieces, train_sentencepiece
from tests.standins.summarisers import build_bart, build_t5

__all__ = [
    "ENV_STANDINS",
    "OPUS_MT_EN_AR_OTHER_TARGETS",
    "build_bart",
    "build_cached",
    "build_m2m100",
    "build_marian",
    "build_marian_real_dims",
    "build_memorised_marian",
    "build_nllb",
    "build_t5",
    "cache_key",
    "corpus_lines",
    "load_memorised_pairs",
    "marian_vocab",
    "memorisation_failures",
    "sentencepiece_pieces",
    "single_thread",
    "standins_root",
    "train_sentencepiece",
    "translate_all",
]
