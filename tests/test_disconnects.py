"""A client that goes away mid-request (a closed tab, a timeout, a dropped phone connection) is not an
error: the server's log stays free of tracebacks and the server serves the next request."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.appserver import running_app

ARTICLE = "البارحة كان عيد ميلادي. " * 200


def _request(
    method: str, path: str, headers: dict[str, str], body: bytes, length: int | None = None
) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    return head.encode() + body


def _json(payload: object) -> bytes:
    return json.dumps(payload).encode()


CASES = {
    # the body stops half-way and the client hangs up
    "half a JSON body": _request(
        "POST", "/translate", {"Content-Type": "application/json"}, b'{"q": "abc', length=1000
    ),
    "half an upload": _request(
        "POST",
        "/gradio_api/upload",
        {"Content-Type": "multipart/form-data; boundary=xyz"},
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nabc',
        length=5000,
    ),
    # the whole request sent, the client gone before the answer (the model is still working)
    "gone before the answer": _request(
        "POST",
        "/translate",
        {"Content-Type": "application/json"},
        _json({"q": ARTICLE, "source": "ar", "target": "en"}),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_client_that_goes_away_leaves_no_traceback(
    case: str, memorised_ar_en: Path, tmp_path: Path
) -> None:
    with running_app(["--mt-model", str(memorised_ar_en)], tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        for _ in range(3):
            request = CASES[case]
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(request)
                time.sleep(0.3)
            time.sleep(0.5)
        answer = httpx.post(
            f"{base}/translate", json={"q": "مرحبا", "source": "ar", "target": "en"}, timeout=120
        )
        assert answer.status_code == 200
        time.sleep(1)  # what the server logs about the last disconnect
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log and "No response returned" not in log, log[-3000:]
