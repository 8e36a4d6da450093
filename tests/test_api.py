"""The LibreTranslate-compatible API and Gradio's API, over HTTP against a running ``python app.py``.

The server translates with the memorised stand-in Marian, so answers are checked word for word.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.appserver import running_app

LIMITED_KEY, LIMIT = "tj-limited", 3
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's folder: its caches, its keys file and ``server.log``."""
    return tmp_path_factory.mktemp("api-server")


@pytest.fixture(scope="module")
def base(memorised_ar_en: Path, server_dir: Path) -> Iterator[str]:
    tmp = server_dir
    keys = tmp / "keys.txt"
    keys.write_text(f"# test keys\n{LIMITED_KEY} {LIMIT}\ntj-free\n", encoding="utf-8")
    with running_app(["--mt-model", str(memorised_ar_en), "--api-keys", str(keys)], tmp) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as http:
        yield http


def test_translate_a_string(client: httpx.Client, memorised_pairs: list[tuple[str, str]]) -> None:
    arabic, english = memorised_pairs[0]
    answer = client.post("/translate", json={"q": arabic, "source": "ar", "target": "en"})
    assert answer.status_code == 200
    assert answer.json() == {"translatedText": english}


def test_translate_a_list_with_detection(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    pairs = memorised_pairs[1:5]
    answer = client.post("/translate", json={"q": [a for a, _ in pairs], "source": "auto", "target": "en"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["translatedText"] == [e for _, e in pairs]
    assert [d["language"] for d in body["detectedLanguage"]] == ["ar"] * len(pairs)
    assert all(90 <= d["confidence"] <= 100 for d in body["detectedLanguage"])


@pytest.mark.parametrize("encoding", ["urlencoded", "raw-utf8", "multipart", "query"])
def test_form_and_query_bodies(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]], encoding: str
) -> None:
    """LibreTranslate clients (libretranslatepy, curl -d) send forms, not JSON."""
    arabic, english = memorised_pairs[5]
    fields = {"q": arabic, "source": "ar", "target": "en", "format": "text"}
    if encoding == "urlencoded":
        answer = client.post("/translate", data=fields)
    elif encoding == "raw-utf8":
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode("utf-8")
        answer = client.post(
            "/translate", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    elif encoding == "multipart":
        answer = client.post("/translate", files={k: (None, v) for k, v in fields.items()})
    else:
        answer = client.post("/translate", params=fields)
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"] == english


def test_html_keeps_its_markup(client: httpx.Client, memorised_pairs: list[tuple[str, str]]) -> None:
    (first, first_en), (second, second_en) = memorised_pairs[6:8]
    script = '<script>var title = "عنوان";</script>'
    markup = f'<div class="story"><h1>{first}</h1>\n<!-- note -->{script}<p dir="rtl">{second}</p></div>'
    answer = client.post("/translate", json={"q": markup, "source": "ar", "target": "en", "format": "html"})
    assert answer.status_code == 200
    expected = (
        f'<div class="story"><h1>{html.escape(first_en, quote=False)}</h1>\n<!-- note -->{script}'
        f'<p dir="rtl">{html.escape(second_en, quote=False)}</p></div>'
    )
    assert answer.json()["translatedText"] == expected


def test_languages(client: httpx.Client) -> None:
    answer = client.get("/languages")
    assert answer.status_code == 200
    assert answer.json() == [
        {"code": "ar", "name": "Arabic", "targets": ["en", "ckb"]},
        {"code": "en", "name": "English", "targets": ["ar", "ckb"]},
        {"code": "ckb", "name": "Central Kurdish (Sorani)", "targets": ["ar", "en"]},  # NLLB-200 1.3B
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("البارحة كان عيد ميلادي.", "ar"),
        ("Yesterday was my birthday.", "en"),
        ("قال: <b>OK</b> شكرا", "ar"),
        ("ئەمڕۆ ڕۆژی لەدایکبوونی منە.", "ckb"),
        ("دیروز روز تولد من بود و همه خانواده آمدند.", "fa"),
    ],
)
def test_detect(client: httpx.Client, text: str, language: str) -> None:
    answer = client.post("/detect", data={"q": text})
    assert answer.status_code == 200
    found = answer.json()
    assert found[0]["language"] == language
    assert 50 <= found[0]["confidence"] <= 100
    assert 1 < len(found) <= 3 and len({f["language"] for f in found}) == len(found)
    confidences = [f["confidence"] for f in found]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 100.5


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("path", "kwargs", "needle"),
    [
        ("/translate", {"json": {"source": "ar", "target": "en"}}, "missing q"),
        ("/translate", {"json": {"q": "", "source": "ar", "target": "en"}}, "missing q"),
        ("/translate", {"json": {"q": "نص", "target": "en"}}, "missing source"),
        ("/translate", {"json": {"q": "نص", "source": "ar"}}, "missing target"),
        ("/translate", {"json": {"q": "نص", "source": "ar", "target": "fr"}}, "'fr' is not supported"),
        ("/translate", {"json": {"q": "نص", "source": "de", "target": "en"}}, "'de' is not supported"),
        ("/translate", {"json": {"q": "نص", "source": "ar", "target": "en", "format": "pdf"}}, "pdf format"),
        ("/translate", {"json": {"q": 42, "source": "ar", "target": "en"}}, "list of strings"),
        ("/translate", {"json": {"q": ["a", 1], "source": "ar", "target": "en"}}, "list of strings"),
        ("/translate", {"json": ["q", "ar"]}, "JSON object"),
        ("/translate", {"content": b'{"q": "x",', "headers": JSON}, "Invalid JSON"),
        ("/translate", {"content": b"\xff\xfe", "headers": JSON}, "Invalid JSON"),
        ("/translate", {"json": {"q": "نص", "source": "ar", "target": "en", "model": "/etc"}}, "unknown"),
        ("/translate", {"json": {"q": "نص", "source": "ar", "target": "ar"}}, "both Arabic"),
        ("/translate", {"json": {"q": "Text", "source": "en", "target": "en"}}, "both English"),
        ("/detect", {"data": {}}, "missing q"),
        ("/summarize", {"json": {"q": "نص", "sentences": "three"}}, "whole number"),
    ],
)
def test_bad_bodies_are_400_with_a_message(
    client: httpx.Client, path: str, kwargs: dict[str, Any], needle: str
) -> None:
    answer = client.post(path, **kwargs)
    assert answer.status_code == 400, answer.text
    assert needle in answer.json()["error"]


