"""The stand-ins the tests' fixtures use, by fixture name, and :func:`prebuild`: build the ones a test run
needs before its first test, the independent ones in parallel processes (the two memorised Marians take
minutes each; built one after the other, as fixtures would, they add up).

``python -m tests.standins [NAME ...]`` builds them (all by default) the same way; the cache
(``build_cached``) makes a second build of the same recipe free and is safe for concurrent builders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from tests.standins.cache import _builder_module, build_cached, cache_key, standins_root

# fixture name -> (builder, parameters); the fixtures in tests/conftest.py call :func:`build`
RECIPE_NAMES = (
    "marian_ar_en", "marian_en_ar", "memorised_ar_en", "memorised_en_ar", "m2m100_tiny", "nllb_tiny",
    "bart_en", "t5_multi",
)  # fmt: skip


def recipe(name: str) -> tuple[Callable[..., object], dict[str, Any]]:
    """The builder and parameters of the stand-in fixture ``name``."""
    from tests.standins.corpus import load_memorised_pairs
    from tests.standins.many_to_many import build_m2m100, build_nllb
    from tests.standins.marian import OPUS_MT_EN_AR_OTHER_TARGETS, build_marian
    from tests.standins.memorised import build_memorised_marian
    from tests.standins.summarisers import build_bart, build_t5

    if name == "marian_ar_en":
        return build_marian, {"src_lang": "ar", "tgt_lang": "en"}
    if name == "marian_en_ar":
        return build_marian, {"src_lang": "en", "tgt_lang": "ar", "target_token": ">>ara<<"}
    if name == "memorised_ar_en":
        return build_memorised_marian, {"pairs": load_memorised_pairs()}
    if name == "memorised_en_ar":
        pairs = [(english, arabic) for arabic, english in load_memorised_pairs()]
        return build_memorised_marian, {
            "pairs": pairs, "src_lang": "en", "tgt_lang": "ar", "target_token": ">>ara<<",
            "other_tokens": list(OPUS_MT_EN_AR_OTHER_TARGETS),
        }  # fmt: skip
    builders = {
        "m2m100_tiny": build_m2m100,
        "nllb_tiny": build_nllb,
        "bart_en": build_bart,
        "t5_multi": build_t5,
    }
    return builders[name], {}


def build(name: str) -> Path:
    """The folder of the stand-in fixture ``name``, built once (cached)."""
    builder, params = recipe(name)
    return build_cached(builder, **params)


def _build_alone(name: str, threads: int) -> str:
    import torch

    torch.set_num_threads(threads)
    return str(build(name))


def prebuild(names: Iterable[str], workers: int | None = None) -> dict[str, Path]:
    """Build every stand-in of ``names`` that is not cached yet, at most ``workers`` (default: the CPUs
    this process may use) at a time, each in its own process with its share of the CPUs."""
    wanted = [n for n in dict.fromkeys(names) if n in RECIPE_NAMES]
    where = {n: cached_path(*recipe(n)) for n in wanted}
    missing = [n for n in wanted if not where[n].is_dir()]
    done = {n: where[n] for n in wanted if n not in missing}
    if len(missing) <= 1:
        return {**done, **{n: build(n) for n in missing}}
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    processes = min(len(missing), workers or cpus)
    threads = max(1, cpus // processes)
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        futures = {n: pool.submit(_build_alone, n, threads) for n in missing}
        return {**done, **{n: Path(f.result()) for n, f in futures.items()}}


def cached_path(builder: Callable[..., object], params: dict[str, Any]) -> Path:
    """Where :func:`build_cached` keeps (or will keep) ``builder(**params)``."""
    name = builder.__name__
    return standins_root() / f"{name}-{cache_key(name, params, _builder_module(builder))}"
