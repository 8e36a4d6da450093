"""Which files a page job may open: only those the same visitor uploaded to this server. No Gradio here.

Gradio's API takes file paths from the request (``{"path": ..., "meta": {"_type": "gradio.FileData"}}``),
and when Gradio is mounted in another app it does not check them, so a path could name any file of the
server. :class:`UploadRecorder` notes the files each visitor uploads (the answer of Gradio's upload
route) in an :class:`UploadLedger`, and the page's handlers open a file only when the ledger holds it
for that visitor, inside the upload folder, after resolving links.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tarjama.inference.errors import InvalidInputError
from tarjama.web.security import UPLOAD_PATH, App, Message, Receive, Scope, Send, client_address, send_error

MAX_ANSWER_BYTES = 1024 * 1024  # an upload answer is a list of paths; more is not one
MAX_FILES = 100_000  # uploads remembered at once, oldest forgotten first
NO_ROOM = "the server has no room for uploads right now (its disk is full); try again later"


class UploadLedger:
    """The files each visitor uploaded into ``folder`` in the last ``keep_seconds`` (thread-safe)."""

    def __init__(
        self, folder: str | Path, *, keep_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.folder = os.path.realpath(folder)
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._files: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def _inside(self, path: str) -> str | None:
        real = os.path.realpath(path)
        return (
            real if os.path.commonpath([real, self.folder]) == self.folder and real != self.folder else None
        )

    def record(self, visitor: str, paths: Iterable[str]) -> None:
        """Note that ``visitor`` uploaded ``paths`` (paths outside the upload folder are ignored)."""
        now = self.clock()
        with self._lock:
            for path in paths:
                if real := self._inside(path):
                    self._files[(visitor, real)] = now
                    self._files.move_to_end((visitor, real))
            self._forget(now)

    def _forget(self, now: float) -> None:
        while self._files and (
            len(self._files) > MAX_FILES or next(iter(self._files.values())) < now - self.keep_seconds
        ):
            self._files.popitem(last=False)

    def check(self, visitor: str, paths: Sequence[str]) -> list[str]:
        """``paths`` resolved, when ``visitor`` uploaded every one of them; else :class:`InvalidInputError`
        naming the file as the visitor named it."""
        checked = []
        with self._lock:
            self._forget(self.clock())
            for path in paths:
                real = self._inside(path)
                if real is None or (visitor, real) not in self._files:
                    raise InvalidInputError(
                        f"{Path(path).name}: this file was not uploaded here (or too long ago); "
                        "upload it again"
                    )
                checked.append(real)
        return checked


async def _send_all(send: Send, messages: list[Message]) -> None:
    for message in messages:
        await send(message)


class UploadRecorder:
    """ASGI middleware: records in ``ledger`` the files Gradio's upload route answers with.

    An upload that cannot fit in the upload folder's free space (by its ``Content-Length``), or that fills
    the disk while Gradio writes it, is answered 503 ``{"error": ...}`` and leaves no partial file.
    """

    def __init__(self, app: App, ledger: UploadLedger) -> None:
        self.app = app
        self.ledger = ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        if not self._fits(scope):
            await send_error(send, 503, NO_ROOM)
            return
        state: dict[str, int] = {"status": 0}
        body = bytearray()
        held: list[Message] = []  # an answer of 500, until it is known whether the disk was full
        before = self._temporary_files()

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
            elif message["type"] == "http.response.body" and state["status"] == 200:
                if len(body) <= MAX_ANSWER_BYTES:
                    body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    self._record(client_address(scope), bytes(body))
            if state["status"] == 500:
                held.append(message)
            else:
                await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                await _send_all(send, held)
                raise
            for name in self._temporary_files() - before:  # Gradio's partial files of this upload
                Path(self.ledger.folder, name).unlink(missing_ok=True)
            await send_error(send, 503, NO_ROOM)
            return
        except BaseException:
            await _send_all(send, held)
            raise
        await _send_all(send, held)

    def _fits(self, scope: Scope) -> bool:
        length = next((v for k, v in scope.get("headers", []) if k.lower() == b"content-length"), b"")
        if not length.isdigit():
            return True  # streamed: a full disk is caught while it is written
        try:
            return shutil.disk_usage(self.ledger.folder).free > int(length)
        except OSError:
            return True  # no folder yet: Gradio makes it

    def _temporary_files(self) -> set[str]:
        try:
            return {entry.name for entry in os.scandir(self.ledger.folder) if entry.name.startswith("tmp")}
        except OSError:
            return set()

    def _record(self, visitor: str, answer: bytes) -> None:
        try:
            paths = json.loads(answer)
        except ValueError:
            return  # not Gradio's list of paths: nothing was uploaded
        if isinstance(paths, list):
            self.ledger.record(visitor, [p for p in paths if isinstance(p, str)])


__all__ = ["UploadLedger", "UploadRecorder"]
