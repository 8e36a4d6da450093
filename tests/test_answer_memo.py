"""The ``/translate`` answer memo (:mod:`web.memo`): a repeat is answered from it only when every parameter,
the models and the gate say the same answer is due."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tarjama.inference.cache import SentenceCache
from tarjama.translate import Translation
from tarjama.web.api import create_router
from tarjama.web.limits import ApiAccess, Gate
from tarjama.web.memo import AnswerMemo
from tarjama.web.service import TarjamaService

SAMI = "أراد سامي أن يسمع صوت ليلى."


class Served:
    """One service and its cache, with a client through a memo and one through none (the reference)."""

    def __init__(self, ar: Path, en: Path, cache: Path, gate: Gate | None = None, **memo: Any) -> None:
        self.service = TarjamaService(mt_model=(str(ar), str(en)), cache=SentenceCache(cache))
        self.memo = AnswerMemo(self.service, **memo)
        self.heard: list[Translation] = []
        self.service.translation_listeners.append(self.heard.append)
        self.client = TestClient(_app(create_router(self.service, gate, self.memo)))
        self.reference = TestClient(
            _app(create_router(self.service, None, AnswerMemo(self.service, entries=0)))
        )

    def answer(self, client: TestClient, params: dict[str, Any]) -> tuple[int, Any]:
        response = client.post("/translate", json=params)
        return response.status_code, response.json()


def _app(router: Any) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


@pytest.fixture
def served(memorised_ar_en: Path, memorised_en_ar: Path, tmp_path: Path) -> Iterator[Served]:
    yield Served(memorised_ar_en, memorised_en_ar, tmp_path / "cache.db")


def _base(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"q": pairs[0][0], "source": "ar", "target": "en"}


# Each row: a request and one that differs from it in one parameter only.
CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("q", {"q": "PAIR1"}),
    ("q as a list", {"q": ["PAIR0"]}),
    ("source", {"source": "auto"}),
    ("target", {"source": "auto", "target": "ar"}),
    ("format", {"q": "<b>PAIR0</b>", "format": "html"}),
    ("model", {"model": "OWN"}),
    ("quality", {"quality": "fast"}),
    ("dialect", {"dialect": "msa"}),
    ("glossary", {"q": SAMI, "glossary": [["سامي", "Samir"]]}),
    ("alternatives", {"alternatives": 2}),
]


@pytest.mark.parametrize(("name", "change"), CHANGES, ids=[name for name, _ in CHANGES])
def test_a_request_differing_in_one_parameter_gets_its_own_answer(
    served: Served, memorised_pairs: list[tuple[str, str]], name: str, change: dict[str, Any]
) -> None:
    def filled(params: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in params.items():
            if value == "OWN":
                value = served.service.allowed_models()[0]
            elif isinstance(value, str) and "PAIR" in value:
                value = value.replace("PAIR0", memorised_pairs[0][0]).replace("PAIR1", memorised_pairs[1][0])
            elif isinstance(value, list) and value == ["PAIR0"]:
                value = [memorised_pairs[0][0]]
            out[key] = value
        return out

    first = _base(memorised_pairs) | ({"q": SAMI} if name in ("glossary", "target") else {})
    if name == "format":
        first["q"] = filled({"q": "<b>PAIR0</b>"})["q"]
    second = filled(first | change)
    expected = [served.answer(served.reference, params) for params in (first, second)]
    assert expected[0] != expected[1] or name in ("model", "quality", "dialect")
    got = [served.answer(served.client, params) for params in (first, first, second, second, first)]
    assert got == [expected[0], expected[0], expected[1], expected[1], expected[0]]
    kept = 1 + (expected[1][0] == 200 and name != "alternatives")  # alternatives are never kept
    assert len(served.memo) == kept


def test_a_repeat_is_answered_once_from_the_cache_then_from_the_memo(
    served: Served, memorised_pairs: list[tuple[str, str]]
) -> None:
    params = _base(memorised_pairs)
    served.answer(
        served.client, {"q": memorised_pairs[1][0], "source": "ar", "target": "en"}
    )  # the model loads
    served.answer(served.client, params)  # made by the model: not kept
    assert len(served.memo) == 0
    for _ in range(3):
        assert served.answer(served.client, params) == (200, {"translatedText": memorised_pairs[0][1]})
    assert len(served.memo) == 1
    # every request was told to the listeners (/metrics); the last two repeats are the kept translation
    assert len(served.heard) == 5 and served.heard[3] is served.heard[4] is served.heard[2]
    assert [t.stats.cached for t in served.heard] == [0, 0, 1, 1, 1]


def test_a_changed_model_pool_is_not_answered_from_the_memo(
    served: Served, memorised_pairs: list[tuple[str, str]], memorised_ar_en: Path
) -> None:
    params = _base(memorised_pairs)
    for _ in range(3):
        served.answer(served.client, params)
    assert served.heard[-1] is served.heard[-2]  # kept
    served.service.pool.get(f"{memorised_ar_en}/", task="translate")  # another reference: one is dropped
    assert served.answer(served.client, params) == (200, {"translatedText": memorised_pairs[0][1]})
    assert served.heard[-1] is not served.heard[-2]  # translated again, through the pool as it is now


def test_the_gate_counts_every_repeat(
    memorised_ar_en: Path, memorised_en_ar: Path, tmp_path: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    gate = Gate(ApiAccess(req_limit=3))
    served = Served(memorised_ar_en, memorised_en_ar, tmp_path / "cache.db", gate)
    params = _base(memorised_pairs)
    statuses = [served.client.post("/translate", json=params).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    keyed = served.client.post("/translate", json=params | {"api_key": "nope"})
    assert keyed.status_code in (400, 403)


@pytest.mark.parametrize(("entries", "size", "kept"), [(2, 2**20, 2), (8, 10, 0), (0, 2**20, 0)])
def test_the_memo_is_bounded(
    memorised_ar_en: Path,
    memorised_en_ar: Path,
    tmp_path: Path,
    memorised_pairs: list[tuple[str, str]],
    entries: int,
    size: int,
    kept: int,
) -> None:
    served = Served(memorised_ar_en, memorised_en_ar, tmp_path / "cache.db", entries=entries, size=size)
    for arabic, english in memorised_pairs[:3]:
        for _ in range(2):
            answer = served.answer(served.client, {"q": arabic, "source": "ar", "target": "en"})
            assert answer == (200, {"translatedText": english})
    assert len(served.memo) == kept
