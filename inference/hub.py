"""All Hugging Face Hub access: short name → repo id, revision, local-only and offline rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.inference.errors import ModelUnavailableError
from tarjama.inference.fingerprint import folder_fingerprint
from tarjama.inference.registry import MODELS, NLLB_WIDE_CODES, ModelSpec, Task, get_spec
from tarjama.inference.settings import HUB_TIMEOUT_SECONDS, hub_offline

_WEIGHT_PATTERNS = ("*.safetensors", "*.safetensors.index.json")
_FALLBACK_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*.bin")
_OTHER_PATTERNS = ("*.json", "*.model", "*.spm", "*.txt")
_FAMILIES = {"marian": "marian", "m2m_100": "m2m100", "bart": "bart", "t5": "t5", "mt5": "t5"}
_TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "source.spm", "spiece.model", "sentencepiece.bpe.model",
    "vocab.json",
)  # fmt: skip
_LANGUAGE_CODES = {"ar": "ar", "ara": "ar", "arb": "ar", "en": "en", "eng": "en"}
_DECLARED = re.compile(r"(ar|en)-(ar|en)=(.+)", re.DOTALL)  # "ar-en=FOLDER": the direction said outright
_LANGUAGE_TOKEN = re.compile(r">>(\w+)<<")
_JSON_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true or false"}
OFFLINE_FIX = (
    "without the Hub, copy the model in: `tarjama models import FOLDER_OR_ARCHIVE` (a Hub snapshot folder "
    "or a .tar/.zip of it, made on a machine that has it), or point HF_ENDPOINT at a Hub mirror, or give a "
    "local model folder instead of the name (`--model DIR`, `app.py --mt-model ar-en=DIR`)"
)
FOLDER_FIX = (
    "give a folder holding a model saved with `save_pretrained` (config.json, tokenizer files and weights), "
    "or a registered model name (`tarjama models list`)"
)


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

    ``local_files_only`` defaults to ``HF_HUB_OFFLINE``. A translation model's directions come from the
    registry, from its folder (tokenizer languages, ``>>ara<<`` tokens) or from the name: ``ar-en=FOLDER``
    says the folder translates ar→en. Raises :class:`ModelUnavailableError`, naming the model and the fix,
    when the files cannot be had or make no usable model.
    """
    direction, where = split_direction(name)
    folder = Path(where).expanduser()
    if folder.is_dir():
        spec = _spec_for_folder(folder, name, task, direction)
        return ResolvedModel(name, folder.resolve(), spec, f"local-{folder_fingerprint(folder)}")
    if direction or name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelUnavailableError(name, "there is no such folder", FOLDER_FIX)
    spec = get_spec(name)
    if spec is None and "/" not in name:
        known = ", ".join(sorted(n for n, s in _registered(task)))
        raise ModelUnavailableError(name, f"unknown model name (known {task} models: {known})")
    repo_id = spec.repo_id if spec else name
    offline = hub_offline() if local_files_only is None else local_files_only
    path = _snapshot(name, repo_id, revision, offline)
    if spec is None:
        spec = _spec_for_folder(path, name, task, None)
    else:
        _check_tokenizer(path, name)
    return ResolvedModel(name, path, spec, path.name)


def split_direction(name: str) -> tuple[tuple[str, str] | None, str]:
    """``("ar", "en"), "FOLDER"`` for ``ar-en=FOLDER``; ``None, name`` for anything else."""
    declared = _DECLARED.fullmatch(name)
    if declared is None:
        return None, name
    return (declared.group(1), declared.group(2)), declared.group(3)


def pull_model(name: str, *, task: Task, revision: str | None = None) -> ResolvedModel:
    """Download a model into the Hugging Face cache so it can be used offline later."""
    try:
        return resolve_model(name, task=task, revision=revision, local_files_only=False)
    except ModelUnavailableError as exc:
        if hub_offline():
            fix = f"unset HF_HUB_OFFLINE where the Hub can be reached; {OFFLINE_FIX}"
            raise ModelUnavailableError(name, exc.reason, fix) from exc
        raise


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

    unreachable: str | None = None  # why the look-up below found no Hub, when it found none
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
        except (hub_http.TransportError, HfHubHTTPError):
            offline = True
            unreachable = f"it is not in the local cache and the Hub ({constants.ENDPOINT}) cannot be reached"
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
            name,
            "its download was interrupted, so the local copy is incomplete",
            None
            if unreachable is None and not offline
            else f"run the same command with the Hub in reach; {OFFLINE_FIX}",
        ) from exc
    except (OSError, HfHubHTTPError, ValueError) as exc:
        if unreachable is not None:
            raise ModelUnavailableError(name, unreachable, OFFLINE_FIX) from exc
        reason = _download_failure(exc, repo_id, revision, offline)
        raise ModelUnavailableError(
            name, reason, _offline_fix(name, unreachable) if offline else None
        ) from exc
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(name, "its download has no config.json")
    return path


