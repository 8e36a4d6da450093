"""A server's named glossaries, each read again when its file changes."""

from __future__ import annotations

import threading
from pathlib import Path

from tarjama.translate.glossary.files import Glossary, GlossaryError, read_glossary

SAMPLE = Path(__file__).parent / "data" / "kurdistan-ar-en.tsv"


def sample_glossary() -> Glossary:
    """The example glossary of Kurdistan-region names that ships with tarjama (ar→en; see data/SOURCES.md)."""
    return read_glossary(SAMPLE, name="kurdistan")


class GlossaryShelf:
    """Glossaries by name, from ``NAME=FILE`` specs; a file is read again when its size or time changes,
    so an edited glossary takes effect at the next request (the cache key holds its content's hash)."""

    def __init__(self, specs: dict[str, str | Path] | None = None) -> None:
        self._paths = {name: Path(path) for name, path in (specs or {}).items()}
        self._read: dict[str, tuple[tuple[int, int], Glossary]] = {}
        self._lock = threading.Lock()
        for name in self._paths:
            self.get(name)  # a bad file is refused when the server starts

    @classmethod
    def from_specs(cls, specs: list[str]) -> GlossaryShelf:
        """From ``--glossary NAME=FILE`` arguments."""
        named: dict[str, str | Path] = {}
        for spec in specs:
            name, sep, path = spec.partition("=")
            if not sep or not name.strip() or not path.strip():
                raise GlossaryError(f"--glossary takes NAME=FILE, not {spec!r}")
            if name.strip() in named:
                raise GlossaryError(f"--glossary {name.strip()} is given twice")
            named[name.strip()] = path.strip()
        return cls(named)

    def names(self) -> list[str]:
        """The glossaries' names, in the order they were given."""
        return list(self._paths)

    def get(self, name: str) -> Glossary:
        """Glossary ``name``, read again if its file changed; :class:`GlossaryError` for an unknown name."""
        path = self._paths.get(name)
        if path is None:
            known = ", ".join(self._paths) or "none"
            raise GlossaryError(f"unknown glossary {name!r}; this server has: {known}")
        try:
            info = path.stat()
        except OSError as exc:
            raise GlossaryError(f"glossary {name!r} cannot be read: {exc.strerror or exc}") from None
        stamp = (info.st_mtime_ns, info.st_size)
        with self._lock:
            held = self._read.get(name)
            if held is not None and held[0] == stamp:
                return held[1]
        glossary = read_glossary(path, name=name)
        with self._lock:
            self._read[name] = (stamp, glossary)
        return glossary

    def describe(self) -> list[dict[str, object]]:
        """Each glossary's name, direction and number of entries."""
        return [self.get(name).describe() for name in self._paths]
