"""``tarjama models import``: a model copied in by hand (a folder, or a ``.tar``/``.zip`` of one) checked and
registered in the Hugging Face cache under its Hub repo id, so that its name works with no Hub at all.

A folder is checked before anything is written (``config.json``, weights and tokenizer files present and
loadable); an archive is unpacked first, member by member, refusing names that lead outside it, links,
devices, and more than ``MAX_IMPORT_BYTES`` or ``MAX_IMPORT_FILES`` in all. The files land in
``$HF_HUB_CACHE/models--ORG--NAME/snapshots/REVISION`` and ``refs/main`` names that revision, which is
exactly where ``snapshot_download(local_files_only=True)`` looks; a running server picks the model up at its
next request.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.hub import FOLDER_FIX, folder_fingerprint, resolve_model
from tarjama.inference.registry import DEFAULT_TRANSLATION_MODELS, MODELS, ModelSpec, get_spec
from tarjama.inference.settings import DEFAULT_DIRECTION, MAX_IMPORT_BYTES, MAX_IMPORT_FILES

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
_WEIGHTS = ("*.safetensors", "pytorch_model.bin", "pytorch_model-*.bin")
_HUB_FOLDER = re.compile(r"models--([\w.-]+)--([\w.-]+)")
_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class ImportedModel:
    """Where an imported model now lives and under which names it is found."""

    name: str  # the short name when registered, else the repo id
    repo_id: str
    revision: str
    path: Path


def import_model(
    source: Path,
    name: str | None = None,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_files: int = MAX_IMPORT_FILES,
) -> ImportedModel:
    """Check the model in ``source`` (a folder or an archive) and register it in the Hugging Face cache.

    ``name`` is a registered short name or a Hub repo id; without it the name is read from the source (a
    Hub cache path ``models--ORG--NAME``, a folder or archive named after a registered model, or
    ``_name_or_path`` in its ``config.json``). Raises :class:`InvalidInputError` for an archive that
    cannot be unpacked safely and :class:`ModelUnavailableError` for files that make no usable model.
    """
    source = source.expanduser()
    if not source.exists():
        raise InvalidInputError(f"{source}: no such file or folder")
    from huggingface_hub import constants

    hub_cache = Path(constants.HF_HUB_CACHE)
    hub_cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tarjama-import-", dir=hub_cache) as scratch:
        if source.is_dir():
            folder = source
        else:
            folder = _model_root(unpack_archive(source, Path(scratch) / "unpacked", max_bytes, max_files))
        repo_id, spec = _identify(name, source, folder)
        check_model_folder(folder, spec)
        revision = _revision(folder)
        storage = hub_cache / f"models--{repo_id.replace('/', '--')}"
        snapshot = storage / "snapshots" / revision
        if not snapshot.is_dir():
            staged = Path(scratch) / "staged"
            shutil.copytree(folder, staged, symlinks=False)
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, snapshot)
        (storage / "refs").mkdir(parents=True, exist_ok=True)
        ref = storage / "refs" / "main"
        ref.with_suffix(".tmp").write_text(revision, encoding="utf-8")
        os.replace(ref.with_suffix(".tmp"), ref)
    return ImportedModel(spec.name if spec else repo_id, repo_id, revision, snapshot)


def check_model_folder(folder: Path, spec: ModelSpec | None) -> None:
    """Raise :class:`ModelUnavailableError` unless ``folder`` holds a model tarjama can load: a JSON
    ``config.json``, tokenizer files the tokenizer loads, and weights whose files open."""
    label = spec.name if spec else str(folder)
    if spec is not None and spec.task == "translate" and len(spec.directions) == 1:
        source, target = spec.directions[0]
        resolve_model(f"{source}-{target}={folder}", task=spec.task)
    else:
        resolve_model(str(folder), task=spec.task if spec else "translate")
    weights = sorted({p for pattern in _WEIGHTS for p in folder.glob(pattern)})
    if not weights:
        raise ModelUnavailableError(
            label, "the folder has no weights (model.safetensors or pytorch_model.bin)", FOLDER_FIX
        )
    try:
        from transformers import AutoConfig, AutoTokenizer

        AutoConfig.from_pretrained(folder, local_files_only=True)
        AutoTokenizer.from_pretrained(folder, local_files_only=True)
        for file in weights:
            _open_weights(file)
    except Exception as exc:  # any failure to load means the same to the user: the files are unusable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailableError(label, f"its files do not load ({first[:200]})", FOLDER_FIX) from exc


def _open_weights(file: Path) -> None:
    if file.suffix == ".safetensors":
        from safetensors import safe_open

        with safe_open(str(file), framework="pt") as weights:
            for key in weights.keys():  # noqa: SIM118 - safe_open has keys(), no iteration
                weights.get_slice(key)
    else:
        import torch

        torch.load(file, map_location="cpu", weights_only=True, mmap=True)


def unpack_archive(archive: Path, folder: Path, max_bytes: int, max_files: int) -> Path:
    """Unpack a ``.tar`` (optionally compressed) or ``.zip`` into ``folder``; returns ``folder``.

    Refused as a whole, before or while unpacking: a member whose name is absolute or leads outside the
    archive, a link or device, more than ``max_files`` members or ``max_bytes`` unpacked."""
    lower = archive.name.lower()
    if not lower.endswith(ARCHIVE_SUFFIXES):
        raise InvalidInputError(
            f"{archive.name}: not a model folder or archive (give a folder, {', '.join(ARCHIVE_SUFFIXES)})"
        )
    folder.mkdir(parents=True)
    try:
        if lower.endswith(".zip"):
            _unpack_zip(archive, folder, max_bytes, max_files)
        else:
            _unpack_tar(archive, folder, max_bytes, max_files)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        if isinstance(exc, _Refused | tarfile.FilterError):
            raise InvalidInputError(f"{archive.name}: refused: {exc}") from exc
        raise InvalidInputError(f"{archive.name}: the archive is damaged or unreadable ({exc})") from exc
    return folder


class _Refused(OSError):
    """An archive member that must not be unpacked."""


def _safe_member_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and path.parts[0].endswith(":")):
        raise _Refused(f"the member {name!r} leads outside the archive")
    return path


def _budget(count: int, total: int, max_files: int, max_bytes: int) -> None:
    if count > max_files:
        raise _Refused(f"more than {max_files:,} files")
    if total > max_bytes:
        raise _Refused(f"more than {max_bytes:,} bytes unpacked")


def _unpack_zip(archive: Path, folder: Path, max_bytes: int, max_files: int) -> None:
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        _budget(len(members), sum(m.file_size for m in members), max_files, max_bytes)
        written = 0
        for member in members:
            path = _safe_member_name(member.filename)
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise _Refused(f"the member {member.filename!r} is a link")
            target = folder.joinpath(*path.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as reader, target.open("xb") as writer:
                for block in iter(lambda reader=reader: reader.read(1 << 20), b""):
                    written += len(block)
                    _budget(0, written, max_files, max_bytes)  # a forged header cannot unpack more
                    writer.write(block)


def _unpack_tar(archive: Path, folder: Path, max_bytes: int, max_files: int) -> None:
    with tarfile.open(archive) as tarred:
        total = 0
        for count, member in enumerate(tarred, start=1):
            total += member.size
            _budget(count, total, max_files, max_bytes)
            _safe_member_name(member.name)
            if not (member.isfile() or member.isdir()):
                raise _Refused(
                    f"the member {member.name!r} is a link or a device, not a file (a Hub cache snapshot "
                    "links to its files: make the archive with `tar -h`, which stores the files themselves)"
                )
        tarred.extractall(folder, filter="data")


def _model_root(folder: Path) -> Path:
    """The one folder of an unpacked archive that holds ``config.json`` (top level or one folder down)."""
    found = sorted(p.parent for p in folder.rglob("config.json") if p.is_file())
    if len(found) != 1:
        what = "no config.json" if not found else f"{len(found)} config.json files"
        raise ModelUnavailableError(folder.name, f"the archive holds {what}, not one model", FOLDER_FIX)
    return found[0]


def _identify(name: str | None, source: Path, folder: Path) -> tuple[str, ModelSpec | None]:
    """``(repo id, registered spec or None)`` for the model being imported."""
    if name:
        spec = get_spec(name) or next((s for s in MODELS.values() if s.repo_id == name), None)
        if spec is None and name.count("/") != 1:
            raise InvalidInputError(
                f"--as {name}: neither a registered model (`tarjama models list`) nor a Hub id ORG/NAME"
            )
        return (spec.repo_id if spec else name), spec
    for part in reversed(source.resolve().parts):
        hub = _HUB_FOLDER.fullmatch(part)
        if hub:
            repo_id = f"{hub.group(1)}/{hub.group(2)}"
            return repo_id, next((s for s in MODELS.values() if s.repo_id == repo_id), None)
    stem = source.name
    for suffix in ARCHIVE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    config = folder / "config.json"
    hint = ""
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
            hint = str(data.get("_name_or_path", "")) if isinstance(data, dict) else ""
        except (OSError, UnicodeDecodeError, ValueError):
            hint = ""
    for candidate in (stem, folder.name, hint):
        for spec in MODELS.values():
            if candidate and candidate in (spec.name, spec.repo_id, spec.repo_id.split("/")[-1]):
                return spec.repo_id, spec
    raise InvalidInputError(
        f"{source.name}: cannot tell which model this is; name it, e.g. "
        f"`tarjama models import SOURCE --as {DEFAULT_TRANSLATION_MODELS[DEFAULT_DIRECTION]}` (a registered "
        "name or a Hub id ORG/NAME)"
    )


def _revision(folder: Path) -> str:
    """The Hub commit when the source is a Hub snapshot folder, else ``local-<fingerprint>``."""
    if _COMMIT.fullmatch(folder.name) and folder.parent.name == "snapshots":
        return folder.name
    return f"local-{folder_fingerprint(folder)}"
