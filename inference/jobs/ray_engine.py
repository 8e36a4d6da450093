"""The Ray Data engine: the same groups, the same lines, the same output as the local engine.

Ray is an optional extra (``pip install tarjama[ray]``). Without ``RAY_ADDRESS`` a local Ray is started
with ``workers`` CPUs and shut down afterwards; with it, the job joins that cluster (which must be able
to import tarjama). Each Ray actor holds the task, whose engine loads its models once per actor.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

from tarjama.inference.errors import TarjamaError
from tarjama.inference.jobs.records import Record
from tarjama.inference.jobs.task import GroupResult, JobTask


class RunGroups:
    """The Ray Data map over batches of ``{"id", "text", "where"}`` rows: each batch is one group of the
    task; each row gets its JSON ``line``, and the batch's first row the group's ``counts``."""

    def __init__(self, task: JobTask) -> None:
        self.task = task

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        records = [
            Record(str(i), str(t), str(w))
            for i, t, w in zip(batch["id"], batch["text"], batch["where"], strict=True)
        ]
        result = self.task.run(records)
        lines = [json.dumps(row, ensure_ascii=False) for row in result.lines]
        counts = [json.dumps(result.counts)] + ["{}"] * (len(lines) - 1)
        return {"line": np.asarray(lines, dtype=object), "counts": np.asarray(counts, dtype=object)}


def ray_results(todo: Sequence[Record], task: JobTask, workers: int) -> Iterator[GroupResult]:
    """Results for ``todo`` in input order (one per record), computed by ``workers`` Ray actors."""
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
            RunGroups,
            fn_constructor_kwargs={"task": task},
            batch_size=task.group_size,
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        for row in dataset.iter_rows():
            yield GroupResult([json.loads(row["line"])], json.loads(row["counts"]))
    finally:
        if started_here:
            ray.shutdown()
