"""Output helpers shared by the command groups."""

from __future__ import annotations

import json
import sys
from typing import Any

from inference.textio import write_text


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON, Arabic kept readable."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def emit(text: str, output: str | None) -> None:
    """Write ``text`` to the file ``output``, or to stdout ending in one newline."""
    if output:
        write_text(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
