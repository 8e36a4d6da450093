"""A local model folder's fingerprint: the hash of its files' paths and contents, remembered between runs.

Hashing a model's weights (hundreds of MB) would cost every CLI run more than the rest of a cached
translation, so the hash is kept in a small memo file per folder, beside the converted models, under the
folder's stat signature (each file's relative path, size, mtime, ctime and inode, as git's index keeps
them). A repeat whose signature is unchanged reads no file's contents. A file changed within two seconds
of the hash could change again within the clock's resolution unseen, so such a folder is not memorised
(git's "racily clean" entries), nor one that changed while it was hashed. A memo that is missing,
unreadable or malformed is recomputed; one that cannot be written is skipped: the memo is an optimisation,
never a failure.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from tarjama.inference.settings import models_dir

logger = logging.getLogger(__name__)

_RACY_NS = 2_000_000_000  # a file changed this recently (ns) may change again unseen: not memorised


def folder_fingerprint(folder: Path) -> str:
    """A hash of every file's relative path and contents: changes whenever the model changes."""
    started = time.time_ns()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    signature = _signature(folder, files)
    memo = _memo_path(folder)
    remembered = _read_memo(memo, signature)
    if remembered is not None:
        return remembered
    fingerprint = content_fingerprint(folder, files)
    newest = max((max(entry[2], entry[3]) for entry in signature), default=0)
    if newest < started - _RACY_NS and _signature(folder, files) == signature:  # unchanged while hashed
        _write_memo(memo, signature, fingerprint)
    return fingerprint


def content_fingerprint(folder: Path, files: list[Path]) -> str:
    """The hash itself: each of ``files`` (sorted) by its path relative to ``folder``, then its bytes."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(folder)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def _signature(folder: Path, files: list[Path]) -> list[list[Any]]:
    """Each file's relative path, size, mtime, ctime (ns) and inode."""
    stats = [(str(file.relative_to(folder)), file.stat()) for file in files]
    return [[name, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino] for name, s in stats]


def _memo_path(folder: Path) -> Path:
    where = str(folder.resolve()).encode()
    return models_dir() / "fingerprints" / f"{hashlib.sha256(where).hexdigest()[:32]}.json"


def _read_memo(memo: Path, signature: list[list[Any]]) -> str | None:
    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, unreadable, or not JSON
        return None
    if not isinstance(saved, dict) or saved.get("files") != signature:
        return None
    fingerprint = saved.get("fingerprint")
    return fingerprint if isinstance(fingerprint, str) and len(fingerprint) == 16 else None


def _write_memo(memo: Path, signature: list[list[Any]], fingerprint: str) -> None:
    """Write the memo whole or not at all (a reader never sees half of one)."""
    staged = memo.with_name(f".{memo.stem}.{os.urandom(8).hex()}.tmp")
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        staged.write_text(json.dumps({"files": signature, "fingerprint": fingerprint}), encoding="utf-8")
        os.replace(staged, memo)
    except OSError as exc:
        logger.debug("the fingerprint memo %s was not written: %s", memo, exc)
        staged.unlink(missing_ok=True)
