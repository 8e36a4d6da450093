"""``GET /health`` and the cache's response headers: what a load balancer, a monitor or a client reads to
know that this server works, and what it works without. No Gradio here."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama import __version__
from tarjama.web.readiness import readiness
from tarjama.web.security import public_model_name
from tarjama.web.service import TarjamaService

CACHE_HEADER = "X-Tarjama-Cache"  # "degraded" while the sentence cache is not read or written
CACHE_REASON_HEADER = "X-Tarjama-Cache-Reason"


def health(service: TarjamaService) -> tuple[int, dict[str, Any]]:
    """``(HTTP status, body)``: 200 and ``"ok"`` when everything works; 503 and ``"unavailable"`` while the
    default translation direction has no model here, 503 and ``"degraded"`` while the server answers without
    something it should have (the sentence cache); the body says what and why, and each direction's model
    and its state (``models``: loaded, loading, present or missing)."""
    cache = service.cache.current_status().as_dict() if service.cache is not None else {"state": "off"}
    degraded = cache["state"] == "degraded"
    ready, models = readiness(service)
    body = {
        "status": "unavailable" if not ready else "degraded" if degraded else "ok",
        "version": __version__,
        "cache": cache,
        "models": models,
        "models_loaded": [public_model_name(name) for name in service.pool.loaded_models()],
        "queue_depth": service.scheduler.queue_depth(),
    }
    return (503 if degraded or not ready else 200), body


def add_health(app: FastAPI, service: TarjamaService) -> None:
    """Add ``GET /health`` to ``app``, and the cache headers to every answer while the cache is degraded."""

    @app.get("/health", tags=["health"])
    def get_health() -> JSONResponse:
        """``{"status": "ok"|"degraded"|"unavailable", "cache": {...}, "models": {"ar-en": {"model",
        "state"}, ...}, "models_loaded": [...], "queue_depth": N}``; 503 unless ok."""
        status, body = health(service)
        return JSONResponse(body, status)

    app.add_middleware(CacheHeaders, service=service)


class CacheHeaders:
    """ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which turns a client that went away into
    ``RuntimeError: No response returned.``): the cache headers on every answer while it is degraded."""

    def __init__(self, app: ASGIApp, service: TarjamaService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.service.cache is None:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            status = self.service.cache.status if self.service.cache is not None else None
            if message["type"] == "http.response.start" and status is not None and status.degraded:
                headers = MutableHeaders(scope=message)
                headers[CACHE_HEADER] = "degraded"
                reason = status.reason or ""
                headers[CACHE_REASON_HEADER] = reason.encode("ascii", "replace").decode("ascii")
            await send(message)

        await self.app(scope, receive, send_with_headers)
