"""The page's translation batch: the same job as `tarjama translate batch`, on uploaded articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from tarjama.inference.jobs import JobProgress, JobReport
from tarjama.translate import TranslationOptions, TranslatorConfig, run_translation_batch
from tarjama.web.jobs import BatchOutcome, Progress, run_uploaded_batch
from tarjama.web.service import TarjamaService

TRANSLATION_CSV_COLUMNS = (
    "id", "translation", "source", "target", "model", "revision", "segments", "cached", "flags", "seconds",
)  # fmt: skip


def translator_config(service: TarjamaService, model: str | None = None) -> TranslatorConfig:
    """How a batch run builds its translator: ``model`` (one a visitor may choose), else this server's own
    models (each for the directions it can do, the registry's default for the others), backend and cache
    setting."""
    return TranslatorConfig(
        model=service.model_for(model) if model else service.mt_models or None,
        backend=service.pool.choice.name,
        device=service.pool.choice.device,
        quantization=service.pool.choice.quantization,
        use_cache=service.cache is not None,
    )


def translate_batch(
    service: TarjamaService,
    paths: Sequence[str | Path],
    options: TranslationOptions,
    out: Path,
    progress: Progress | None = None,
    model: str | None = None,
) -> BatchOutcome:
    """Translate every uploaded article into ``out``: ``translations.jsonl``, ``translations.csv`` and
    ``translations.errors.jsonl`` (:func:`~web.jobs.run_uploaded_batch`)."""
    config = translator_config(service, model)

    def job(source: Path, results: Path, report: Callable[[JobProgress], None] | None) -> JobReport:
        return run_translation_batch(source, results, options=options, config=config, progress=report)

    return run_uploaded_batch(service, paths, out, "translations", job, TRANSLATION_CSV_COLUMNS, progress)
