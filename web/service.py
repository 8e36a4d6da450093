"""The engines behind the web page and the HTTP API: one model pool and one sentence cache for everyone.

:class:`TarjamaService` is what ``app.py`` (Gradio) and ``api.py`` (LibreTranslate-compatible routes) call.
It applies the request limits, picks the model for a direction, detects the language, translates HTML
without touching its markup, and lets only ``concurrency`` model calls run at once, page and API together:
the sentences of concurrent requests share batches through one :class:`~inference.scheduler.BatchScheduler`,
and cached sentences never wait for a model. No Gradio or FastAPI here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from tarjama.inference.cache import SentenceCache
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.pool import ModelPool
from tarjama.inference.registry import MODELS, ModelSpec, get_spec
from tarjama.inference.scheduler import BatchScheduler
from tarjama.inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_BEAM_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_DEVICE,
    MAX_BATCH_DOCUMENTS,
    MAX_EVAL_FILE_ITEMS,
    MAX_EVAL_FILES,
    MAX_EVAL_ITEMS,
    MAX_REQUEST_CHARS,
    MAX_REQUEST_ITEMS,
    MAX_UPLOAD_BYTES,
)
from tarjama.summarize import Summarizer, SummarizerConfig, Summary
from tarjama.translate import Translation, Translator
from tarjama.translate.aligner import Alignment, align_sentences
from tarjama.translate.documents import HtmlDocument, translate_units
from tarjama.translate.glossary import Glossary, GlossaryShelf, glossary_from_pairs
from tarjama.translate.routing import check_dialect, check_quality
from tarjama.translate.sources import choose_source
from tarjama.web.languages import LANGUAGE_NAMES, Detection, check_language, detect, other_language
from tarjama.web.lines import LETTER, translate_lines, translate_texts
from tarjama.web.security import public_model_name

Progress = Callable[[int, int], None]
TranslationListener = Callable[[Translation], None]


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; anything over a limit is refused with a message, never truncated."""

    request_chars: int = MAX_REQUEST_CHARS
    request_items: int = MAX_REQUEST_ITEMS
    upload_bytes: int = MAX_UPLOAD_BYTES
    batch_documents: int = MAX_BATCH_DOCUMENTS
    eval_items: int = MAX_EVAL_ITEMS
    eval_file_items: int = MAX_EVAL_FILE_ITEMS
    eval_files: int = MAX_EVAL_FILES

    def check_texts(self, texts: Sequence[str]) -> None:
        """Raise :class:`LimitExceededError` when ``texts`` are too many or too long together, and
        :class:`InvalidInputError` when one is not valid Unicode (a lone surrogate)."""
        if len(texts) > self.request_items:
            raise LimitExceededError(
                f"the request has {len(texts):,} texts; the limit is {self.request_items:,} per request"
            )
        chars = sum(len(text) for text in texts)
        if chars > self.request_chars:
            raise LimitExceededError(
                f"the request has {chars:,} characters; the limit is {self.request_chars:,} per request "
                "(split the text or use the Batch tab / `tarjama translate` for long documents)"
            )
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InvalidInputError(
                    f"the text is not valid Unicode: character {exc.start:,} is a lone surrogate"
                ) from None

    def check_upload(self, size: int, name: str) -> None:
        """Raise :class:`LimitExceededError` for an upload (or unpacked archive) over the size limit."""
        if size > self.upload_bytes:
            raise LimitExceededError(
                f"{name} is {size / 1e6:.1f} MB; the limit is {self.upload_bytes / 1e6:.0f} MB per upload"
            )


@dataclass(frozen=True)
class Routing:
    """A request's model quality (``best``/``fast``, ar↔en) and Arabic dialect; ``None``: the default."""

    quality: str | None = None
    dialect: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "quality", check_quality(self.quality))
        object.__setattr__(self, "dialect", check_dialect(self.dialect))


def translation_models() -> list[str]:
    """The registered translation models' short names."""
    return [name for name, spec in MODELS.items() if spec.task == "translate"]


