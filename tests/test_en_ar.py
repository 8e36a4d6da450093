"""English → Arabic end to end on real Arabic output: the memorised en→ar stand-in (opus-mt-en-ar's
conventions) through both backends, the command line and the HTTP API.

The stand-in translates a sentence only after ``>>ara<<`` (without it, or after another target token, its
output is empty), so every test here also proves that the product puts the target token where the model
needs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tarjama.inference import GenerationSettings
from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend
from tarjama.inference.backends.transformers_backend import TransformersBackend
from tarjama.inference.hub import resolve_model
from tarjama.translate import Translator
from tests.appserver import running_app

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = [("transformers", None), ("ctranslate2", "float32"), ("ctranslate2", "int8")]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(("backend", "quantization"), BACKENDS)
@pytest.mark.parametrize("beam_size", [1, 4])
def test_each_backend_generates_the_arabic(
    memorised_en_ar: Path,
    memorised_en_ar_pairs: list[tuple[str, str]],
    session_models_dir: Path,
    backend: str,
    quantization: str | None,
    beam_size: int,
) -> None:
    model = resolve_model(str(memorised_en_ar), task="translate")
    if backend == "transformers":
        engine = TransformersBackend(model, device="cpu")
    else:
        engine = CTranslate2Backend(
            model, device="cpu", quantization=quantization or "", models_root=session_models_dir
        )
    english = [e for e, _ in memorised_en_ar_pairs]
    got = engine.generate(english, GenerationSettings(beam_size=beam_size), source="en", target="ar")
    assert got == [a for _, a in memorised_en_ar_pairs]


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_an_english_article_comes_out_in_arabic(
    memorised_en_ar: Path, memorised_en_ar_pairs: list[tuple[str, str]], backend: str
) -> None:
    pairs = memorised_en_ar_pairs
    groups = [pairs[0:3], pairs[3:4], pairs[4:9], pairs[9:12]]
    text = "\n\n".join(" ".join(e for e, _ in group) for group in groups)
    translator = Translator(str(memorised_en_ar), backend=backend, device="cpu")
    result = translator.translate(text, source="auto", beam_size=1)
    assert (result.source, result.target, result.backend) == ("en", "ar", backend)
    assert lines(result.text) == [" ".join(a for _, a in group) for group in groups]
    assert [s.flags for s in result.segments] == [()] * 12  # Arabic out, nothing to flag
    again = translator.translate(text, source="en", target="ar", beam_size=1)
    assert again.text == result.text and again.stats.cached == 12


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m tarjama ARGS`` as a person runs it (environment from the autouse fixture)."""
    done = subprocess.run(
        [sys.executable, "-m", "tarjama", *args],
        capture_output=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=300,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_command_line_translates_english_to_arabic(
    memorised_en_ar: Path, memorised_en_ar_pairs: list[tuple[str, str]], tmp_path: Path, backend: str
) -> None:
    source = tmp_path / "article.txt"
    source.write_text("\n".join(e for e, _ in memorised_en_ar_pairs[12:20]) + "\n", encoding="utf-8")
    args = ["translate", str(source), "--from", "en", "--to", "ar", "--model", str(memorised_en_ar)]
    plain = run_cli(*args, "--backend", backend)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.splitlines() == [a for _, a in memorised_en_ar_pairs[12:20]]
    as_json = run_cli(*args, "--backend", backend, "--json")
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert (answer["source"], answer["target"], answer["backend"]) == ("en", "ar", backend)
    assert [s["translation"] for s in answer["segments"]] == [a for _, a in memorised_en_ar_pairs[12:20]]
    assert all(s["cached"] for s in answer["segments"])  # the plain run filled the cache


@pytest.fixture(scope="module")
def client(memorised_en_ar: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("en-ar-server")
    with (
        running_app(["--mt-model", str(memorised_en_ar)], tmp) as url,
        httpx.Client(base_url=url, timeout=120) as http,
    ):
        yield http


def test_api_translates_english_to_arabic(
    client: httpx.Client, memorised_en_ar_pairs: list[tuple[str, str]]
) -> None:
    pairs = memorised_en_ar_pairs[20:26]
    answer = client.post("/translate", json={"q": [e for e, _ in pairs], "source": "en", "target": "ar"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"translatedText": [a for _, a in pairs]}
    detected = client.post("/translate", data={"q": pairs[0][0], "source": "auto", "target": "ar"})
    assert detected.status_code == 200, detected.text
    assert detected.json()["translatedText"] == pairs[0][1]
    assert detected.json()["detectedLanguage"]["language"] == "en"


def test_api_translates_english_html_to_arabic(
    client: httpx.Client, memorised_en_ar_pairs: list[tuple[str, str]]
) -> None:
    (first, first_ar), (second, second_ar) = memorised_en_ar_pairs[26:28]
    markup = f'<h1 class="t">{first}</h1><p>{second}</p>'
    answer = client.post("/translate", json={"q": markup, "source": "en", "target": "ar", "format": "html"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"] == f'<h1 class="t">{first_ar}</h1><p>{second_ar}</p>'
