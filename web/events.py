"""The inputs of the page's events, checked before Gradio reads them. No Gradio here.

Gradio's API takes any JSON for an event's inputs: a list where a choice is expected, too few inputs,
``"NaN"`` for a number, and a ``FileData`` whose ``path`` is a URL (which Gradio fetches) or a file of the
server (which Gradio copies into its cache). :class:`EventCheck` reads the body of every event request
(within the body limit), checks each input against the :class:`Input` its component takes, and answers
400 ``{"error": ...}`` before Gradio sees anything wrong; an upload input must name files this visitor
uploaded (:class:`~web.uploads.UploadLedger`), and any other file a file that the server holds in Gradio's
upload folder.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from tarjama.inference.errors import InvalidInputError
from tarjama.web.security import (
    GRADIO_API,
    UPLOAD_PATH,
    App,
    Message,
    Receive,
    Scope,
    Send,
    client_address,
    send_error,
)
from tarjama.web.uploads import UploadLedger

# The routes that start an event, and where their event is named: in the path, or by ``fn_index``.
_NAMED_ROUTES = ("call/v2/", "call/", "run/", "api/")


class Kind(Enum):
    """What an input takes."""

    TEXT = "text"  # a string (or null)
    CHOICE = "choice"  # one string of a dropdown or radio (or null); Gradio checks it is one of the choices
    NUMBER = "number"  # a finite JSON number (or null)
    UPLOADS = "uploads"  # a list of files this visitor uploaded (or null)
    UPLOAD = "upload"  # one file this visitor uploaded (or null)
    FILE = "file"  # one file in Gradio's upload folder, such as a download the server made (or null)
    ANY = "any"  # anything, as long as every file in it is in Gradio's upload folder


@dataclass(frozen=True)
class Input:
    """One input of an event: its kind and the name the messages use."""

    kind: Kind
    label: str


@dataclass(frozen=True)
class Event:
    """One event of the page: its name in the API and its inputs, in order."""

    name: str
    inputs: tuple[Input, ...]


class EventRules:
    """The page's events, by ``fn_index`` and by API name."""

    def __init__(self, events: Mapping[int, Event]) -> None:
        self.by_index = dict(events)
        self.by_name = {event.name: event for event in events.values()}

    def find(self, path: str, body: Mapping[str, Any]) -> Event | None:
        """The event a request to ``path`` with ``body`` starts (as Gradio picks it), if it is one."""
        index = body.get("fn_index")
        if isinstance(index, int) and not isinstance(index, bool):
            return self.by_index.get(index)
        rest = path[len(GRADIO_API) :]
        for prefix in _NAMED_ROUTES:
            if rest.startswith(prefix):
                return self.by_name.get(rest[len(prefix) :].strip("/"))
        return None


def _is_file(value: Any) -> bool:
    return isinstance(value, dict) and ("path" in value or "url" in value or "meta" in value)


class _Check:
    """The checks of one event's inputs for one visitor."""

    def __init__(self, ledger: UploadLedger, visitor: str) -> None:
        self.ledger = ledger
        self.visitor = visitor

    def local_path(self, value: Any, label: str) -> str:
        path = value.get("path")
        if not isinstance(path, str) or not path or "\x00" in path:
            raise InvalidInputError(f"{label}: a file must be given by its path as an upload answered it")
        if "://" in path or path.lower().startswith(("data:", "//")):
            raise InvalidInputError(f"{label}: files are taken only as uploads to this page, never by URL")
        return path

    def upload(self, value: Any, label: str) -> None:
        if not _is_file(value):
            raise InvalidInputError(f"{label} must be an uploaded file")
        self.ledger.check(self.visitor, [self.local_path(value, label)])

    def file(self, value: Any, label: str) -> None:
        path = self.local_path(value, label)
        real = os.path.realpath(path)
        if os.path.commonpath([real, self.ledger.folder]) != self.ledger.folder or real == self.ledger.folder:
            raise InvalidInputError(f"{Path(path).name}: this file is not one of this page's files")

    def any(self, value: Any, label: str) -> None:
        todo = [value]
        while todo:
            item = todo.pop()
            if _is_file(item):
                self.file(item, label)
            elif isinstance(item, dict):
                todo.extend(item.values())
            elif isinstance(item, list):
                todo.extend(item)

    def value(self, rule: Input, value: Any) -> None:
        if value is None:
            return
        label = rule.label
        if rule.kind in (Kind.TEXT, Kind.CHOICE) and not isinstance(value, str):
            raise InvalidInputError(f"{label} must be {'text' if rule.kind is Kind.TEXT else 'one choice'}")
        if rule.kind is Kind.NUMBER and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
        ):
            raise InvalidInputError(f"{label} must be a number")
        if rule.kind is Kind.UPLOADS:
            if not isinstance(value, list):
                raise InvalidInputError(f"{label} must be a list of uploaded files")
            for item in value:
                self.upload(item, label)
        elif rule.kind is Kind.UPLOAD:
            self.upload(value, label)
        elif rule.kind is Kind.FILE:
            if not _is_file(value):
                raise InvalidInputError(f"{label} must be a file")
            self.file(value, label)
        elif rule.kind is Kind.ANY:
            self.any(value, label)


def check_event(event: Event, body: Mapping[str, Any], ledger: UploadLedger, visitor: str) -> None:
    """:class:`InvalidInputError` when ``body`` does not give ``event`` one right value per input (more
    inputs are left to Gradio, which ignores them, as long as they name no file but the server's)."""
    data = body.get("data")
    if not isinstance(data, list):
        raise InvalidInputError(f"{event.name}: 'data' must be a list of {len(event.inputs)} inputs")
    if len(data) < len(event.inputs):
        names = ", ".join(rule.label for rule in event.inputs)
        raise InvalidInputError(f"{event.name} takes {len(event.inputs)} inputs ({names}), not {len(data)}")
    check = _Check(ledger, visitor)
    for rule, value in zip(event.inputs, data, strict=False):
        check.value(rule, value)
    check.any(data[len(event.inputs) :], "an extra input")  # Gradio leaves them unread


class EventCheck:
    """ASGI middleware: every request that starts one of ``rules``' events must give it valid inputs (see
    :func:`check_event`), else 400; other requests pass untouched."""

    def __init__(self, app: App, rules: EventRules, ledger: UploadLedger) -> None:
        self.app = app
        self.rules = rules
        self.ledger = ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or not path.startswith(GRADIO_API)
            or path == UPLOAD_PATH
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:  # the body limit outside this middleware bounds what is held here
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        try:
            self.check(path, raw, client_address(scope))
        except InvalidInputError as exc:
            await send_error(send, 400, str(exc))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)

    def check(self, path: str, raw: bytes, visitor: str) -> None:
        """Raise :class:`InvalidInputError` when the body ``raw`` of a request to ``path`` starts an event
        with wrong inputs; a body that is not JSON is left for Gradio to refuse."""
        try:
            body = json.loads(raw)
        except RecursionError:
            raise InvalidInputError("the request body is nested too deeply") from None
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        event = self.rules.find(path, body)
        if event is not None:
            check_event(event, body, self.ledger, visitor)
        elif "data" in body:
            _Check(self.ledger, visitor).any(body["data"], "a file")


def events_of(inputs: Mapping[int, tuple[str, Sequence[Input]]]) -> EventRules:
    """:class:`EventRules` from ``{fn_index: (api_name, inputs)}``."""
    return EventRules({index: Event(name, tuple(rules)) for index, (name, rules) in inputs.items()})


__all__ = ["Event", "EventCheck", "EventRules", "Input", "Kind", "check_event", "events_of"]
