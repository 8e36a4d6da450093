"""A batch job's output: JSON lines that are only ever appended whole, in a file only this job may touch.

- Every line goes out with one ``write`` to a file opened for appending and is flushed, and synced to disk
  every few lines, so a process killed at any moment leaves whole lines plus at most one cut-off last
  line, which the next run removes. A failed write (a full disk) is undone back to the last whole line.
- An existing file is used only when it is an output of the same kind of job: every line a JSON object
  with the job's keys. Anything else (notes, settings, the input itself) is refused untouched.
- An OS lock on a hidden ``.OUT.lock`` file next to the output is held for the whole run, so a second run
  on the same output is refused at once, naming the process that holds it.
- A resume reads the ids already written; a file holding one id twice (two runs that raced before these
  rules) is rewritten with the first line of each id.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarjama.inference.errors import OutputError

FSYNC_EVERY = 32  # lines between fsyncs (a flush after every line is enough against a killed process)
_LINE_START = b'{"id": '  # how every line this module writes begins


def _describe(exc: OSError, path: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"the disk holding {path.name} is full; free some space and run the same command again: "
            "it goes on where it stopped"
        )
    return f"cannot write {path.name}: {exc.strerror or exc}"


class OutputLock:
    """An exclusive ``flock`` on ``.NAME.lock`` next to ``path``, holding the owner's process id."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(f".{path.name}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`OutputError` naming the process that has it."""
        while self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise OutputError(_describe(exc, self.path)) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise OutputError(
                    f"another tarjama run (process {holder}) is writing {self.path.name[1:-5]}; "
                    "wait for it to end or choose another output"
                ) from None
            if os.path.exists(self.path) and os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                self._fd = fd
            else:  # the previous holder removed the file between our open and our lock: try again
                os.close(fd)

    def release(self) -> None:
        """Remove the lock file and let go of the lock."""
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


class JsonlOutput:
    """One output file of a job: its existing lines checked and read, new lines appended whole.

    ``keys`` are the keys every line of this kind of output has (``id`` and the result's own key); ``what``
    names the kind for messages (``summaries``, ``errors``).
    """

    def __init__(self, path: Path, keys: Sequence[str], what: str) -> None:
        self.path = path
        self.keys = frozenset(keys)
        self.what = what
        self._fd: int | None = None
        self._unsynced = 0
        self.written = 0

    def existing(self) -> list[dict[str, Any]]:
        """The lines already in the file (none when it does not exist), after removing a cut-off last line
        left by a killed run. A file that is not an output of this kind is refused and left as it is."""
        if self.path.is_dir():
            raise OutputError(f"{self.path.name} is a folder; give a file name for the {self.what}")
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise OutputError(f"cannot read {self.path.name}: {exc.strerror}") from None
        end = data.rfind(b"\n") + 1
        rows = [self._row(line, number) for number, line in enumerate(data[:end].splitlines(), 1)]
        if end < len(data):
            if not data[end:].startswith(_LINE_START[: len(data) - end]):
                raise self._foreign(f"line {len(rows) + 1} is not one of its lines")
            os.truncate(self.path, end)
        return rows

    def _row(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            row = json.loads(line)
        except ValueError:
            raise self._foreign(f"line {number} is not JSON") from None
        if not isinstance(row, dict) or not self.keys <= row.keys():
            raise self._foreign(f"line {number} is not one of its lines")
        return row

    def _foreign(self, detail: str) -> OutputError:
        return OutputError(
            f"{self.path.name} exists and is not a tarjama output of {self.what} ({detail}); it was left "
            "untouched: choose another output file"
        )

    def rewrite(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace the file's content by ``rows`` (through a synced temporary file and a rename)."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            with tmp.open("wb") as handle:
                handle.writelines(_encode(row) for row in rows)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(_describe(exc, self.path)) from None

    def append(self, row: dict[str, Any]) -> None:
        """Write ``row`` as one line; on failure the file is cut back to its last whole line."""
        data = _encode(row)
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            start = os.fstat(self._fd).st_size
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view) :]
            except OSError:
                os.ftruncate(self._fd, start)
                raise
            self._unsynced += 1
            self.written += 1
            if self._unsynced >= FSYNC_EVERY:
                self.sync()
        except OSError as exc:
            raise OutputError(_describe(exc, self.path)) from None

    def sync(self) -> None:
        """Flush the file to disk."""
        if self._fd is not None and self._unsynced:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise OutputError(_describe(exc, self.path)) from None
            self._unsynced = 0

    def close(self) -> None:
        """Sync and close; closing happens even when the sync fails."""
        if self._fd is None:
            return
        try:
            self.sync()
        finally:
            os.close(self._fd)
            self._fd = None


def _encode(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def first_of_each(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``rows`` without the later ones that repeat an earlier row's ``key``."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        value = str(row.get(key))
        if value not in seen:
            seen.add(value)
            kept.append(row)
    return kept
