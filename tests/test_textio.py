"""Reading user files: UTF-8 only, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_INPUT_CHARS
from tarjama.inference.textio import decode_text, read_text, write_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("مرحبا".encode("cp1256"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_bad_bytes(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        decode_text(data, name="x.txt")


def test_bom_dropped() -> None:
    assert decode_text("\ufeffمرحبا".encode(), name="x") == "مرحبا"


def test_limit() -> None:
    with pytest.raises(LimitExceededError, match="limit"):
        decode_text(b"a" * (MAX_INPUT_CHARS + 1), name="x")


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(InvalidInputError, match="is a folder"):
        read_text(tmp_path)


def test_write_is_atomic_and_readable(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    write_text(out, "نص")
    assert read_text(out) == "نص"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
