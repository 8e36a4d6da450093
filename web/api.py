"""LibreTranslate-compatible HTTP API (``/translate``, ``/detect``, ``/languages``) plus ``/summarize``.

Existing LibreTranslate clients work unchanged: parameters come as JSON, a form or the query string;
``q`` is a string or a list; answers are ``{"translatedText": ...}`` and errors ``{"error": "..."}`` with
400 for bad input, 403 for a bad API key, 429 over a rate limit and 503 when a model cannot be had.
API keys and rate limits are off unless configured (:class:`~web.limits.ApiAccess`); they are checked by
the :class:`~web.limits.Gate` that Gradio's API shares. No Gradio here.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from html import unescape
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from tarjama.inference.errors import InvalidInputError, ModelUnavailableError, ServiceError, TarjamaError
from tarjama.inference.settings import MAX_ALTERNATIVES
from tarjama.translate import LANGUAGES
from tarjama.translate.routing import translatable
from tarjama.translate.sources import choose_source
from tarjama.web.languages import LANGUAGE_NAMES, Detection, check_language, detect, other_language
from tarjama.web.limits import ApiAccess, ApiError, Gate, RateLimiter, load_api_keys
from tarjama.web.memo import AnswerMemo
from tarjama.web.security import client_address, hide_paths, public_model_name, unicode_problem
from tarjama.web.service import Routing, TarjamaService

MAX_NUMBER = 1_000_000  # the largest number any parameter takes


def status_for(exc: TarjamaError) -> int:
    """The HTTP status of a library error: the client's fault is 400, a missing model or a fault on the
    server's side 503."""
    if isinstance(exc, ModelUnavailableError | ServiceError):
        return 503
    return 400  # InvalidInputError, LimitExceededError and any other input problem


