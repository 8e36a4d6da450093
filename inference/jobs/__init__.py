"""The batch job runner shared by every task: reader → records → engine → writer (see ``runner``)."""

from tarjama.inference.jobs.records import FORMATS, BadRecord, Record, read_records
from tarjama.inference.jobs.runner import ENGINES, JobProgress, JobReport, Progress, errors_path, run_job
from tarjama.inference.jobs.task import GroupResult, JobTask, error_line

__all__ = [
    "ENGINES",
    "FORMATS",
    "BadRecord",
    "GroupResult",
    "JobProgress",
    "JobReport",
    "JobTask",
    "Progress",
    "Record",
    "error_line",
    "errors_path",
    "read_records",
    "run_job",
]
