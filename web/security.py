"""What keeps a public server safe: request bodies within limits, keys and rate limits on Gradio's API and
the page's events, and messages that never show a server path. Plain ASGI, no Gradio or FastAPI.

:class:`BodyLimit` refuses a body over its limit before it is read (by ``Content-Length``) or as soon as
it grows past it (413), and a body that stops arriving (408); :class:`GradioGate` applies the shared
:class:`~web.limits.Gate` to every request under Gradio's API.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tarjama.inference.hub import split_direction
from tarjama.web.limits import ApiError, Gate

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

GRADIO_API = "/gradio_api/"
UPLOAD_PATH = "/gradio_api/upload"
FILE_PATH = "/translate_file"  # the API's document upload: bodies up to the upload limit too
KEY_COOKIE = "tarjama_api_key"
# What anyone may fetch without a key: the page's shell and its static files (its events need the key), the
# API's documentation and language list, and /health (generic reasons only); /metrics has its own address
# rule (--metrics-allow). The LibreTranslate routes check the key themselves, as they also take it in the
# body. Every other route, Gradio's included, needs the key when keys are required.
PUBLIC_PATHS = frozenset(
    {
        "/",
        "/config",
        "/config/",
        "/favicon.ico",
        "/theme.css",
        "/robots.txt",
        "/manifest.json",
        "/pwa_icon",
        "/health",
        "/languages",
        "/frontend/settings",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/metrics",
    }
)
DOWNLOAD_PATH = "/download_file"  # POST /translate_file's results: the uploader's address and a token only
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon/", DOWNLOAD_PATH + "/")
SELF_GATED_PATHS = frozenset({"/translate", "/detect", "/summarize", "/translate_file"})
# The folders of an absolute or home-relative path (``/srv/models/opus/`` of ``/srv/models/opus/x.txt``);
# possessive, so a message of any length is scanned once.
_FOLDERS = re.compile(r"(?<![\w/])(?:~|\.\.?)?/(?:[^\s/'\"()\[\],;]++/)++")


def hide_paths(message: str) -> str:
    """``message`` with the folders of every file path taken out, so only file and folder names remain."""
    return _FOLDERS.sub("", message)


def public_model_name(name: str | None) -> str | None:
    """A model's name as visitors see it: a local folder by its own name, never its path."""
    if name is None:
        return None
    direction, where = split_direction(name)
    prefix = f"{direction[0]}-{direction[1]}=" if direction else ""
    if where.startswith(("/", ".", "~")) or Path(where).expanduser().is_dir():
        return prefix + Path(where).name
    return name


def unicode_problem(params: Mapping[str, Any]) -> str | None:
    """What is wrong when some text in ``params`` (names, values, nested lists and objects) cannot be
    encoded as UTF-8 (a lone surrogate such as ``"\\ud800"``); ``None`` when all is well."""
    todo: list[tuple[str, Any]] = [(str(key), value) for key, value in params.items()]
    for key in params:
        todo.append(("a parameter name", key))
    while todo:
        name, value = todo.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"{name} is not valid Unicode text (it holds a lone surrogate)"
        elif isinstance(value, list):
            todo.extend((name, item) for item in value)
        elif isinstance(value, dict):
            todo.extend((name, item) for pair in value.items() for item in pair)
    return None


