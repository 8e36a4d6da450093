"""Reading user text: UTF-8 only, with errors that say which file and where."""

from __future__ import annotations

import sys
from pathlib import Path

from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_INPUT_CHARS


def decode_text(data: bytes, *, name: str) -> str:
    """Decode ``data`` as UTF-8 (a BOM is dropped); refuse binary data and other encodings clearly."""
    if b"\x00" in data[:8192]:
        raise InvalidInputError(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and try again"
        ) from None
    if len(text) > MAX_INPUT_CHARS:
        raise LimitExceededError(f"{name} has {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}")
    return text


def read_text(path: str | Path) -> str:
    """The text of a file, or of standard input for ``-``."""
    if str(path) == "-":
        return decode_text(sys.stdin.buffer.read(), name="standard input")
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"{file} does not exist") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{file} is a folder, not a text file") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {file}: {exc.strerror}") from None
    return decode_text(data, name=str(file))


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure leaves no half-written file."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves no half-written file."""
    file = Path(path)
    tmp = file.with_name(f".{file.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(file)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInputError(f"cannot write {file}: {exc.strerror}") from None
