"""Inference backends: which one serves a model, with what precision, and loading it."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from safetensors import SafetensorError

from tarjama.inference.backends.base import Seq2SeqBackend, resolve_device
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.hub import ResolvedModel
from tarjama.inference.settings import DEFAULT_CT2_QUANTIZATION_CPU, default_threads

BACKENDS = ("auto", "transformers", "ctranslate2")

__all__ = [
    "BACKENDS",
    "BackendChoice",
    "Seq2SeqBackend",
    "choose_backend",
    "ctranslate2_available",
    "load_backend",
    "resolve_device",
    "resolve_threads",
]


@dataclass(frozen=True)
class BackendChoice:
    """A backend decided before any weights are read: it is part of every cache key."""

    name: str  # "transformers" | "ctranslate2"
    device: str  # "cpu" | "cuda"
    quantization: str


def ctranslate2_available(device: str = "cpu") -> bool:
    """Whether CTranslate2 is installed and can run on ``device`` (``cpu`` or ``cuda``)."""
    if importlib.util.find_spec("ctranslate2") is None:
        return False
    if device == "cpu":  # CTranslate2 always runs on the CPU; importing it to ask costs an all-cached run
        return True
    from tarjama.inference.backends.ct2_models import supported_quantizations

    return bool(supported_quantizations(device))


def choose_backend(backend: str, device: str, quantization: str | None = None) -> BackendChoice:
    """Resolve ``auto`` backend, device and precision.

    ``auto`` prefers CTranslate2 when it is installed and can use the device. CTranslate2 runs int8 on CPU
    and int8_float16 on CUDA by default; transformers runs float32 on CPU and float16 on CUDA (its precision
    cannot be changed). ``quantization`` picks another CTranslate2 compute type, e.g. ``float32``.
    """
    if backend not in BACKENDS:
        raise InvalidInputError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    device = resolve_device(device)
    if backend == "auto":
        backend = "ctranslate2" if ctranslate2_available(device) else "transformers"
    if backend == "transformers":
        native = "float16" if device == "cuda" else "float32"
        if quantization not in (None, native):
            raise InvalidInputError(f"the transformers backend runs {native} on {device}, not {quantization}")
        return BackendChoice("transformers", device, native)
    if not ctranslate2_available(device):
        raise InvalidInputError(f"the ctranslate2 backend is not installed or cannot use {device} here")
    if quantization is None and device == "cpu":
        return BackendChoice("ctranslate2", device, DEFAULT_CT2_QUANTIZATION_CPU)  # int8 runs on every CPU
    from tarjama.inference.backends.ct2_models import default_quantization, supported_quantizations

    quantization = quantization or default_quantization(device)
    supported = supported_quantizations(device)
    if quantization not in supported:
        raise InvalidInputError(
            f"CTranslate2 cannot run {quantization} on {device}; choose one of {', '.join(sorted(supported))}"
        )
    return BackendChoice("ctranslate2", device, quantization)


def resolve_threads(threads: int | None = None) -> int:
    """CPU threads for one model: ``threads`` if given, else ``$TARJAMA_THREADS``, else the usable CPUs."""
    if threads is not None and threads < 1:
        raise InvalidInputError(f"threads must be at least 1, not {threads}")
    return threads or default_threads()


_LOAD_ERRORS = (OSError, ValueError, RuntimeError, KeyError, EOFError, SafetensorError)


def load_backend(
    resolved: ResolvedModel, choice: BackendChoice, *, threads: int | None = None
) -> Seq2SeqBackend:
    """Load ``resolved`` on the chosen backend (reads the weights: call once, through a pool).

    ``threads`` (default :func:`resolve_threads`) sets CTranslate2's threads (on CPU, one worker each); for
    transformers on CPU it sets torch's process-wide thread count, so both backends use the CPUs this process
    may use.
    """
    count = resolve_threads(threads)
    try:
        if choice.name == "ctranslate2":
            from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend

            return CTranslate2Backend(
                resolved, device=choice.device, quantization=choice.quantization, threads=count
            )
        from tarjama.inference.backends.transformers_backend import TransformersBackend

        if choice.device == "cpu":
            import torch

            torch.set_num_threads(count)
        return TransformersBackend(resolved, device=choice.device)
    except _LOAD_ERRORS as exc:  # the libraries' own errors for damaged or incomplete model files
        fix = f"download it again with `tarjama models pull {resolved.name}`"
        if resolved.revision.startswith("local-"):
            fix = "save the model into the folder again (`save_pretrained`), or give another folder"
        raise ModelUnavailableError(
            resolved.name,
            "its files cannot be loaded: the weights or the tokenizer are damaged or incomplete",
            fix,
        ) from exc