def client_address(scope: Scope) -> str:
    """The client's address as the server sees it (a trusted proxy's ``X-Forwarded-For`` applied)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(scope: Scope, name: bytes) -> str | None:
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    return values[0].decode("latin-1") if len(values) == 1 else None


async def send_error(send: Send, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
    """Answer ``{"error": message}`` with ``status``."""
    body = json.dumps({"error": message}).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [
        (key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in (headers or {}).items()
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class _Refused(Exception):
    """The body broke a limit; the answer has been sent."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (``upload_limit`` for uploads) with 413, bodies
    that stop arriving for ``idle_seconds`` with 408 and headers over ``header_limit`` bytes with 431;
    nothing over a limit is ever held."""

    def __init__(
        self, app: App, *, limit: int, upload_limit: int, idle_seconds: float, header_limit: int
    ) -> None:
        self.app = app
        self.limit = limit
        self.header_limit = header_limit
        self.upload_limit = upload_limit
        self.idle_seconds = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(key) + len(value) for key, value in scope.get("headers", [])) > self.header_limit:
            await send_error(
                send, 431, f"the request headers are over the limit of {self.header_limit:,} bytes"
            )
            return
        limit = self.upload_limit if scope["path"] in (UPLOAD_PATH, FILE_PATH) else self.limit
        too_large = f"the request body is over the limit of {limit:,} bytes"
        length = _header(scope, b"content-length")
        if length is not None and not (length.isascii() and length.isdigit()):
            await send_error(send, 400, "Invalid Content-Length header")
            return
        if length is not None and int(length) > limit:
            await send_error(send, 413, too_large)
            return
        state = {"received": 0, "done": False, "started": False, "refused": False}

        async def refuse(status: int, message: str) -> None:
            state["refused"] = True
            if not state["started"]:
                await send_error(send, status, message)
            raise _Refused(message)

        async def limited_receive() -> Message:
            if state["done"]:
                return await receive()  # the body is complete: the app only waits for a disconnect
            try:
                message = await asyncio.wait_for(receive(), self.idle_seconds)
            except TimeoutError:
                await refuse(408, f"the request body stopped arriving for {self.idle_seconds:g} seconds")
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    await refuse(413, too_large)
                state["done"] = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return  # the app's answer to a body it did not get; ours went out
            state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise
            # else: the app failed on the body it was refused, and the refusal has been answered


def is_public(path: str) -> bool:
    """Whether ``path`` is served without a key (:data:`PUBLIC_PATHS`, :data:`PUBLIC_PREFIXES`) or checks
    the key itself (:data:`SELF_GATED_PATHS`)."""
    return path in PUBLIC_PATHS or path in SELF_GATED_PATHS or path.startswith(PUBLIC_PREFIXES)


class GradioGate:
    """API keys and rate limits for every route that does not check them itself: Gradio's API, which the
    page's own events use too, and Gradio's other routes (``/monitoring``, ``/login``, ...).

    A key comes as an ``X-API-Key`` header, ``Authorization: Bearer KEY``, an ``api_key`` query parameter,
    or the cookie set when the page is opened as ``/?api_key=KEY``. Every POST (an event started, a file
    uploaded) counts against the limit; other requests only need a valid key when one is required.
    Only the routes :func:`is_public` names are served to anyone.
    """

    def __init__(self, app: App, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path == "/" and (key := _query_key(scope)):
            await self._page_with_cookie(scope, receive, send, key)
            return
        if scope["type"] not in ("http", "websocket") or (scope["type"] == "http" and is_public(path)):
            await self.app(scope, receive, send)
            return
        key = _key_of(scope)
        client = client_address(scope)
        try:
            if scope["type"] == "websocket":
                raise ApiError(403, "WebSocket connections are not served")
            if scope["method"] == "POST":
                self.gate.admit(key, client)
            else:
                self.gate.check_key(key, client)
        except ApiError as exc:
            await send_error(send, exc.status, exc.message, exc.headers)
            return
        await self.app(scope, receive, send)

    async def _page_with_cookie(self, scope: Scope, receive: Receive, send: Send, key: str) -> None:
        try:
            self.gate.check_key(key, client_address(scope))
        except ApiError as exc:
            await send_error(send, exc.status, exc.message)
            return
        cookie = SimpleCookie()
        cookie[KEY_COOKIE] = key
        cookie[KEY_COOKIE].update({"path": "/", "httponly": True, "samesite": "Strict"})

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    *message.get("headers", []),
                    (b"set-cookie", cookie.output(header="").strip().encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _query_key(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("api_key", [])
    return values[-1] if values else None


def _key_of(scope: Scope) -> str | None:
    """The API key a Gradio request carries, if any."""
    if key := _header(scope, b"x-api-key"):
        return key
    authorization = _header(scope, b"authorization") or ""
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    if key := _query_key(scope):
        return key
    return cookie_value(_header(scope, b"cookie") or "", KEY_COOKIE)


def cookie_value(header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, read as browsers send it: ``name=value`` pairs
    split at ``;``, whatever the other cookies hold (a JSON value, a space, a comma, which Python's
    ``SimpleCookie`` refuses along with every cookie after it); the first of two with the same name, the
    one of the most specific path."""
    for pair in header.split(";"):
        key, equals, value = pair.partition("=")
        if equals and key.strip() == name:
            value = value.strip()
            return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    return None


__all__ = [
    "KEY_COOKIE",
    "BodyLimit",
    "GradioGate",
    "client_address",
    "cookie_value",
    "hide_paths",
    "is_public",
    "public_model_name",
    "send_error",
    "unicode_problem",
]
