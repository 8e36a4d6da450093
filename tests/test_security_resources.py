"""Resources: scoring over its limits is refused, one visitor's big job holds up no other, and full disks
keep finished work and leave no partial upload.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import httpx
import pytest

from tarjama.inference.settings import MAX_EVAL_FILE_ITEMS, MAX_EVAL_FILES
from tests.appserver import running_app
from tests.faults import faults
from tests.hostile import (
    gradio_call,
    upload,
)
from tests.security_servers import client_from

pytest_plugins = ["tests.security_servers"]  # the open server and its client


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
        client_from(url, "127.0.0.1") as big,
        client_from(url, "127.0.0.5") as small,
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
