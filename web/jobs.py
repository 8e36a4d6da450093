"""The page's file jobs: evaluations from uploads or bundled test sets, and batch uploads. No Gradio here.

Each job checks the upload limits, calls the ``eval`` / ``summarize`` library functions and writes its
downloadable files into a folder the caller gives.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from tarjama.eval.io import read_systems
from tarjama.eval.scores import Evaluation
from tarjama.eval.testsets import MT_TESTSETS, SUMMARY_TESTSETS, load_mt_testset, load_summary_testset
from tarjama.inference.arabic import arabic_ratio
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.jobs import JobProgress, JobReport, errors_path, read_records
from tarjama.inference.settings import UPLOAD_SUFFIXES
from tarjama.summarize import SummaryOptions, run_batch
from tarjama.web.archives import unique_name, unpack_zip
from tarjama.web.downloads import display_names, public_line, rewrite_jsonl, show_bidi, spreadsheet_cell
from tarjama.web.languages import check_language
from tarjama.web.security import public_model_name
from tarjama.web.service import Limits, TarjamaService

Progress = Callable[[int, int], None]
Kind = Literal["mt", "summary"]
PLOT_SUFFIX = ".png"
REPORT_ARCHIVE = "report.zip"
CSV_COLUMNS = ("id", "summary", "method", "model", "lang", "to", "translation_model", "seconds")


@dataclass(frozen=True)
class EvalOutcome:
    """A scored evaluation and the report files written for it (``report.html`` first, then plots)."""

    evaluation: Evaluation
    files: list[Path]
    note: str = ""  # how the run was made, shown with its scores (e.g. the summaries' length rule)

    @property
    def plots(self) -> list[Path]:
        """The PNG plots among :attr:`files`."""
        return [f for f in self.files if f.suffix == PLOT_SUFFIX]

    @property
    def reports(self) -> list[Path]:
        """``report.html``, ``report.md`` and ``report.json``."""
        return sorted((f for f in self.files if f.suffix != PLOT_SUFFIX), key=lambda f: f.suffix != ".html")

    def bundle(self) -> Path:
        """``report.zip`` next to the files: the reports with the plots they show, as one download."""
        archive = self.files[0].parent / REPORT_ARCHIVE
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for file in [*self.reports, *self.plots]:
                zipped.write(file, file.name)
        return archive


def check_uploads(paths: Sequence[str | Path], limits: Limits, suffixes: Sequence[str]) -> list[Path]:
    """The uploaded files, refused when one is too big or not of an accepted type."""
    files = [Path(p) for p in paths]
    for file in files:
        if file.suffix.lower() not in suffixes:
            raise InvalidInputError(
                f"{file.name}: files of type {file.suffix or '(none)'} are not accepted here; "
                f"use {', '.join(suffixes)}"
            )
        limits.check_upload(file.stat().st_size, file.name)
    return files


def evaluate_files(
    hyp_paths: Sequence[str | Path],
    ref_paths: Sequence[str | Path],
    *,
    kind: Kind,
    out: Path,
    limits: Limits,
    lang: str | None = None,
) -> EvalOutcome:
    """Score hypothesis files (one system each) against line-aligned reference files and write a report.

    ``kind`` ``mt`` gives BLEU, chrF++ and TER; ``summary`` gives ROUGE. ``lang`` is the language of the
    references (guessed from their script when ``None``).
    """
    if not hyp_paths or not ref_paths:
        raise InvalidInputError("upload at least one hypothesis file and one reference file")
    suffixes = (".txt", ".jsonl")
    for files, what in ((hyp_paths, "system"), (ref_paths, "reference")):
        if len(files) > limits.eval_files:
            raise LimitExceededError(f"{len(files)} {what} files; the limit is {limits.eval_files} at once")
    hyps_files = check_uploads(hyp_paths, limits, suffixes)
    refs_files = check_uploads(ref_paths, limits, suffixes)
    hyps, refs = read_systems(hyps_files, refs_files)
    if len(refs[0]) > limits.eval_file_items:
        raise LimitExceededError(
            f"the files hold {len(refs[0]):,} lines; the limit is {limits.eval_file_items:,} lines at once "
            "(score a part of them here, or all of them with `tarjama eval mt` / `tarjama eval summary`)"
        )
    hyps = dict(zip(display_names(hyps_files), hyps.values(), strict=True))  # never an upload's folder
    if lang is None:
        lang = "ar" if arabic_ratio(" ".join(refs[0][:200])) >= 0.5 else "en"
    check_language(lang, "reference")
    from tarjama.eval.mt import score_translations  # sacrebleu, ROUGE and NLTK load when a job scores
    from tarjama.eval.report import Report, write_report
    from tarjama.eval.rouge import score_summaries

    score = score_translations if kind == "mt" else score_summaries
    evaluation = score(hyps, refs, lang)
    report = Report(evaluation, testset=show_bidi(refs_files[0].name), notes={"from": "uploaded files"})
    return EvalOutcome(evaluation, write_report(report, out))


def evaluate_testset(
    service: TarjamaService,
    name: str,
    *,
    source: str,
    target: str,
    model: str | None,
    limit: int,
    out: Path,
    method: str = "extractive",
    progress: Progress | None = None,
) -> EvalOutcome:
    """Run ``limit`` items of a bundled test set, score them and write a report.

    Translation sets (``ntrex``, ``tatoeba``) are translated ``source``→``target`` with ``model``; summary
    sets (``easc``, ``cnndm``, ``xsum``) are summarised with ``method`` and scored next to a lead-3 baseline.
    """
    if name not in (*MT_TESTSETS, *SUMMARY_TESTSETS):
        known = ", ".join((*MT_TESTSETS, *SUMMARY_TESTSETS))
        raise InvalidInputError(f"unknown test set {name!r}; choose one of {known}")
    if not 1 <= limit <= service.limits.eval_items:
        raise InvalidInputError(f"the number of items must be between 1 and {service.limits.eval_items}")
    from tarjama.eval.report import Report, write_report
    from tarjama.eval.run import REFERENCE_LENGTH_RULE, reference_length, run_summaries, run_translation

    if name in SUMMARY_TESTSETS:
        items, lang = load_summary_testset(name)

        def summarize(article: str, sentences: int) -> str:
            summary = service.summarizer.summarize(article, lang=lang, method=method, sentences=sentences)
            return "\n".join(summary.sentences) or summary.summary  # one sentence a line, for ROUGE-Lsum

        model_name = (public_model_name(service.sum_model) or "") if method == "abstractive" else ""
        run = run_summaries(
            items, summarize, lang, name=method, testset=name, model=model_name, limit=limit,
            sentences_for=reference_length, progress=progress,
        )  # fmt: skip
        report = write_report(Report.from_run(run, items=limit), out)
        return EvalOutcome(run.evaluation, report, f"Length rule: {REFERENCE_LENGTH_RULE}.")
    testset = load_mt_testset(name, check_language(source, "source"), check_language(target, "target"))
    translator = service.translator(source, target, model)
    run = run_translation(  # model calls go through the service's scheduler, which keeps the slots
        testset,
        lambda text: translator.translate(text, source=source, target=target),
        limit=limit,
        progress=progress,
    )
    run = replace(run, model=public_model_name(run.model) or "")  # a server folder by its name only
    return EvalOutcome(run.evaluation, write_report(Report.from_run(run, items=limit), out))


# --- batch summaries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch run did and its downloads: results as JSONL and CSV, and the errors file."""

    report: JobReport
    results_jsonl: Path
    results_csv: Path
    errors: Path


