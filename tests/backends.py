"""What the backend tests share: a stand-in model's folder resolved as the library resolves a model."""

from __future__ import annotations

from pathlib import Path

from tarjama.inference.hub import ResolvedModel, resolve_model


def resolved(folder: Path, task: str = "translate") -> ResolvedModel:
    """``folder`` (a stand-in model) as :func:`~tarjama.inference.hub.resolve_model` gives it."""
    return resolve_model(str(folder), task=task)  # type: ignore[arg-type]
