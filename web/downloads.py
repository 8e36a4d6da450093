"""What a visitor downloads from the page, made safe to open and free of the server's own details.

- Ids and file names are shown with their bidirectional controls written out (``<U+202E>``), so that a
  name such as ``invoice\u202etxt.exe`` cannot pass for ``invoiceexe.txt``.
- A CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single
  quote, as OWASP advises against CSV injection: spreadsheet programs show it as text, never run it.
- Model names are the public ones the page's model lists show (a server folder by its own name), and
  reasons are written without the folders of any path.

No Gradio here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tarjama.web.security import hide_paths, public_model_name

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheet programs read as the start of a formula

Row = dict[str, Any]


def show_bidi(text: str) -> str:
    """``text`` with every bidirectional embedding, override or isolate control (U+202A–U+202E,
    U+2066–U+2069) written out as ``<U+202E>``."""
    return BIDI_CONTROLS.sub(lambda found: f"<U+{ord(found.group()):04X}>", text)


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet program runs as a formula: a text that begins with one of
    :data:`FORMULA_STARTS` gets a leading ``'``; anything else is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def display_names(paths: Sequence[Path]) -> list[str]:
    """Distinct names for people of uploaded files (never their folders): the stem of each; the whole file
    name where two stems are alike (``hyp.txt``, ``hyp.jsonl``); a counter where two names are too
    (``hyp.txt``, ``hyp.txt (2)``)."""
    stems = [show_bidi(path.stem) for path in paths]
    if len(set(stems)) == len(stems):
        return stems
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        name = show_bidi(path.name)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def public_line(row: Row) -> Row:
    """A line of a page batch's downloads as visitors get it: bidi controls shown in its id and file name
    (``where``), its models by their public names, its reason without the folders of any path."""
    shown = dict(row)
    for key in ("id", "where"):
        if isinstance(row.get(key), str):
            shown[key] = show_bidi(row[key])
    for key in ("model", "translation_model"):
        if isinstance(row.get(key), str):
            shown[key] = public_model_name(row[key])
    if isinstance(row.get("reason"), str):
        shown["reason"] = show_bidi(hide_paths(row["reason"]))
    return shown


def rewrite_jsonl(path: Path, change: Callable[[Row], Row]) -> None:
    """Replace every line of the JSONL file ``path`` (a page job's own download) by ``change(line)``."""
    rows = [
        change(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    os.replace(tmp, path)


__all__ = [
    "BIDI_CONTROLS",
    "FORMULA_STARTS",
    "display_names",
    "public_line",
    "rewrite_jsonl",
    "show_bidi",
    "spreadsheet_cell",
]
