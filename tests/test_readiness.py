"""``GET /health`` reports each direction's model and its state, and answers 503 while the default
direction (ar→en) cannot be served: a load balancer sends no one to a server that would answer 503."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama.web.health import health
from tarjama.web.service import TarjamaService
from tests.appserver import ROOT, running_app, server_env

AR_EN, EN_AR = "opus-mt-tc-big-ar-en", "opus-mt-tc-big-en-ar"  # the defaults (quality best), on any device


def import_into(tmp_path: Path, folder: Path, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tarjama", "models", "import", str(folder), "--as", name],
        cwd=ROOT, env=server_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("setup", "status", "code", "ar_en", "en_ar"),
    [
        ("nothing", "unavailable", 503, (AR_EN, "missing"), (EN_AR, "missing")),
        ("en-ar only", "unavailable", 503, (AR_EN, "missing"), (EN_AR, "present")),
        ("ar-en imported", "ok", 200, (AR_EN, "present"), (EN_AR, "missing")),
        ("ar-en fast only", "unavailable", 503, (AR_EN, "missing"), (EN_AR, "missing")),
        ("ar-en folder", "ok", 200, ("ar-en=FOLDER", "present"), (EN_AR, "missing")),
    ],
)
def test_health_says_whether_the_default_direction_can_be_served(
    setup: str,
    status: str,
    code: int,
    ar_en: tuple[str, str],
    en_ar: tuple[str, str],
    memorised_ar_en: Path,
    memorised_en_ar: Path,
    tmp_path: Path,
) -> None:
    args: list[str] = []
    if setup == "en-ar only":
        import_into(tmp_path, memorised_en_ar, EN_AR)
    elif setup == "ar-en imported":
        import_into(tmp_path, memorised_ar_en, AR_EN)
    elif setup == "ar-en fast only":  # OPUS-MT base is not the default, on a CPU as on CUDA
        import_into(tmp_path, memorised_ar_en, "opus-mt-ar-en")
    elif setup == "ar-en folder":
        args = ["--mt-model", f"ar-en={memorised_ar_en}"]
    folder = f"ar-en={memorised_ar_en.name}"
    with running_app(args, tmp_path) as base:
        answer = httpx.get(f"{base}/health", timeout=30)
    assert answer.status_code == code
    body = answer.json()
    assert body["status"] == status
    assert body["models"] == {
        "ar-en": {"model": ar_en[0].replace("ar-en=FOLDER", folder), "state": ar_en[1]},
        "en-ar": {"model": en_ar[0], "state": en_ar[1]},
    }
    assert str(tmp_path) not in answer.text  # a folder by its own name, never its path


def test_loaded_and_loading(memorised_ar_en: Path, memorised_pairs: list, monkeypatch: Any) -> None:
    """While the first request loads the weights /health says ``loading`` (and is 200: the model is here),
    then ``loaded``."""
    from tarjama.inference import pool

    started, release = threading.Event(), threading.Event()
    real_load = pool.load_backend

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(60)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(pool, "load_backend", slow_load)
    service = TarjamaService(mt_model=f"ar-en={memorised_ar_en}", use_cache=False)
    text = memorised_pairs[0][0]
    worker = threading.Thread(target=lambda: service.translate(text, source="ar", target="en"))
    worker.start()
    try:
        assert started.wait(60)
        code, body = health(service)
        assert (code, body["status"], body["models"]["ar-en"]["state"]) == (200, "ok", "loading")
    finally:
        release.set()
        worker.join(60)
    assert health(service)[1]["models"]["ar-en"]["state"] == "loaded"
