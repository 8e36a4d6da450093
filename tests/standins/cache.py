"""Content-addressed cache of built stand-ins, safe when several pytest processes build at once."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.standins.corpus import corpus_digest

ENV_STANDINS = "TARJAMA_STANDINS"
REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = "standin.json"


def standins_root() -> Path:
    """Where built stand-ins are kept: ``$TARJAMA_STANDINS`` or ``<repo>/.standins/`` (gitignored)."""
    env = os.environ.get(ENV_STANDINS)
    return Path(env).expanduser() if env else REPO_ROOT / ".standins"


_LOCAL_IMPORT = re.compile(r"^from tests\.standins\.(\w+) import", re.MULTILINE)


def _module_closure(module: str) -> list[Path]:
    """The builder module's file and every ``tests.standins`` module it imports, directly or not."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = PACKAGE_DIR / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen[name] = path
        todo.extend(_LOCAL_IMPORT.findall(path.read_text(encoding="utf-8")))
    return sorted(seen.values())


def source_digest(module: str | None = None) -> str:
    """SHA-256 over the builder's source: its module in ``tests/standins`` and the modules that one imports
    (editing a builder invalidates only the stand-ins it builds), or every builder module when ``module`` is
    not one of them."""
    files = _module_closure(module) if module else []
    if not files:
        files = sorted(PACKAGE_DIR.glob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _builder_module(builder: Callable[..., object]) -> str | None:
    module = getattr(builder, "__module__", "") or ""
    prefix = "tests.standins."
    return module[len(prefix) :] if module.startswith(prefix) else None


def cache_key(builder_name: str, params: dict[str, object], module: str | None = None) -> str:
    """Short hash of (builder name, its parameters, the training text, the builder's source)."""
    payload = {
        "builder": builder_name,
        "params": params,
        "data": corpus_digest(),
        "source": source_digest(module),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_cached(builder: Callable[..., object], *, root: Path | None = None, **params: object) -> Path:
    """Return the folder ``builder(folder, **params)`` writes, building it only if no cached copy exists.

    ``params`` must be JSON-serialisable (they are part of the cache key). The build goes to a temporary
    folder next to the cache entry and is renamed into place atomically; if another process finished the same
    entry first, its copy is kept and ours is discarded.
    """
    root = root if root is not None else standins_root()
    name = builder.__name__
    module = _builder_module(builder)
    final = root / f"{name}-{cache_key(name, params, module)}"
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=root))
    try:
        builder(tmp, **params)
        source = source_digest(module)
        manifest = {"builder": name, "params": params, "data": corpus_digest(), "source": source}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.chmod(0o755)
        try:
            tmp.rename(final)
        except OSError:
            if not final.is_dir():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return final
