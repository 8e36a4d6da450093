"""The translation engine: segment, look up or translate each sentence once, check, reassemble."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from tarjama.inference.cache import SentenceCache
from tarjama.inference.cached import CachedGenerator, Generated, Progress
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.pool import ModelPool, ModelRef
from tarjama.inference.registry import ModelSpec, check_direction, get_spec, supports
from tarjama.inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_BEAM_SIZE,
    DEFAULT_DEVICE,
    DEFAULT_MAX_BATCH_TOKENS,
    LANGID_FLAG_CONFIDENCE,
    MAX_INPUT_CHARS,
)
from tarjama.translate import guards
from tarjama.translate.glossary import Glossary, TermTranslator
from tarjama.translate.langid import Guess
from tarjama.translate.plans import (
    ForeignParagraph,
    Part,
    Plan,
    foreign_report,
    guess_dict,
    route_foreign,
    routed_outputs,
    translate_parts,
)
from tarjama.translate.routing import (
    check_dialect,
    check_quality,
    route,
    translation_languages,
)
from tarjama.translate.segment import normalize_input, segment, split_long
from tarjama.translate.sources import (
    foreign_paragraphs,
    identify_or_none,
    script_language,
    source_and_target,
)

LANGUAGES = translation_languages()  # ("ar", "en", "ckb")
TASK = "translate"


@dataclass(frozen=True)
class Segment:
    """One sentence of the input and its translation."""

    source: str
    translation: str
    paragraph: int
    cached: bool
    flags: tuple[str, ...] = ()
    model: str = ""  # the model that translated it when not the text's (a paragraph in another language)


@dataclass(frozen=True)
class TranslationStats:
    segments: int
    cached: int
    seconds: float


@dataclass(frozen=True)
class Translation:
    """A translated text: the whole, its segments, and what produced it."""

    text: str
    segments: list[Segment]
    model: str
    revision: str
    backend: str
    source: str
    target: str
    stats: TranslationStats
    paragraphs: int
    quantization: str = ""  # the backend's compute type: int8, float32, ...
    detected: Guess | None = None  # the language identified for the whole text
    wrong_language: str = ""  # set when the text is clearly not in the source language it was given as
    foreign: tuple[ForeignParagraph, ...] = ()  # its paragraphs in another language: which model, or copied

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tarjama translate --json`` and the API."""
        return {
            "text": self.text,
            "segments": [
                {"source": s.source, "translation": s.translation, "cached": s.cached, "flags": list(s.flags)}
                | ({"model": s.model} if s.model else {})
                for s in self.segments
            ],
            "model": self.model,
            "revision": self.revision,
            "backend": self.backend,
            "quantization": self.quantization,
            "source": self.source,
            "target": self.target,
            "stats": asdict(self.stats),
            "detected": guess_dict(self.detected),
            "wrong_language": self.wrong_language,
            "other_languages": [paragraph.as_dict() for paragraph in self.foreign],
        }


