"""Batch input: a folder of ``.txt`` files, a JSONL file or a CSV file, as records and bad records.

Input that holds nothing to work on (no record at all, or a binary file) is an error, not an empty run; a
damaged part of a file (an undecodable line, a CSV row cut by an unterminated quote) is a bad record that
the run reports while the rest goes on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_INPUT_CHARS
from tarjama.inference.textio import decode_text

FORMATS = ("folder", "jsonl", "csv")
_ESCAPED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Record:
    """One article of a batch; ``where`` says where it came from (file name, line or row)."""

    id: str
    text: str
    where: str


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be used, and why; ``id`` is ``None`` when it has none."""

    id: str | None
    where: str
    reason: str


def input_format(path: Path) -> str:
    """``folder``, ``jsonl`` or ``csv``, from what ``path`` is."""
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise InvalidInputError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise InvalidInputError(f"{path}: batch input must be a folder of .txt files, a .jsonl or a .csv file")


def read_records(path: str | Path) -> list[Record | BadRecord]:
    """Every record of the input in order; bad ones (no id, repeated id, empty or undecodable text, damaged
    CSV rows) are :class:`BadRecord` so that a run can report them and go on. The first of two records with
    one id wins. An input with no record at all, or a binary file, raises
    :class:`~inference.errors.InvalidInputError`.
    """
    path = Path(path)
    readers = {"folder": _folder, "jsonl": _jsonl, "csv": _csv}
    seen: dict[str, str] = {}
    records: list[Record | BadRecord] = []
    for item in readers[input_format(path)](path):
        if isinstance(item, Record):
            if item.id in seen:
                item = BadRecord(item.id, item.where, f"duplicate id (first at {seen[item.id]})")
            elif not item.text.strip():
                item = BadRecord(item.id, item.where, "empty text")
            else:
                seen[item.id] = item.where
        records.append(item)
    if not records:
        what = "no .txt file" if path.is_dir() else "no record"
        raise InvalidInputError(f"{path.name} holds {what}: there is nothing to do")
    return records


def _read_table(path: Path) -> bytes:
    """The bytes of a JSONL or CSV input; a binary file is refused (as a single text file is)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path.name}: {exc.strerror}") from None
    if b"\x00" in data[:8192]:
        raise InvalidInputError(f"{path.name} looks like a binary file, not {path.suffix[1:].upper()} text")
    return data


def _folder(path: Path) -> Iterator[Record | BadRecord]:
    for file in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt"):
        try:
            text = decode_text(file.read_bytes(), name=file.name)
        except (InvalidInputError, LimitExceededError) as exc:
            yield BadRecord(file.name, file.name, str(exc))
            continue
        except OSError as exc:
            yield BadRecord(file.name, file.name, f"cannot read the file: {exc.strerror}")
            continue
        yield Record(file.name, text, file.name)


def _record(row: dict[str, Any], where: str) -> Record | BadRecord:
    """A record from a parsed JSONL object or CSV row."""
    raw_id = row.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()) or isinstance(raw_id, bool):
        return BadRecord(None, where, "missing id")
    if not isinstance(raw_id, str | int):
        kind = type(raw_id).__name__
        return BadRecord(None, where, f"the id must be a string or a whole number, not {kind}")
    record_id = str(raw_id).strip()
    text = row.get("text")
    if not isinstance(text, str):
        return BadRecord(record_id, where, "missing text" if text is None else "the text must be a string")
    if _ESCAPED.search(text) or _ESCAPED.search(record_id):  # bytes that surrogateescape kept aside
        return BadRecord(record_id, where, "undecodable bytes (the text is not UTF-8)")
    if len(text) > MAX_INPUT_CHARS:
        return BadRecord(record_id, where, f"{len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}")
    return Record(record_id, text, where)


def _jsonl(path: Path) -> Iterator[Record | BadRecord]:
    for number, raw in enumerate(_read_table(path).split(b"\n"), 1):
        where = f"line {number}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield BadRecord(None, where, f"undecodable bytes (not UTF-8 at byte {exc.start})")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(None, where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            yield BadRecord(None, where, "not a JSON object")
            continue
        yield _record(row, where)


def _csv(path: Path) -> Iterator[Record | BadRecord]:
    """Rows parsed strictly: a quote left open (which a lenient reader would close on a later line, merging
    the rows in between into one text) makes the lines it spans one bad record, and parsing resumes after
    them; a row with more or fewer fields than the header is bad too."""
    text = _read_table(path).decode("utf-8-sig", errors="surrogateescape")
    csv.field_size_limit(max(csv.field_size_limit(), MAX_INPUT_CHARS + 1))
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        fields = next(reader, [])
    except csv.Error as exc:
        raise InvalidInputError(f"{path.name}: the header row is damaged ({exc})") from None
    if "id" not in fields or "text" not in fields:
        raise InvalidInputError(
            f"{path.name} needs a header row with the columns id and text (found {fields})"
        )
    number = 0
    while True:
        first = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            lines = f"lines {first}-{reader.line_num}" if reader.line_num > first else f"line {first}"
            yield BadRecord(None, f"row {number} ({lines})", f"damaged CSV row, not read ({exc})")
            continue
        if not row:
            continue
        number += 1
        if len(row) != len(fields):
            reason = f"damaged CSV row: {len(row)} fields, the header has {len(fields)}"
            yield BadRecord(None, f"row {number} (line {first})", reason)
            continue
        yield _record(dict(zip(fields, row, strict=True)), f"row {number}")
