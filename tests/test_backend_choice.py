"""Choosing and threading backends, CTranslate2's sub-batches, cache keys and token-budget batching across
backends."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import torch

from tarjama.inference import (
    GenerationSettings,
    InvalidInputError,
    ModelPool,
    SentenceCache,
)
from tarjama.inference.backends import (
    BackendChoice,
    choose_backend,
    load_backend,
    resolve_threads,
)
from tarjama.inference.backends import ctranslate2_backend as ct2_module
from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend
from tarjama.inference.cached import CachedGenerator
from tarjama.inference.pool import ModelRef
from tarjama.inference.settings import ENV_THREADS, default_threads
from tarjama.translate import Translator
from tests.backends import resolved
from tests.spies import record_batches


@pytest.mark.parametrize(
    ("device", "threads", "split"),
    [
        ("cpu", 2, (2, 1)),  # one single-threaded worker per thread
        ("cpu", 1, (1, 1)),
        ("cpu", 4, (4, 1)),
        ("cuda", 4, (1, 4)),  # one worker drives the GPU
    ],
)
def test_thread_split(device: str, threads: int, split: tuple[int, int]) -> None:
    assert ct2_module.thread_split(device, threads) == split


@pytest.mark.parametrize(
    ("lengths", "beam", "min_tokens", "steps", "workers", "shares"),
    [
        # fixed output (min = max): 10 + 48 per short source, 70 + 48 per long one; by count the long
        # half would be 590 against 290, cut by work it is 408 against 472
        ([10] * 5 + [70] * 5, 1, 48, 48, 2, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]]),
        # output about as long as the source: cost is twice the length, so the cut follows the lengths
        ([4, 4, 4, 4, 16], 1, 0, 64, 2, [[0, 1, 2, 3], [4]]),
        ([30, 10, 20], 1, 0, 64, 1, [[1, 2, 0]]),  # one worker: the whole batch, sorted
        ([5, 5], 1, 0, 64, 4, [[0], [1]]),  # never an empty share
        ([8, 3], 4, 0, 64, 2, [[1], [0]]),  # shortest first
    ],
)
def test_work_shares(
    lengths: list[int], beam: int, min_tokens: int, steps: int, workers: int, shares: list[list[int]]
) -> None:
    settings = GenerationSettings(beam_size=beam, min_new_tokens=min_tokens)
    assert ct2_module.work_shares(lengths, settings, steps, workers) == shares


@pytest.mark.parametrize(
    ("lengths", "share_tokens", "expected"),
    [
        ([10] * 8, 10_000, [[0, 1, 2, 3], [4, 5, 6, 7]]),  # within the budget: one share per worker
        ([10] * 8, 116, [[0, 1], [2, 3], [4, 5], [6, 7]]),  # 8 x (10 + 48) = 464 of work: 4 shares of 116
        ([10] * 8, 117, [[0, 1], [2, 3], [4, 5], [6, 7]]),  # ceil(464 / 117) = 4 as well
        ([10] * 8, 1, [[i] for i in range(8)]),  # never more shares than sources
        # 88 + 4 x 58 = 320 of work, 64 a source: runs of 2 from the longest, as max_batch_size 2 would cut
        ([40, 10, 10, 10, 10], 128, [[1], [2, 3], [4, 0]]),
        ([40, 10, 10, 10, 10], 127, [[1], [2], [3], [4], [0]]),  # under 2 x 64: one source a run
    ],
)
def test_work_shares_within_a_budget(
    lengths: list[int], share_tokens: int, expected: list[list[int]]
) -> None:
    for beam in (1, 4):  # the budget counts each output token once, whatever the beam
        settings = GenerationSettings(beam_size=beam, min_new_tokens=48)
        assert ct2_module.work_shares(lengths, settings, 48, 2, share_tokens) == expected


@pytest.mark.parametrize(
    ("lengths", "beam", "rows", "decode_tokens", "expected"),
    [
        # greedy, 8 x (10 + 48) = 464 positions: within 10,000 one share per worker, 4 shares of 116
        ([10] * 8, 1, None, 10_000, [[0, 1, 2, 3], [4, 5, 6, 7]]),
        ([10] * 8, 1, None, 116, [[0, 1], [2, 3], [4, 5], [6, 7]]),
        # beam 4 holds four times as much: 1,856 positions in 4 shares of 464
        ([10] * 8, 4, None, 464, [[0, 1], [2, 3], [4, 5], [6, 7]]),
        # 8 hypotheses asked of a beam-1 setting (n-best) count as 8 rows
        ([10] * 8, 1, 8, 464, [[0], [1], [2], [3], [4], [5], [6], [7]]),
        ([10] * 8, 4, None, 1, [[i] for i in range(8)]),  # never more shares than sources
    ],
)
def test_work_shares_within_a_decoding_memory_budget(
    lengths: list[int], beam: int, rows: int | None, decode_tokens: int, expected: list[list[int]]
) -> None:
    """The decoding budget counts each hypothesis of the beam, up to the output bound, with its source."""
    settings = GenerationSettings(beam_size=beam, min_new_tokens=48)
    assert ct2_module.work_shares(lengths, settings, 48, 2, None, decode_tokens, rows=rows) == expected


def test_sub_batches_queue_for_the_workers_longest_first(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a small budget a batch reaches CTranslate2 as many sub-batches, the longest first, and the
    outputs are still the memorised ones in input order."""
    monkeypatch.setenv("TARJAMA_CT2_SHARE_TOKENS", "60")
    backend = CTranslate2Backend(resolved(memorised_ar_en), device="cpu", quantization="float32", threads=2)
    calls: list[list[list[str]]] = []
    real = backend.translator

    class Recording:
        def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
            calls.append(source)
            return real.translate_batch(source, **options)

    monkeypatch.setattr(backend, "translator", Recording())
    texts = [a for a, _ in memorised_pairs]
    settings = GenerationSettings(beam_size=1)
    assert backend.generate(texts, settings, source="ar", target="en") == [e for _, e in memorised_pairs]
    assert len(calls) > 2
    longest = [max(len(row) for row in call) for call in calls]
    assert longest == sorted(longest, reverse=True)


