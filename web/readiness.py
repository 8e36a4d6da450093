"""Which model serves each translation direction and whether it can: what ``GET /health`` reports as
``models``, and why it answers 503 while the default direction (``DEFAULT_DIRECTION``) cannot be served.
Reads only this machine's disk and the pool: never contacts the Hub, never loads a model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from tarjama.inference.errors import ModelUnavailableError
from tarjama.inference.hub import resolve_model, split_direction
from tarjama.inference.registry import ModelSpec, get_spec, supports
from tarjama.inference.settings import DEFAULT_DIRECTION
from tarjama.inference.state import model_state
from tarjama.translate.routing import route
from tarjama.web.security import public_model_name
from tarjama.web.service import TarjamaService

State = Literal["loaded", "loading", "present", "missing"]
DIRECTIONS = (("ar", "en"), ("en", "ar"))


def model_for_direction(service: TarjamaService, source: str, target: str) -> str:
    """The model a request for ``source`` → ``target`` that names none gets (as ``Translator`` picks it)."""
    for name in service.mt_models:
        try:
            if supports(_spec_here(service, name), source, target):
                return name
        except ModelUnavailableError:
            continue  # a server model that cannot be had serves nothing; the default is asked for instead
    return route(source, target, device=service.pool.choice.device).model  # this device's default quality


def _spec_here(service: TarjamaService, name: str) -> ModelSpec:
    """What ``name`` can do, from the registry, its folder, or its local Hub snapshot: never the Hub."""
    if get_spec(name) is not None or Path(split_direction(name)[1]).expanduser().is_dir():
        return service.model_spec(name)
    return resolve_model(name, task="translate", local_files_only=True).spec


def model_readiness(service: TarjamaService, name: str) -> State:
    """``loaded`` (in memory), ``loading`` (now), ``present`` (its files are here) or ``missing``."""
    if name in service.pool.loading_models():
        return "loading"
    if name in service.pool.loaded_models():
        return "loaded"
    return "present" if model_state(name).present else "missing"


def readiness(service: TarjamaService) -> tuple[bool, dict[str, dict[str, str | None]]]:
    """``(ready, {"ar-en": {"model", "state"}, ...})``: ready unless the default direction's model is
    missing."""
    report: dict[str, dict[str, str | None]] = {}
    ready = True
    for source, target in DIRECTIONS:
        name = model_for_direction(service, source, target)
        state = model_readiness(service, name)
        report[f"{source}-{target}"] = {"model": public_model_name(name), "state": state}
        if (source, target) == DEFAULT_DIRECTION and state == "missing":
            ready = False
    return ready, report
