"""Hostile requests against a running ``python app.py``: each must get the status the table says, quickly,
and never a server file, a server path, a 500 or a frozen server.

Three servers: an open one (API keys optional), one with a per-client limit behind a named proxy, and one
that requires a key. Uploads and zips go through Gradio's own routes, as the page sends them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.appserver import running_app
from tests.hostile import (
    file_data,
    gradio_call,
    gradio_event,
    hostile_zip,
    raw_exchange,
    seconds_for,
    status_of,
    upload,
)

LIMITED_KEY, FREE_KEY, LIMIT = "tj-limited", "tj-free", 3
PROXY = "127.0.0.2"  # the one proxy the limited server trusts
FAST = 10.0  # seconds: fixed code answers in well under one; the broken regexes took minutes
JSON = {"Content-Type": "application/json"}
SEED = "000_ac9cc5f60d3ec1c9.txt"  # a file of the repository, named relative to the server's folder


def _keys(tmp: Path) -> Path:
    keys = tmp / "keys.txt"
    keys.write_text(f"{LIMITED_KEY} {LIMIT}\n{FREE_KEY}\n", encoding="utf-8")
    return keys


@pytest.fixture(scope="module")
def open_server(
    memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("open-server")
    args = ["--mt-model", str(memorised_ar_en), "--api-keys", str(_keys(tmp)), "--body-timeout", "2"]
    with running_app(args, tmp) as url:
        yield url, tmp


@pytest.fixture(scope="module")
def client(open_server: tuple[str, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=open_server[0], timeout=120) as http:
        yield http


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


GRADIO_HOSTILE = [  # (event, inputs, the output with the message, its words; None: Gradio refuses the value)
    ("translate", ["\ud800", "auto", ""], 1, "not valid Unicode"),
    ("summarize", ["نص \udfff", "extractive", 3, "same", "summarize"], 1, "not valid Unicode"),
    ("summarize", ["One sentence. Two sentences.", "extractive", 1e300, "same"], 1, None),
    (
        "summarize",
        ["One sentence. Two sentences.", "extractive", float("nan"), "same"],
        1,
        "must be a number",
    ),
    ("evaluate_testset", ["tatoeba", "ar-en", "", float("nan"), "extractive"], 0, "must be a number"),
    ("evaluate_testset", ["../../../etc/passwd", "ar-en", "", 5, "extractive"], 0, None),
    ("evaluate_testset", ["tatoeba", "ar-en", "/etc", 5, "extractive"], 0, None),
    ("translate", ["البارحة", "ar-en", "../../models/x"], 1, None),
]


@pytest.mark.parametrize(("event", "data", "where", "needle"), GRADIO_HOSTILE)
def test_hostile_page_events_get_a_message(
    client: httpx.Client, event: str, data: list[Any], where: int, needle: str | None
) -> None:
    kind, outputs = gradio_event(client, event, data)
    if needle is None:
        assert kind == "error"
    else:
        assert kind == "complete" and needle in outputs[where] and 'class="tj-error"' in outputs[where]


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


def test_model_list_shows_folder_names_not_paths(client: httpx.Client, memorised_ar_en: Path) -> None:
    answer = client.post("/translate", json={"q": "نص", "source": "ar", "target": "en", "model": "nope"})
    assert answer.status_code == 400
    assert memorised_ar_en.name in answer.json()["error"] and str(memorised_ar_en.parent) not in answer.text
    by_name = {"q": "نص", "source": "ar", "target": "en", "model": memorised_ar_en.name}
    assert client.post("/translate", json=by_name).status_code == 200


# --- files: only what this visitor uploaded --------------------------------------------------------


def _planted(open_server: tuple[str, Path]) -> dict[str, Path]:
    """Files a hostile request may name: outside the upload folder, inside it but not uploaded, a link."""
    tmp = open_server[1]
    secret = tmp / "secret.txt"
    secret.write_text("The secret sentence is here. It must never be read. Nobody uploaded it.\n")
    inside = tmp / "gradio" / "planted" / "inside.txt"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text(secret.read_text())
    link = inside.parent / "link.txt"
    if not link.exists():
        link.symlink_to(secret)
    return {"absolute": secret, "inside": inside, "link": link, "relative": Path("seeds") / SEED}


@pytest.mark.parametrize("which", ["absolute", "inside", "link", "relative"])
def test_batch_opens_no_file_it_was_not_given(
    client: httpx.Client, open_server: tuple[str, Path], which: str
) -> None:
    path = _planted(open_server)[which]
    status, results = gradio_call(
        client, "batch", [[file_data(path)], "extractive", 3, "same", "summarize", ""]
    )
    assert (
        results == []
        and "not uploaded here" in status
        and "secret" not in status.lower().replace(path.name, "")
    )


@pytest.mark.parametrize("which", ["absolute", "inside", "link", "relative"])
def test_evaluation_opens_no_file_it_was_not_given(
    client: httpx.Client, open_server: tuple[str, Path], which: str
) -> None:
    path = _planted(open_server)[which]
    ours = upload(client, {"refs.txt": b"a reference line\n"})
    for hyps, refs in (([file_data(path)], ours), (ours, [file_data(path)])):
        error, scores, plots, reports = gradio_call(client, "evaluate_files", [hyps, refs, "mt"])
        assert "not uploaded here" in error and (scores, plots, reports) == ("", [], [])


def test_another_visitors_upload_is_refused(client: httpx.Client, open_server: tuple[str, Path]) -> None:
    [mine] = upload(client, {"mine.txt": b"My own article. It has two sentences.\n"})
    transport = httpx.HTTPTransport(local_address="127.0.0.3")
    with httpx.Client(base_url=open_server[0], timeout=120, transport=transport) as other:
        status, results = gradio_call(other, "batch", [[mine], "extractive", 1, "same", "summarize", ""])
    assert results == [] and "not uploaded here" in status
    status, results = gradio_call(client, "batch", [[mine], "extractive", 1, "same", "summarize", ""])
    assert "1 of 1 article summarised" in status and len(results) == 3


def test_messages_name_uploads_as_the_visitor_named_them(
    client: httpx.Client, open_server: tuple[str, Path]
) -> None:
    files = upload(client, {"notext.csv": b"a,b\n1,2\n"})
    status, _ = gradio_call(client, "batch", [files, "extractive", 3, "same", "summarize", ""])
    assert "</strong>Notext.csv needs a header row" in status  # the page starts a message in capitals
    assert str(open_server[1]) not in status and "/gradio" not in status


def test_every_zip_member_is_summarised_or_reported(client: httpx.Client) -> None:
    article = "The first sentence of the article. A second sentence follows it. The third one ends it.\n"
    members = {name: article.encode() for name in ("a/b.txt", "a__b.txt", "c.txt", "../c.txt", "C.TXT")}
    members |= {"locked.txt": article.encode(), "odd.txt": article.encode(), "x" * 250 + ".txt": b"long"}
    archive = hostile_zip(members, encrypted="locked.txt", unknown_method="odd.txt")
    files = upload(client, {"articles.zip": archive})
    status, results = gradio_call(client, "batch", [files, "extractive", 1, "same", "summarize", ""])
    assert f"4 of {len(members)} articles summarised" in status and "4 with errors" in status
    jsonl, _, errors = (client.get(f"/gradio_api/file={r['path']}").text for r in results)
    ids = [json.loads(line)["id"] for line in jsonl.splitlines()]
    assert len(set(ids)) == 4 and len(ids) == 4
    reasons = {json.loads(line)["where"]: json.loads(line)["reason"] for line in errors.splitlines()}
    assert sorted(reasons) == sorted(
        f"articles.zip: {n}" for n in ("../c.txt", "locked.txt", "odd.txt", "x" * 250 + ".txt")
    )
    assert all(reasons.values())


# --- keys and limits on every way in ----------------------------------------------------------------


@pytest.fixture(scope="module")
def limited(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("limited-server")
    args = ["--mt-model", str(memorised_ar_en), "--req-limit", str(LIMIT), "--forwarded-allow-ips", PROXY]
    with running_app(args, tmp) as url:
        yield url


def _client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=120, transport=httpx.HTTPTransport(local_address=address))


def test_forwarded_for_from_an_untrusted_client_is_ignored(limited: str) -> None:
    with _client_from(limited, "127.0.0.1") as http:
        statuses = [
            http.post("/detect", json={"q": "hello"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(LIMIT + 2)
        ]
    assert statuses == [200] * LIMIT + [429] * 2


def test_forwarded_for_from_the_named_proxy_is_honoured(limited: str) -> None:
    with _client_from(limited, PROXY) as proxy:
        fresh = [
            proxy.post("/detect", json={"q": "hi"}, headers={"X-Forwarded-For": f"10.1.0.{i}"})
            for i in range(5)
        ]
        same = [
            proxy.post("/detect", json={"q": "hi"}, headers={"X-Forwarded-For": "10.2.0.1"}) for _ in range(5)
        ]
    assert [a.status_code for a in fresh] == [200] * 5
    assert [a.status_code for a in same] == [200] * LIMIT + [429] * 2


def test_page_events_and_the_api_share_one_limit(limited: str) -> None:
    with _client_from(limited, "127.0.0.4") as http:
        assert [http.post("/detect", json={"q": "hi"}).status_code for _ in range(LIMIT - 1)] == [200] * (
            LIMIT - 1
        )
        assert gradio_call(
            http, "summarize", ["One sentence here. Another one there.", "extractive", 1, "same", "summarize"]
        )
        refused = http.post("/gradio_api/call/translate", json={"data": ["hello", "auto", ""]})
        assert refused.status_code == 429 and "per minute" in refused.json()["error"]
        assert http.post("/detect", json={"q": "hi"}).status_code == 429


@pytest.fixture(scope="module")
def keyed(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("keyed-server")
    args = ["--mt-model", str(memorised_ar_en), "--api-keys", str(_keys(tmp)), "--require-api-key"]
    with running_app(args, tmp) as url:
        yield url


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),
        ({"X-API-Key": "nope"}, 403),
        ({"Authorization": "Bearer nope"}, 403),
        ({"Cookie": "tarjama_api_key=x"}, 403),
    ],
)
def test_gradio_api_needs_a_key_when_keys_are_required(
    keyed: str, headers: dict[str, str], status: int
) -> None:
    with httpx.Client(base_url=keyed, timeout=120) as http:
        for path, body in (("/gradio_api/call/translate", {"json": {"data": ["hello", "auto", ""]}}),
                           ("/gradio_api/upload", {"files": [("files", ("a.txt", b"x"))]})):  # fmt: skip
            answer = http.post(path, headers=headers, **body)
            assert answer.status_code == status and "error" in answer.json()


def test_a_key_opens_gradio_api_and_the_page(keyed: str, memorised_pairs: list[tuple[str, str]]) -> None:
    arabic, english = memorised_pairs[0]
    with httpx.Client(base_url=keyed, timeout=120) as http:
        outputs = gradio_call(http, "translate", [arabic, "ar-en", ""], headers={"X-API-Key": FREE_KEY})
        assert outputs[0] == english
        page = http.get("/", params={"api_key": FREE_KEY})
        assert page.status_code == 200 and http.cookies.get("tarjama_api_key") == FREE_KEY
        assert (
            gradio_call(http, "translate", [arabic, "ar-en", ""])[0] == english
        )  # the cookie carries the key
