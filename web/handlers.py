"""What each button of the page does, without Gradio: call the library, present the result or the error.

``app.py`` wires these methods to the page's components and adapts Gradio's progress bar to the plain
``progress(done, total)`` callback taken here. A :class:`~inference.errors.TarjamaError` becomes a
readable message in the page; anything else is a bug and is left to propagate.
"""

from __future__ import annotations

import errno
import json
import math
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tarjama.inference.errors import InvalidInputError, ModelUnavailableError, TarjamaError
from tarjama.inference.state import model_state
from tarjama.summarize import Summary, SummaryOptions, article_sentences
from tarjama.translate import TranslationOptions
from tarjama.translate.glossary import Glossary, read_glossary
from tarjama.web import presenters
from tarjama.web.batches import translate_batch
from tarjama.web.jobs import EvalOutcome, evaluate_files, evaluate_testset, summarize_batch
from tarjama.web.routing_page import QUALITY_CHOICES, language_notice, page_request
from tarjama.web.security import public_model_name
from tarjama.web.service import TarjamaService
from tarjama.web.turns import OnePerVisitor
from tarjama.web.uploads import UploadLedger

Progress = Callable[[int, int], None]
KEEP_SECONDS = 3600  # how long one request's download files stay in the work folder
DIRECTIONS: dict[str, tuple[str, str | None]] = {
    "auto": ("auto", None),
    "ar-en": ("ar", "en"),
    "en-ar": ("en", "ar"),
}
TranslateOutputs = tuple[str, str, str, str | None, str | None]
SummaryOutputs = tuple[str, str, str, str | None]
BatchOutputs = tuple[str, list[str]]
EvalOutputs = tuple[str, str, list[str], list[str]]


def model_choices(service: TarjamaService, *, qualities: bool = False) -> list[tuple[str, str]]:
    """The model dropdowns' ``(label, value)`` choices: the default (with ``qualities``, the best and fast
    default too), then every model a visitor may pick."""
    models = [(model_line(service, name), name) for name in service.allowed_models()]
    return [("Default", ""), *(QUALITY_CHOICES if qualities else ()), *models]


def model_line(service: TarjamaService, name: str) -> str:
    """A model with its directions and local state; a server model that cannot be read says why (without
    its server path)."""
    own = service.model_for(name)  # a server model's public name → its folder
    internal = own if isinstance(own, str) else name
    try:
        spec = service.model_spec(internal)
    except ModelUnavailableError as exc:
        return f"{presenters.model_label(name)} — cannot be used: {exc.reason}"
    return presenters.model_choice(name, spec, model_state(internal))


def _paths(files: Sequence[str] | str | None) -> list[str]:
    if files is None:
        return []
    return [files] if isinstance(files, str) else [str(f) for f in files]


def whole_number(value: float | str | None, name: str, default: int) -> int:
    """``value`` (a slider's number) as an ``int``, ``default`` when empty; :class:`InvalidInputError`
    when it is not a number or not finite (the page's API takes any JSON)."""
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} must be a number") from None
    if not math.isfinite(number) or abs(number) > 1_000_000:
        raise InvalidInputError(f"{name} must be a number between -1,000,000 and 1,000,000")
    return int(number) or default


@dataclass(frozen=True)
class GlossaryChoice:
    """What the page's glossary controls say: a server glossary's name, or a visitor's uploaded file."""

    name: str = ""
    upload: str | None = None
    visitor: str = "unknown"


