"""Output helpers shared by the command groups."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tarjama.inference.backends import BACKENDS
from tarjama.inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_CT2_QUANTIZATION_CPU,
    DEFAULT_CT2_QUANTIZATION_CUDA,
    DEFAULT_DEVICE,
)
from tarjama.inference.textio import write_text


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON, Arabic kept readable."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def emit(text: str, output: str | None) -> None:
    """Write ``text`` to the file ``output``, or to stdout ending in one newline."""
    if output:
        write_text(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """``--backend``, ``--device`` and ``--quantization``, as every model-running command takes them."""
    parser.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS)
    parser.add_argument("--device", default=DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    parser.add_argument(
        "--quantization",
        metavar="TYPE",
        help="CTranslate2 compute type, e.g. float32 for outputs that do not depend on the batch (default: "
        f"{DEFAULT_CT2_QUANTIZATION_CPU} on CPU, {DEFAULT_CT2_QUANTIZATION_CUDA} on CUDA)",
    )


@contextmanager
def warnings_on_stderr() -> Iterator[None]:
    """While the block runs, the library's warnings (a cache that stopped working) are one line each on
    stderr: ``tarjama: warning: ...``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("tarjama: warning: %(message)s"))
    library = logging.getLogger("tarjama.inference")
    library.addHandler(handler)
    try:
        yield
    finally:
        library.removeHandler(handler)
