"""Keys, rate limits and body limits on every way into the server, walked from the app's own routes.

The table of ways in is built from the routes of the app ``create_app`` builds (the LibreTranslate routes,
``/health`` and ``/metrics``, and every route of the mounted Gradio app, each Gradio route once per page
event where it names one), so a new route is walked by the key and limit tests as soon as it exists, or
fails the test until it is listed as open with its reason. The app runs in this process (Starlette's
``TestClient``); every refusal here happens before any model work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount

from tarjama.app import create_app
from tarjama.inference.settings import MAX_BODY_BYTES, MAX_UPLOAD_BYTES
from tarjama.web.limits import ApiAccess
from tarjama.web.security import DOWNLOAD_PATH, GRADIO_API, SELF_GATED_PATHS, UPLOAD_PATH, is_public
from tarjama.web.service import TarjamaService

LIMITED, FREE = "tj-limited", "tj-free"
NO_KEY = "Please contact the server operator to get an API key"
BAD_KEY = "Invalid API key"
OVER_LIMIT = "Slowdown: too many requests"
UPLOAD_REQUEST_LIMIT = 80 * 1024 * 1024  # README, Security: "80 MB per upload request"

# The LibreTranslate routes that do work, with a request each that a server without keys would answer.
API_REQUESTS: dict[str, dict[str, Any]] = {
    "/detect": {"q": "hello"},
    "/translate": {"q": "مرحبا بكم", "source": "ar", "target": "en"},
    "/summarize": {"q": "One sentence here. Another one there. A third one.", "sentences": 1},
}
# Routes outside the gate, and why that is safe.
OPEN: dict[tuple[str, str], str] = {
    ("GET", "/languages"): "LibreTranslate's language list, open there too; no model work",
    ("GET", "/health"): "the load balancer's probe; names no path",
    ("GET", "/metrics"): "served to loopback and --metrics-allow networks only",
    ("GET", "/openapi.json"): "the API's description",
    ("GET", "/docs"): "the API's documentation page",
    ("GET", "/docs/oauth2-redirect"): "part of the documentation page",
    ("GET", "/redoc"): "the API's documentation page",
    ("GET", "/"): "the page itself (with ?api_key= it checks the key and sets the cookie)",
    ("HEAD", "/"): "the page itself",
    ("GET", "/config"): "the page's layout, which the page loads first",
    ("GET", "/config/"): "as /config",
    ("GET", "/svelte/{path:path}"): "the page's scripts",
    ("GET", "/static/{path:path}"): "the page's static files",
    ("GET", "/assets/{path:path}"): "the page's static files",
    ("GET", "/favicon.ico"): "an icon",
    ("GET", "/theme.css"): "the page's style",
    ("GET", "/robots.txt"): "a static file",
    ("GET", "/pwa_icon/{size}"): "an icon",
    ("GET", "/pwa_icon"): "an icon",
    ("GET", "/manifest.json"): "a static file",
    ("GET", "/frontend/settings"): "LibreTranslate's settings (limits, languages, file formats); no work",
    ("GET", DOWNLOAD_PATH + "/{token}/{name}"): "a translated file: only its uploader's address, by an "
    "unguessable token, for an hour (LibreTranslate's clients fetch it without a key)",
}
# Gradio's other routes (/login, /logout, /monitoring ...) are gated like its API: walked below as well.


@dataclass(frozen=True)
class WayIn:
    method: str
    template: str  # the route's path as the app declares it
    path: str  # with its parameters filled in
    api: bool  # a LibreTranslate route (key in the body) rather than Gradio's API (key in a header)
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        """Whether the request counts against the rate limit (work is started or a file uploaded)."""
        return self.method == "POST"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included router
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Mount):
            yield from _routes(route.routes, prefix + route.path)
        else:
            for method in sorted(getattr(route, "methods", None) or {"WEBSOCKET"}):
                yield method, prefix + getattr(route, "path", "")


def _events(app: FastAPI) -> dict[int, str]:
    """The page's events by index: ``{fn_index: api_name}``."""
    (mount,) = [r for r in app.routes if isinstance(r, Mount)]
    return {index: fn.api_name for index, fn in mount.app.get_blocks().fns.items()}


def ways_in(app: FastAPI) -> tuple[list[WayIn], set[tuple[str, str]]]:
    """Every gated way into ``app``, and the routes that are neither gated nor listed in :data:`OPEN`."""
    events = _events(app)
    found: list[WayIn] = []
    unlisted: set[tuple[str, str]] = set()
    for method, template in _routes(app.routes):
        if (method, template) in OPEN or (method == "HEAD" and ("GET", template) in OPEN):
            continue
        if template in API_REQUESTS and method == "POST":
            found.append(WayIn(method, template, template, True, API_REQUESTS[template]))
        elif template in SELF_GATED_PATHS and method == "POST":  # checks the key before reading the body
            found.append(WayIn(method, template, template, True, {}))
        elif template.startswith(GRADIO_API) and method in ("GET", "POST", "HEAD"):
            names = events.values() if "{api_name}" in template else [None]
            for name in names:
                path = re.sub(r"\{[^}]+\}", "x", template.replace("{api_name}", name or ""))
                for index in events if template.endswith("/queue/join") else [None]:
                    body = {"data": [], "fn_index": index, "session_hash": "x"} if index is not None else {}
                    found.append(WayIn(method, template, path, False, body))
        elif method in ("GET", "POST", "HEAD") and not is_public(template):
            found.append(WayIn(method, template, re.sub(r"\{[^}]+\}", "x", template), False))
        else:
            unlisted.add((method, template))
    return found, unlisted


