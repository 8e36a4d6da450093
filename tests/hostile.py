"""Tools for the hostile requests of ``test_security_*.py``: raw HTTP, Gradio's API, crafted zips."""

from __future__ import annotations

import io
import json
import socket
import struct
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx


def raw_exchange(base: str, request: bytes, *, wait: float = 60) -> bytes:
    """Send ``request`` over a new connection, send nothing more, and return the start of the answer
    (``b""`` when none came within ``wait`` seconds)."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=wait) as sock:
        sock.sendall(request)
        try:
            return sock.recv(4096)
        except TimeoutError:
            return b""


def status_of(answer: bytes) -> int:
    """The status code of a raw HTTP answer (0 when there was none)."""
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def gradio_event(
    client: httpx.Client, name: str, data: list[Any], headers: dict[str, str] | None = None
) -> tuple[str, Any]:
    """Call a page event through Gradio's API: ``("complete", outputs)``, ``("error", message)``, or
    ``("refused", message)`` when the call was answered 400 ``{"error": message}`` before it started."""
    body = json.dumps({"data": data}).encode()  # as browsers send it: lone surrogates escaped
    started = client.post(
        f"/gradio_api/call/{name}",
        content=body,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    if started.status_code == 400 and set(started.json()) == {"error"}:
        return "refused", started.json()["error"]
    assert started.status_code == 200, started.text
    stream = client.get(f"/gradio_api/call/{name}/{started.json()['event_id']}", headers=headers)
    event = None
    for line in stream.text.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            return event, json.loads(line.split(":", 1)[1])
    raise AssertionError(f"no complete or error event in {stream.text[:500]}")


def gradio_call(
    client: httpx.Client, name: str, data: list[Any], headers: dict[str, str] | None = None
) -> list[Any]:
    """Call a page event through Gradio's API and return its outputs."""
    event, outputs = gradio_event(client, name, data, headers)
    assert event == "complete", outputs
    return list(outputs)


def upload(client: httpx.Client, files: dict[str, bytes]) -> list[dict[str, Any]]:
    """Upload files through Gradio's upload route, as the page does; their ``FileData`` for an event."""
    answer = client.post("/gradio_api/upload", files=[("files", (n, c)) for n, c in files.items()])
    assert answer.status_code == 200, answer.text
    return [file_data(path) for path in answer.json()]


def file_data(path: str | Path) -> dict[str, Any]:
    """What Gradio's API takes for a file: a path on the server."""
    return {"path": str(path), "meta": {"_type": "gradio.FileData"}}


def hostile_zip(members: dict[str, bytes], *, encrypted: str, unknown_method: str) -> bytes:
    """A zip of ``members``; the member ``encrypted`` is flagged as encrypted and ``unknown_method`` is
    stored with compression method 99, which no reader knows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            zipped.writestr(info, data)
    raw = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zipped:
        offsets = {info.filename: info.header_offset for info in zipped.infolist()}
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        name = raw[central + 46 : central + 46 + name_length].decode("utf-8")
        if name == encrypted:
            for flags_at in (central + 8, offsets[name] + 6):
                raw[flags_at] |= 0x1
        if name == unknown_method:
            for method_at in (central + 10, offsets[name] + 8):
                struct.pack_into("<H", raw, method_at, 99)
        central = raw.find(b"PK\x01\x02", central + 46)
    return bytes(raw)


def seconds_for(call: Any) -> tuple[float, Any]:
    """``(seconds, result)`` of ``call()``."""
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result
