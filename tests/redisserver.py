"""A real ``redis-server`` on a free loopback port, without persistence, for the shared-cache tests."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.appserver import free_port

STARTUP_SECONDS = 30


@dataclass
class RedisServer:
    """A running server: its URL (database 0) and process."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """``kill -9`` the server, as a crash would."""
        self.process.kill()
        self.process.wait(timeout=20)


@contextmanager
def running_redis(folder: Path, port: int | None = None) -> Iterator[RedisServer]:
    """Start ``redis-server`` in ``folder`` (nothing saved) on ``port`` (a free one by default) until the
    block ends."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start (exit status {process.poll()})") from None
                time.sleep(0.1)
        client.close()
        yield RedisServer(url, process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)
