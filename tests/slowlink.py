"""Network conditions between a client and a real server: a slow link, and a server that never answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress

CHUNK = 16 * 1024


@contextmanager
def slow_link(upstream_port: int, bytes_per_second: int) -> Iterator[str]:
    """A TCP relay on a free loopback port to ``upstream_port`` whose replies flow at ``bytes_per_second``
    (requests pass at full speed); yields its base URL. Stopped when the block ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def pump(source: socket.socket, sink: socket.socket, rate: int | None) -> None:
        with suppress(OSError), closing(source), closing(sink):
            while not stop.is_set():
                data = source.recv(CHUNK)
                if not data:
                    return
                sink.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)

    def serve() -> None:
        with suppress(OSError):
            while not stop.is_set():
                client, _ = listener.accept()
                server = socket.create_connection(("127.0.0.1", upstream_port))
                threading.Thread(target=pump, args=(client, server, None), daemon=True).start()
                threading.Thread(target=pump, args=(server, client, bytes_per_second), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=10)


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (a hung Hub); yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        with suppress(OSError):
            while not stop.is_set():
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        for connection in accepted:
            connection.close()
        thread.join(timeout=10)


def dead_endpoint() -> str:
    """The URL of a loopback port nobody listens on (a Hub that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
