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

from tarjama.cli.serve import SERVE_DESCRIPTION, add_server_arguments, check_server_arguments
from tarjama.inference.errors import TarjamaError
from tarjama.inference.settings import BODY_IDLE_SECONDS, DEFAULT_CONCURRENCY, DEFAULT_QUEUE_SIZE
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
    """The command line of ``python app.py`` (the same as ``tarjama serve``)."""
    parser = argparse.ArgumentParser(description=SERVE_DESCRIPTION)
    add_server_arguments(parser)
    return check_server_arguments(parser, parser.parse_args(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """``python app.py``: serve until interrupted; returns the exit status."""
    return serve(parse_args(argv))


def serve(args: argparse.Namespace) -> int:
    """Serve the page and the API with the options of :func:`web.serving.add_server_arguments` until
    interrupted; returns the exit status."""
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
