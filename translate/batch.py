"""Batch translations: many articles in, one JSON line each out, on the shared job runner
(:mod:`inference.jobs`: resumable, safe to kill, never touching a file that is not its output).

The articles of a group are translated together: their sentences share the model's batches, and a
sentence repeated across the corpus (a byline, "Follow us on ...", a date line) is translated once per
worker, whatever the cache says; the lines' tallies say how many sentences were repeats. A paragraph in
another language (a Sorani paragraph in an Arabic article) goes to the model that translates it, in that
model's batches (:mod:`translate.plans`), or is copied and flagged.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from tarjama.inference.cached import Generated
from tarjama.inference.errors import (
    InvalidInputError,
    LimitExceededError,
    ModelUnavailableError,
    TarjamaError,
)
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.jobs import GroupResult, JobReport, Progress, Record, error_line, run_job
from tarjama.inference.pool import ModelPool
from tarjama.inference.settings import (
    CORPUS_MEMO_SENTENCES,
    DEFAULT_BACKEND,
    DEFAULT_BEAM_SIZE,
    DEFAULT_DEVICE,
    DEFAULT_MAX_BATCH_TOKENS,
    TRANSLATION_GROUP_SIZE,
)
from tarjama.translate import guards
from tarjama.translate.engine import TASK, Plan, Translation, Translator
from tarjama.translate.glossary import Glossary
from tarjama.translate.plans import Part, without

COUNTS = ("sentences", "repeated", "cached", "translated")  # the tallies of a translation batch


@dataclass(frozen=True)
class TranslationOptions:
    """The direction and decoding of every article of a batch; ``sentences`` adds each line's sentences.
    ``settings``, when given, are the whole decoding settings (``beam_size`` is then theirs)."""

    source: str = "auto"
    target: str | None = None
    beam_size: int = DEFAULT_BEAM_SIZE
    sentences: bool = False
    settings: GenerationSettings | None = None
    glossary: Glossary | None = None  # for the batch's one direction


@dataclass(frozen=True)
class TranslatorConfig:
    """How each worker builds its :class:`~translate.engine.Translator` (plain data, so it can travel)."""

    model: str | tuple[str, ...] | None = None  # several: each serves the directions it can do
    revision: str | None = None
    backend: str = DEFAULT_BACKEND
    device: str = DEFAULT_DEVICE
    quantization: str | None = None
    threads: int | None = None
    use_cache: bool = True
    local_files_only: bool | None = None
    max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS
    quality: str | None = None  # best | fast (ar↔en)
    dialect: str | None = None  # acm | apc | arz (to NLLB) | msa

    def build(self) -> Translator:
        """A new translator with this configuration."""
        pool = ModelPool(
            backend=self.backend, device=self.device, local_files_only=self.local_files_only,
            quantization=self.quantization, threads=self.threads,
        )  # fmt: skip
        return Translator(
            self.model, revision=self.revision, pool=pool, use_cache=self.use_cache,
            max_batch_tokens=self.max_batch_tokens, quality=self.quality, dialect=self.dialect,
        )  # fmt: skip


class CorpusTranslator:
    """Translates groups of articles, each distinct sentence once: within a group the sentences of all
    articles go to the model together; across groups a bounded memo of outputs answers repeats."""

    def __init__(self, translator: Translator, memo_size: int = CORPUS_MEMO_SENTENCES) -> None:
        self.translator = translator
        self.memo_size = memo_size
        self._memo: dict[str, str] = {}

    def translate_many(
        self, texts: Sequence[str], options: TranslationOptions
    ) -> tuple[list[Translation | TarjamaError], dict[str, int]]:
        """The translations of ``texts`` in order (a text that cannot be translated gets its error in its
        place) and the tallies: ``sentences``; ``repeated`` (answered by an earlier sentence of the corpus);
        ``cached`` (from the sentence cache); ``translated`` (by the model, or copied as they are)."""
        started = time.perf_counter()
        unavailable: dict[tuple[str, str], TarjamaError] = {}
        plans = [self._plan(text, options, unavailable) for text in texts]
        settings = options.settings or GenerationSettings(beam_size=options.beam_size)
        by_model: dict[tuple[str, str, str, bool], list[Plan | Part]] = defaultdict(list)
        for plan in plans:  # the articles' main sentences, and their other languages' (no glossary)
            if isinstance(plan, Plan):
                by_model[(plan.model, plan.source, plan.target, True)].append(plan)
                for part in plan.routed:
                    by_model[(part.model, part.source, part.target, False)].append(part)
        counts = dict.fromkeys(COUNTS, 0)
        outputs: dict[int, list[Generated]] = {}
        failed: dict[int, TarjamaError] = {}
        flags: dict[int, list[tuple[str, ...]]] = {}
        for (*_, main), group in by_model.items():
            try:
                made = self._generate(group, settings, counts, options.glossary if main else None)
            except ModelUnavailableError as exc:  # its weights cannot be loaded: these articles (or parts)
                failed |= {id(unit): exc for unit in group}
                continue
            for unit, (generated, extra) in zip(group, made, strict=True):
                outputs[id(unit)], flags[id(unit)] = generated, extra
        seconds = time.perf_counter() - started
        total = max(1, counts["sentences"])
        results: list[Translation | TarjamaError] = [
            p if isinstance(p, TarjamaError)
            else failed[id(p)] if id(p) in failed
            else self._finish(p, outputs, flags, failed, seconds * p.size / total)
            for p in plans
        ]  # fmt: skip
        return results, counts

    def _finish(
        self,
        plan: Plan,
        outputs: dict[int, list[Generated]],
        flags: dict[int, list[tuple[str, ...]]],
        failed: dict[int, TarjamaError],
        seconds: float,
    ) -> Translation:
        """The translation of ``plan`` from the outputs of its units (by ``id``); a part whose model could
        not be loaded is copied, the failure said."""
        made, extra = outputs[id(plan)], flags[id(plan)]
        for part in plan.routed:
            if id(part) in failed:
                plan = without(plan, part, str(failed[id(part)]))
        others = [outputs[id(part)] for part in plan.routed]
        return self.translator.finish(plan, made, seconds, extra, others)

    def _plan(
        self, text: str, options: TranslationOptions, unavailable: dict[tuple[str, str], TarjamaError]
    ) -> Plan | TarjamaError:
        """The plan of ``text``, or why it cannot be translated: bad input, or no model for its direction
        (the models of a direction that failed in this group are not asked again: a Hub that does not answer
        is waited for once)."""
        try:
            direction = self.translator.direction(text, source=options.source, target=options.target)
            if direction in unavailable:
                return unavailable[direction]
        except (InvalidInputError, LimitExceededError) as exc:
            return exc
        try:
            plan = self.translator.plan(text, source=direction[0], target=direction[1])
            if options.glossary is not None:
                options.glossary.check_direction(plan.source, plan.target)
            return plan
        except ModelUnavailableError as exc:
            unavailable[direction] = exc
            return exc
        except (InvalidInputError, LimitExceededError) as exc:
            return exc

    def _generate(
        self,
        plans: Sequence[Plan | Part],
        settings: GenerationSettings,
        counts: dict[str, int],
        glossary: Glossary | None = None,
    ) -> list[tuple[list[Generated], list[tuple[str, ...]]]]:
        """Outputs (and extra flags) for the sentences of ``plans`` (articles, or their parts in another
        language: one model and direction), each distinct one made once; sentences with ``{{…}}`` spans or
        ``glossary`` terms go through the glossary path."""
        first = plans[0]
        generator = self.translator.generator(first)
        terms = self.translator.term_translator(first, settings, glossary)
        special = list(dict.fromkeys(s for p in plans for s in p.sentences if terms.needs(s)))
        termed = dict(zip(special, terms.translate(special), strict=True))
        plain = [[s for s in p.sentences if s not in termed] for p in plans]
        keys = [
            [generator.key(s, settings, task=TASK, source=first.source, target=first.target) for s in row]
            for row in plain
        ]
        earlier = {k for row in keys for k in row if k in self._memo}
        todo = {k: s for row, texts in zip(keys, plain, strict=True) for k, s in zip(row, texts, strict=True)}
        todo = {k: s for k, s in todo.items() if k not in earlier}
        made = generator.generate(
            list(todo.values()), settings, task=TASK, source=first.source, target=first.target
        )
        fresh = dict(zip(todo, made, strict=True))
        answers = {k: Generated(self._memo[k], True) for k in earlier} | fresh
        counts["sentences"] += sum(len(row) for row in keys)
        counts["repeated"] += sum(len(row) for row in keys) - len(fresh)
        counts["cached"] += sum(g.cached for g in fresh.values())
        counts["translated"] += sum(not g.cached for g in fresh.values())
        self._remember({k: g.output for k, g in fresh.items()})
        occurrences = sum(s in termed for p in plans for s in p.sentences)
        counts["sentences"] += occurrences
        counts["repeated"] += occurrences - len(termed)
        counts["cached"] += sum(t.cached for t in termed.values())
        counts["translated"] += sum(not t.cached for t in termed.values())
        results = []
        for p, row in zip(plans, keys, strict=True):
            found = iter(answers[k] for k in row)
            outputs = [
                Generated(termed[s].output, termed[s].cached) if s in termed else next(found)
                for s in p.sentences
            ]
            extra = [(guards.GLOSSARY,) if s in termed and termed[s].missing else () for s in p.sentences]
            results.append((outputs, extra))
        return results

    def _remember(self, outputs: dict[str, str]) -> None:
        self._memo.update(outputs)
        for key in list(self._memo)[: max(0, len(self._memo) - self.memo_size)]:
            del self._memo[key]


@lru_cache(maxsize=2)
def worker_translator(config: TranslatorConfig) -> CorpusTranslator:
    """One corpus translator per process and configuration: models load once, the memo lives on."""
    return CorpusTranslator(config.build())


@dataclass(frozen=True)
class TranslationTask:
    """The translation job for :func:`~inference.jobs.run_job`.

    A line is ``{"id", "translation", "source", "target", "model", "revision", "segments", "cached",
    "flags", "seconds"}``: ``segments`` sentences of which ``cached`` were not made by the model for this
    article (from the cache or an earlier article), ``flags`` the checks any sentence raised, and, with
    ``options.sentences``, ``sentences``: each one's source, translation, paragraph, cached and flags (and
    ``model`` where another model than the article's translated it: a paragraph in another language).
    """

    options: TranslationOptions = TranslationOptions()
    config: TranslatorConfig = TranslatorConfig()
    what: ClassVar[str] = "translations"
    result_key: ClassVar[str] = "translation"
    group_size: ClassVar[int] = TRANSLATION_GROUP_SIZE

    def run(self, records: Sequence[Record]) -> GroupResult:
        """The translation lines for ``records``, translated together."""
        results, counts = worker_translator(self.config).translate_many(
            [r.text for r in records], self.options
        )
        return GroupResult([self._line(r, t) for r, t in zip(records, results, strict=True)], counts)

    def _line(self, record: Record, outcome: Translation | TarjamaError) -> dict[str, Any]:
        if isinstance(outcome, TarjamaError):
            return error_line(record, str(outcome))
        line: dict[str, Any] = {
            "id": record.id,
            "translation": outcome.text,
            "source": outcome.source,
            "target": outcome.target,
            "model": outcome.model,
            "revision": outcome.revision,
            "segments": outcome.stats.segments,
            "cached": outcome.stats.cached,
            "flags": sorted({f for s in outcome.segments for f in s.flags}),
            "seconds": round(outcome.stats.seconds, 4),
        }
        if self.options.sentences:
            line["sentences"] = [
                {"source": s.source, "translation": s.translation, "paragraph": s.paragraph}
                | {"cached": s.cached, "flags": list(s.flags)}
                | ({"model": s.model} if s.model else {})
                for s in outcome.segments
            ]
        return line


def run_translation_batch(
    input_path: str | Path,
    output: str | Path,
    *,
    options: TranslationOptions | None = None,
    config: TranslatorConfig | None = None,
    workers: int = 1,
    engine: str = "local",
    progress: Progress | None = None,
) -> JobReport:
    """Translate every record of ``input_path`` into ``output`` (JSONL), skipping ids already there
    (:func:`~inference.jobs.run_job` says how, and what it refuses). The report's ``counts`` hold the
    tallies of :meth:`CorpusTranslator.translate_many` for this run."""
    task = TranslationTask(options or TranslationOptions(), config or TranslatorConfig())
    return run_job(input_path, output, task, workers=workers, engine=engine, progress=progress)


__all__ = [
    "COUNTS",
    "CorpusTranslator",
    "TranslationOptions",
    "TranslationTask",
    "TranslatorConfig",
    "run_translation_batch",
    "worker_translator",
]
