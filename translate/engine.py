"""The translation engine: segment, look up or translate each sentence once, check, reassemble."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from inference.cache import SentenceCache
from inference.cached import CachedGenerator, Progress
from inference.errors import InvalidInputError, LimitExceededError
from inference.generation import GenerationSettings
from inference.pool import ModelPool, ModelRef
from inference.registry import ModelSpec, check_direction, default_translation_model, get_spec, supports
from inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_BEAM_SIZE,
    DEFAULT_DEVICE,
    DEFAULT_MAX_BATCH_TOKENS,
    MAX_INPUT_CHARS,
)
from translate import guards
from translate.detect import detect_language
from translate.segment import normalize_input, segment, split_long

LANGUAGES = ("ar", "en")
TASK = "translate"


@dataclass(frozen=True)
class Segment:
    """One sentence of the input and its translation."""

    source: str
    translation: str
    paragraph: int
    cached: bool
    flags: tuple[str, ...] = ()


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

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``tarjama translate --json`` and the API."""
        return {
            "text": self.text,
            "segments": [
                {"source": s.source, "translation": s.translation, "cached": s.cached, "flags": list(s.flags)}
                for s in self.segments
            ],
            "model": self.model,
            "revision": self.revision,
            "backend": self.backend,
            "quantization": self.quantization,
            "source": self.source,
            "target": self.target,
            "stats": asdict(self.stats),
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
    ) -> None:
        self.model = model
        self.revision = revision
        self.max_batch_tokens = max_batch_tokens
        self.pool = pool or ModelPool(backend=backend, device=device, local_files_only=local_files_only)
        self.cache = (cache or SentenceCache.open_default()) if use_cache else None

    def model_for(self, source: str, target: str) -> ModelRef:
        """The model that translates ``source`` → ``target``; :class:`InvalidInputError` naming the model
        and its directions when the one asked for cannot."""
        if isinstance(self.model, str):
            name = self.model
        else:  # several: the first that can, else the default (registered ones are known unresolved)
            can = (n for n in self.model or () if supports(self._spec(n), source, target))
            name = next(can, None) or default_translation_model(source, target)
        check_direction(self._spec(name), source, target)
        return self.pool.get(name, task=TASK, revision=self.revision)

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
    ) -> Translation:
        """Translate ``text``; paragraphs come out as they went in, one per input line."""
        started = time.perf_counter()
        if len(text) > MAX_INPUT_CHARS:
            raise LimitExceededError(
                f"the text has {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}"
            )
        text = normalize_input(text)
        if not text.strip():
            raise InvalidInputError("there is no text to translate")
        source = detect_language(text) if source == "auto" else source
        target = target or ("en" if source == "ar" else "ar")
        if source not in LANGUAGES or target not in LANGUAGES or source == target:
            raise InvalidInputError(f"cannot translate {source}→{target}; use ar→en or en→ar")
        ref = self.model_for(source, target)
        name = ref.resolved.name
        settings = settings or GenerationSettings(beam_size=beam_size)
        generator = CachedGenerator(
            ref,
            self.cache,
            max_batch_tokens=self.max_batch_tokens,
            splitter=split_long,
            passthrough=lambda s: not guards.has_words(s, source),
        )
        paragraphs = segment(text, source)
        sentences = [(i, s) for i, p in enumerate(paragraphs) for s in p.sentences]
        outputs = generator.generate(
            [s for _, s in sentences], settings, task=TASK, source=source, target=target, progress=progress
        )
        segments: list[Segment] = []
        by_paragraph: list[list[str]] = [[] for _ in paragraphs]
        for (index, sentence), out in zip(sentences, outputs, strict=True):
            if guards.has_words(sentence, source):
                flags = guards.check(sentence, out.output, source_lang=source)
            else:
                flags = (guards.COPIED,)
            segments.append(Segment(sentence, out.output, index, out.cached, flags))
            by_paragraph[index].append(out.output)
        joined = "".join(
            " ".join(parts) + p.separator for parts, p in zip(by_paragraph, paragraphs, strict=True)
        )
        stats = TranslationStats(
            len(segments), sum(s.cached for s in segments), time.perf_counter() - started
        )
        identity = ref.identity
        return Translation(
            joined,
            segments,
            name,
            identity["revision"],
            identity["backend"],
            source,
            target,
            stats,
            len(paragraphs),
            identity["quantization"],
        )
