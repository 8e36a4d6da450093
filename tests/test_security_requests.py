"""Hostile requests against a running ``python app.py``: malformed bodies, parameters and page events,
bodies and headers over their limits, text built to make a pattern backtrack. Each must get the status the
table says, quickly, and an error, never a 500 or a frozen server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hostile import (
    file_data,
    gradio_event,
    raw_exchange,
    seconds_for,
    status_of,
)
from tests.security_servers import FREE_KEY

pytest_plugins = ["tests.security_servers"]  # the open server and its client

FAST = 10.0  # seconds: fixed code answers in well under one; the broken regexes took minutes
JSON = {"Content-Type": "application/json"}


def _body(text: str) -> dict[str, Any]:
    return {"content": text.encode("utf-8", "surrogatepass"), "headers": JSON}


NESTED = "[" * 100_000
HOSTILE: list[tuple[str, str, dict[str, Any], int]] = [
    # lone surrogates, in the text and in every other parameter
    ("/translate", "q", {"json": {"q": "\ud800", "source": "ar", "target": "en"}}, 400),
    ("/translate", "source", {"json": {"q": "نص", "source": "\udfff", "target": "en"}}, 400),
    ("/translate", "format", {"json": {"q": "نص", "source": "ar", "target": "en", "format": "\ud800"}}, 400),
    ("/translate", "model", {"json": {"q": "نص", "source": "ar", "target": "en", "model": "\ud800"}}, 400),
    ("/translate", "list", {"json": {"q": ["ok", "\ud800"], "source": "en", "target": "ar"}}, 400),
    ("/summarize", "q", {"json": {"q": "نص طويل \ud800"}}, 400),
    ("/detect", "q", {"json": {"q": "hello \ud800"}}, 400),
    # nesting that recurses without end
    ("/translate", "nested", {"content": NESTED.encode(), "headers": JSON}, 400),
    ("/detect", "nested", {"content": ('{"q": ' + NESTED).encode(), "headers": JSON}, 400),
    # numbers too long, too large, or not numbers
    ("/summarize", "5000 digits", _body('{"q": "نص", "sentences": ' + "9" * 5000 + "}"), 400),
    ("/summarize", "4000 digits", _body('{"q": "نص", "sentences": ' + "9" * 4000 + "}"), 400),
    ("/summarize", "1e400", _body('{"q": "نص", "sentences": 1e400}'), 400),
    ("/summarize", "ratio inf", {"data": {"q": "نص", "ratio": "inf"}}, 400),
    ("/summarize", "ratio nan", _body('{"q": "نص", "ratio": NaN}'), 400),
    ("/summarize", "sentences true", {"json": {"q": "نص", "sentences": True}}, 400),
    (
        "/translate",
        "alternatives",
        _body('{"q": "hello", "source": "en", "target": "ar", "alternatives": 1e400}'),
        400,
    ),
    (
        "/translate",
        "alternatives form",
        {"data": {"q": "hi", "source": "en", "target": "ar", "alternatives": "9" * 5000}},
        400,
    ),
    # a multipart body without its boundary
    (
        "/translate",
        "no boundary",
        {"content": b"q=x", "headers": {"Content-Type": "multipart/form-data"}},
        400,
    ),
    # path tricks where a model is named
    ("/translate", "absolute", {"json": {"q": "نص", "source": "ar", "target": "en", "model": "/etc"}}, 400),
    (
        "/translate",
        "dots",
        {"json": {"q": "نص", "source": "ar", "target": "en", "model": "../../../etc/passwd"}},
        400,
    ),
    ("/translate", "home", {"json": {"q": "نص", "source": "ar", "target": "en", "model": "~/.ssh"}}, 400),
    ("/translate", "hub", {"json": {"q": "نص", "source": "ar", "target": "en", "model": "evil/model"}}, 400),
    # repeated keys
    (
        "/translate",
        "two keys",
        {"data": {"q": "hi", "source": "en", "target": "ar", "api_key": ["a", "b"]}},
        400,
    ),
    ("/translate", "two sources", {"data": {"q": "hi", "source": ["en", "ar"], "target": "ar"}}, 400),
    ("/detect", "key list", {"json": {"q": "hi", "api_key": [FREE_KEY]}}, 400),
    # bodies over the limit, declared or streamed
    ("/translate", "declared", {"content": b"{}" * 1_100_000, "headers": JSON}, 413),
    ("/detect", "streamed", {"content": iter([b" " * 65536] * 40), "headers": JSON}, 413),
    ("/gradio_api/call/translate", "gradio body", {"content": b" " * 3_000_000, "headers": JSON}, 413),
]


@pytest.mark.parametrize(
    ("path", "what", "kwargs", "status"), HOSTILE, ids=[f"{p}-{w}" for p, w, _, _ in HOSTILE]
)
def test_hostile_requests_get_their_status_and_an_error(
    client: httpx.Client, path: str, what: str, kwargs: dict[str, Any], status: int
) -> None:
    if "json" in kwargs:  # as JavaScript's JSON.stringify sends it: lone surrogates as \\ud800 escapes
        kwargs = {"content": json.dumps(kwargs["json"]).encode(), "headers": JSON}
    answer = client.post(path, **kwargs)
    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"} and answer.json()["error"]


REFUSED = -1  # the call is answered 400 {"error"} before the event starts
URL_FILE = file_data("http://example.com/article.txt")
GRADIO_HOSTILE = [  # (event, inputs, the output with the message or REFUSED, its words; None: Gradio refuses)
    ("translate", ["\ud800", "auto", ""], 1, "not valid Unicode"),
    ("summarize", ["نص \udfff", "extractive", 3, "same"], 1, "not valid Unicode"),
    ("summarize", ["One sentence. Two sentences.", "extractive", 1e300, "same"], 1, None),
    ("summarize", ["One sentence. Two sentences.", "extractive", float("nan"), "same"], REFUSED, "a number"),
    ("evaluate_testset", ["tatoeba", "ar-en", "", float("nan"), "extractive"], REFUSED, "must be a number"),
    ("evaluate_testset", ["../../../etc/passwd", "ar-en", "", 5, "extractive"], 0, None),
    ("evaluate_testset", ["tatoeba", "ar-en", "/etc", 5, "extractive"], 0, None),
    ("translate", ["البارحة", "ar-en", "../../models/x"], 1, None),
    # malformed payloads: each input must be what its component takes
    ("translate", ["hello", ["ar-en"], ""], REFUSED, "must be one choice"),
    ("translate", ["hello"], REFUSED, "takes 3 inputs"),
    ("translate", ["hello", "auto", "", file_data("/etc/passwd")], REFUSED, "not one of this page's files"),
    ("translate", [], REFUSED, "takes 3 inputs"),
    ("translate", [["hello"], "auto", ""], REFUSED, "must be text"),
    ("translate", [{"text": "hello"}, "auto", ""], REFUSED, "must be text"),
    ("summarize", ["One sentence. Two sentences.", "extractive", "NaN", "same"], REFUSED, "must be a number"),
    ("summarize", ["One sentence. Two sentences.", "extractive", True, "same"], REFUSED, "must be a number"),
    ("summarize", ["One sentence. Two sentences.", "extractive", 3, {"a": 1}], REFUSED, "one choice"),
    ("batch", ["notalist", "extractive", 3, "same", "summarize", ""], REFUSED, "list of uploaded files"),
    ("batch", [{"path": 1}, "extractive", 3, "same", "summarize", ""], REFUSED, "list of uploaded files"),
    ("batch", [[{"path": 1}], "extractive", 3, "same", "summarize", ""], REFUSED, "by its path"),
    ("evaluate_files", ["x", "y", "mt"], REFUSED, "list of uploaded files"),
    ("evaluate_testset", [["tatoeba"], "ar-en", "", 5, "extractive"], REFUSED, "one choice"),
    # a FileData Gradio would fetch or copy: only this visitor's uploads are taken
    ("batch", [[URL_FILE], "extractive", 3, "same", "summarize", ""], REFUSED, "never by URL"),
    (
        "batch",
        [[file_data("https://127.0.0.1:1/x")], "extractive", 3, "same", "summarize", ""],
        REFUSED,
        "URL",
    ),
    ("batch", [[file_data("file:///etc/passwd")], "extractive", 3, "same", "summarize", ""], REFUSED, "URL"),
    (
        "batch",
        [[file_data("/etc/passwd")], "extractive", 3, "same", "summarize", ""],
        REFUSED,
        "not uploaded",
    ),
    ("evaluate_files", [[URL_FILE], [URL_FILE], "mt"], REFUSED, "never by URL"),
]


@pytest.mark.parametrize(("event", "data", "where", "needle"), GRADIO_HOSTILE)
def test_hostile_page_events_get_a_message(
    client: httpx.Client,
    open_server: tuple[str, Path],
    event: str,
    data: list[Any],
    where: int,
    needle: str | None,
) -> None:
    kind, outputs = gradio_event(client, event, data)
    if needle is None:
        assert kind == "error" and outputs.get("error"), outputs
    elif where == REFUSED:
        assert kind == "refused" and needle in outputs, outputs
    else:
        assert kind == "complete" and needle in outputs[where] and 'class="tj-error"' in outputs[where]
    assert "example.com" not in (open_server[1] / "server.log").read_text()


def test_no_event_takes_a_url_for_a_file(client: httpx.Client) -> None:
    """Through the queue as the page calls events, every event with inputs, downloads included."""
    events = [e for e in client.get("/config").json()["dependencies"] if e["inputs"]]
    assert len(events) >= 6
    for event in events:
        body = {"data": [URL_FILE] * len(event["inputs"]), "fn_index": event["id"], "session_hash": "h1"}
        answer = client.post("/gradio_api/queue/join", json=body)
        assert answer.status_code == 400 and answer.json()["error"], (event["api_name"], answer.text)


def test_oversized_headers_are_refused(client: httpx.Client) -> None:
    answer = client.get("/languages", headers={"X-Padding": "a" * 100_000})
    assert answer.status_code == 431
    assert "headers" in answer.json()["error"]


@pytest.mark.parametrize("length", ["-1", "1e3", "12, 12", "١٢"])
def test_a_bad_content_length_is_refused(open_server: tuple[str, Path], length: str) -> None:
    head = f"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
    assert status_of(raw_exchange(open_server[0], head)) == 400


def test_a_body_that_stops_arriving_is_refused(open_server: tuple[str, Path]) -> None:
    head = b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    head += b"Content-Length: 100\r\n\r\n"
    seconds, answer = seconds_for(lambda: raw_exchange(open_server[0], head + b'{"q": "', wait=60))
    assert status_of(answer) == 408 and seconds < 30


ADVERSARIAL = [
    ("/detect", {"q": "x@" * 50_000}),  # catastrophic backtracking in the e-mail pattern of detection
    ("/translate", {"q": "x@" * 50_000, "source": "auto", "target": "ar"}),
    ("/summarize", {"q": ("x@" * 49_999) + ".a"}),
    ("/translate", {"q": "<!--" * 25_000, "source": "ar", "target": "en", "format": "html"}),
    ("/translate", {"q": "<!" * 50_000, "source": "ar", "target": "en", "format": "html"}),
    ("/translate", {"q": "x" + "\u200c" * 99_998 + "y", "source": "en", "target": "ar"}),
]


@pytest.mark.parametrize(("path", "body"), ADVERSARIAL, ids=[f"{p}-{b['q'][:6]!r}" for p, b in ADVERSARIAL])
def test_adversarial_text_at_the_limit_is_answered_at_once(
    client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    assert sum(len(q) for q in [body["q"]]) <= 100_000
    seconds, answer = seconds_for(lambda: client.post(path, json=body))
    assert answer.status_code in (200, 400, 503), answer.text
    assert seconds < FAST
    assert client.get("/languages").status_code == 200


# One rule for /translate, whether the source is stated or detected: a text with no letters comes back as
# it is; a text in the target language is refused.
SAME_RULE = [
    ({"q": [""], "source": "ar", "target": "en"}, 200, [""]),
    ({"q": [""], "source": "auto", "target": "en"}, 200, [""]),
    ({"q": ["", "123"], "source": "auto", "target": "ar"}, 200, ["", "123"]),
    ({"q": "12 345", "source": "en", "target": "ar"}, 200, "12 345"),
    ({"q": "12 345", "source": "auto", "target": "ar"}, 200, "12 345"),
    ({"q": "", "source": "auto", "target": "en"}, 400, "missing q"),
    ({"q": "Hello there.", "source": "en", "target": "en"}, 400, "both English"),
    ({"q": "Hello there.", "source": "auto", "target": "en"}, 400, "both English"),
    ({"q": ["نص", "Hello there."], "source": "auto", "target": "en"}, 400, "item 2"),
]


@pytest.mark.parametrize(("body", "status", "expected"), SAME_RULE)
def test_a_detected_source_follows_the_rules_of_a_stated_one(
    client: httpx.Client, body: dict[str, Any], status: int, expected: Any
) -> None:
    answer = client.post("/translate", json=body)
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json()["translatedText"] == expected
    else:
        assert expected in answer.json()["error"]


def test_mixed_lists_with_empty_items_translate_the_rest(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    (arabic, english), (arabic2, english2) = memorised_pairs[:2]
    answer = client.post("/translate", json={"q": [arabic, "", arabic2], "source": "auto", "target": "en"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"] == [english, "", english2]
    assert [d["language"] for d in answer.json()["detectedLanguage"]] == ["ar", "ar", "ar"]
