"""CTranslate2's freed memory: the C heaps trimmed once a call is decoded, one trim at a time, in a thread
beside the caller (inference/malloc.py; bench/README.md, "Peak memory")."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference import GenerationSettings
from tarjama.inference.backends import ctranslate2_backend as ct2_module
from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend
from tarjama.inference.malloc import give_back_freed_memory_soon
from tests.backends import resolved


@pytest.mark.parametrize("call", ["generate", "generate_batches"])
def test_a_call_gives_its_freed_memory_back_once_decoded(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """Once every sub-batch of a call is decoded the C heaps are trimmed, once per call (not per sub-batch,
    whose trims the workers paid for in page faults): a server's memory then follows what decoding holds
    instead of what the allocator kept (bench/README.md, "Peak memory")."""
    monkeypatch.setenv("TARJAMA_CT2_SHARE_TOKENS", "60")
    backend = CTranslate2Backend(resolved(memorised_ar_en), device="cpu", quantization="float32", threads=2)
    calls: list[int] = []
    collected: list[int] = []
    real = backend.translator
    trims: list[int] = []

    class Collected:
        def __init__(self, found: Any) -> None:
            self.found = found

        def result(self) -> Any:
            collected.append(1)
            return self.found.result()

    class Recording:
        def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
            calls.append(len(source))
            return [Collected(found) for found in real.translate_batch(source, **options)]

    monkeypatch.setattr(backend, "translator", Recording())
    monkeypatch.setattr(ct2_module, "give_back_freed_memory_soon", lambda: trims.append(len(collected)))
    texts = [a for a, _ in memorised_pairs]
    settings = GenerationSettings(beam_size=1)
    if call == "generate":
        outputs = backend.generate(texts, settings, source="ar", target="en")
    else:
        halves = [texts[: len(texts) // 2], texts[len(texts) // 2 :]]
        made = backend.generate_batches(iter(halves), settings, source="ar", target="en")
        outputs = [out for batch in made for out in batch]
    assert outputs == [e for _, e in memorised_pairs]
    assert len(calls) > 2 and trims == [len(texts)]  # once, every result collected


def test_one_trim_at_a_time(memorised_ar_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A call that ends while the last call's trim still runs starts no other: a busy server does not pile
    trims up (each walks every heap)."""
    backend = CTranslate2Backend(resolved(memorised_ar_en), device="cpu", quantization="float32", threads=2)
    running = threading.Event()
    trims: list[threading.Thread] = []

    def start() -> threading.Thread:
        trims.append(threading.Thread(target=running.wait, daemon=True))
        trims[-1].start()
        return trims[-1]

    monkeypatch.setattr(ct2_module, "give_back_freed_memory_soon", start)
    settings = GenerationSettings(beam_size=1)
    for _ in range(2):
        backend.generate(["مرحبا"], settings, source="ar", target="en")
    assert len(trims) == 1
    running.set()
    trims[0].join()
    backend.generate(["مرحبا"], settings, source="ar", target="en")
    assert len(trims) == 2
    running.set()


def test_freed_memory_is_given_back_beside_the_caller() -> None:
    """The trim runs in a thread of its own (glibc here), which ends once the pages are back."""
    thread = give_back_freed_memory_soon()
    assert thread is not None and thread.daemon
    thread.join(timeout=60)
    assert not thread.is_alive()
