"""The tarjama web page (Gradio) and the LibreTranslate-compatible API, served together.

``python app.py [--host 127.0.0.1] [--port 7860] [--mt-model NAME_OR_DIR ...] [--sum-model NAME_OR_DIR]``

This module builds the server: the HTTP API (``web.api``), ``/health`` and ``/metrics``, and the page
(``ui.build_demo``, whose events call ``web.handlers.Page``). It binds to localhost unless ``--host`` says
otherwise and never creates a public share link. Keys, rate limits, body limits and upload checks
(``web.limits``, ``web.security``, ``web.uploads``) cover the API routes, Gradio's API and the page alike.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI

from tarjama.inference.errors import TarjamaError
from tarjama.inference.settings import (
    BODY_IDLE_SECONDS,
    DEFAULT_BACKEND,
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_CONCURRENCY,
    DEFAULT_DEVICE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_REQ_LIMIT,
)
from tarjama.translate.glossary import GlossaryShelf
from tarjama.ui import build_demo
from tarjama.ui_events import event_rules
from tarjama.ui_firstrun import PAGE_EXTRA_CSS
from tarjama.web import presenters
from tarjama.web.api import add_api
from tarjama.web.disconnect import QuietDisconnects
from tarjama.web.files import add_files
from tarjama.web.guard import guard
from tarjama.web.handlers import KEEP_SECONDS, Page, model_line
from tarjama.web.health import add_health
from tarjama.web.limits import MEMORY_STORAGE, ApiAccess, Gate, RateLimiter, load_api_keys, open_rate_store
from tarjama.web.metrics import Network, add_metrics, parse_networks
from tarjama.web.origins import parse_origin
from tarjama.web.service import TarjamaService
from tarjama.web.uploads import UploadLedger


def create_app(
    service: TarjamaService,
    workdir: Path,
    *,
    access: ApiAccess | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    limits_storage: str = MEMORY_STORAGE,
    body_timeout: float = BODY_IDLE_SECONDS,
    metrics: bool = True,
    metrics_allow: Sequence[Network] = (),
    cors_origins: Sequence[str] = (),
) -> FastAPI:
    """The FastAPI app: the API routes (and ``/metrics`` unless ``metrics`` is off) first, then the page
    mounted at ``/``; one gate (keys and rate limits) for both, request bodies within limits, and page jobs
    that open only the visitor's uploads."""
    app = FastAPI(title="tarjama", description="Arabic ↔ English translation, LibreTranslate-compatible")
    gate = Gate(access, RateLimiter(open_rate_store(limits_storage)))
    add_api(app, service, gate)
    add_files(app, service, gate)
    add_health(app, service)
    if metrics:
        add_metrics(app, service, metrics_allow)
    uploads = UploadLedger(gr.utils.get_upload_folder(), keep_seconds=KEEP_SECONDS)
    demo = build_demo(Page(service, workdir, uploads))
    demo.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    guard(
        app,
        gate=gate,
        uploads=uploads,
        events=event_rules(demo),
        upload_bytes=service.limits.upload_bytes,
        body_timeout=body_timeout,
        cors_origins=cors_origins,
    )
    app.add_middleware(QuietDisconnects)  # outermost: a client that went away is not an error
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=presenters.PAGE_CSS + PAGE_EXTRA_CSS,
        theme=gr.themes.Soft(),
        max_file_size=service.limits.upload_bytes,
        show_error=False,
        footer_links=["api"],
        allowed_paths=[str(workdir)],
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of ``python app.py``."""
    parser = argparse.ArgumentParser(description="Serve the tarjama web page and its HTTP API.")
    add = parser.add_argument
    add("--host", default=DEFAULT_HOST, help="address to bind (default %(default)s: this machine only)")
    add("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    add(
        "--mt-model",
        action="append",
        metavar="NAME_OR_DIR",
        help="translation model: short name, Hub id or local folder, ar-en=DIR / en-ar=DIR to state a "
        "folder's direction; repeat for one model per direction (default: per direction)",
    )
    add("--sum-model", help="abstractive summary model: short name, Hub id or local folder")
    add("--glossary", action="append", default=[], metavar="NAME=FILE",
        help="a glossary (TSV/CSV, one direction) requests may name as glossary_id (repeatable)")  # fmt: skip
    add("--backend", default=DEFAULT_BACKEND, choices=["auto", "ctranslate2", "transformers"])
    add("--device", default=DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    add("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="model calls at once (%(default)s)")
    add("--batch-window-ms", type=float, default=DEFAULT_BATCH_WINDOW_MS,
        help="gather concurrent requests' sentences this long per model call (%(default)s ms)")  # fmt: skip
    add("--no-metrics", action="store_true", help="do not serve GET /metrics")
    add("--metrics-allow", action="append", default=[], metavar="NETWORK",
        help="also serve /metrics to this address or network (repeatable; default: loopback)")  # fmt: skip
    add("--queue-size", type=int, default=DEFAULT_QUEUE_SIZE, help="page requests waiting (%(default)s)")
    add("--req-limit", type=int, default=DEFAULT_REQ_LIMIT, help="API requests/minute per client; 0 = none")
    add("--api-keys", metavar="FILE", help="API keys file, one 'KEY [REQUESTS_PER_MINUTE]' a line")
    add("--require-api-key", action="store_true", help="refuse API requests without a key")
    add("--limits-storage", default=MEMORY_STORAGE, help="where rate limits are counted (%(default)s)")
    add("--cors-origin", action="append", default=[], metavar="ORIGIN",
        help="also serve web pages of this origin (https://host[:port]), with the key cookie; repeatable "
        "(default: this server's own page only)")  # fmt: skip
    add("--forwarded-allow-ips", default="", metavar="IPS", help="proxies whose X-Forwarded-For is trusted")
    add(
        "--body-timeout", type=float, default=BODY_IDLE_SECONDS, help="seconds a body may stall (%(default)s)"
    )
    args = parser.parse_args(argv)
    if args.batch_window_ms < 0:
        parser.error("--batch-window-ms must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted; returns the exit status."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="tarjama: %(levelname)s: %(message)s")
    logging.getLogger("tarjama.inference").setLevel(logging.INFO)  # the cache failing and working again
    try:
        keys = load_api_keys(args.api_keys, args.req_limit) if args.api_keys else {}
        open_rate_store(args.limits_storage)
        metrics_allow = parse_networks(args.metrics_allow)
        cors_origins = [parse_origin(origin) for origin in args.cors_origin]
        service = TarjamaService(
            mt_model=args.mt_model,
            sum_model=args.sum_model,
            backend=args.backend,
            device=args.device,
            concurrency=args.concurrency,
            batch_window_ms=args.batch_window_ms,
            glossaries=GlossaryShelf.from_specs(args.glossary),
        )
    except TarjamaError as exc:
        raise SystemExit(f"app.py: error: {exc}") from None
    access = ApiAccess(req_limit=args.req_limit, keys=keys, require_key=args.require_api_key)
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-ui-"))
    try:
        app = create_app(
            service,
            workdir,
            access=access,
            concurrency=args.concurrency,
            queue_size=args.queue_size,
            limits_storage=args.limits_storage,
            body_timeout=args.body_timeout,
            metrics=not args.no_metrics,
            metrics_allow=metrics_allow,
            cors_origins=cors_origins,
        )
        for name in service.allowed_models():
            print(f"tarjama: model {model_line(service, name)}")
        print(f"tarjama: serving http://{args.host}:{args.port}/ (API: /translate, /detect, /summarize)")
        proxies = [ip.strip() for ip in args.forwarded_allow_ips.split(",") if ip.strip()]
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
