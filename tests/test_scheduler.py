"""Cross-request batching: concurrent requests share model calls, get their own answers, and take turns."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from tarjama.inference import GenerationSettings, InvalidInputError, ModelPool
from tarjama.inference.backends import Seq2SeqBackend
from tarjama.inference.cache import SentenceCache
from tarjama.inference.scheduler import BatchEvent, BatchScheduler
from tarjama.translate import Translator
from tarjama.web.service import TarjamaService
from tests.standins import corpus_lines

REQUEST_SIZES = (1, 3, 1, 7, 2, 1, 5, 1)  # sentences per concurrent request


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("beam", [1, 4])
def test_concurrent_requests_get_what_they_get_alone(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], backend: str, beam: int
) -> None:
    events: list[BatchEvent] = []
    scheduler = BatchScheduler(window=0.2, listeners=[events.append])
    pool = ModelPool(backend=backend, device="cpu", quantization=None, scheduler=scheduler)
    shared = Translator(str(memorised_ar_en), pool=pool, use_cache=False)
    alone = Translator(str(memorised_ar_en), pool=ModelPool(backend=backend, device="cpu"), use_cache=False)
    requests, start = [], 0
    for size in REQUEST_SIZES:
        requests.append(memorised_pairs[start : start + size])
        start += size
    answers: dict[int, list[str]] = {}
    gate = threading.Barrier(len(requests))

    def ask(number: int) -> None:
        gate.wait()
        text = "\n".join(ar for ar, _ in requests[number])
        result = shared.translate(text, source="ar", target="en", beam_size=beam)
        answers[number] = [s.translation for s in result.segments]

    shared.translate(requests[0][0][0], source="ar", target="en", beam_size=beam)  # load before the race
    events.clear()
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for number, pairs in enumerate(requests):
        text = "\n".join(ar for ar, _ in pairs)
        solo = alone.translate(text, source="ar", target="en", beam_size=beam)
        assert answers[number] == [s.translation for s in solo.segments] == [en for _, en in pairs]
    assert any(len(set(event.requests)) > 1 for event in events), "no model call was shared"
    assert sum(len(event.requests) for event in events) == sum(REQUEST_SIZES)


def test_one_sentence_is_not_stuck_behind_a_long_article(marian_ar_en: Path) -> None:
    backend = ModelPool(backend="transformers", device="cpu").get(str(marian_ar_en), task="translate").load()
    settings = GenerationSettings(beam_size=1, max_length_ratio=1.0, length_slack=0)
    article = corpus_lines("ar")[:60]
    lengths = backend.token_lengths(article, source="ar", target="en")
    budget = 4 * max(lengths)  # about four sentences a call: the article takes many calls
    first_call, short_queued = threading.Event(), threading.Event()
    events: list[BatchEvent] = []

    def listen(event: BatchEvent) -> None:
        events.append(event)
        if not first_call.is_set():
            first_call.set()
            assert short_queued.wait(60)  # hold the lane until the one-sentence request waits too

    scheduler = BatchScheduler(window=0.0, listeners=[listen])

    def translate(texts: list[str], into: list[list[int]]) -> None:
        lens = backend.token_lengths(texts, source="ar", target="en")
        for indices, _ in scheduler.run(
            backend, texts, lens, settings, source="ar", target="en", max_tokens=budget
        ):
            into.append(indices)

    long_done: list[list[int]] = []
    short_done: list[list[int]] = []
    long = threading.Thread(target=translate, args=(article, long_done))
    long.start()
    assert first_call.wait(120)
    waiting_before = scheduler.queue_depth()
    short = threading.Thread(target=translate, args=([corpus_lines("ar")[100]], short_done))
    short.start()
    while scheduler.queue_depth() != waiting_before + 1:
        short.join(0.01)
    short_queued.set()
    long.join(300)
    short.join(300)
    long_id = events[0].requests[0]
    (short_id,) = {r for event in events for r in event.requests} - {long_id}
    assert short_done == [[0]]
    assert short_id in events[1].requests, "the one-sentence request waited for a later call"
    assert any(long_id in event.requests for event in events[2:]), "the article was not interleaved"
    assert sorted(i for part in long_done for i in part) == list(range(len(article)))
    assert scheduler.queue_depth() == 0


def test_a_model_error_reaches_every_request_in_the_call_and_the_lane_goes_on(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    backend = (
        ModelPool(backend="transformers", device="cpu").get(str(memorised_ar_en), task="translate").load()
    )
    settings = GenerationSettings(beam_size=1)
    scheduler = BatchScheduler(window=0.5)
    too_long = "كلمة " * (backend.max_input_tokens + 50)
    errors: list[InvalidInputError] = []

    def ask(text: str) -> None:
        try:
            list(scheduler.run(backend, [text], [1], settings, source="ar", target="en"))
        except InvalidInputError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(text,)) for text in (too_long, memorised_pairs[0][0])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(errors) == 2, "a request of the failed call was left waiting or got an answer"
    arabic, english = memorised_pairs[1]
    again = list(scheduler.run(backend, [arabic], [1], settings, source="ar", target="en"))
    assert again == [([0], [english])]
    assert scheduler.queue_depth() == 0


def test_an_all_cached_request_is_answered_while_the_model_is_busy(
    marian_ar_en: Path, tmp_path: Path
) -> None:
    service = TarjamaService(
        mt_model=str(marian_ar_en),
        backend="transformers",
        device="cpu",
        cache=SentenceCache(tmp_path / "cache.sqlite3"),
        batch_window_ms=0,
    )
    cached = corpus_lines("ar")[500]
    service.translate(cached, source="ar", target="en", beam_size=1)
    busy, release = threading.Event(), threading.Event()

    def hold(event: BatchEvent) -> None:
        busy.set()
        release.wait(120)

    service.scheduler.listeners.append(hold)
    article = "\n".join(corpus_lines("ar")[:300])  # more than one 4096-token batch
    long = threading.Thread(
        target=service.translate, args=(article,), kwargs={"source": "ar", "beam_size": 1}
    )
    long.start()
    try:
        assert busy.wait(300)
        assert service.scheduler.queue_depth() > 0, "the article should still have sentences waiting"
        answered: list[int] = []
        quick = threading.Thread(
            target=lambda: answered.append(service.translate(cached, source="ar", beam_size=1).stats.cached)
        )
        quick.start()
        quick.join(60)  # generous: broken code waits for the whole article, which the listener holds
        assert answered == [1], "the all-cached request waited behind the model"
    finally:
        release.set()
        long.join(300)


@pytest.fixture(scope="module")
def random_backend(marian_ar_en: Path) -> Seq2SeqBackend:
    return ModelPool(backend="transformers", device="cpu").get(str(marian_ar_en), task="translate").load()


QUICK = GenerationSettings(beam_size=1, max_length_ratio=1.0, length_slack=0)


def test_requests_arriving_within_the_window_share_the_first_call(random_backend: Seq2SeqBackend) -> None:
    window = 1.0
    events: list[BatchEvent] = []
    scheduler = BatchScheduler(window=window, listeners=[events.append])
    lines = corpus_lines("ar")[:3]

    def ask(text: str) -> None:
        list(scheduler.run(random_backend, [text], [1], QUICK, source="ar", target="en"))

    threads = [threading.Thread(target=ask, args=(text,)) for text in lines]
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # requests 10 ms apart
    for thread in threads:
        thread.join(120)
    assert len(events) == 1 and len(set(events[0].requests)) == len(lines), events
    assert max(events[0].waited) >= window, "the first call did not wait for the window"


@pytest.mark.parametrize(
    ("lengths", "budget", "sizes"),
    [
        ([10] * 10, 30, [3, 3, 3, 1]),  # exactly three sentences fill the budget
        ([10] * 10, 29, [2, 2, 2, 2, 2]),
        ([10] * 4, 10, [1, 1, 1, 1]),
        ([50, 5, 5, 5, 5], 20, [1, 4]),  # a sentence over the budget goes alone
        ([9, 8, 7, 6, 5, 4, 3, 2, 1, 1], 24, [2, 3, 5]),  # padded to the longest of each batch
    ],
)
def test_every_batch_keeps_to_the_token_budget_and_fills_it(
    random_backend: Seq2SeqBackend, lengths: list[int], budget: int, sizes: list[int]
) -> None:
    events: list[BatchEvent] = []
    scheduler = BatchScheduler(window=0.0, listeners=[events.append])
    texts = corpus_lines("ar")[: len(lengths)]
    done = list(
        scheduler.run(random_backend, texts, lengths, QUICK, source="ar", target="en", max_tokens=budget)
    )
    assert [len(event.requests) for event in events] == sizes
    ordered = sorted(lengths, reverse=True)
    for event, start in zip(events, itertools.accumulate([0, *sizes]), strict=False):
        batch = ordered[start : start + len(event.requests)]
        assert event.tokens == len(batch) * max(batch)
        assert event.tokens <= budget or len(batch) == 1, (event.tokens, budget)
    assert sorted(i for indices, _ in done for i in indices) == list(range(len(texts)))
