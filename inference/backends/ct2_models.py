"""CTranslate2 models on disk: the compute types this machine runs, and each Hugging Face model's converted
copy, made once (in a process of its own) and kept under ``models_dir()``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tarjama.inference.backends import ct2_convert
from tarjama.inference.errors import ModelUnavailableError
from tarjama.inference.hub import ResolvedModel
from tarjama.inference.settings import DEFAULT_CT2_QUANTIZATION_CPU, DEFAULT_CT2_QUANTIZATION_CUDA, models_dir
from tarjama.inference.state import MANIFEST


def supported_quantizations(device: str) -> set[str]:
    """The compute types CTranslate2 can run on ``device`` here (empty when it cannot use the device)."""
    import ctranslate2

    if device == "cuda" and ctranslate2.get_cuda_device_count() < 1:
        return set()
    try:
        return set(ctranslate2.get_supported_compute_types(device))
    except (RuntimeError, ValueError):  # e.g. a CUDA build whose driver is too old
        return set()


def default_quantization(device: str) -> str:
    """int8 on CPU, int8_float16 on CUDA, or float32 where the preferred type is not supported."""
    preferred = DEFAULT_CT2_QUANTIZATION_CUDA if device == "cuda" else DEFAULT_CT2_QUANTIZATION_CPU
    return preferred if preferred in supported_quantizations(device) else "float32"


def conversion_key(resolved: ResolvedModel, quantization: str) -> str:
    """``<fingerprint>-<quantization>``: the folder name of a kept conversion.

    The fingerprint is the Hub commit of a snapshot, or the content hash of a local folder, so a changed
    model is converted again and an unchanged one never is.
    """
    return f"{resolved.revision.removeprefix('local-')}-{quantization}"


def converted_model(resolved: ResolvedModel, quantization: str, *, root: Path | None = None) -> Path:
    """The CTranslate2 copy of ``resolved`` at ``quantization``, converting it on first use.

    Kept in ``models_dir()`` (``$TARJAMA_MODELS_DIR``). The conversion is written into a temporary folder
    and renamed into place, so an interrupted or concurrent conversion never leaves a half-written model.
    """
    root = root if root is not None else models_dir()
    final = root / conversion_key(resolved, quantization)
    if (final / "model.bin").is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=root))
    try:
        out = work / "model"
        _convert(resolved, out, quantization)
        manifest = {"model": resolved.name, "revision": resolved.revision, "quantization": quantization}
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        try:
            out.rename(final)
        except OSError:
            if not (final / "model.bin").is_file():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _convert(resolved: ResolvedModel, out: Path, quantization: str) -> None:
    """Run the converter in a process of its own (:mod:`ct2_convert`): this one never imports torch."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    command = [sys.executable, "-m", ct2_convert.__name__, str(resolved.path), str(out), quantization]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode == ct2_convert.UNCONVERTIBLE:
        raise ModelUnavailableError(
            resolved.name,
            "it cannot be converted to CTranslate2 (its files are damaged or its architecture is not "
            "supported by the converter)",
            "use `--backend transformers`, or give a complete model folder",
        )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ModelUnavailableError(resolved.name, f"its conversion to CTranslate2 failed ({last})")


__all__ = ["conversion_key", "converted_model", "default_quantization", "supported_quantizations"]