class Translator:
    """Translates Arabic ↔ English text through the sentence cache.

    ``model`` is a short name, a Hub id or a local folder (``ar-en=FOLDER`` states its direction); a request
    for a direction it cannot do is refused. Several models: each serves the directions it can do, the
    registry's default the others. ``None`` picks the default for each direction. Models load on first use
    and stay loaded; pass ``cache=None`` to bypass the cache.
    """

    def __init__(
        self,
        model: str | Sequence[str] | None = None,
        *,
        revision: str | None = None,
        backend: str = DEFAULT_BACKEND,
        device: str = DEFAULT_DEVICE,
        cache: SentenceCache | None = None,
        use_cache: bool = True,
        pool: ModelPool | None = None,
        local_files_only: bool | None = None,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        quality: str | None = None,
        dialect: str | None = None,
    ) -> None:
        self.model = model
        self.quality = check_quality(quality)
        self.dialect = check_dialect(dialect)
        self.revision = revision
        self.max_batch_tokens = max_batch_tokens
        self.pool = pool or ModelPool(backend=backend, device=device, local_files_only=local_files_only)
        self.cache = (cache or SentenceCache.open_default()) if use_cache else None
        self.unavailable: dict[tuple[str, str], str] = {}  # (language, target) → why its model is not here

    def model_for(self, source: str, target: str) -> ModelRef:
        """The model that translates ``source`` → ``target``; :class:`InvalidInputError` naming the model
        and its directions when the one asked for cannot."""
        return self.route(source, target)[0]

    def route(self, source: str, target: str) -> tuple[ModelRef, str]:
        """The model for ``source`` → ``target`` and the source code it reads (the dialect's, if one was
        chosen): the one asked for, else this translator's first that can, else the routed default
        (:func:`translate.routing.route`: quality, dialect, Sorani)."""
        return self._route(source, target, self.dialect, named=True)

    def route_other(self, language: str, target: str) -> tuple[ModelRef, str]:
        """Like :meth:`route`, for a paragraph in ``language`` inside a text in another: the first of this
        translator's models that translates it into ``target``, else the routed default."""
        return self._route(language, target, self.dialect if language == "ar" else None, named=False)

    def _route(self, source: str, target: str, dialect: str | None, *, named: bool) -> tuple[ModelRef, str]:
        routed = route(source, target, quality=self.quality, dialect=dialect, device=self.pool.choice.device)
        own = (self.model,) if isinstance(self.model, str) else self.model or ()
        if named and isinstance(self.model, str):
            name = self.model
        else:  # the first that can, else the routed default (registered ones are known unresolved)
            can = (n for n in own if routed.source == source and supports(self._spec(n), source, target))
            name = next(can, None) or routed.model
        spec = self._spec(name)
        check_direction(spec, source, target)
        if routed.source != source and routed.source not in spec.lang_codes:
            raise InvalidInputError(
                f"model {spec.name} cannot read the dialect {routed.source}; leave the model out to use "
                f"{routed.model}"
            )
        return self.pool.get(name, task=TASK, revision=self.revision), routed.source

    def _spec(self, name: str) -> ModelSpec:
        """What ``name`` can do: the registry's word, else its resolved files' (a folder's config)."""
        return get_spec(name) or self.pool.get(name, task=TASK, revision=self.revision).resolved.spec

    def translate(
        self,
        text: str,
        *,
        source: str = "auto",
        target: str | None = None,
        beam_size: int = DEFAULT_BEAM_SIZE,
        settings: GenerationSettings | None = None,
        progress: Progress | None = None,
        glossary: Glossary | None = None,
    ) -> Translation:
        """Translate ``text``; paragraphs come out as they went in, one per input line.

        ``glossary`` (for this direction) fixes the translation of its terms; a sentence whose output
        still lacks one is flagged ``glossary``. A ``{{span}}`` comes back as written, braces removed.
        A paragraph in another language goes to the model that translates it, without the glossary
        (:mod:`translate.plans`), or is copied.
        """
        started = time.perf_counter()
        plan = self.plan(text, source=source, target=target)
        if glossary is not None:
            glossary.check_direction(plan.source, plan.target)
        settings = settings or GenerationSettings(beam_size=beam_size)
        generator = self.generator(plan)
        terms = self.term_translator(plan, settings, glossary)
        special = [i for i, s in enumerate(plan.sentences) if terms.needs(s)]
        chosen = set(special)
        plain = [i for i in range(len(plan.sentences)) if i not in chosen]
        made = generator.generate(
            [plan.sentences[i] for i in plain],
            settings,
            task=TASK,
            source=plan.source,
            target=plan.target,
            progress=progress,
            on_batch=partial(guards.check_early, script_language(plan.source)),  # while the rest decodes
        )
        outputs: list[Generated] = [Generated("", False)] * len(plan.sentences)
        extra: list[tuple[str, ...]] = [()] * len(plan.sentences)
        for i, out in zip(plain, made, strict=True):
            outputs[i] = out
        for i, termed in zip(special, terms.translate([plan.sentences[i] for i in special]), strict=True):
            outputs[i] = Generated(termed.output, termed.cached)
            extra[i] = (guards.GLOSSARY,) if termed.missing else ()
        plan, others = translate_parts(self, plan, settings)
        return self.finish(plan, outputs, time.perf_counter() - started, extra, others)

    def alternatives(
        self, text: str, *, source: str = "auto", target: str | None = None, count: int = 3
    ) -> list[str]:
        """Up to ``count`` translations of ``text`` other than the best, from the model's n-best: the k-th
        puts together each sentence's k-th hypothesis (its best where it has fewer); paragraphs in another
        language keep their best. Not cached."""
        plan = self.plan(text, source=source, target=target)
        backend = plan.ref.load()
        settings = GenerationSettings()
        lengths = backend.token_lengths(plan.sentences, source=plan.source, target=plan.target)
        todo = [
            i
            for i, (s, n) in enumerate(zip(plan.sentences, lengths, strict=True))
            if guards.has_words(s, plan.source) and n <= backend.max_input_tokens
        ]
        found = backend.generate_hypotheses(
            [plan.sentences[i] for i in todo],
            settings,
            source=plan.source,
            target=plan.target,
            count=count + 1,
        )
        hypotheses = {i: [h.text for h in hyps] for i, hyps in zip(todo, found, strict=True)}
        best = self.generator(plan).generate(
            plan.sentences, settings, task=TASK, source=plan.source, target=plan.target
        )
        plan, others = translate_parts(self, plan, settings)
        texts: list[str] = []
        for k in range(1, count + 1):
            outputs = [
                Generated(hypotheses[i][min(k, len(hypotheses[i]) - 1)], False) if i in hypotheses else out
                for i, out in enumerate(best)
            ]
            texts.append(self.finish(plan, outputs, 0.0, others=others).text)
        main = self.finish(plan, best, 0.0, others=others).text
        return [t for t in dict.fromkeys(texts) if t != main]

    def plan(self, text: str, *, source: str = "auto", target: str | None = None) -> Plan:
        """Check ``text`` and the direction, pick the model and split the text into sentences; raises
        :class:`~inference.errors.InvalidInputError` or :class:`~inference.errors.LimitExceededError`."""
        if len(text) > MAX_INPUT_CHARS:
            raise LimitExceededError(
                f"the text has {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}"
            )
        text = normalize_input(text)
        if not text.strip():
            raise InvalidInputError("there is no text to translate")
        guess = identify_or_none(text)
        source, target = source_and_target(text, source, target, guess)
        ref, model_source = self.route(source, target)
        wrong = guess is not None and guess.language != source and guess.confidence >= LANGID_FLAG_CONFIDENCE
        paragraphs = segment(text, script_language(source))
        foreign = {} if wrong else foreign_paragraphs(paragraphs, source)
        indexed = [(i, s) for i, p in enumerate(paragraphs) if i not in foreign for s in p.sentences]
        routed, copied_because = route_foreign(self, paragraphs, foreign, target)
        return Plan(
            ref.resolved.name,
            ref,
            model_source,
            target,
            paragraphs,
            [s for _, s in indexed],
            [i for i, _ in indexed],
            guess,
            foreign,
            guess.language if wrong and guess else "",
            routed,
            copied_because,
        )

    def direction(self, text: str, *, source: str = "auto", target: str | None = None) -> tuple[str, str]:
        """``(source, target)`` of ``text`` as :meth:`plan` takes them (``auto`` detected, the target by
        default the other language), without picking a model; :class:`InvalidInputError` when not ar↔en."""
        text = normalize_input(text) if source == "auto" else text
        return source_and_target(text, source, target, identify_or_none(text))

    def generator(self, plan: Plan | Part) -> CachedGenerator:
        """The cached generator for ``plan``'s model and source language (or a part's of it)."""
        source = script_language(plan.source)
        return CachedGenerator(
            plan.ref,
            self.cache,
            max_batch_tokens=self.max_batch_tokens,
            splitter=split_long,
            passthrough=lambda s: not guards.has_words(s, source),
        )

    def term_translator(
        self, plan: Plan | Part, settings: GenerationSettings, glossary: Glossary | None = None
    ) -> TermTranslator:
        """What translates ``plan``'s sentences that hold ``{{…}}`` spans or ``glossary`` terms."""
        return TermTranslator(
            self.generator(plan),
            self.cache,
            glossary,
            settings,
            task=TASK,
            source=plan.source,
            target=plan.target,
        )

    def finish(
        self,
        plan: Plan,
        outputs: Sequence[Generated],
        seconds: float,
        extra_flags: Sequence[tuple[str, ...]] | None = None,
        others: Sequence[Sequence[Generated]] = (),
    ) -> Translation:
        """The translation of ``plan`` from its sentences' ``outputs`` (and ``others``, the outputs of each
        of its other-language parts): checked (``extra_flags`` added, one tuple per sentence), reassembled
        by paragraph. A paragraph in another language is flagged ``other_language``, and ``copied`` unless
        a part translated it."""
        segments: list[Segment] = []
        by_paragraph: list[list[str]] = [[] for _ in plan.paragraphs]
        script = script_language(plan.source)
        wrong = (guards.WRONG_LANGUAGE,) if plan.wrong_language else ()
        extra = iter(extra_flags or [()] * len(plan.sentences))
        made = iter(zip(plan.paragraph_of, plan.sentences, outputs, strict=True))
        routed = routed_outputs(plan, others)
        for index, paragraph in enumerate(plan.paragraphs):
            if index in routed:
                done = [
                    (s, out, (*_checked(s, out, script), guards.OTHER_LANGUAGE), model)
                    for s, out, model in routed[index]
                ]
            elif index in plan.foreign:
                copied = (guards.COPIED, guards.OTHER_LANGUAGE)
                done = [(s, Generated(s, False), copied, "") for s in paragraph.sentences]
            else:
                done = []
                for _, sentence, out in (next(made) for _ in paragraph.sentences):
                    more = next(extra)
                    if guards.has_words(sentence, script):
                        flags = guards.check(sentence, out.output, source_lang=script) + wrong + more
                    else:
                        flags = (guards.COPIED, *more)
                    done.append((sentence, out, flags, ""))
            for sentence, out, flags, model in done:
                segments.append(Segment(sentence, out.output, index, out.cached, flags, model))
                by_paragraph[index].append(out.output)
        joined = "".join(
            " ".join(parts) + p.separator for parts, p in zip(by_paragraph, plan.paragraphs, strict=True)
        )
        stats = TranslationStats(len(segments), sum(s.cached for s in segments), seconds)
        identity = plan.ref.identity
        return Translation(
            joined,
            segments,
            plan.model,
            identity["revision"],
            identity["backend"],
            plan.source,
            plan.target,
            stats,
            len(plan.paragraphs),
            identity["quantization"],
            plan.guess,
            plan.wrong_language,
            foreign_report(plan),
        )


def _checked(sentence: str, out: Generated, script: str) -> tuple[str, ...]:
    """The checks' flags for one sentence of a text in ``script``; ``copied`` when it has no words."""
    if guards.has_words(sentence, script):
        return guards.check(sentence, out.output, source_lang=script)
    return (guards.COPIED,)