def test_sub_batches_are_cut_over_all_the_batches(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``generate_batches`` cuts its batches together, as one ``max_batch_size`` call would: runs of two
    sources from the longest across the batch boundary, not a short run left at the end of each batch."""
    pairs = memorised_pairs[:10]
    probe = CTranslate2Backend(resolved(memorised_ar_en), device="cpu", quantization="float32", threads=2)
    lengths = probe.token_lengths([a for a, _ in pairs], source="ar", target="en")
    order = sorted(range(len(pairs)), key=lambda i: -lengths[i])
    work = 2 * sum(lengths)  # each source and its expected output, as long as the source
    monkeypatch.setenv("TARJAMA_CT2_SHARE_TOKENS", str(-(-2 * work // len(pairs))))  # two sources a run
    backend = CTranslate2Backend(resolved(memorised_ar_en), device="cpu", quantization="float32", threads=2)
    calls: list[int] = []
    real = backend.translator

    class Recording:
        def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
            calls.append(len(source))
            return real.translate_batch(source, **options)

    monkeypatch.setattr(backend, "translator", Recording())
    batches = [[pairs[i][0] for i in order[:7]], [pairs[i][0] for i in order[7:]]]
    made = list(backend.generate_batches(iter(batches), GenerationSettings(), source="ar", target="en"))
    assert made == [[pairs[i][1] for i in order[:7]], [pairs[i][1] for i in order[7:]]]
    assert calls == [2, 2, 2, 2, 2]  # batch by batch: 2, 2, 2, 1 and 2, 1


def test_a_sentence_keeps_its_batch_output_bound(marian_ar_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut together, each batch still decodes to its own bound (that of its longest source): a random
    model, which rarely ends a sentence, gives the short batch what ``generate`` gives it alone."""
    monkeypatch.setenv("TARJAMA_CT2_SHARE_TOKENS", "1")  # one sentence a sub-batch
    backend = CTranslate2Backend(resolved(marian_ar_en), device="cpu", quantization="float32", threads=2)
    settings = GenerationSettings(beam_size=1)
    batches = [[" ".join(["ذهب الولد إلى المدرسة"] * 6)], ["مرحبا", "شكرا لك"]]
    made = list(backend.generate_batches(iter(batches), settings, source="ar", target="en"))
    assert made == [backend.generate(batch, settings, source="ar", target="en") for batch in batches]


# --- choosing a backend, cache keys ----------------------------------------------------------------
def test_auto_prefers_ctranslate2_with_int8_on_cpu() -> None:
    assert choose_backend("auto", "cpu") == BackendChoice("ctranslate2", "cpu", "int8")


def test_auto_falls_back_to_transformers_without_ctranslate2(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "ctranslate2" else real(name)
    )
    assert choose_backend("auto", "cpu") == BackendChoice("transformers", "cpu", "float32")
    with pytest.raises(InvalidInputError, match="ctranslate2"):
        choose_backend("ctranslate2", "cpu")


@pytest.mark.parametrize(
    ("backend", "quantization", "expected"),
    [
        ("ctranslate2", None, "int8"),
        ("ctranslate2", "float32", "float32"),
        ("ctranslate2", "int8_float32", "int8_float32"),
        ("transformers", None, "float32"),
        ("transformers", "float32", "float32"),
        ("ctranslate2", "int3", InvalidInputError),
        ("transformers", "int8", InvalidInputError),
        ("onnx", None, InvalidInputError),
    ],
)
def test_choose_backend_table(backend: str, quantization: str | None, expected: Any) -> None:
    if isinstance(expected, str):
        assert choose_backend(backend, "cpu", quantization) == BackendChoice(backend, "cpu", expected)
    else:
        with pytest.raises(expected):
            choose_backend(backend, "cpu", quantization)


def test_cache_keys_differ_by_backend_and_quantization(memorised_ar_en: Path) -> None:
    model = resolved(memorised_ar_en)
    settings = GenerationSettings(beam_size=1)
    choices = [
        choose_backend("transformers", "cpu"),
        *(choose_backend("ctranslate2", "cpu", q) for q in ("int8", "float32")),
    ]
    keys = {
        CachedGenerator(ModelRef(model, choice), None).key(
            "نص", settings, task="translate", source="ar", target="en"
        )
        for choice in choices
    }
    assert len(keys) == 3


def test_one_backend_never_serves_another_backends_cache(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    cache = SentenceCache(tmp_path / "cache.sqlite3")
    text = "\n".join(source for source, _ in memorised_pairs[:6])

    def run(backend: str) -> Any:
        return Translator(str(memorised_ar_en), backend=backend, device="cpu", cache=cache).translate(
            text, source="ar", target="en", beam_size=1
        )

    first, other, again = run("transformers"), run("ctranslate2"), run("ctranslate2")
    assert (first.stats.cached, other.stats.cached, again.stats.cached) == (0, 0, 6)
    assert first.text == other.text == again.text


# --- batching --------------------------------------------------------------------------------------
@pytest.mark.parametrize("budget", [20, 64, 2048])
def test_batches_stay_within_budget_and_order_is_kept(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    budget: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pairs = memorised_pairs[:12]
    order = [*range(len(pairs)), 0, 3, 3, 7]  # repeats are translated once
    random.Random(budget).shuffle(order)
    ref = ModelRef(resolved(memorised_ar_en), choose_backend("ctranslate2", "cpu"))
    backend = ref.load()
    calls = record_batches(backend, monkeypatch)
    generator = CachedGenerator(ref, None, max_batch_tokens=budget)
    out = generator.generate(
        [pairs[i][0] for i in order],
        GenerationSettings(beam_size=1),
        task="translate",
        source="ar",
        target="en",
    )
    assert [g.output for g in out] == [pairs[i][1] for i in order]
    assert sorted(t for call in calls for t in call) == sorted(source for source, _ in pairs)
    for call in calls:
        padded = len(call) * max(backend.token_lengths(call, source="ar", target="en"))
        assert padded <= budget or len(call) == 1
    assert (len(calls) == 1) == (budget == 2048)


# --- threads ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "threads", "expected"),
    [
        (None, None, "cpus"),
        ("3", None, 3),
        ("3", 1, 1),  # an explicit setting beats the environment
        ("zero", None, "cpus"),  # a bad value is ignored
        (None, 5, 5),
    ],
)
def test_thread_settings(
    monkeypatch: pytest.MonkeyPatch, env: str | None, threads: int | None, expected: Any
) -> None:
    if env is None:
        monkeypatch.delenv(ENV_THREADS, raising=False)
    else:
        monkeypatch.setenv(ENV_THREADS, env)
    cpus = len(os.sched_getaffinity(0))
    assert resolve_threads(threads) == (cpus if expected == "cpus" else expected)
    assert default_threads() == (int(env) if env and env.isdigit() else cpus)


def test_zero_threads_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="threads"):
        resolve_threads(0)


def test_threads_reach_both_backends(memorised_ar_en: Path) -> None:
    pool = ModelPool(backend="ctranslate2", device="cpu", threads=1)
    backend = pool.get(str(memorised_ar_en), task="translate").load()
    assert isinstance(backend, CTranslate2Backend) and backend.threads == 1
    before = torch.get_num_threads()
    try:
        load_backend(resolved(memorised_ar_en), choose_backend("transformers", "cpu"), threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_cli_threads_option(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    from tarjama import cli

    source = tmp_path / "in.txt"
    source.write_text(memorised_pairs[0][0], encoding="utf-8")
    out = tmp_path / "out.txt"
    before = torch.get_num_threads()
    args = ["translate", str(source), "--model", str(memorised_ar_en), "--backend", "transformers"]
    try:
        assert cli.main([*args, "--threads", "1", "--beam", "1", "--no-cache", "-o", str(out)]) == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert out.read_text(encoding="utf-8").strip() == memorised_pairs[0][1]
