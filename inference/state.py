"""What of a model is on this machine: its download (and size) and its CTranslate2 conversions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tarjama.inference.hub import split_direction
from tarjama.inference.registry import get_spec
from tarjama.inference.settings import models_dir

MANIFEST = "tarjama.json"  # written next to each CTranslate2 conversion (see ctranslate2_backend)


@dataclass(frozen=True)
class ModelState:
    """A model's local state: ``present`` (downloaded, or a local folder), its size and conversions."""

    name: str
    present: bool
    local_folder: bool
    size_bytes: int
    converted: tuple[str, ...]  # CTranslate2 compute types kept in ``models_dir()``

    def describe(self) -> str:
        """One short phrase: ``downloaded, 312 MB, converted to CTranslate2 (int8)`` or ``not downloaded``."""
        if not self.present:
            return "not downloaded"
        where = "local folder" if self.local_folder else "downloaded"
        words = f"{where}, {_megabytes(self.size_bytes)}"
        if self.converted:
            words += f", converted to CTranslate2 ({', '.join(self.converted)})"
        return words

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of ``tarjama models list --json``'s ``state``."""
        return {
            "present": self.present,
            "local_folder": self.local_folder,
            "size_bytes": self.size_bytes,
            "converted": list(self.converted),
            "summary": self.describe(),
        }


def model_state(name: str) -> ModelState:
    """The local state of a registered name, a Hub id or a folder; reads only this machine's disk."""
    folder = Path(split_direction(name)[1]).expanduser()
    if folder.is_dir():
        return ModelState(name, True, True, _size(folder), _conversions({name}, None))
    spec = get_spec(name)
    repo_id = spec.repo_id if spec else name
    snapshot = _snapshot_folder(repo_id)
    if snapshot is None:
        return ModelState(name, False, False, 0, ())
    names = {name, repo_id} | ({spec.name} if spec else set())
    return ModelState(name, True, False, _size(snapshot), _conversions(names, snapshot.name))


def _snapshot_folder(repo_id: str) -> Path | None:
    """The newest cached snapshot of ``repo_id`` holding a ``config.json``, without contacting the Hub."""
    from huggingface_hub import constants

    snapshots = Path(constants.HF_HUB_CACHE) / f"models--{repo_id.replace('/', '--')}" / "snapshots"
    if not snapshots.is_dir():
        return None
    found = [p for p in snapshots.iterdir() if (p / "config.json").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (a Hub snapshot's links followed to their blobs)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _conversions(names: set[str], revision: str | None) -> tuple[str, ...]:
    root = models_dir()
    if not root.is_dir():
        return ()
    found = []
    for manifest in root.glob(f"*/{MANIFEST}"):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a conversion being written or damaged: it is not a usable conversion
        if not isinstance(data, dict) or data.get("model") not in names:
            continue
        if revision is None or data.get("revision") == revision:
            found.append(str(data.get("quantization")))
    return tuple(sorted(set(found)))


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB"
