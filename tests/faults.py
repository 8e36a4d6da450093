"""Broken caches built for real: damaged files, read-only files and folders, a small file system filling up.

Read-only and full states need the kernel's help: as root (CI) a read-only bind mount and a small tmpfs; a
user without the right to mount gets ``chmod`` for read-only states, and the full disk is injected at the
SQLite layer instead (every write statement fails with SQLite's own "database or disk is full"). Which one
a test got is in :attr:`Faults.real`; every test runs either way, none is skipped.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference import cache_sqlite

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "BEGIN IMMEDIATE", "VACUUM")


@cache
def can_mount() -> bool:
    """True when this process may mount file systems (root in CI)."""
    with tempfile.TemporaryDirectory() as folder:
        command = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder]
        done = subprocess.run(command, capture_output=True)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", folder], check=True)
        return True


class _FailingWrites:
    """An SQLite connection whose write statements fail with ``message`` (SQLite's own words)."""

    def __init__(self, db: sqlite3.Connection, faults: Faults) -> None:
        self._db = db
        self._faults = faults

    def _check(self, sql: str) -> None:
        if self._faults.failing and sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError(self._faults.failing)

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._db.execute(sql, *args)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._db.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class Faults:
    """Builds broken states at paths; undoes mounts when the test ends."""

    def __init__(self, stack: ExitStack, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stack = stack
        self.monkeypatch = monkeypatch
        self.real = can_mount()
        self.failing: str | None = None  # injected: what every SQLite write statement fails with
        self._injecting = False

    # --- damaged files ------------------------------------------------------------------------------
    @staticmethod
    def truncate(path: Path) -> None:
        """Cut a cache file in the middle of a page."""
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2 + 100])

    @staticmethod
    def random_bytes(path: Path) -> None:
        """Overwrite the file with random bytes of the same length."""
        path.write_bytes(random.Random(7).randbytes(max(path.stat().st_size, 8192)))

    @staticmethod
    def text_file(path: Path) -> None:
        """A text file in the cache's place."""
        path.write_text("notes: translate the cabinet statement tomorrow\n", encoding="utf-8")

    @staticmethod
    def directory(path: Path) -> None:
        """A folder in the cache's place."""
        path.unlink()
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)
        (path / "inside").mkdir(parents=True)

    # --- read-only ----------------------------------------------------------------------------------
    def read_only(self, target: Path) -> None:
        """Make a file or folder read-only: a read-only bind mount, or ``chmod`` without mounting."""
        if self.real:
            subprocess.run(["mount", "--bind", str(target), str(target)], check=True)
            self.stack.callback(subprocess.run, ["umount", "-l", str(target)], check=True)
            subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], check=True)
        elif os.geteuid() != 0:
            mode = target.stat().st_mode
            target.chmod(0o555 if target.is_dir() else 0o444)
            self.stack.callback(target.chmod, mode)
        else:  # root that may not mount: chmod binds nobody, so inject SQLite's own refusal instead
            self._inject()
            self.failing = "attempt to write a readonly database"

    # --- full disk ----------------------------------------------------------------------------------
    def small_folder(self, parent: Path, size_kb: int = 512) -> Path:
        """A folder on a file system of ``size_kb`` (a tmpfs), or a plain folder without mounting."""
        folder = parent / "small-fs"
        folder.mkdir()
        if self.real:
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)], check=True
            )
            self.stack.callback(subprocess.run, ["umount", "-l", str(folder)], check=True)
        else:
            self._inject()  # before the cache opens: its connections are the ones that will fail
        return folder

    def fill(self, folder: Path) -> None:
        """Fill the file system of ``folder`` to the last byte, or make every SQLite write fail as if."""
        if not self.real:
            self.failing = "database or disk is full"
            return
        with (folder / "ballast").open("wb", buffering=0) as ballast:
            while True:
                try:
                    ballast.write(b"\0" * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
            try:  # the last partial page
                ballast.write(b"\0")
            except OSError as exc:
                assert exc.errno == errno.ENOSPC

    def free(self, folder: Path) -> None:
        """Undo :meth:`fill`."""
        self.failing = None
        (folder / "ballast").unlink(missing_ok=True)

    def _inject(self) -> None:
        if self._injecting:
            return
        self._injecting = True
        connect: Callable[..., sqlite3.Connection] = sqlite3.connect

        def failing(*args: Any, **kwargs: Any) -> _FailingWrites:
            return _FailingWrites(connect(*args, **kwargs), self)

        self.monkeypatch.setattr(cache_sqlite.sqlite3, "connect", failing)


@contextmanager
def faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    """A :class:`Faults` whose mounts are undone when the block ends."""
    with ExitStack() as stack:
        yield Faults(stack, monkeypatch)
