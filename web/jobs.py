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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from eval.io import read_systems
from eval.mt import score_translations
from eval.report import Report, write_report
from eval.rouge import score_summaries
from eval.run import run_summaries, run_translation
from eval.scores import Evaluation
from eval.testsets import MT_TESTSETS, SUMMARY_TESTSETS, load_mt_testset, load_summary_testset
from inference.arabic import arabic_ratio
from inference.errors import InvalidInputError
from inference.settings import UPLOAD_SUFFIXES
from summarize import BatchReport, SummaryOptions, errors_path, run_batch
from web.service import Limits, TarjamaService, check_language

Progress = Callable[[int, int], None]
Kind = Literal["mt", "summary"]
PLOT_SUFFIX = ".png"
CSV_COLUMNS = ("id", "summary", "method", "model", "lang", "to", "translation_model", "seconds")


@dataclass(frozen=True)
class EvalOutcome:
    """A scored evaluation and the report files written for it (``report.html`` first, then plots)."""

    evaluation: Evaluation
    files: list[Path]

    @property
    def plots(self) -> list[Path]:
        """The PNG plots among :attr:`files`."""
        return [f for f in self.files if f.suffix == PLOT_SUFFIX]

    @property
    def reports(self) -> list[Path]:
        """``report.html``, ``report.md`` and ``report.json``."""
        return sorted((f for f in self.files if f.suffix != PLOT_SUFFIX), key=lambda f: f.suffix != ".html")


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
    hyps_files = check_uploads(hyp_paths, limits, suffixes)
    refs_files = check_uploads(ref_paths, limits, suffixes)
    hyps, refs = read_systems(hyps_files, refs_files)
    if lang is None:
        lang = "ar" if arabic_ratio(" ".join(refs[0][:200])) >= 0.5 else "en"
    check_language(lang, "reference")
    score = score_translations if kind == "mt" else score_summaries
    evaluation = score(hyps, refs, lang)
    report = Report(evaluation, testset=refs_files[0].name, notes={"from": "uploaded files"})
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
    if name in SUMMARY_TESTSETS:
        items, lang = load_summary_testset(name)

        def summarize(article: str) -> str:
            return service.summarizer.summarize(article, lang=lang, method=method).summary

        model_name = (service.sum_model or "") if method == "abstractive" else ""
        run = run_summaries(
            items, summarize, lang, name=method, testset=name, model=model_name, limit=limit,
            progress=progress,
        )  # fmt: skip
        return EvalOutcome(run.evaluation, write_report(Report.from_run(run, items=limit), out))
    testset = load_mt_testset(name, check_language(source, "source"), check_language(target, "target"))
    translator = service.translator(source, target, model)
    run = run_translation(  # model calls go through the service's scheduler, which keeps the slots
        testset,
        lambda text: translator.translate(text, source=source, target=target),
        limit=limit,
        progress=progress,
    )
    return EvalOutcome(run.evaluation, write_report(Report.from_run(run, items=limit), out))


# --- batch summaries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch run did and its downloads: results as JSONL and CSV, and the errors file."""

    report: BatchReport
    results_jsonl: Path
    results_csv: Path
    errors: Path


def _unpack_zip(archive: Path, folder: Path, limits: Limits) -> int:
    """Extract the ``.txt`` members of ``archive`` into ``folder``, flat (``a/b.txt`` becomes ``a__b.txt``).

    The unpacked size counts against the upload limit, as declared and as actually read (a forged
    header cannot unpack more).
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir() and m.filename.lower().endswith(".txt")]
            if not members:
                raise InvalidInputError(f"{archive.name} holds no .txt file")
            if len(members) > limits.batch_documents:
                raise InvalidInputError(
                    f"{archive.name} holds {len(members):,} .txt files; "
                    f"the limit is {limits.batch_documents:,}"
                )
            label = f"{archive.name} (unpacked)"
            limits.check_upload(sum(m.file_size for m in members), label)
            budget = limits.upload_bytes
            for member in members:
                path = PurePosixPath(member.filename.replace("\\", "/"))
                parts = [p for p in path.parts if p not in ("..", "/")]
                with zipped.open(member) as source:
                    data = source.read(budget + 1)
                budget -= len(data)
                if budget < 0:
                    limits.check_upload(limits.upload_bytes + 1, label)
                (folder / "__".join(parts)).write_bytes(data)
    except zipfile.BadZipFile:
        raise InvalidInputError(f"{archive.name} is not a valid .zip file") from None
    return len(members)


def prepare_batch_input(paths: Sequence[str | Path], folder: Path, limits: Limits) -> Path:
    """What ``run_batch`` reads: one ``.jsonl`` or ``.csv`` as it is, or ``.txt`` files and ``.zip`` archives
    of them gathered in ``folder`` (one article per file)."""
    files = check_uploads(paths, limits, UPLOAD_SUFFIXES)
    if not files:
        raise InvalidInputError("upload .txt files, a .zip of them, a .jsonl or a .csv file first")
    tables = [f for f in files if f.suffix.lower() in (".jsonl", ".csv")]
    if tables:
        if len(files) > 1:
            raise InvalidInputError("upload one .jsonl or .csv file at a time, or .txt files and .zip files")
        return tables[0]
    if len(files) > limits.batch_documents:
        raise InvalidInputError(f"{len(files):,} files; the limit is {limits.batch_documents:,} per batch")
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        if file.suffix.lower() == ".zip":
            _unpack_zip(file, folder, limits)
        else:
            shutil.copyfile(file, folder / file.name)
    return folder


def jsonl_to_csv(jsonl: Path, target: Path) -> Path:
    """The batch results as a CSV file (UTF-8 with a BOM, so spreadsheet programs read Arabic right)."""
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def summarize_batch(
    service: TarjamaService,
    paths: Sequence[str | Path],
    options: SummaryOptions,
    out: Path,
    progress: Progress | None = None,
) -> BatchOutcome:
    """Summarise every uploaded article into ``out``: ``summaries.jsonl``, ``summaries.csv`` and
    ``summaries.errors.jsonl`` (empty when every article went through)."""
    source = prepare_batch_input(paths, out / "input", service.limits)
    results = out / "summaries.jsonl"
    with service.slot():
        report = run_batch(
            source, results, options=options, config=service.summarizer_config(), progress=progress
        )
    for path in (results, errors_path(results)):
        path.touch()
    return BatchOutcome(report, results, jsonl_to_csv(results, out / "summaries.csv"), errors_path(results))


__all__ = [
    "BatchOutcome",
    "EvalOutcome",
    "check_uploads",
    "evaluate_files",
    "evaluate_testset",
    "jsonl_to_csv",
    "prepare_batch_input",
    "summarize_batch",
]