@dataclass(frozen=True)
class BatchInput:
    """What ``run_batch`` reads (a ``.jsonl`` or ``.csv`` file, or a folder of ``.txt`` files) and the
    archive members that could not be unpacked (error rows: ``id``, ``where``, ``reason``)."""

    path: Path
    errors: list[dict[str, Any]]


def prepare_batch_input(paths: Sequence[str | Path], folder: Path, limits: Limits) -> BatchInput:
    """What ``run_batch`` reads: one ``.jsonl`` or ``.csv`` as it is, or ``.txt`` files and ``.zip`` archives
    of them gathered in ``folder`` (one article per file, each under a name of its own)."""
    files = check_uploads(paths, limits, UPLOAD_SUFFIXES)
    if not files:
        raise InvalidInputError("upload .txt files, a .zip of them, a .jsonl or a .csv file first")
    tables = [f for f in files if f.suffix.lower() in (".jsonl", ".csv")]
    if tables:
        if len(files) > 1:
            raise InvalidInputError("upload one .jsonl or .csv file at a time, or .txt files and .zip files")
        table, records = tables[0], len(read_records(tables[0]))
        if records > limits.batch_documents:
            limit = limits.batch_documents
            raise InvalidInputError(f"{table.name} holds {records:,} records; the limit is {limit:,} a batch")
        return BatchInput(table, [])
    if len(files) > limits.batch_documents:
        raise InvalidInputError(f"{len(files):,} files; the limit is {limits.batch_documents:,} per batch")
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    errors: list[dict[str, Any]] = []
    for file in files:
        if file.suffix.lower() == ".zip":
            errors += unpack_zip(file, folder, limits, taken)
        else:
            shutil.copyfile(file, folder / unique_name(file.name, taken))
    if errors and not any(folder.iterdir()):  # say why, rather than "no article" with the reasons unseen
        reasons = "; ".join(f"{row['where']}: {row['reason']}" for row in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        raise InvalidInputError(f"no article could be read from the upload ({reasons}{more})")
    return BatchInput(folder, errors)


def jsonl_to_csv(jsonl: Path, target: Path, columns: Sequence[str] = CSV_COLUMNS) -> Path:
    """The batch results as a CSV file (UTF-8 with a BOM, so spreadsheet programs read Arabic right); a
    list (a translation's flags) becomes its items separated by spaces, and no cell can start a formula
    (:func:`~web.downloads.spreadsheet_cell`)."""
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {k: spreadsheet_cell(" ".join(v) if isinstance(v, list) else v) for k, v in row.items()}
            for row in rows
        )
    return target


