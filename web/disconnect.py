"""A client that goes away mid-request is not an error: no traceback in the server's log.

Starlette raises ``ClientDisconnect`` from ``request.body()`` when the client hangs up before its body has
arrived, and the request is then simply over. :class:`QuietDisconnects` (the outermost layer) ends such a
request quietly, and only such a request: any other exception, or one raised while the client is still
there, goes on to uvicorn's log as before. No Gradio here."""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class QuietDisconnects:
    """ASGI middleware: a request whose client disconnected ends without an exception (one debug line)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = False

        async def watched() -> Message:
            nonlocal gone
            message = await receive()
            gone = gone or message["type"] == "http.disconnect"
            return message

        try:
            await self.app(scope, watched, send)
        except ClientDisconnect:
            log.debug("client went away during %s %s", scope.get("method"), scope.get("path"))
        except Exception:
            if not gone:
                raise
            log.debug("client went away during %s %s", scope.get("method"), scope.get("path"))