def test_over_long_input_is_refused(client: httpx.Client) -> None:
    limits = client.post("/translate", json={"q": "ب" * 100_001, "source": "ar", "target": "en"})
    assert limits.status_code == 400
    assert "characters; the limit is 100,000" in limits.json()["error"]
    many = client.post("/translate", json={"q": ["ب"] * 129, "source": "ar", "target": "en"})
    assert many.status_code == 400
    assert "129 texts" in many.json()["error"]


def test_model_that_cannot_be_had_is_503_naming_model_and_fix(client: httpx.Client) -> None:
    answer = client.post(
        "/translate", json={"q": "البارحة", "source": "ar", "target": "en", "model": "opus-mt-tc-big-ar-en"}
    )
    assert answer.status_code == 503
    message = answer.json()["error"]
    assert "opus-mt-tc-big-ar-en" in message
    assert "tarjama models pull opus-mt-tc-big-ar-en" in message


def test_a_direction_the_servers_model_cannot_do_is_never_answered_in_the_wrong_language(
    client: httpx.Client, memorised_ar_en: Path
) -> None:
    named = client.post(
        "/translate", json={"q": "Hello.", "source": "en", "target": "ar", "model": str(memorised_ar_en)}
    )
    assert named.status_code == 400
    assert named.json()["error"] == (  # the server's folder by its name, never its path
        f"model {memorised_ar_en.name} cannot translate en→ar: it translates ar→en only"
    )
    for path in ("/translate", "/summarize"):  # no model named: the en→ar default (tc-big), not available
        answer = client.post(
            path, json={"q": "The minister arrived. He spoke.", "source": "en", "target": "ar"}
        )
        assert answer.status_code == 503, answer.text
        assert "opus-mt-tc-big-en-ar" in answer.json()["error"]


def test_start_up_lists_each_model_with_directions_and_local_state(
    client: httpx.Client, server_dir: Path, memorised_ar_en: Path
) -> None:
    lines = (server_dir / "server.log").read_text(encoding="utf-8").splitlines()
    models = {line.split()[2]: line for line in lines if line.startswith("tarjama: model ")}
    assert "— ar→en, " in models[memorised_ar_en.name] and "(local folder, " in models[memorised_ar_en.name]
    assert models["opus-mt-en-ar"].endswith("(not downloaded)") and "— en→ar, " in models["opus-mt-en-ar"]
    assert "— ar→en, en→ar, " in models["nllb-200-distilled-600M"]


def test_api_keys_and_rate_limit(client: httpx.Client) -> None:
    refused = client.post("/detect", json={"q": "hello", "api_key": "nope"})
    assert (refused.status_code, refused.json()) == (403, {"error": "Invalid API key"})
    body = {"q": "hello", "api_key": LIMITED_KEY}
    statuses = [client.post("/detect", json=body).status_code for _ in range(5)]
    assert statuses == [200] * LIMIT + [429] * (5 - LIMIT)
    limited = client.post("/detect", data={"q": "hello", "api_key": LIMITED_KEY})
    assert limited.status_code == 429
    assert "limit is 3 per minute" in limited.json()["error"]
    assert int(limited.headers["Retry-After"]) > 0
    # other keys and keyless clients are not affected
    assert client.post("/detect", json={"q": "hello", "api_key": "tj-free"}).status_code == 200
    assert client.post("/detect", json={"q": "hello"}).status_code == 200