def _adapt_progress(progress: Progress | None) -> Callable[[JobProgress], None] | None:
    """The page's ``(done, total)`` progress as the job runner's callback."""
    if progress is None:
        return None
    return lambda where: progress(where.done, where.total)


def _with_unpack_errors(report: JobReport, errors: list[dict[str, Any]], path: Path) -> JobReport:
    """``report`` counting the archive members that were not unpacked, which are added to the errors file."""
    if not errors:
        return report
    with path.open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in errors)
    reasons = dict(report.error_reasons)
    for row in errors:
        reason = row["reason"].split(" (")[0]
        reasons[reason] = reasons.get(reason, 0) + 1
    return replace(
        report,
        records=report.records + len(errors),
        errors=report.errors + len(errors),
        errors_path=str(path),
        error_reasons=reasons,
    )


def run_uploaded_batch(
    service: TarjamaService,
    paths: Sequence[str | Path],
    out: Path,
    name: str,
    job: Callable[[Path, Path, Callable[[JobProgress], None] | None], JobReport],
    columns: Sequence[str],
    progress: Progress | None = None,
) -> BatchOutcome:
    """``job(input, results, progress)`` on the uploaded articles, in one of the server's model slots:
    ``NAME.jsonl``, ``NAME.csv`` (``columns``) and ``NAME.errors.jsonl`` (empty when all went through);
    archive members that could not be unpacked are counted and listed among the errors."""
    source = prepare_batch_input(paths, out / "input", service.limits)
    results = out / f"{name}.jsonl"
    with service.slot():
        report = job(source.path, results, _adapt_progress(progress))
    for path in (results, errors_path(results)):
        path.touch()
    report = _with_unpack_errors(report, source.errors, errors_path(results))
    for path in (results, errors_path(results)):
        rewrite_jsonl(path, public_line)
    return BatchOutcome(
        report, results, jsonl_to_csv(results, out / f"{name}.csv", columns), errors_path(results)
    )


def summarize_batch(
    service: TarjamaService,
    paths: Sequence[str | Path],
    options: SummaryOptions,
    out: Path,
    progress: Progress | None = None,
) -> BatchOutcome:
    """Summarise every uploaded article into ``out``: ``summaries.jsonl``, ``summaries.csv`` and
    ``summaries.errors.jsonl`` (:func:`run_uploaded_batch`)."""
    config = service.summarizer_config()

    def job(source: Path, results: Path, report: Callable[[JobProgress], None] | None) -> JobReport:
        return run_batch(source, results, options=options, config=config, progress=report)

    return run_uploaded_batch(service, paths, out, "summaries", job, CSV_COLUMNS, progress)


__all__ = [
    "BatchInput",
    "BatchOutcome",
    "EvalOutcome",
    "check_uploads",
    "evaluate_files",
    "evaluate_testset",
    "jsonl_to_csv",
    "prepare_batch_input",
    "run_uploaded_batch",
    "summarize_batch",
]
