"""The batch job on Ray Data: the same records, the same summaries, the same output as the local engine.

Ray is an optional extra (``pip install tarjama[ray]``). Without ``RAY_ADDRESS`` a local Ray is started
with ``workers`` CPUs and shut down afterwards; with it, the job joins that cluster (which must be able
to import tarjama). Each Ray actor holds one :class:`~summarize.engine.Summarizer`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from inference.errors import TarjamaError
from summarize.batch import SummarizerConfig, SummaryOptions, result_lines
from summarize.records import Record

BATCH_SIZE = 16


class SummarizeBatch:
    """The Ray Data map over batches of ``{"id", "text", "where"}`` rows: one JSON ``line`` per row, the
    batch's records summarised together (:func:`~summarize.batch.result_lines`)."""

    def __init__(self, config: dict[str, Any], options: dict[str, Any]) -> None:
        self.summarizer = SummarizerConfig(**config).build()
        self.options = SummaryOptions(**options)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        records = [
            Record(str(i), str(t), str(w))
            for i, t, w in zip(batch["id"], batch["text"], batch["where"], strict=True)
        ]
        lines = [json.dumps(row) for row in result_lines(records, self.summarizer, self.options)]
        return {"line": np.asarray(lines, dtype=object)}


def ray_results(
    todo: list[Record], options: SummaryOptions, config: SummarizerConfig, workers: int
) -> Iterator[dict[str, Any]]:
    """Result objects for ``todo`` in input order, computed by ``workers`` Ray actors."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise TarjamaError(
            "the ray engine needs Ray Data: pip install 'tarjama[ray]' (or use --engine local)"
        ) from None
    started_here = not ray.is_initialized()
    if started_here:
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(
                num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING
            )
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        rows = [{"id": r.id, "text": r.text, "where": r.where} for r in todo]
        dataset = ray.data.from_items(rows).map_batches(
            SummarizeBatch,
            fn_constructor_kwargs={"config": asdict(config), "options": asdict(options)},
            batch_size=BATCH_SIZE,
            concurrency=workers,
            num_cpus=1,
        )
        for row in dataset.iter_rows():
            yield json.loads(row["line"])
    finally:
        if started_here:
            ray.shutdown()
