"""``tarjama serve``: the web page and its HTTP API, with the options ``python app.py`` takes (defined here,
without Gradio, so the command line stays quick to start; the server is imported only to serve)."""

from __future__ import annotations

import argparse

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
    MEMORY_STORAGE,
)

SERVE_DESCRIPTION = "Serve the tarjama web page and its HTTP API."


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the server's options to ``parser``."""
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


def check_server_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """``args`` once the options that argparse cannot check alone are valid (``parser.error`` otherwise)."""
    if args.batch_window_ms < 0:
        parser.error("--batch-window-ms must not be negative")
    return args


def add_commands(sub: argparse._SubParsersAction) -> None:
    """``tarjama serve``."""
    parser = sub.add_parser(
        "serve", help="serve the web page and its HTTP API", description=SERVE_DESCRIPTION
    )
    add_server_arguments(parser)
    parser.set_defaults(handler=lambda args: _serve(parser, args))


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from tarjama.app import serve  # Gradio and the server load only when serving

    return serve(check_server_arguments(parser, args))
