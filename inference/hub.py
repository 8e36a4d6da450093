"""All Hugging Face Hub access: short name → repo id, revision, local-only and offline rules."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from inference.errors import ModelUnavailableError
from inference.registry import MODELS, ModelSpec, Task, get_spec
from inference.settings import HUB_TIMEOUT_SECONDS, hub_offline

_WEIGHT_PATTERNS = ("*.safetensors", "*.safetensors.index.json")
_FALLBACK_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*.bin")
_OTHER_PATTERNS = ("*.json", "*.model", "*.spm", "*.txt")
_FAMILIES = {"marian": "marian", "m2m_100": "m2m100", "bart": "bart", "t5": "t5", "mt5": "t5"}


@dataclass(frozen=True)
class ResolvedModel:
    """A model whose files are on disk, with the identity that goes into cache keys."""

    name: str  # what the user asked for: a short name, a repo id or a folder
    path: Path
    spec: ModelSpec
    revision: str  # the Hub commit, or "local-<fingerprint>" for a folder


def resolve_model(
    name: str,
    *,
    task: Task,
    revision: str | None = None,
    local_files_only: bool | None = None,
) -> ResolvedModel:
    """Find a model's files: a local folder as it is, or a Hub snapshot (downloaded unless offline).

    ``local_files_only`` defaults to ``HF_HUB_OFFLINE``. Raises :class:`ModelUnavailableError`, naming the
    model and the fix, when the files cannot be had.
    """
    folder = Path(name).expanduser()
    if folder.is_dir():
        spec = _spec_for_folder(folder, name, task)
        return ResolvedModel(name, folder.resolve(), spec, f"local-{folder_fingerprint(folder)}")
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelUnavailableError(name, "no such folder")
    spec = get_spec(name)
    if spec is None and "/" not in name:
        known = ", ".join(sorted(n for n, s in _registered(task)))
        raise ModelUnavailableError(name, f"unknown model name (known {task} models: {known})")
    repo_id = spec.repo_id if spec else name
    offline = hub_offline() if local_files_only is None else local_files_only
    path = _snapshot(name, repo_id, revision, offline)
    if spec is None:
        spec = _spec_for_folder(path, name, task)
    return ResolvedModel(name, path, spec, path.name)


def pull_model(name: str, *, task: Task, revision: str | None = None) -> ResolvedModel:
    """Download a model into the Hugging Face cache so it can be used offline later."""
    return resolve_model(name, task=task, revision=revision, local_files_only=False)


def folder_fingerprint(folder: Path) -> str:
    """A hash of every file's relative path and contents: changes whenever the model changes."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(folder)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def _registered(task: Task) -> list[tuple[str, ModelSpec]]:
    return [(n, s) for n, s in MODELS.items() if s.task == task]


def _snapshot(name: str, repo_id: str, revision: str | None, offline: bool) -> Path:
    """The snapshot of ``repo_id`` at ``revision``: the Hub's current commit when the Hub answers within
    ``HUB_TIMEOUT_SECONDS``, else (offline, the Hub down or hung) the local copy."""
    from huggingface_hub import HfApi, constants, snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        IncompleteSnapshotError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from huggingface_hub.utils import httpx as hub_http

    reason, cause = "it is not in the local cache and HF_HUB_OFFLINE is set", ""
    if not offline:
        # snapshot_download's own look-up has no timeout, so a hung Hub would stall tarjama for ever: ask
        # first, with one (and for the revision by name, as snapshot_download does and mirrors need).
        try:
            HfApi().model_info(
                repo_id, revision=revision or constants.DEFAULT_REVISION, timeout=HUB_TIMEOUT_SECONDS
            )
        except OfflineModeIsEnabled:  # HF_HUB_OFFLINE wins even over `models pull`
            offline = True
        except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
            what = f"{repo_id} at revision {revision!r}" if revision else repo_id
            raise ModelUnavailableError(name, f"the Hub ({constants.ENDPOINT}) has no model {what}") from exc
        except (hub_http.TransportError, HfHubHTTPError) as exc:
            offline = True
            reason = f"it is not in the local cache and the Hub ({constants.ENDPOINT}) cannot be reached"
            cause = type(exc).__name__
    try:
        path = Path(
            snapshot_download(
                repo_id,
                revision=revision,
                local_files_only=offline,
                allow_patterns=[*_WEIGHT_PATTERNS, *_OTHER_PATTERNS],
            )
        )
        if not any(path.glob("*.safetensors")):
            path = Path(
                snapshot_download(
                    repo_id,
                    revision=revision,
                    local_files_only=offline,
                    allow_patterns=list(_FALLBACK_WEIGHTS),
                )
            )
    except IncompleteSnapshotError as exc:
        raise ModelUnavailableError(
            name, "its download was interrupted, so the local copy is incomplete"
        ) from exc
    except (OSError, HfHubHTTPError, ValueError) as exc:
        if not offline:
            reason = "it is not in the local cache and the download from the Hub failed"
        raise ModelUnavailableError(name, f"{reason} ({cause or type(exc).__name__})") from exc
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(name, f"the snapshot in {path} has no config.json")
    return path


def _spec_for_folder(folder: Path, name: str, task: Task) -> ModelSpec:
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise ModelUnavailableError(name, f"{folder} has no config.json, so it is not a model folder")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(name, f"{config_file} cannot be read ({exc})") from exc
    registered = get_spec(name)
    if registered is not None:
        return registered
    model_type = str(config.get("model_type", ""))
    family = _FAMILIES.get(model_type)
    if family is None:
        raise ModelUnavailableError(name, f"model type {model_type!r} is not a supported seq2seq model")
    tokenizer_config = folder / "tokenizer_config.json"
    if family == "m2m100" and tokenizer_config.is_file() and "Nllb" in tokenizer_config.read_text("utf-8"):
        family = "nllb"
    languages: tuple[str, ...] = ("ar", "en")
    lang_codes: dict[str, str] = {}
    if family == "nllb":
        lang_codes = {"ar": "arb_Arab", "en": "eng_Latn"}
    elif family == "m2m100":
        lang_codes = {"ar": "ar", "en": "en"}
    max_positions = int(config.get("max_position_embeddings") or 512)
    return ModelSpec(
        name=name,
        repo_id=name,
        task=task,
        family=family,  # type: ignore[arg-type]
        languages=languages,
        max_input_tokens=min(max_positions, 1024),
        lang_codes=lang_codes,
        description=f"local {model_type} model",
    )
