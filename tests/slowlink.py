"""Network conditions between a client and a real server: a slow link, and a server that never answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress

CHUNK = 16 * 1024


@contextmanager
def _serving(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """Accept connections on a free loopback port, each handed to ``handle``, until the block ends; yields
    the base URL. Every accepted connection is closed at the end."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        with suppress(OSError):
            while not stop.is_set():
                connection = listener.accept()[0]
                accepted.append(connection)
                handle(connection)

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


@contextmanager
def slow_link(upstream_port: int, bytes_per_second: int) -> Iterator[str]:
    """A TCP relay to ``upstream_port`` whose replies flow at ``bytes_per_second`` (requests pass at full
    speed); yields its base URL."""

    def pump(source: socket.socket, sink: socket.socket, rate: int | None) -> None:
        with suppress(OSError), closing(source), closing(sink):
            while data := source.recv(CHUNK):
                sink.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)

    def relay(client: socket.socket) -> None:
        server = socket.create_connection(("127.0.0.1", upstream_port))
        threading.Thread(target=pump, args=(client, server, None), daemon=True).start()
        threading.Thread(target=pump, args=(server, client, bytes_per_second), daemon=True).start()

    with _serving(relay) as url:
        yield url


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (a hung Hub); yields its base URL."""
    with _serving(lambda connection: None) as url:
        yield url


def dead_endpoint() -> str:
    """The URL of a loopback port nobody listens on (a Hub that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