def test_summarize_a_string_and_a_list(client: httpx.Client) -> None:
    article = (SEEDS / "ant_CN-middleEast-259-20180313.txt").read_text(encoding="utf-8")
    other = (SEEDS / "ant_SK-economy-210-20180325.txt").read_text(encoding="utf-8")
    one = client.post("/summarize", json={"q": article, "sentences": 2})
    assert one.status_code == 200, one.text
    body = one.json()
    assert (body["source"], body["target"], body["method"], body["model"]) == ("ar", "ar", "extractive", None)
    assert len(body["sentences"]) == 2
    assert all(sentence in body["summary"] for sentence in body["sentences"])
    many = client.post("/summarize", data={"q": [article, other], "sentences": "1", "source": "ar"})
    assert many.status_code == 200, many.text
    assert many.json()["summary"][0] == body["sentences"][0]
    assert len(many.json()["summary"]) == 2


def test_summary_in_the_other_language_uses_the_translator(client: httpx.Client) -> None:
    article = (SEEDS / "ant_CN-middleEast-259-20180313.txt").read_text(encoding="utf-8")
    answer = client.post("/summarize", json={"q": article, "sentences": 1, "target": "en"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["source"], body["target"]) == ("ar", "en")
    assert body["summary"] and not any("\u0600" <= ch <= "\u06ff" for ch in body["summary"])


def test_abstractive_summary_without_its_model_is_503(client: httpx.Client) -> None:
    answer = client.post("/summarize", json={"q": "البارحة كان عيد ميلادي. " * 5, "method": "abstractive"})
    assert answer.status_code == 503
    assert "mt5-xlsum" in answer.json()["error"] and "tarjama models pull" in answer.json()["error"]


def gradio_call(client: httpx.Client, name: str, data: list[Any]) -> list[Any]:
    """Call a page event through Gradio's own HTTP API and return its outputs."""
    started = client.post(f"/gradio_api/call/{name}", json={"data": data})
    assert started.status_code == 200, started.text
    event_id = started.json()["event_id"]
    stream = client.get(f"/gradio_api/call/{name}/{event_id}")
    event = None
    for line in stream.text.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "complete":
            return list(json.loads(line.split(":", 1)[1]))
    raise AssertionError(f"no complete event in {stream.text[:500]}")


def test_gradio_api_translate(client: httpx.Client, memorised_pairs: list[tuple[str, str]]) -> None:
    pairs = memorised_pairs[8:11]
    article = "\n\n".join(a for a, _ in pairs)
    translation, status, table, *_ = gradio_call(client, "translate", [article, "auto", ""])
    assert translation.split("\n\n") == [e for _, e in pairs]
    assert "Arabic → English" in status and "(detected)" in status
    assert table.count("<tr class=") == len(pairs)


def test_gradio_api_summarize(client: httpx.Client) -> None:
    article = (SEEDS / "ant_SK-economy-210-20180325.txt").read_text(encoding="utf-8")
    outputs = gradio_call(client, "summarize", [article, "extractive", 2, "same"])
    summary, status, highlighted, download = outputs
    assert "Extractive summary" in status and "2 sentences" in status
    assert highlighted.count("<mark") == 2
    assert download["orig_name"] == "summary-ar-ar.txt"
    assert summary


def test_gradio_api_evaluate_a_bundled_test_set(client: httpx.Client) -> None:
    inputs = ["tatoeba", "ar-en", "", 5, "extractive"]
    error, scores, plots, reports = gradio_call(client, "evaluate_testset", inputs)
    assert error == ""
    assert "5 items" in scores and "<td>sentences</td>" in scores and "nrefs:1" in scores
    assert len(plots) == 3
    assert [Path(r["orig_name"]).name for r in reports] == ["report.zip"]


def test_gradio_api_evaluate_a_summary_test_set(client: httpx.Client) -> None:
    inputs = ["easc", "ar-en", "", 3, "extractive"]
    error, scores, _, reports = gradio_call(client, "evaluate_testset", inputs)
    assert error == ""
    assert "3 items, 5 references, summary metrics in ar" in scores
    assert "<td>extractive</td>" in scores and "<td>lead-k</td>" in scores and "rouge" in scores.lower()
    assert "Length rule: k = the mean sentence count of the item&#x27;s references" in scores
    assert [Path(r["orig_name"]).name for r in reports] == ["report.zip"]


def test_html_output_is_escaped(client: httpx.Client, memorised_pairs: list[tuple[str, str]]) -> None:
    """Text that decodes to markup (entities in a text node) must come back escaped, never as live tags."""
    arabic, english = memorised_pairs[8]
    pieces = [
        f"<p>{arabic}</p>",
        "<p>&lt;img src=x onerror=alert(1)&gt;</p>",  # no Arabic words: copied, still escaped
        "<p>Q&amp;A &lt;b&gt;news&lt;/b&gt; &quot;AT&amp;T&quot; &#x3C;i&#62;</p>",
    ]
    answer = client.post(
        "/translate", json={"q": "".join(pieces), "source": "ar", "target": "en", "format": "html"}
    )
    assert answer.status_code == 200
    expected = (
        f"<p>{html.escape(english, quote=False)}</p>"
        "<p>&lt;img src=x onerror=alert(1)&gt;</p>"
        '<p>Q&amp;A &lt;b&gt;news&lt;/b&gt; "AT&amp;T" &lt;i&gt;</p>'
    )
    assert answer.json()["translatedText"] == expected
