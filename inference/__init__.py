"""The cached inference layer: model registry and loading, backends, batching, the sentence cache."""

from tarjama.inference.backends import BACKENDS, BackendChoice, Seq2SeqBackend, choose_backend, load_backend
from tarjama.inference.cache import CacheStats, SentenceCache, cache_key
from tarjama.inference.cached import CachedGenerator, Generated
from tarjama.inference.errors import (
    InvalidInputError,
    LimitExceededError,
    ModelUnavailableError,
    TarjamaError,
)
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.hub import ResolvedModel, pull_model, resolve_model
from tarjama.inference.pool import ModelPool, ModelRef
from tarjama.inference.registry import MODELS, ModelSpec, default_translation_model, get_spec
from tarjama.inference.scheduler import BatchEvent, BatchScheduler

__all__ = [
    "BACKENDS",
    "MODELS",
    "BackendChoice",
    "BatchEvent",
    "BatchScheduler",
    "CacheStats",
    "CachedGenerator",
    "Generated",
    "GenerationSettings",
    "InvalidInputError",
    "LimitExceededError",
    "ModelPool",
    "ModelRef",
    "ModelSpec",
    "ModelUnavailableError",
    "ResolvedModel",
    "SentenceCache",
    "Seq2SeqBackend",
    "TarjamaError",
    "cache_key",
    "choose_backend",
    "default_translation_model",
    "get_spec",
    "load_backend",
    "pull_model",
    "resolve_model",
]