def _offline_fix(name: str, unreachable: str | None) -> str:
    """What works without the Hub; with HF_HUB_OFFLINE set by choice, pulling where the Hub is in reach too
    (never where the Hub itself cannot be reached: `models pull` would fail the same way)."""
    if unreachable is None and hub_offline():
        return (
            f"where the Hub can be reached, unset HF_HUB_OFFLINE and pre-fetch it with `tarjama models pull "
            f"{name}`; {OFFLINE_FIX}"
        )
    return OFFLINE_FIX


def _download_failure(exc: Exception, repo_id: str, revision: str | None, offline: bool) -> str:
    """Why a snapshot could not be had, in words (never the exception's class name)."""
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):
        return f"the Hub repository {repo_id} is gated: accept its terms on huggingface.co and log in first"
    if isinstance(exc, RepositoryNotFoundError):
        return f"the Hub has no repository {repo_id} (or it is private)"
    if isinstance(exc, RevisionNotFoundError):
        return f"the Hub repository {repo_id} has no revision {revision}"
    if offline or hub_offline():
        return "it is not in the local cache and HF_HUB_OFFLINE is set"
    return "it is not in the local cache and the download from the Hub failed"


def _spec_for_folder(folder: Path, name: str, task: Task, direction: tuple[str, str] | None) -> ModelSpec:
    config = _json_object(folder / "config.json", name)
    if config is None:
        raise ModelUnavailableError(
            name, "the folder has no config.json, so it is not a model folder", FOLDER_FIX
        )
    _check_tokenizer(folder, name)
    registered = get_spec(name)
    if registered is not None:
        return registered
    model_type = str(config.get("model_type", ""))
    family = _FAMILIES.get(model_type)
    if family is None:
        raise ModelUnavailableError(
            name, f"model type {model_type!r} is not a supported seq2seq model", FOLDER_FIX
        )
    tokenizer_config = _json_object(folder / "tokenizer_config.json", name) or {}
    if family == "m2m100" and "Nllb" in str(tokenizer_config.get("tokenizer_class", "")):
        family = "nllb"
    languages: tuple[str, ...] = ("ar", "en")
    lang_codes: dict[str, str] = {}
    if family == "nllb":
        lang_codes = dict(NLLB_WIDE_CODES)
    elif family == "m2m100":
        lang_codes = {"ar": "ar", "en": "en"}
    elif task == "translate":
        languages = direction or _marian_direction(folder, name, tokenizer_config)
    max_positions = _positions(config, name)
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


def _json_object(path: Path, name: str) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when the file is missing; an error naming the file otherwise."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelUnavailableError(name, f"its {path.name} is not valid JSON", FOLDER_FIX) from exc
    if not isinstance(data, dict):
        kind = _JSON_KINDS.get(type(data), "something else")
        raise ModelUnavailableError(name, f"its {path.name} holds {kind}, not a JSON object", FOLDER_FIX)
    return data


def _check_tokenizer(folder: Path, name: str) -> None:
    if not any((folder / file).is_file() for file in _TOKENIZER_FILES):
        raise ModelUnavailableError(
            name,
            "the folder has no tokenizer files (tokenizer.json, tokenizer_config.json, *.spm ...)",
            FOLDER_FIX,
        )


def _positions(config: dict[str, Any], name: str) -> int:
    value = config.get("max_position_embeddings") or 512
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelUnavailableError(
            name,
            f"its config.json gives max_position_embeddings {value!r}, not a positive whole number",
            FOLDER_FIX,
        )
    return value


def _marian_direction(folder: Path, name: str, tokenizer_config: dict[str, Any]) -> tuple[str, str]:
    """``(source, target)`` of a Marian folder: the tokenizer's ``source_lang``/``target_lang``, else a
    target-language token (``>>ara<<``) in its vocabulary with the other language as the source."""
    source = _LANGUAGE_CODES.get(str(tokenizer_config.get("source_lang", "")).lower())
    target = _LANGUAGE_CODES.get(str(tokenizer_config.get("target_lang", "")).lower())
    if target is None:
        vocab = _json_object(folder / "vocab.json", name) or {}
        found = {match.group(1) for match in map(_LANGUAGE_TOKEN.fullmatch, vocab) if match}
        targets = {_LANGUAGE_CODES[code] for code in found if code in _LANGUAGE_CODES}
        target = targets.pop() if len(targets) == 1 else None
    if source is None and target is not None:
        source = "en" if target == "ar" else "ar"
    if source is None or target is None or source == target:
        raise ModelUnavailableError(
            name,
            "its tokenizer does not say which languages it translates (no source_lang and target_lang in "
            "tokenizer_config.json)",
            f"give the direction with the folder: ar-en={name} or en-ar={name}",
        )
    return source, target
