"""A translate-first summary (Arabic article, English summary) still names the article's language, Arabic,
wherever it is reported: the library's result, `tarjama summarize --json`, batch lines and ``/summarize``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tarjama.cli import main
from tarjama.summarize import Summarizer, SummarizerConfig, SummaryOptions, run_batch
from tarjama.web.api import add_api
from tarjama.web.service import TarjamaService
from tests.batchrun import lines


def article(pairs: list[tuple[str, str]], start: int = 0) -> str:
    """Eight memorised Arabic sentences as a two-paragraph article."""
    chosen = [a for a, _ in pairs[start : start + 8]]
    return " ".join(chosen[:4]) + "\n\n" + " ".join(chosen[4:])


def _library(bart: Path, mt: Path, text: str, tmp: Path, capsys: Any) -> dict[str, Any]:
    result = Summarizer(str(bart), translation_model=str(mt)).summarize(text, to="en", method="abstractive")
    return {"lang": result.lang, "to": result.to, "order": result.order}


def _many(bart: Path, mt: Path, text: str, tmp: Path, capsys: Any) -> dict[str, Any]:
    summarizer = Summarizer(str(bart), translation_model=str(mt))
    (result,) = summarizer.summarize_many([text], lang="ar", to="en", method="abstractive")
    return {"lang": result.lang, "to": result.to, "order": result.order}


def _cli_json(bart: Path, mt: Path, text: str, tmp: Path, capsys: Any) -> dict[str, Any]:
    path = tmp / "article.txt"
    path.write_text(text, encoding="utf-8")
    args = ["summarize", str(path), "--to", "en", "--method", "abstractive", "--model", str(bart)]
    assert main([*args, "--translation-model", str(mt), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return {"lang": data["lang"], "to": data["to"], "order": data["order"]}


def _batch(bart: Path, mt: Path, text: str, tmp: Path, capsys: Any) -> dict[str, Any]:
    source = tmp / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    options = SummaryOptions(to="en", method="abstractive", model=str(bart))
    run_batch(source, tmp / "out.jsonl", options=options, config=SummarizerConfig(translation_model=str(mt)))
    (line,) = lines(tmp / "out.jsonl")
    return {"lang": line["lang"], "to": line["to"]}


def _api(bart: Path, mt: Path, text: str, tmp: Path, capsys: Any) -> dict[str, Any]:
    app = FastAPI()
    add_api(app, TarjamaService(mt_model=str(mt), sum_model=str(bart), device="cpu", use_cache=False))
    with TestClient(app) as client:
        answer = client.post("/summarize", json={"q": text, "target": "en", "method": "abstractive"})
    assert answer.status_code == 200, answer.text
    return {"lang": answer.json()["source"], "to": answer.json()["target"]}


SURFACES: list[tuple[str, Callable[..., dict[str, Any]]]] = [
    ("Summarizer.summarize", _library),
    ("Summarizer.summarize_many", _many),
    ("summarize --json", _cli_json),
    ("summarize batch", _batch),
    ("/summarize", _api),
]


@pytest.mark.parametrize("surface", [f for _, f in SURFACES], ids=[n for n, _ in SURFACES])
def test_a_translate_first_summary_names_the_articles_language(
    surface: Callable[..., dict[str, Any]],
    bart_en: Path,
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reported = surface(bart_en, memorised_ar_en, article(memorised_pairs), tmp_path, capsys)
    expected = {"lang": "ar", "to": "en", "order": "translate-first"}  # order: where the surface shows it
    assert reported == {key: expected[key] for key in reported} and {"lang", "to"} <= set(reported)