class TarjamaService:
    """Translation (and, through ``summarize``/``eval``, the other tabs) for all visitors of one server.

    ``mt_model`` is the translation model (or models) used when a request names none: each serves the
    directions it can do (a folder's come from its tokenizer, or ``ar-en=FOLDER``), the registry's default
    the others. ``None`` = the registry's default per direction. A request naming a model for a direction
    it cannot do is refused. Models load on first use, in one shared :class:`ModelPool` whose model calls go
    through :attr:`scheduler` (batches gathered for ``batch_window_ms``; a given ``pool`` brings its own, or
    none: its callers then call the model alone); :attr:`translation_listeners` hear of every translation
    made for a request.
    """

    def __init__(
        self,
        *,
        mt_model: str | Sequence[str] | None = None,
        sum_model: str | None = None,
        backend: str = DEFAULT_BACKEND,
        device: str = DEFAULT_DEVICE,
        cache: SentenceCache | None = None,
        use_cache: bool = True,
        limits: Limits | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        pool: ModelPool | None = None,
        batch_window_ms: float = DEFAULT_BATCH_WINDOW_MS,
        glossaries: GlossaryShelf | None = None,
    ) -> None:
        self.mt_models: tuple[str, ...] = (mt_model,) if isinstance(mt_model, str) else tuple(mt_model or ())
        self.sum_model = sum_model
        self.limits = limits or Limits()
        scheduler = BatchScheduler(window=batch_window_ms / 1000, concurrency=concurrency)
        self.pool = pool or ModelPool(backend=backend, device=device, scheduler=scheduler)
        self.scheduler = self.pool.scheduler or scheduler
        self.cache = (cache or SentenceCache.open_default()) if use_cache else None
        self.translation_listeners: list[TranslationListener] = []
        self.glossaries = glossaries or GlossaryShelf()
        self.summarizer = Summarizer(
            sum_model,
            translation_model=self._crossing_model(),
            cache=self.cache,
            use_cache=self.cache is not None,
            pool=self.pool,
        )

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the ``concurrency`` model slots (waits until one is free), for model work outside
        the pool's scheduler (batch runs); never hold it around work through :attr:`pool`."""
        with self.scheduler.slot():
            yield

    # --- translation -------------------------------------------------------------------------------
    def allowed_models(self) -> list[str]:
        """The translation models a visitor may choose: the registered ones and this server's own (a local
        folder by its own name, never its path)."""
        names = translation_models()
        own = [public_model_name(name) or name for name in self.mt_models if name not in names]
        return [*own, *names]

    def model_spec(self, name: str) -> ModelSpec:
        """What translation model ``name`` can do: the registry's word, else what its files say (resolving
        a folder or Hub id, which raises :class:`~inference.errors.ModelUnavailableError` if it cannot)."""
        return get_spec(name) or self.pool.get(name, task="translate").resolved.spec

    def model_for(self, model: str | None = None) -> str | tuple[str, ...]:
        """The model (or this server's models, each for its directions) a request gets.

        Only :meth:`allowed_models` may be asked for: visitors cannot load arbitrary folders or Hub ids.
        """
        if model:
            for own in self.mt_models:
                if model in (own, public_model_name(own)):
                    return own
            if model not in self.allowed_models():
                raise InvalidInputError(
                    f"unknown translation model {model!r}; choose one of {', '.join(self.allowed_models())}"
                )
            return model
        return self.mt_models

    def translator(
        self, source: str, target: str, model: str | None = None, *, routing: Routing | None = None
    ) -> Translator:
        """A :class:`Translator` on the shared pool and cache (cheap: nothing loads until needed)."""
        routing = routing or Routing()
        return Translator(
            self.model_for(model), pool=self.pool, cache=self.cache, use_cache=self.cache is not None,
            quality=routing.quality, dialect=routing.dialect,
        )  # fmt: skip

    def alternatives(
        self, text: str, source: str, target: str, count: int, model: str | None = None
    ) -> list[str]:
        """Up to ``count`` other translations of ``text`` from the model's n-best (LibreTranslate's
        ``alternatives``); not cached."""
        return self.translator(source, target, model).alternatives(
            text, source=source, target=target, count=count
        )

    def glossary(self, pairs: object = None, name: str | None = None) -> Glossary | None:
        """A request's glossary: its ``[source, target]`` pairs, or this server's glossary ``name``."""
        if pairs is not None and name:
            raise InvalidInputError("give glossary or glossary_id, not both")
        if name:
            return self.glossaries.get(name)
        return None if pairs is None else glossary_from_pairs(pairs)

    def resolve_direction(
        self, text: str, source: str, target: str | None
    ) -> tuple[str, str, Detection | None]:
        """``(source, target, detection)``: ``auto`` is detected, a missing target is the other language."""
        detection = None
        if source == "auto":
            detection = detect(text)
            source = choose_source(text, target)
        check_language(source, "source")
        target = check_language(target, "target") if target else other_language(source)
        return source, target, detection

    def translate(
        self,
        text: str,
        *,
        source: str = "auto",
        target: str | None = None,
        model: str | None = None,
        beam_size: int = DEFAULT_BEAM_SIZE,
        progress: Progress | None = None,
        routing: Routing | None = None,
        glossary: Glossary | None = None,
    ) -> Translation:
        """Translate one article within the request limits (see :meth:`Translator.translate`)."""
        self.limits.check_texts([text])
        if not text.strip():
            raise InvalidInputError("there is no text to translate: paste or type an article first")
        source, target, _ = self.resolve_direction(text, source, target)
        if source == target:
            raise InvalidInputError(f"the source and target language are both {LANGUAGE_NAMES[source]}")
        if glossary is not None:
            glossary.check_direction(source, target)
        result = self.translator(source, target, model, routing=routing).translate(
            text, source=source, target=target, beam_size=beam_size, progress=progress, glossary=glossary
        )
        return self.heard(result)

    def translate_lines(
        self,
        lines: Sequence[str],
        source: str,
        target: str,
        model: str | None = None,
        routing: Routing | None = None,
        glossary: Glossary | None = None,
    ) -> list[str]:
        """Translate each line (one paragraph each) in a single pass, so sentences of all lines share
        batches and the cache; a line with no letters comes back as it is."""
        return translate_lines(self, lines, source, target, model, routing, glossary)[0]

    def translate_texts(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        model: str | None = None,
        routing: Routing | None = None,
        glossary: Glossary | None = None,
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """Translate several plain texts in one pass (each keeps its lines, blank ones included), and say
        what the API's ``warnings`` say of their languages (:mod:`web.lines`)."""
        return translate_texts(self, texts, source, target, model, routing, glossary)

    def translate_html(
        self,
        markup: str,
        source: str,
        target: str,
        model: str | None = None,
        routing: Routing | None = None,
        glossary: Glossary | None = None,
    ) -> str:
        """Translate the text of ``markup`` through an HTML parser (:mod:`translate.documents.html`): tags,
        attributes and comments stay; ``title``, ``alt`` and ``placeholder`` are translated; ``script``,
        ``style``, ``code``, ``pre``, ``translate="no"`` and ``class="notranslate"`` are left alone.
        Entities are decoded before translation and the output is escaped again."""
        if not LETTER.search(html.unescape(markup)):
            return markup
        document = HtmlDocument(markup)
        lines = partial(
            self.translate_lines,
            source=source,
            target=target,
            model=model,
            routing=routing,
            glossary=glossary,
        )
        align = partial(self.align_lines, source=source, target=target, model=model, routing=routing)
        translate_units(document.units, lines, source, align)
        return document.text()

    def align_lines(
        self,
        lines: Sequence[str],
        translations: Sequence[str],
        source: str,
        target: str,
        model: str | None = None,
        routing: Routing | None = None,
    ) -> list[Alignment | None]:
        """The word alignment of each line and its translation (:func:`translate.aligner.align_sentences`),
        for inline formatting in documents; cached like the translations."""
        translator = self.translator(source, target, model, routing=routing)
        return align_sentences(translator, lines, translations, source=source, target=target)

    # --- summaries ---------------------------------------------------------------------------------
    def summarize(
        self,
        text: str,
        *,
        source: str = "auto",
        target: str | None = None,
        method: str | None = None,
        sentences: int | None = None,
        ratio: float | None = None,
    ) -> Summary:
        """Summarise one article within the request limits (see :meth:`Summarizer.summarize`);
        ``target`` is the summary's language (default: the article's)."""
        self.limits.check_texts([text])
        if not text.strip():
            raise InvalidInputError("there is no text to summarise: paste or type an article first")
        if source != "auto":
            check_language(source, "source")
        if target:
            check_language(target, "target")
        return self.summarizer.summarize(
            text, lang=source, to=target or None, method=method, sentences=sentences, ratio=ratio
        )

    def summarizer_config(self) -> SummarizerConfig:
        """How a batch run builds its summarizer: this server's models, backend and cache setting."""
        return SummarizerConfig(
            translation_model=self._crossing_model(),
            backend=self.pool.choice.name,
            device=self.pool.choice.device,
            quantization=self.pool.choice.quantization,
            use_cache=self.cache is not None,
        )

    def heard(self, result: Translation) -> Translation:
        """``result``, once every translation listener has heard of it."""
        for listener in self.translation_listeners:
            listener(result)
        return result

    def _crossing_model(self) -> tuple[str, ...] | None:
        """The models a summary crosses languages with: this server's own, each for its directions."""
        return self.mt_models or None


__all__ = [
    "LANGUAGE_NAMES",
    "Detection",
    "Limits",
    "Routing",
    "TarjamaService",
    "check_language",
    "detect",
    "other_language",
    "translation_models",
]