@pytest.fixture(scope="module")
def app(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("ways-in")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_TEMP_DIR", str(tmp / "gradio"))
        service = TarjamaService(mt_model=str(memorised_ar_en), device="cpu", use_cache=False)
        access = ApiAccess(keys={LIMITED: 1, FREE: 0}, require_key=True)
        yield create_app(service, tmp / "work", access=access)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as http:
        yield http


def _send(client: TestClient, way: WayIn, key: str | None) -> Any:
    if way.api:
        body = way.body | ({"api_key": key} if key else {})
        return client.request(way.method, way.path, json=body)
    headers = {"X-API-Key": key} if key else {}
    if way.method == "POST":
        return client.post(way.path, json=way.body, headers=headers)
    return client.request(way.method, way.path, headers=headers)


def _refusal(answer: Any) -> tuple[int, str]:
    try:
        message = answer.json().get("error", "")
    except ValueError:
        message = ""
    return answer.status_code, message if isinstance(message, str) else ""


def test_every_route_is_a_gated_way_in_or_open_for_a_stated_reason(app: FastAPI) -> None:
    found, unlisted = ways_in(app)
    assert not unlisted, f"routes neither gated nor listed in OPEN: {sorted(unlisted)}"
    templates = {(w.method, w.template) for w in found}
    assert {("POST", path) for path in API_REQUESTS} <= templates
    assert ("POST", UPLOAD_PATH) in templates
    events = set(_events(app).values())
    assert {"translate", "summarize", "batch"} <= events
    assert all(f"/gradio_api/call/{name}" in {w.path for w in found} for name in events)


def test_every_way_in_needs_a_key_when_keys_are_required(app: FastAPI, client: TestClient) -> None:
    wrong = []
    for way in ways_in(app)[0]:
        for key, expected in ((None, (400, NO_KEY)), ("tj-unknown", (403, BAD_KEY))):
            if way.method == "HEAD":
                expected = (expected[0], "")  # a HEAD answer has no body
            got = _refusal(_send(client, way, key))
            if got != expected:
                wrong.append(f"{way} key={key}: {got}")
    assert not wrong, "\n".join(wrong)


def test_every_counted_way_in_is_limited(app: FastAPI, client: TestClient) -> None:
    assert (
        client.post("/detect", json={"q": "hello", "api_key": LIMITED}).status_code == 200
    )  # the one allowed
    wrong = []
    for way in ways_in(app)[0]:
        if not way.counted:
            continue
        answer = _send(client, way, LIMITED)
        status, message = _refusal(answer)
        if status != 429 or not message.startswith(OVER_LIMIT) or not answer.headers.get("Retry-After"):
            wrong.append(f"{way}: {status} {message}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", list(API_REQUESTS))
def test_a_valid_key_lets_each_api_request_through(client: TestClient, path: str) -> None:
    answer = client.post(path, json=API_REQUESTS[path] | {"api_key": FREE})
    assert answer.status_code == 200, answer.text


# --- the upload route's own body limit ---------------------------------------------------------------


def test_the_upload_limit_is_four_files_worth() -> None:
    assert UPLOAD_REQUEST_LIMIT == 4 * MAX_UPLOAD_BYTES


@pytest.mark.parametrize("path", [UPLOAD_PATH, "/translate", "/gradio_api/call/translate"])
def test_a_declared_body_over_the_routes_limit_is_refused(client: TestClient, path: str) -> None:
    limit = UPLOAD_REQUEST_LIMIT if path == UPLOAD_PATH else MAX_BODY_BYTES
    headers = {"Content-Length": str(limit + 1), "X-API-Key": FREE, "Content-Type": "application/json"}
    answer = client.post(path, content=b"{}", headers=headers)
    assert _refusal(answer) == (413, f"the request body is over the limit of {limit:,} bytes")


def test_a_streamed_upload_over_the_limit_is_refused(client: TestClient) -> None:
    """Five files, each within the per-file limit, sent without a ``Content-Length``."""
    chunk = b"a" * (1024 * 1024)
    per_file = UPLOAD_REQUEST_LIMIT // 5 + len(chunk)

    def body() -> Iterator[bytes]:
        for number in range(5):
            part = f'Content-Disposition: form-data; name="files"; filename="{number}.txt"'
            yield f"--b\r\n{part}\r\n\r\n".encode()
            for _ in range(per_file // len(chunk)):
                yield chunk
            yield b"\r\n"
        yield b"--b--\r\n"

    headers = {"X-API-Key": FREE, "Content-Type": "multipart/form-data; boundary=b"}
    answer = client.post(UPLOAD_PATH, content=body(), headers=headers)
    assert _refusal(answer) == (413, f"the request body is over the limit of {UPLOAD_REQUEST_LIMIT:,} bytes")


def test_an_upload_over_the_body_limit_but_within_its_own_is_taken(client: TestClient) -> None:
    size = MAX_UPLOAD_BYTES - 1024  # two files, each within the per-file limit, together 20× the body limit
    files = [("files", (f"{name}.txt", b"a" * size)) for name in ("one", "two")]
    answer = client.post(UPLOAD_PATH, files=files, headers={"X-API-Key": FREE})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()) == 2