class JsonErrorRoute(APIRoute):
    """Routes whose errors are ``{"error": ...}`` bodies, as LibreTranslate clients expect."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)
            except TarjamaError as exc:
                return JSONResponse({"error": hide_paths(str(exc))}, status_for(exc))

        return guarded


async def read_params(request: Request) -> dict[str, Any]:
    """The request's parameters: the query string, then a JSON object or form body on top.

    Raises :class:`ApiError` 400 for a body that cannot be read, and for any text that is not valid
    Unicode (a lone surrogate).
    """
    params = await _read_params(request)
    if problem := unicode_problem(params):
        raise ApiError(400, f"Invalid request: {problem}")
    return params


async def _read_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except RecursionError:
            raise ApiError(400, "Invalid JSON format: nested too deeply") from None
        except (ValueError, UnicodeDecodeError):  # JSONDecodeError, and numbers too long or too large
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid JSON format: the body must be a JSON object")
        params.update(body)
    elif content_type == "application/x-www-form-urlencoded":
        raw = await request.body()
        try:  # parsed here: Starlette reads unescaped bytes as Latin-1, curl -d sends them as UTF-8
            fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise ApiError(400, "Invalid request: the form body is not UTF-8") from None
        params.update({key: values if len(values) > 1 else values[0] for key, values in fields.items()})
    elif content_type == "multipart/form-data":
        try:
            form = await request.form()
        except (HTTPException, MultiPartException) as exc:
            raise ApiError(400, f"Invalid multipart body: {getattr(exc, 'detail', None) or exc}") from None
        for key in form:
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            if values:
                params[key] = values if len(values) > 1 else values[0]
    return params


def _texts(params: Mapping[str, Any]) -> tuple[list[str], bool]:
    """``(texts, is_list)`` from ``q``; 400 when it is missing or not strings."""
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise ApiError(400, "Invalid request: missing q parameter")
    if isinstance(q, str):
        return ["\n".join(q.splitlines())], False
    if isinstance(q, list) and all(isinstance(item, str) for item in q):
        return list(q), True
    raise ApiError(400, "Invalid request: q must be a string or a list of strings")


def text_param(
    params: Mapping[str, Any], name: str, default: str | None = None, *, code: bool = True
) -> str | None:
    """A string parameter (language codes and formats in lower case), ``default`` when absent."""
    value = params.get(name, default)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid request: {name} must be a string")
    return value.strip().lower() if code else value.strip()


def _number_param(params: Mapping[str, Any], name: str, kind: type[int] | type[float]) -> Any:
    """``params[name]`` as an ``int`` or a ``float``, ``None`` when absent; a 400 error when not a number."""
    value = params.get(name)
    if value is None or value == "":
        return None
    what = "a whole number" if kind is int else "a number"
    try:
        if isinstance(value, bool) or (isinstance(value, str) and len(value) > 30):
            raise ValueError(value)
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        raise ApiError(400, f"Invalid request: {name} must be {what}") from None
    if not -MAX_NUMBER <= number <= MAX_NUMBER:  # also false for NaN
        raise ApiError(400, f"Invalid request: {name} must be {what} between {-MAX_NUMBER} and {MAX_NUMBER}")
    return number


def _readable(text: str, text_format: str) -> str:
    """What language detection reads: HTML with its entities decoded (``&#1605;`` is Arabic)."""
    return unescape(text) if text_format == "html" else text


def _detect_items(
    texts: list[str], target: str, is_list: bool, text_format: str
) -> tuple[list[Detection], list[str]]:
    """What was detected in each text for ``source=auto`` and the source each is translated from, by the
    rules of a stated source: a text with no letters to tell it by comes back as it is (confidence 0), one in
    the target language is refused, and so is one in a language no model translates (named in words)."""
    detections: list[Detection] = []
    languages: list[str] = []
    for number, text in enumerate(texts, 1):
        readable = _readable(text, text_format)
        try:
            detection = detect(readable)
        except InvalidInputError:  # no letter: nothing to translate
            detections.append(Detection(other_language(target), 0.0))
            languages.append(other_language(target))
            continue
        language = choose_source(readable, target)
        if language == target:
            item = f"item {number}" if is_list else "the text"
            raise InvalidInputError(
                f"{item} is in {LANGUAGE_NAMES[target]} already: "
                f"the source and target language are both {LANGUAGE_NAMES[target]}"
            )
        detections.append(detection)
        languages.append(language)
    return detections, languages


def glossary_param(params: Mapping[str, Any]) -> object:
    """``glossary``: a list of ``[source, target]`` pairs (a form field holds it as JSON)."""
    value = params.get("glossary")
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else None
        except json.JSONDecodeError:
            raise ApiError(
                400, "Invalid request: glossary must be a JSON list of [source, target] pairs"
            ) from None
    return value


def create_router(
    service: TarjamaService, gate: Gate | None = None, memo: AnswerMemo | None = None
) -> APIRouter:
    """The API's routes on ``service``; include them in the app before Gradio is mounted at ``/``.
    ``gate`` checks keys and limits (share it with every other way in); ``memo`` keeps whole answers for an
    identical repeat (:mod:`web.memo`; one of its own by default)."""
    gate = gate or Gate()
    memo = memo if memo is not None else AnswerMemo(service)
    router = APIRouter(route_class=JsonErrorRoute, tags=["LibreTranslate-compatible API"])

    def admit(request: Request, params: Mapping[str, Any]) -> None:
        gate.admit(text_param(params, "api_key", code=False), client_address(request.scope))

    @router.get("/languages")
    def languages() -> list[dict[str, Any]]:
        """The languages tarjama translates, with the targets each can be translated into."""
        return [
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "targets": [t for t in LANGUAGES if translatable(code, t)],
            }
            for code in LANGUAGES
        ]

    @router.post("/detect")
    async def detect_language(request: Request) -> list[dict[str, Any]]:
        """The language of ``q``: up to three ``{"confidence": 0-100, "language": "ar"}``, likeliest first."""
        params = await read_params(request)
        admit(request, params)
        texts, _ = _texts(params)
        service.limits.check_texts(texts)
        found = await run_in_threadpool(detect, " ".join(texts))
        return found.candidate_dicts()

    @router.post("/translate", response_model=None)
    async def translate(request: Request) -> dict[str, Any] | Response:
        """Translate ``q`` (a string or a list) from ``source`` (``ar``, ``en`` or ``auto``) to ``target``."""
        params = await read_params(request)
        admit(request, params)
        texts, is_list = _texts(params)
        source = text_param(params, "source")
        target = text_param(params, "target")
        text_format = text_param(params, "format", "text")
        if not source:
            raise ApiError(400, "Invalid request: missing source parameter")
        if not target:
            raise ApiError(400, "Invalid request: missing target parameter")
        if text_format not in ("text", "html"):
            raise ApiError(400, f"{text_format} format is not supported; use text or html")
        if source != "auto":
            check_language(source, "source")
        check_language(target, "target")
        if source == target:
            raise InvalidInputError(f"the source and target language are both {LANGUAGE_NAMES[source]}")
        service.limits.check_texts(texts)
        model = text_param(params, "model", code=False)
        alternatives = _number_param(params, "alternatives", int)  # every parameter checked before model work
        glossary = service.glossary(glossary_param(params), text_param(params, "glossary_id", code=False))
        routing = Routing(text_param(params, "quality"), text_param(params, "dialect"))
        key = None
        if not alternatives and memo.usable():  # every parameter that changes the answer, parsed
            digest = glossary.digest if glossary is not None else None
            key = memo.key(
                "/translate", q=texts, is_list=is_list, source=source, target=target, format=text_format,
                model=model, quality=routing.quality, dialect=routing.dialect, glossary=digest,
            )  # fmt: skip
            if (kept := memo.get(key)) is not None:
                return kept
        before, heard = memo.fingerprint(), []
        detections, languages = (
            await run_in_threadpool(_detect_items, texts, target, is_list, text_format)
            if source == "auto"
            else ([], [source] * len(texts))
        )
        outputs, warnings = list(texts), []
        for lang in sorted(set(languages)):  # one pass per source language
            indices = [i for i, found in enumerate(languages) if found == lang]
            group = [texts[i] for i in indices]
            if text_format == "html":
                html = service.translate_html
                done = []
                for text in group:
                    one, made = await run_in_threadpool(
                        memo.run, html, text, lang, target, model, routing, glossary
                    )
                    done.append(one)
                    heard += made
            else:
                if glossary is not None:
                    glossary.check_direction(lang, target)
                translate = service.translate_texts
                (done, said), made = await run_in_threadpool(
                    memo.run, translate, group, lang, target, model, routing, glossary
                )
                heard += made
                warnings += [warning | {"item": indices[warning["item"]]} for warning in said]
            for index, text in zip(indices, done, strict=True):
                outputs[index] = text
        answer: dict[str, Any] = {"translatedText": outputs if is_list else outputs[0]}
        if warnings:  # tarjama's own field (web.lines): the texts' languages; HTML says nothing here yet
            answer["warnings"] = sorted(warnings, key=lambda warning: warning["item"])
        if detections:
            found = [d.as_dict() for d in detections]
            answer["detectedLanguage"] = found if is_list else found[0]
        if alternatives:
            if not 0 < alternatives <= MAX_ALTERNATIVES:
                raise ApiError(400, f"Invalid request: alternatives must be between 0 and {MAX_ALTERNATIVES}")
            others = [
                await run_in_threadpool(service.alternatives, text, lang, target, alternatives, model)
                for text, lang in zip(texts, languages, strict=True)
            ]
            answer["alternatives"] = others if is_list else others[0]
        return answer if key is None else memo.keep(key, answer, tuple(heard), before)

    @router.get("/glossaries")
    def glossaries() -> list[dict[str, Any]]:
        """This server's glossaries (``--glossary NAME=FILE``): name, direction and number of entries."""
        return service.glossaries.describe()

    @router.post("/summarize")
    async def summarize(request: Request) -> dict[str, Any]:
        """Summarise ``q`` (a string or a list); ``target`` asks for the summary in the other language."""
        params = await read_params(request)
        admit(request, params)
        texts, is_list = _texts(params)
        service.limits.check_texts(texts)
        source = text_param(params, "source", "auto") or "auto"
        target = text_param(params, "target")
        method = text_param(params, "method")
        sentences, ratio = _number_param(params, "sentences", int), _number_param(params, "ratio", float)
        results = []
        for text in texts:
            summary = await run_in_threadpool(
                partial(
                    service.summarize, text, source=source, target=target, method=method,
                    sentences=sentences, ratio=ratio,
                )
            )  # fmt: skip
            results.append(
                {"summary": summary.summary, "sentences": list(summary.sentences), "source": summary.lang,
                 "target": summary.to, "method": summary.method, "model": public_model_name(summary.model)}
            )  # fmt: skip
        if not is_list:
            return results[0]
        return {key: [result[key] for result in results] for key in results[0]}

    return router


def add_api(app: FastAPI, service: TarjamaService, gate: Gate | None = None) -> None:
    """Add the API routes to ``app`` (call before mounting Gradio at ``/``)."""
    app.include_router(create_router(service, gate))


__all__ = [
    "ApiAccess",
    "ApiError",
    "Gate",
    "RateLimiter",
    "add_api",
    "create_router",
    "load_api_keys",
    "read_params",
    "status_for",
]
