"""Who may call a running ``python app.py``: per-client limits behind a named proxy, keys on every way in
(every route but the public ones), and pages of other origins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.appserver import running_app
from tests.hostile import (
    gradio_call,
)
from tests.security_servers import FREE_KEY, LIMIT, client_from, keys_file

PROXY = "127.0.0.2"  # the one proxy the limited server trusts
ALLOWED_ORIGIN = "http://localhost:5173"  # the one other page the keyed server serves

# --- keys and limits on every way in ----------------------------------------------------------------


@pytest.fixture(scope="module")
def limited(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("limited-server")
    args = ["--mt-model", str(memorised_ar_en), "--req-limit", str(LIMIT), "--forwarded-allow-ips", PROXY]
    with running_app(args, tmp) as url:
        yield url


def test_forwarded_for_from_an_untrusted_client_is_ignored(limited: str) -> None:
    with client_from(limited, "127.0.0.1") as http:
        statuses = [
            http.post("/detect", json={"q": "hello"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(LIMIT + 2)
        ]
    assert statuses == [200] * LIMIT + [429] * 2


def test_forwarded_for_from_the_named_proxy_is_honoured(limited: str) -> None:
    with client_from(limited, PROXY) as proxy:
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
    with client_from(limited, "127.0.0.4") as http:
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
    args = ["--mt-model", str(memorised_ar_en), "--api-keys", str(keys_file(tmp)), "--require-api-key"]
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
