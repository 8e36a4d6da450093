"""`GET /health`, and a server whose cache is damaged or whose disk fills up: it starts, serves the right
translations, says so at /health, in a response header, in the page and once in its log; never a 400."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama import __version__
from tarjama.inference.cache import CacheError
from tarjama.inference.errors import (
    InvalidInputError,
    LimitExceededError,
    ModelUnavailableError,
    TarjamaError,
)
from tests.appserver import running_app
from tests.faults import Faults, faults
from tests.test_api import gradio_call


def translate(client: Any, texts: list[str]) -> Any:
    return client.post("/translate", json={"q": texts, "source": "ar", "target": "en"})


def test_a_healthy_server(memorised_ar_en: Path, memorised_pairs: list, tmp_path: Path) -> None:
    with (
        running_app(["--mt-model", str(memorised_ar_en)], tmp_path) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        answer = client.get("/health")
        assert answer.status_code == 200
        cache = {"state": "ok", "store": "sqlite", "reads": True, "writes": True, "reason": None}
        models = {
            "ar-en": {"model": memorised_ar_en.name, "state": "present"},
            "en-ar": {"model": "opus-mt-tc-big-en-ar", "state": "missing"},  # the default, quality best
        }
        expected = {"status": "ok", "cache": cache, "models": models, "models_loaded": [], "queue_depth": 0}
        assert answer.json() == {**expected, "version": __version__}
        done = translate(client, [memorised_pairs[0][0]])
        assert done.status_code == 200 and "X-Tarjama-Cache" not in done.headers
        assert client.get("/health").json()["models_loaded"] == [memorised_ar_en.name]


def test_a_server_on_a_damaged_cache(memorised_ar_en: Path, memorised_pairs: list, tmp_path: Path) -> None:
    (tmp_path / "cache.sqlite3").write_bytes(random.Random(3).randbytes(20_000))  # the server's cache file
    pairs = memorised_pairs[:4]
    with (
        running_app(["--mt-model", str(memorised_ar_en)], tmp_path) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        health = client.get("/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "degraded"
        assert (body["cache"]["state"], body["cache"]["reads"], body["cache"]["writes"]) == (
            "degraded", False, False
        )  # fmt: skip
        assert "damaged" in body["cache"]["reason"] and str(tmp_path) not in health.text
        for _ in range(2):
            done = translate(client, [a for a, _ in pairs])
            assert done.status_code == 200
            assert done.json()["translatedText"] == [e for _, e in pairs]
            assert done.headers["X-Tarjama-Cache"] == "degraded"
        translation, status, *_ = gradio_call(client, "translate", [pairs[0][0], "ar-en", ""])
        assert translation == pairs[0][1]
        assert "Notice:" in status and "damaged" in status and str(tmp_path) not in status
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    told = [line for line in log.splitlines() if "sentence cache" in line]
    assert len(told) == 1 and told[0].startswith("tarjama: WARNING: the sentence cache at"), log


@contextmanager
def server(fault: Faults, cache: Path, model: Path, tmp_path: Path) -> Iterator[Any]:
    """``python app.py`` with its cache at ``cache`` when the disk can really fill up; else the same app in
    this process (where the full disk is injected at the SQLite layer)."""
    if fault.real:
        with (
            running_app(["--mt-model", str(model)], tmp_path) as base,
            httpx.Client(base_url=base, timeout=120) as client,
        ):
            yield client
        return
    from fastapi.testclient import TestClient

    from tarjama.app import create_app
    from tarjama.web.service import TarjamaService

    (tmp_path / "work").mkdir()
    with TestClient(create_app(TarjamaService(mt_model=str(model)), tmp_path / "work")) as client:
        yield client


def test_the_disk_fills_up_under_a_server(
    memorised_ar_en: Path, memorised_pairs: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with faults(monkeypatch) as fault:
        folder = fault.small_folder(tmp_path)
        cache = tmp_path / "cache.sqlite3"  # where running_app puts the server's cache
        cache.symlink_to(folder / "cache.sqlite3")
        monkeypatch.setenv("TARJAMA_CACHE", str(cache))
        with server(fault, cache, memorised_ar_en, tmp_path) as client:
            assert translate(client, [memorised_pairs[0][0]]).status_code == 200
            assert client.get("/health").status_code == 200
            fault.fill(folder)
            pairs = memorised_pairs[1:5]
            done = translate(client, [a for a, _ in pairs])
            assert done.status_code == 200, done.text  # the model's work is answered, not lost
            assert done.json()["translatedText"] == [e for _, e in pairs]
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["cache"]["writes"] is False and "full" in health.json()["cache"]["reason"]
            again = translate(client, [memorised_pairs[0][0]])  # still read from the full cache
            assert again.status_code == 200 and again.json()["translatedText"] == [memorised_pairs[0][1]]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInputError("empty"), 400),
        (LimitExceededError("too long"), 400),
        (ModelUnavailableError("m", "offline"), 503),
        (CacheError("full", "database or disk is full", "/srv/cache.sqlite3"), 503),
    ],
)
def test_the_server_s_own_faults_are_never_400(error: TarjamaError, status: int) -> None:
    from tarjama.web.api import status_for

    assert status_for(error) == status
