"""Glossaries through the server: ``--glossary NAME=FILE``, ``GET /glossaries``, ``/translate``'s
``glossary`` / ``glossary_id`` and ``alternatives``; and ``tarjama translate --glossary``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.appserver import running_app
from tests.test_api import gradio_call

SAMI = "أراد سامي أن يسمع صوت ليلى."
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("glossaries") / "names.tsv"
    path.write_text("ar\ten\nسامي\tSamir\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(
    memorised_ar_en: Path, names: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("glossary-server")
    people = tmp / "people.csv"
    people.write_text("سامي,Samir\nتوم,Thomas\n", encoding="utf-8")
    args = [
        "--mt-model",
        str(memorised_ar_en),
        "--glossary",
        f"names={names}",
        "--glossary",
        f"people={people}",
    ]
    with running_app(args, tmp) as url, httpx.Client(base_url=url, timeout=120) as http:
        yield http


def test_the_server_lists_its_glossaries(client: httpx.Client) -> None:
    assert client.get("/glossaries").json() == [
        {"name": "names", "source": "ar", "target": "en", "entries": 1},
        {"name": "people", "source": "ar", "target": "en", "entries": 2},
    ]


@pytest.mark.parametrize(
    "extra",
    [{"glossary": [["سامي", "Samir"]]}, {"glossary_id": "names"}, {"glossary": '[["سامي", "Samir"]]'}],
)
def test_translate_with_a_glossary(client: httpx.Client, extra: dict) -> None:
    answer = client.post("/translate", json={"q": SAMI, "source": "ar", "target": "en", **extra})
    assert answer.json() == {"translatedText": "Samir wanted to hear Layla's voice."}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"glossary": [["سامي", "Samir"], ["سامي", "Sammy"]]}, "entry 2: 'سامي' already has the target"),
        ({"glossary": [["Sami", "سامي"]]}, "is for en-ar, but the text is translated ar-en"),
        ({"glossary": [["", "Samir"]]}, "entry 1: the source term is empty"),
        ({"glossary_id": "other"}, "unknown glossary 'other'; this server has: names, people"),
        ({"glossary": "[oops"}, "glossary must be a JSON list"),
    ],
)
def test_a_bad_glossary_is_a_400(client: httpx.Client, extra: dict, message: str) -> None:
    answer = client.post("/translate", json={"q": SAMI, "source": "ar", "target": "en", **extra})
    assert answer.status_code == 400
    assert message in answer.json()["error"]


@pytest.mark.parametrize("extra", [{"glossary_id": "names"}, {"glossary": '[["سامي", "Samir"]]'}])
def test_a_translated_file_holds_the_glossary_term(client: httpx.Client, extra: dict) -> None:
    files = {"file": ("statement.txt", f"{SAMI}\n".encode(), "text/plain")}
    answer = client.post("/translate_file", files=files, data={"source": "ar", "target": "en", **extra})
    assert answer.status_code == 200, answer.text
    download = client.get(answer.json()["translatedFileUrl"])
    assert download.text.strip() == "Samir wanted to hear Layla's voice."


def test_a_file_with_a_glossary_of_the_other_direction_is_a_400(client: httpx.Client) -> None:
    files = {"file": ("statement.txt", f"{SAMI}\n".encode(), "text/plain")}
    data = {"source": "ar", "target": "en", "glossary": '[["Sami", "سامي"]]'}
    answer = client.post("/translate_file", files=files, data=data)
    assert answer.status_code == 400 and "is for en-ar" in answer.json()["error"]


def test_the_page_translates_with_a_server_glossary_and_flags_a_missing_term(client: httpx.Client) -> None:
    article = f"{SAMI}\n\nوضع توم السلاح على الأرض."
    translation, status, table, *_ = gradio_call(
        client, "translate_glossary", [article, "auto", "", "people", None]
    )
    assert translation.split("\n\n")[0] == "Samir wanted to hear Layla's voice."
    assert "Thomas" not in translation  # the stand-in never writes it: flagged
    assert 'data-flags=""' in table and 'data-flags="glossary"' in table
    assert "glossary term missing" in table and "1 to check" in status
    plain, *_ = gradio_call(client, "translate", [article, "auto", ""])
    assert plain.split("\n\n")[0] == "Sami wanted to hear Layla's voice."


def test_the_page_refuses_a_glossary_of_the_other_direction(client: httpx.Client) -> None:
    translation, status, *_ = gradio_call(client, "translate_glossary", ["Sami", "en-ar", "", "names", None])
    assert translation == "" and "is for ar-en, but the text is translated en-ar" in status


def test_alternatives_are_the_models_n_best(client: httpx.Client) -> None:
    answer = client.post("/translate", json={"q": SAMI, "source": "ar", "target": "en", "alternatives": 2})
    body = answer.json()
    assert body["translatedText"] == "Sami wanted to hear Layla's voice."
    assert len(body["alternatives"]) == 2
    assert all(alt and alt != body["translatedText"] for alt in body["alternatives"])


def test_the_cli_takes_a_glossary(memorised_ar_en: Path, names: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(SAMI, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "tarjama", "translate", str(source), "--model", str(memorised_ar_en),
         "--glossary", str(names), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(run.stdout)
    assert result["text"] == "Samir wanted to hear Layla's voice."
    assert result["segments"][0]["flags"] == []


def test_the_cli_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("سامي,Samir\nسامي,Sammy\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "tarjama", "glossary", "list", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert (
        run.stderr.strip() == "tarjama: error: bad.csv line 2: 'سامي' already has the target 'Samir' (line 1)"
    )
