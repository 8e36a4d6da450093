"""Every protection of the server in one place, in the order requests meet them. No Gradio here.

A request first meets the body limit (413 over it, 408 when the body stalls), then the key and rate-limit
gate on Gradio's API (the LibreTranslate routes call the same :class:`~web.limits.Gate` themselves), and
uploads are recorded so that page jobs open only the visitor's own files.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from tarjama.inference.settings import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_UPLOAD_REQUEST_BYTES
from tarjama.web.events import EventCheck, EventRules
from tarjama.web.limits import Gate
from tarjama.web.origins import OriginPolicy, parse_origin
from tarjama.web.security import BodyLimit, GradioGate
from tarjama.web.uploads import UploadLedger, UploadRecorder


def guard(
    app: FastAPI,
    *,
    gate: Gate,
    uploads: UploadLedger,
    events: EventRules,
    upload_bytes: int,
    body_timeout: float,
    cors_origins: Sequence[str] = (),
) -> None:
    """Add the protections to ``app``: headers within :data:`MAX_HEADER_BYTES`, bodies within
    :data:`MAX_BODY_BYTES` (uploads to the page within
    :data:`MAX_UPLOAD_REQUEST_BYTES` or ``upload_bytes``), ``gate`` on Gradio's API, the inputs of the
    page's ``events`` checked (files only from ``uploads``), uploads noted in ``uploads``; outermost, only
    requests from this server's own pages and from ``cors_origins`` (with credentialed CORS for those)."""
    app.add_middleware(UploadRecorder, ledger=uploads)  # innermost: sees only admitted requests
    app.add_middleware(EventCheck, rules=events, ledger=uploads)
    app.add_middleware(GradioGate, gate=gate)
    upload_limit = max(MAX_UPLOAD_REQUEST_BYTES, upload_bytes)
    app.add_middleware(
        BodyLimit,
        limit=MAX_BODY_BYTES,
        upload_limit=upload_limit,
        idle_seconds=body_timeout,
        header_limit=MAX_HEADER_BYTES,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[parse_origin(origin) for origin in cors_origins],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.add_middleware(OriginPolicy, allowed=cors_origins)


__all__ = ["guard"]
