"""``GET /health`` and the cache's response headers: what a load balancer, a monitor or a client reads to
know that this server works, and what it works without. No Gradio here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from web.readiness import readiness
from web.security import public_model_name
from web.service import TarjamaService

CACHE_HEADER = "X-Tarjama-Cache"  # "degraded" while the sentence cache is not read or written
CACHE_REASON_HEADER = "X-Tarjama-Cache-Reason"
Next = Callable[[Request], Awaitable[Response]]


def health(service: TarjamaService) -> tuple[int, dict[str, Any]]:
    """``(HTTP status, body)``: 200 and ``"ok"`` when everything works; 503 and ``"unavailable"`` while the
    default translation direction has no model here, 503 and ``"degraded"`` while the server answers without
    something it should have (the sentence cache); the body says what and why, and each direction's model
    and its state (``models``: loaded, loading, present or missing)."""
    cache = service.cache.status.as_dict() if service.cache is not None else {"state": "off"}
    degraded = cache["state"] == "degraded"
    ready, models = readiness(service)
    body = {
        "status": "unavailable" if not ready else "degraded" if degraded else "ok",
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

    @app.middleware("http")
    async def cache_headers(request: Request, call_next: Next) -> Response:
        response = await call_next(request)
        if service.cache is not None:
            status = service.cache.status
            if status.degraded:
                response.headers[CACHE_HEADER] = "degraded"
                reason = status.reason or ""
                response.headers[CACHE_REASON_HEADER] = reason.encode("ascii", "replace").decode("ascii")
        return response
