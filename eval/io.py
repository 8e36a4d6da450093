"""Reading evaluation files: one item per line, UTF-8 only, parallel files checked line by line."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.textio import read_text

_JSON_TEXT_KEYS = ("text", "summary", "hypothesis", "translation", "reference", "source")


def read_lines(path: str | Path, *, allow_empty: bool = False) -> list[str]:
    """The lines of a UTF-8 file, one evaluation item per line (``\\r\\n`` and a final newline allowed).

    A ``.jsonl`` file holds one JSON string (or an object with a ``text``/``summary``/... field) per
    line, so an item can contain line breaks (sentence breaks for ROUGE-Lsum). An empty item is an
    error unless ``allow_empty``: it nearly always means the files are out of step.
    """
    name = str(path)
    text = read_text(path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise InvalidInputError(f"{name} is empty")
    if str(path).endswith(".jsonl"):
        lines = [_json_item(line, name, number) for number, line in enumerate(lines, 1)]
    if not allow_empty:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                raise InvalidInputError(
                    f"{name} line {number} is empty; every line must hold one item "
                    "(a blank line usually means the files are out of step)"
                )
    return lines


def _json_item(line: str, name: str, number: int) -> str:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{name} line {number} is not valid JSON: {exc.msg}") from None
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in _JSON_TEXT_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
    raise InvalidInputError(
        f"{name} line {number} must be a JSON string or an object with one of: {', '.join(_JSON_TEXT_KEYS)}"
    )


def check_parallel(files: Mapping[str, Sequence[str]]) -> int:
    """The common number of lines of ``files`` (name -> lines); a mismatch names both files."""
    items = list(files.items())
    if not items:
        raise InvalidInputError("no files to compare")
    first_name, first = items[0]
    for name, lines in items[1:]:
        if len(lines) != len(first):
            raise InvalidInputError(
                f"{name} has {len(lines)} lines but {first_name} has {len(first)}; "
                "hypotheses and references must be line-aligned"
            )
    return len(first)


def system_names(paths: Sequence[str | Path]) -> list[str]:
    """Short, unique display names for hypothesis files: the file stem, or more of the path if needed."""
    stems = [Path(p).stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    full = [str(p) for p in paths]
    if len(set(full)) != len(full):
        raise InvalidInputError("the same hypothesis file is given twice")
    return full


def read_systems(
    hyp_paths: Sequence[str | Path], ref_paths: Sequence[str | Path], *, allow_empty: bool = False
) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Hypothesis files as ``{system name: lines}`` and reference files as streams, all checked parallel."""
    hyps = [read_lines(p, allow_empty=allow_empty) for p in hyp_paths]
    refs = [read_lines(p) for p in ref_paths]
    check_parallel(
        {
            str(p): lines
            for p, lines in [*zip(ref_paths, refs, strict=True), *zip(hyp_paths, hyps, strict=True)]
        }
    )
    return dict(zip(system_names(hyp_paths), hyps, strict=True)), refs
