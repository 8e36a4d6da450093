"""``POST /translate_file``, its download route and ``GET /frontend/settings``, in LibreTranslate's shape.

A file is translated under the same keys, rate limits, size limits and error shapes as ``/translate``;
the translation is kept in this process's memory (never on disk) for :data:`TRANSLATED_FILE_TTL_S`
seconds, and only the client address that uploaded it can download it. No Gradio here.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from tarjama.inference.settings import MAX_TRANSLATED_FILES_BYTES, TRANSLATED_FILE_TTL_S
from tarjama.translate import LANGUAGES
from tarjama.translate.documents import (
    FORMATS,
    DirectionAlign,
    SentenceAlign,
    TranslatedDocument,
    translate_document,
)
from tarjama.translate.glossary import Glossary
from tarjama.web.api import JsonErrorRoute, glossary_param, read_params, text_param
from tarjama.web.languages import LANGUAGE_NAMES, check_language, detect
from tarjama.web.limits import ApiError, Gate
from tarjama.web.security import DOWNLOAD_PATH, client_address
from tarjama.web.service import TarjamaService


@dataclass(frozen=True)
class _Kept:
    client: str
    name: str
    data: bytes
    media_type: str
    expires: float


class TranslatedFiles:
    """Translated files by token, each for its uploader only, for ``ttl`` seconds; the oldest go first when
    together they pass ``max_bytes``."""

    def __init__(
        self,
        ttl: float = TRANSLATED_FILE_TTL_S,
        max_bytes: int = MAX_TRANSLATED_FILES_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_bytes, self.clock = ttl, max_bytes, clock
        self._files: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, client: str, document: TranslatedDocument) -> str:
        """Keep ``document`` for ``client``; the token to download it with."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._forget(self.clock())
            self._files[token] = _Kept(
                client, document.name, document.data, document.media_type, self.clock() + self.ttl
            )
            while (
                sum(len(kept.data) for kept in self._files.values()) > self.max_bytes and len(self._files) > 1
            ):
                self._files.popitem(last=False)
        return token

    def get(self, token: str, client: str) -> _Kept:
        """The file under ``token``; :class:`ApiError` 404 when unknown or expired, 403 for another client."""
        with self._lock:
            self._forget(self.clock())
            kept = self._files.get(token)
        if kept is None:
            raise ApiError(404, "No such translated file: it has expired or was never made")
        if not secrets.compare_digest(kept.client, client):
            raise ApiError(403, "Only the client that uploaded the file can download its translation")
        return kept

    def _forget(self, now: float) -> None:
        for token in [t for t, kept in self._files.items() if kept.expires <= now]:
            del self._files[token]


def _settings(service: TarjamaService, gate: Gate) -> dict[str, Any]:
    """LibreTranslate's ``/frontend/settings`` answer for this server."""
    access = gate.access
    return {
        "charLimit": service.limits.request_chars,
        "frontendTimeout": 500,
        "apiKeys": bool(access.keys),
        "keyRequired": access.require_key,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": list(FORMATS),
        "fileSizeLimit": service.limits.upload_bytes,
        "translatedFileSeconds": TRANSLATED_FILE_TTL_S,
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": LANGUAGE_NAMES["en"]},
        },
        "languages": [{"code": code, "name": LANGUAGE_NAMES[code]} for code in LANGUAGES],
    }


def create_files_router(
    service: TarjamaService, gate: Gate, store: TranslatedFiles | None = None
) -> APIRouter:
    """The file routes on ``service``, behind ``gate`` (share it with every other way in)."""
    store = store or TranslatedFiles()
    router = APIRouter(route_class=JsonErrorRoute, tags=["LibreTranslate-compatible API"])

    @router.get("/frontend/settings")
    def frontend_settings() -> dict[str, Any]:
        """Limits, languages and the file formats this server translates."""
        return _settings(service, gate)

    @router.post("/translate_file")
    async def translate_file(request: Request) -> dict[str, Any]:
        """Translate the uploaded ``file`` from ``source`` to ``target``; answers ``translatedFileUrl``."""
        params = await read_params(request)
        client = client_address(request.scope)
        gate.admit(text_param(params, "api_key", code=False), client)
        form = await request.form()
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ApiError(400, "Invalid request: missing file parameter")
            source = text_param(params, "source") or "auto"
            target = text_param(params, "target")
            if not target:
                raise ApiError(400, "Invalid request: missing target parameter")
            if source != "auto":
                check_language(source, "source")
            check_language(target, "target")
            article_only = text_param(params, "article_only") in ("true", "1", "yes", "on")
            glossary = service.glossary(glossary_param(params), text_param(params, "glossary_id", code=False))
            data = await upload.read(service.limits.upload_bytes + 1)
            service.limits.check_upload(len(data), upload.filename)
            document = await run_in_threadpool(
                partial(
                    translate_document, upload.filename, data, _sentences(service, glossary), source=source,
                    target=target, detect=lambda text: detect(text).language,
                    check=lambda text: service.limits.check_texts([text]), article_only=article_only,
                    align=_aligner(service),
                )
            )  # fmt: skip
        finally:
            await form.close()
        token = store.put(client, document)
        url = f"{str(request.base_url).rstrip('/')}{DOWNLOAD_PATH}/{token}/{quote(document.name)}"
        return {"translatedFileUrl": url, "expiresIn": int(store.ttl)}

    @router.get(DOWNLOAD_PATH + "/{token}/{name}")
    def download_file(request: Request, token: str, name: str) -> Response:
        """A translated file, for the client that uploaded the original."""
        kept = store.get(token, client_address(request.scope))
        disposition = f"attachment; filename*=UTF-8''{quote(kept.name)}"
        return Response(kept.data, media_type=kept.media_type, headers={"Content-Disposition": disposition})

    return router


def _aligner(service: TarjamaService) -> DirectionAlign:
    def for_direction(source: str, target: str) -> SentenceAlign:
        return partial(service.align_lines, source=source, target=target)

    return for_direction


def _sentences(
    service: TarjamaService, glossary: Glossary | None = None
) -> Callable[[str, str], Callable[..., list[str]]]:
    def for_direction(source: str, target: str) -> Callable[..., list[str]]:
        if glossary is not None:
            glossary.check_direction(source, target)
        return partial(service.translate_lines, source=source, target=target, glossary=glossary)

    return for_direction


def add_files(app: FastAPI, service: TarjamaService, gate: Gate) -> None:
    """Add the file routes to ``app`` (call before mounting Gradio at ``/``)."""
    app.include_router(create_files_router(service, gate))


__all__ = ["DOWNLOAD_PATH", "TranslatedFiles", "add_files", "create_files_router"]
