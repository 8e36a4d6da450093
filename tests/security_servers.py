"""The open server of the hostile-request tests (``tests/test_security_*.py``), its keys and clients.

A test module takes its fixtures with ``pytest_plugins = ["tests.security_servers"]``; each module gets its
own server (module scope).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.appserver import running_app

LIMITED_KEY, FREE_KEY, LIMIT = "tj-limited", "tj-free", 3


def keys_file(tmp: Path) -> Path:
    keys = tmp / "keys.txt"
    keys.write_text(f"{LIMITED_KEY} {LIMIT}\n{FREE_KEY}\n", encoding="utf-8")
    return keys


@pytest.fixture(scope="module")
def open_server(
    memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("open-server")
    args = ["--mt-model", str(memorised_ar_en), "--api-keys", str(keys_file(tmp)), "--body-timeout", "2"]
    with running_app(args, tmp) as url:
        yield url, tmp


@pytest.fixture(scope="module")
def client(open_server: tuple[str, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=open_server[0], timeout=120) as http:
        yield http


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=120, transport=httpx.HTTPTransport(local_address=address))
