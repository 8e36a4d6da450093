"""A batch whose articles fail (here: their model cannot be had) names every file it wrote: the command
line in its closing line, the page in its message and its downloads."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.appserver import running_app
from tests.hostile import gradio_call, upload
from tests.test_models_import import run

ARTICLES = [
    {"id": "a", "text": "البارحة كان عيد ميلادي."},
    {"id": "b", "text": ""},  # bad records: go to the errors file before the model is needed
    {"id": "a", "text": "مرحبا."},
]


def _jsonl() -> str:
    return "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES)


def test_the_command_line_names_the_errors_file_it_left(tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text(_jsonl(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run("translate", "batch", str(source), "-o", str(out))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"3 errors ({tmp_path / 'out.errors.jsonl'})" in done.stdout + done.stderr
    errors = (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(errors) == 3 and sum("is not available" in line for line in errors) == 1


def test_the_page_names_and_offers_the_errors_file_it_left(memorised_ar_en: Path, tmp_path: Path) -> None:
    with (
        running_app(["--mt-model", str(memorised_ar_en)], tmp_path) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        files = upload(client, {"articles.jsonl": _jsonl().encode()})
        inputs = [files, "extractive", 3, "en", "translate", "opus-mt-tc-big-ar-en"]
        status, results = gradio_call(client, "batch", inputs)
    assert "3 with errors" in status and "tarjama models import" in status
    assert "translations.errors.jsonl" in [Path(r["orig_name"]).name for r in results]
