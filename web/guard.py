"""Every protection of the server in one place, in the order requests meet them. No Gradio here.

A request first meets the body limit (413 over it, 408 when the body stalls), then the key and rate-limit
gate on Gradio's API (the LibreTranslate routes call the same :class:`~web.limits.Gate` themselves), and
uploads are recorded so that page jobs open only the visitor's own files.
"""

from __future__ import annotations

from fastapi import FastAPI

from inference.settings import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_UPLOAD_REQUEST_BYTES
from web.events import EventCheck, EventRules
from web.limits import Gate
from web.security import BodyLimit, GradioGate
from web.uploads import UploadLedger, UploadRecorder


def guard(
    app: FastAPI,
    *,
    gate: Gate,
    uploads: UploadLedger,
    events: EventRules,
    upload_bytes: int,
    body_timeout: float,
) -> None:
    """Add the protections to ``app``: headers within :data:`MAX_HEADER_BYTES`, bodies within
    :data:`MAX_BODY_BYTES` (uploads to the page within
    :data:`MAX_UPLOAD_REQUEST_BYTES` or ``upload_bytes``), ``gate`` on Gradio's API, the inputs of the
    page's ``events`` checked (files only from ``uploads``), uploads noted in ``uploads``."""
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


__all__ = ["guard"]