class Page:
    """The page's actions on one shared :class:`TarjamaService`; downloads are written under ``workdir``.

    Jobs open only files the same visitor uploaded, as ``uploads`` holds them (``visitor``: the client's
    address).
    """

    def __init__(self, service: TarjamaService, workdir: Path, uploads: UploadLedger) -> None:
        self.service = service
        self.workdir = workdir
        self.uploads = uploads
        self.scoring = OnePerVisitor("evaluation")  # scoring runs side by side, one per visitor

    def folder(self) -> Path:
        """A new folder for one request's downloads; folders older than :data:`KEEP_SECONDS` are removed
        (Gradio has copied their files into its own cache by then)."""
        cutoff = time.time() - KEEP_SECONDS
        if self.workdir.is_dir():
            for old in self.workdir.iterdir():
                if old.is_dir() and old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
        folder = self.workdir / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder

    def downloads(self, texts: dict[str, str]) -> tuple[list[str], str]:
        """Write each ``name: text`` into a new folder: ``(paths, "")``, or ``([], notice)`` and nothing
        left behind when the server's disk has no room (the result is shown all the same)."""
        folder: Path | None = None
        try:
            folder = self.folder()
            paths = []
            for name, text in texts.items():
                path = folder / name
                path.write_text(text, encoding="utf-8")
                paths.append(str(path))
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            return [], presenters.downloads_notice()
        return paths, ""

    def cache_notice(self) -> str:
        """The page's notice while the sentence cache does not work (empty while it does)."""
        cache = self.service.cache
        return presenters.cache_notice(cache.status if cache is not None else None)

    # --- Translate -------------------------------------------------------------------------------------
    def translate(
        self,
        text: str | None,
        direction: str,
        model: str | None,
        progress: Progress | None = None,
        glossary: GlossaryChoice | None = None,
    ) -> TranslateOutputs:
        """``(translation, status, side-by-side table, .txt download, .json download)``; ``glossary``: a
        server glossary's name, or a file ``visitor`` uploaded (checked like the batch's uploads)."""
        try:
            source, target, model, routing = page_request(direction, model)
            chosen = self.glossary(glossary) if glossary else None
            result = self.service.translate(
                text or "", source=source, target=target, model=model, progress=progress, routing=routing,
                glossary=chosen,
            )  # fmt: skip
        except TarjamaError as exc:
            return "", presenters.error_box(str(exc), "Could not translate"), "", None, None
        stem = f"translation-{result.source}-{result.target}"
        shown = result.as_dict() | {"model": public_model_name(result.model)}  # never a server folder
        as_json = json.dumps(shown, ensure_ascii=False, indent=2)
        files, notice = self.downloads({f"{stem}.txt": result.text, f"{stem}.json": as_json})
        status = presenters.translation_status(result, detected=source == "auto") + language_notice(result)
        status += self.cache_notice()
        txt, data = files or (None, None)
        return result.text, status + notice, presenters.alignment_table(result), txt, data

    def glossary(self, choice: GlossaryChoice) -> Glossary | None:
        """The glossary a visitor chose: an uploaded file (one of theirs) wins over a server glossary."""
        if choice.upload:
            (path,) = self.uploads.check(choice.visitor, [choice.upload])
            return read_glossary(path, name="uploaded")
        return self.service.glossaries.get(choice.name) if choice.name else None

    # --- Summarise -----------------------------------------------------------------------------------
    def _chosen(self, text: str, summary: Summary, sentences: int) -> tuple[int, ...]:
        """The article sentences an extractive summary picked (recomputed in the article's language
        when the summary was translated, since the summary then carries no indices)."""
        if summary.indices or summary.lang == summary.to:
            return summary.indices
        same = self.service.summarize(text, source=summary.lang, method="extractive", sentences=sentences)
        return same.indices

    def summarize(
        self, text: str | None, method: str, sentences: float | None, to: str | None
    ) -> SummaryOutputs:
        """``(summary, status, the article with the chosen sentences highlighted, .txt download)``."""
        try:
            count = whole_number(sentences, "the length", 3)
            summary = self.service.summarize(
                text or "", method=method, sentences=count, target=to if to in ("ar", "en") else None
            )
            highlighted = ""
            if summary.method == "extractive":
                chosen = self._chosen(text or "", summary, count)
                article = article_sentences(text or "", summary.lang)
                highlighted = presenters.summary_html(
                    article.sentences, chosen, summary.lang, article.paragraphs
                )
        except TarjamaError as exc:
            return "", presenters.error_box(str(exc), "Could not summarise"), "", None
        files, notice = self.downloads({f"summary-{summary.lang}-{summary.to}.txt": summary.summary + "\n"})
        status = presenters.summary_status(summary) + self.cache_notice() + notice
        return summary.summary, status, highlighted, files[0] if files else None

    # --- Batch ---------------------------------------------------------------------------------------
    def batch(
        self,
        files: Sequence[str] | str | None,
        method: str,
        sentences: float | None,
        to: str | None,
        progress: Progress | None = None,
        job: str = "summarize",
        *,
        visitor: str,
        model: str | None = None,
    ) -> BatchOutputs:
        """Summarise (``job="summarize"``) or translate (``job="translate"``, into ``to``: by default the
        other language, with ``model``: by default the server's) every article ``visitor`` uploaded:
        ``(status, [results.jsonl, results.csv, errors.jsonl])``."""
        target = to if to in ("ar", "en") else None
        out = self.folder()
        try:
            paths = self.uploads.check(visitor, _paths(files))
            if job == "translate":
                options = TranslationOptions(target=target)
                outcome = translate_batch(self.service, paths, options, out, progress, model)
            else:
                summary = SummaryOptions(
                    method=method, sentences=whole_number(sentences, "the length", 3), to=target
                )
                outcome = summarize_batch(self.service, paths, summary, out, progress)
        except TarjamaError as exc:
            left = sorted(f for f in out.glob("*.jsonl") if f.stat().st_size)  # what the run wrote before
            named = f" Written before it stopped: {', '.join(f.name for f in left)} (below)." if left else ""
            return presenters.error_box(f"{exc}{named}", "Could not run the batch"), [str(f) for f in left]
        files_out = [outcome.results_jsonl, outcome.results_csv, outcome.errors]
        done = "translated" if job == "translate" else "summarised"
        return presenters.batch_status(outcome.report, done), [str(f) for f in files_out]

    # --- Evaluate --------------------------------------------------------------------------------------
    def _eval_outputs(self, outcome: EvalOutcome) -> EvalOutputs:
        return (
            "",
            presenters.scores_table(outcome.evaluation, outcome.note),
            [str(p) for p in outcome.plots],
            [str(outcome.bundle())],
        )

    def evaluate_files(
        self,
        hypotheses: Sequence[str] | str | None,
        references: Sequence[str] | str | None,
        kind: str,
        *,
        visitor: str,
    ) -> EvalOutputs:
        """Score files ``visitor`` uploaded: ``(error, scores table, plot images, [report.zip])``."""
        try:
            if kind not in ("mt", "summary"):
                raise InvalidInputError(f"unknown kind of evaluation {kind!r}")
            with self.scoring.turn(visitor):
                outcome = evaluate_files(
                    self.uploads.check(visitor, _paths(hypotheses)),
                    self.uploads.check(visitor, _paths(references)),
                    kind="mt" if kind == "mt" else "summary",
                    out=self.folder(),
                    limits=self.service.limits,
                )
        except TarjamaError as exc:
            return presenters.error_box(str(exc), "Could not evaluate"), "", [], []
        return self._eval_outputs(outcome)

    def evaluate_testset(
        self,
        testset: str,
        direction: str,
        model: str | None,
        limit: float | None,
        method: str = "extractive",
        progress: Progress | None = None,
    ) -> EvalOutputs:
        """Run and score a bundled test set: ``(error, scores table, plot images, [report.zip])``."""
        source, target = DIRECTIONS.get(direction, ("ar", "en"))
        try:
            if target is None:
                raise InvalidInputError("choose a direction for the test set")
            outcome = evaluate_testset(
                self.service,
                testset,
                source=source,
                target=target,
                model=model or None,
                limit=whole_number(limit, "the number of items", 0),
                out=self.folder(),
                method=method,
                progress=progress,
            )
        except TarjamaError as exc:
            return presenters.error_box(str(exc), "Could not evaluate"), "", [], []
        return self._eval_outputs(outcome)


__all__ = [
    "DIRECTIONS",
    "KEEP_SECONDS",
    "Page",
    "model_choices",
    "model_line",
]
