"""Articles out of uploaded ``.zip`` archives, each under its own id or in the errors with a reason.

No member is lost silently: one whose flattened name is taken gets a distinct one (``a/b.txt`` and
``a__b.txt`` become ``a__b.txt`` and ``a__b~2.txt``), and one that cannot be unpacked (a name that leads
outside the archive, is too long or is only ``.txt``, encryption, an unknown compression method, a damaged
entry, not a ``.txt`` file) is reported with the reason. No Gradio here.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from tarjama.inference.errors import InvalidInputError
from tarjama.web.service import Limits

MAX_NAME_BYTES = 200  # a file name longer than this (UTF-8) is refused: file systems allow 255
ENCRYPTED = 0x1  # bit 0 of a zip entry's flags


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem~N.suffix`` with the smallest ``N`` that is not in ``taken`` (case ignored);
    the result is added to ``taken``."""
    candidate, number = name, 1
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}~{number}{suffix}"
    taken.add(candidate.casefold())
    return candidate


def _flat_name(member: zipfile.ZipInfo) -> tuple[str | None, str | None]:
    """``(flat name, None)`` or ``(None, reason)`` for a member file."""
    raw = member.filename.replace("\\", "/")
    path = PurePosixPath(raw)
    if path.is_absolute() or ".." in path.parts or (path.parts and path.parts[0].endswith(":")):
        return None, "the name leads outside the archive"
    if not raw.lower().endswith(".txt"):
        return None, "not a .txt file"
    name = "__".join(part for part in path.parts if part not in ("", "."))
    if not PurePosixPath(name).stem or PurePosixPath(name).suffix.lower() != ".txt":  # ".txt": a hidden file
        return None, "the name has nothing before .txt"
    if len(name.encode("utf-8", errors="surrogateescape")) > MAX_NAME_BYTES:
        return None, f"the name is longer than {MAX_NAME_BYTES} bytes"
    if member.flag_bits & ENCRYPTED:
        return None, "the member is encrypted"
    return name, None


def unpack_zip(archive: Path, folder: Path, limits: Limits, taken: set[str]) -> list[dict[str, Any]]:
    """Extract the ``.txt`` members of ``archive`` into ``folder``, flat, under names not in ``taken``;
    returns an error row (``id``, ``where``, ``reason``) for each member that is not extracted.

    The unpacked size counts against the upload limit, as declared and as actually read (a forged
    header cannot unpack more).
    """
    errors: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            texts = [m for m in members if m.filename.lower().endswith(".txt")]
            if not texts:
                raise InvalidInputError(f"{archive.name} holds no .txt file")
            if len(texts) > limits.batch_documents:
                raise InvalidInputError(
                    f"{archive.name} holds {len(texts):,} .txt files; the limit is {limits.batch_documents:,}"
                )
            label = f"{archive.name} (unpacked)"
            limits.check_upload(sum(m.file_size for m in texts), label)
            budget = limits.upload_bytes
            for member in members:
                where = f"{archive.name}: {member.filename}"
                name, reason = _flat_name(member)
                if name is not None:
                    try:
                        with zipped.open(member) as source:
                            data = source.read(budget + 1)
                    except NotImplementedError:
                        reason = f"compression method {member.compress_type} is not supported"
                    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                        reason = f"the member is damaged ({exc})"
                if name is None or reason is not None:
                    errors.append({"id": None, "where": where, "reason": reason})
                    continue
                budget -= len(data)
                if budget < 0:
                    limits.check_upload(limits.upload_bytes + 1, label)
                (folder / unique_name(name, taken)).write_bytes(data)
    except zipfile.BadZipFile:
        raise InvalidInputError(f"{archive.name} is not a valid .zip file") from None
    return errors


__all__ = ["unique_name", "unpack_zip"]
