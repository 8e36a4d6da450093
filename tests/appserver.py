"""Start ``python app.py`` as a person would, on a free local port, for the HTTP and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 180  # importing gradio and torch on a busy 2-core CI machine can take a while


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp: Path) -> dict[str, str]:
    """The environment of the server: every cache in ``tmp``, the Hub offline, no telemetry."""
    env = os.environ.copy()
    env.update(
        {
            "TARJAMA_CACHE": str(tmp / "cache.sqlite3"),
            "TARJAMA_MODELS_DIR": str(tmp / "models"),
            "HF_HOME": str(tmp / "hf"),
            "HF_HUB_OFFLINE": "1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "GRADIO_TEMP_DIR": str(tmp / "gradio"),
            "TARJAMA_THREADS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextmanager
def running_app(
    args: Sequence[str],
    tmp: Path,
    env: Mapping[str, str | None] | None = None,
    *,
    command: Sequence[str] = (sys.executable, "app.py"),
    cwd: Path = ROOT,
) -> Iterator[str]:
    """Run ``app.py ARGS --port P`` (or ``command``: ``tarjama serve``) in ``cwd`` until the block ends;
    yields its base URL (log: ``tmp/server.log``).

    ``env`` changes the server's environment after :func:`server_env` (``None`` removes a variable)."""
    environment = server_env(tmp)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    port = free_port()
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port), *args],
            cwd=cwd,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"app.py exited with {process.returncode}:\n{log_path.read_text()}")
                try:
                    if httpx.get(f"{base}/languages", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    log_text = log_path.read_text()
                    raise RuntimeError(f"app.py did not answer in {STARTUP_SECONDS} s:\n{log_text}")
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
