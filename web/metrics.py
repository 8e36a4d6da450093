"""``GET /metrics`` in Prometheus text format: requests, latency, sentences, batches, queue wait, model loads.

Each app gets its own :class:`Metrics` (its own registry; nothing is kept in module globals). Only counts
and durations are recorded, never texts, languages pairs of a client or model paths. The route answers
loopback clients and the networks given in ``allow``; everyone else gets 403. No Gradio here.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.scheduler import BatchEvent
from tarjama.translate import Translation
from tarjama.web.service import TarjamaService

API_ROUTES = frozenset({"/translate", "/detect", "/languages", "/summarize", "/health", "/metrics"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
_TOKEN_BUCKETS = (16, 64, 256, 512, 1024, 2048, 4096, 8192)
_WAIT_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_LOAD_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


def parse_networks(specs: Sequence[str]) -> list[Network]:
    """``--metrics-allow`` values (``10.0.0.0/8``, ``192.168.1.5``) as networks; a bad one is refused."""
    networks = []
    for spec in specs:
        try:
            networks.append(ipaddress.ip_network(spec.strip(), strict=False))
        except ValueError:
            raise InvalidInputError(f"--metrics-allow: {spec!r} is not an IP address or network") from None
    return networks


def allowed(client: str | None, networks: Sequence[Network]) -> bool:
    """Whether ``client`` (an address) may read the metrics: loopback, or inside one of ``networks``."""
    try:
        address = ipaddress.ip_address(client or "")
    except ValueError:
        return False
    return address.is_loopback or any(address in network for network in networks)


class Metrics:
    """The server's counters and histograms, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "tarjama_requests", "HTTP requests by route and status", ["route", "status"], registry=r
        )
        self.latency = Histogram("tarjama_request_seconds", "HTTP request latency", ["route"], registry=r)
        self.sentences = Counter(
            "tarjama_sentences",
            "Sentences of translation requests, by where they came from",
            ["source"],
            registry=r,
        )
        self.batch_sentences = Histogram(
            "tarjama_batch_sentences", "Sentences per model call", buckets=_SIZE_BUCKETS, registry=r
        )
        self.batch_tokens = Histogram(
            "tarjama_batch_tokens", "Padded source tokens per model call", buckets=_TOKEN_BUCKETS, registry=r
        )
        self.batch_seconds = Histogram("tarjama_batch_seconds", "Duration of one model call", registry=r)
        self.queue_wait = Histogram(
            "tarjama_queue_wait_seconds", "Time a sentence waited for its model call", buckets=_WAIT_BUCKETS,
            registry=r,
        )  # fmt: skip
        self.queue_depth = Gauge("tarjama_queue_depth", "Sentences waiting for a model call", registry=r)
        self.model_load = Histogram(
            "tarjama_model_load_seconds", "Time to load a model", buckets=_LOAD_BUCKETS, registry=r
        )

    def attach(self, service: TarjamaService) -> None:
        """Listen to ``service``'s scheduler, model loads and translations (before its first request)."""
        service.scheduler.listeners.append(self.batch)
        service.pool.on_load = self.model_loaded
        service.translation_listeners.append(self.translation)
        self.queue_depth.set_function(service.scheduler.queue_depth)

    def batch(self, event: BatchEvent) -> None:
        """Record one model call."""
        self.batch_sentences.observe(len(event.requests))
        self.batch_tokens.observe(event.tokens)
        self.batch_seconds.observe(event.seconds)
        for waited in event.waited:
            self.queue_wait.observe(waited)

    def model_loaded(self, name: str, seconds: float) -> None:
        """Record one model load (the name is not recorded: it may be a server path)."""
        self.model_load.observe(seconds)

    def translation(self, result: Translation) -> None:
        """Record a request's sentences: from the model, or from the cache."""
        self.sentences.labels("cache").inc(result.stats.cached)
        self.sentences.labels("model").inc(result.stats.segments - result.stats.cached)

    def exposition(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)


class RequestMetrics:
    """ASGI middleware: counts the API's requests by route and status and times them; the page's own
    traffic (Gradio's uploads, queue and event streams) passes through untouched."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope.get("path", "")
        if scope["type"] != "http" or route not in API_ROUTES:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)


def add_metrics(app: FastAPI, service: TarjamaService, allow: Sequence[Network] = ()) -> Metrics:
    """Count ``app``'s requests and serve ``GET /metrics`` (call before mounting Gradio at ``/``)."""
    metrics = Metrics()
    metrics.attach(service)
    app.add_middleware(RequestMetrics, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    def read_metrics(request: Request) -> Response:
        if not allowed(request.client.host if request.client else None, allow):
            return JSONResponse({"error": "metrics are only served to this machine and --metrics-allow"}, 403)
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics


__all__ = ["Metrics", "RequestMetrics", "add_metrics", "allowed", "parse_networks"]
