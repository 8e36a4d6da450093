"""What a task gives the job runner: one group of records in, one output line per record out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tarjama.inference.jobs.records import Record


@dataclass(frozen=True)
class GroupResult:
    """The lines for a group of records, in order, and the task's tallies for the group.

    A line is the record's result (``{"id", RESULT_KEY, ...}``) or, for a record that could not be done,
    ``{"id", "where", "reason"}``. ``counts`` (e.g. sentences translated) are summed over the run.
    """

    lines: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)


class JobTask(Protocol):
    """A task the runner can run on any engine: plain data (it travels to worker processes and Ray
    actors), building its model-holding engine once per process."""

    @property
    def what(self) -> str:
        """What the outputs are, for messages: ``summaries``, ``translations``."""
        ...

    @property
    def result_key(self) -> str:
        """The key every result line has besides ``id``: ``summary``, ``translation``."""
        ...

    @property
    def group_size(self) -> int:
        """Records done together (and sent to a worker at once)."""
        ...

    def run(self, records: Sequence[Record]) -> GroupResult:
        """The lines for ``records``; never raises for one bad record (its line says why)."""
        ...


def error_line(record: Record, reason: str) -> dict[str, Any]:
    """The line of a record that could not be done."""
    return {"id": record.id, "where": record.where, "reason": reason}
