"""Which web pages may call this server from a browser: its own page, and the origins named with
``--cors-origin``. No Gradio here.

A browser sends the key cookie with a request that a page of another origin makes to this server (another
port of the same host is the same site, so ``SameSite`` does not stop it), and marks it with an ``Origin``
header. :class:`OriginPolicy` refuses (403) every request whose ``Origin`` is neither this server's own nor
one of the allowed, on every route, before anything runs; the allowed get credentialed CORS headers from
Starlette's ``CORSMiddleware`` (whose presence also turns Gradio's own localhost CORS rule off). Requests
without an ``Origin`` (programs, ``curl``, the page's own navigations) are not affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from tarjama.inference.errors import InvalidInputError
from tarjama.web.security import App, Receive, Scope, Send, send_error


def parse_origin(value: str) -> str:
    """``value`` as an origin (``scheme://host[:port]``, lower case); :class:`InvalidInputError` when it is
    not one (a path, a query, a wildcard)."""
    origin = value.strip().rstrip("/").lower()
    wrong = InvalidInputError(f"--cors-origin {value!r} is not an origin like https://example.org:8443")
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        raise wrong from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "*" in origin or port == 0:
        raise wrong
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        raise wrong
    return origin


def _header(scope: Scope, name: bytes) -> str | None:
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    return values[0].decode("latin-1") if len(values) == 1 else None


def _with_port(host: str, default: str) -> str:
    return host if host.rpartition("]")[2].count(":") else host + default


class OriginPolicy:
    """ASGI middleware: a request from a page of another origin than this server's own and ``allowed`` is
    refused with 403."""

    def __init__(self, app: App, allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(parse_origin(origin) for origin in allowed)

    def admits(self, scope: Scope) -> bool:
        """Whether the request ``scope`` comes from no page, this server's own page, or an allowed one."""
        origins = [value for key, value in scope.get("headers", []) if key.lower() == b"origin"]
        if not origins:
            return True
        if len(origins) > 1:
            return False
        origin = origins[0].decode("latin-1").strip().lower()
        if origin in self.allowed:
            return True
        host = (_header(scope, b"host") or "").strip().lower()
        parts = urlsplit(origin)
        if not host or parts.scheme not in ("http", "https"):
            return False
        default = ":443" if parts.scheme == "https" else ":80"
        # The same host and port; the scheme is not compared, since a TLS proxy in front changes it.
        return _with_port(parts.netloc, default) == _with_port(host, default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.admits(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send_error(
            send,
            403,
            "requests from web pages of other sites are not served here; the server's operator can allow "
            "a site with --cors-origin",
        )


__all__ = ["OriginPolicy", "parse_origin"]
