"""Plans that span several models: the paragraphs of an article that are in another language than the
article's go to the model that translates that language into the target (a Sorani paragraph in an Arabic
article to NLLB-200 with ``ckb_Arab``), each model's sentences in its own batches, all through one cache.

A paragraph is copied and flagged instead when it is in the target language already, when no model
translates its language into the target (Persian, Urdu ...), or when the model that would cannot be had
(not downloaded and offline: the pool's :class:`~inference.errors.ModelUnavailableError`, whose message is
kept). A glossary applies to the main direction only: the other languages' sentences never use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tarjama.inference.cached import Generated
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.pool import ModelRef
from tarjama.translate.langid import Guess, language_name
from tarjama.translate.routing import translatable
from tarjama.translate.segment import Paragraph

if TYPE_CHECKING:
    from tarjama.translate.engine import Translation, Translator

TASK = "translate"


@dataclass(frozen=True)
class Part:
    """The sentences of a text in one other language, and the model that translates them."""

    model: str
    ref: ModelRef
    source: str  # the code the model reads
    target: str
    language: str  # the paragraphs' language
    sentences: list[str]
    paragraph_of: list[int]  # the paragraph of each sentence


@dataclass(frozen=True)
class Plan:
    """A checked text on its way to a translation: direction, model, and sentences by paragraph."""

    model: str
    ref: ModelRef
    source: str
    target: str
    paragraphs: list[Paragraph]
    sentences: list[str]  # the sentences for the model
    paragraph_of: list[int]  # the paragraph of each sentence
    guess: Guess | None = None  # the language identified for the whole text (None: no letters)
    foreign: dict[int, str] = field(default_factory=dict)  # paragraph → its other language
    wrong_language: str = ""  # the text's clear language when it is not the source it was given as
    routed: tuple[Part, ...] = ()  # the foreign paragraphs another model translates, by language
    copied_because: dict[str, str] = field(default_factory=dict)  # why a foreign language is copied

    @property
    def size(self) -> int:
        """How many sentences the models translate, all parts together."""
        return len(self.sentences) + sum(len(part.sentences) for part in self.routed)


def wrong_language_note(found: str, given: str) -> str:
    """What a reader is told when a text given as ``given`` is clearly ``found``."""
    return (
        f"this looks like {language_name(found)}, not {language_name(given)}: translated as asked; give the "
        "right source (or auto) if it is not"
    )


def language_notes(translation: Translation) -> list[str]:
    """What a reader of ``translation`` should be told about its languages: the text is clearly not in the
    source it was given as, a paragraph in another language was translated by another model or copied."""
    wrong = translation.wrong_language
    notes = [wrong_language_note(wrong, translation.source)] if wrong else []
    return notes + [paragraph.describe() for paragraph in translation.foreign]


@dataclass(frozen=True)
class ForeignParagraph:
    """A paragraph in another language than the text's: the model that translated it, or ``""`` and why it
    was copied."""

    paragraph: int
    language: str
    model: str = ""
    reason: str = ""

    def describe(self, model: str | None = None, reason: str | None = None) -> str:
        """``paragraph N is in NAME: translated by MODEL`` or ``…: copied, not translated: REASON``
        (``model`` and ``reason`` as the reader may see them, by default this paragraph's own)."""
        model = self.model if model is None else model
        done = f"translated by {model}" if model else f"copied, not translated: {reason or self.reason}"
        return f"paragraph {self.paragraph + 1} is in {language_name(self.language)}: {done}"

    def as_dict(self) -> dict[str, Any]:
        """``{"paragraph", "language", "name", "model", "copied", "reason"}`` (``model`` null when copied)."""
        return {
            "paragraph": self.paragraph,
            "language": self.language,
            "name": language_name(self.language),
            "model": self.model or None,
            "copied": not self.model,
            "reason": self.reason,
        }


def route_foreign(
    translator: Translator, paragraphs: Sequence[Paragraph], foreign: dict[int, str], target: str
) -> tuple[tuple[Part, ...], dict[str, str]]:
    """The parts of ``foreign`` (paragraph → language) that a model translates into ``target``, and why each
    other language is copied (language → reason)."""
    parts: list[Part] = []
    copied: dict[str, str] = {}
    for language in sorted(set(foreign.values())):
        if language == target:
            copied[language] = f"it is in {language_name(target)} already"
            continue
        if not translatable(language, target):
            copied[language] = (
                f"no model here translates {language_name(language)} into {language_name(target)}"
            )
            continue
        if (language, target) in translator.unavailable:  # a Hub that does not answer is waited for once
            copied[language] = translator.unavailable[(language, target)]
            continue
        try:
            ref, code = translator.route_other(language, target)
        except ModelUnavailableError as exc:  # not downloaded, and offline or no Hub
            copied[language] = translator.unavailable[(language, target)] = str(exc)
            continue
        except InvalidInputError as exc:  # the model asked for cannot read it
            copied[language] = str(exc)
            continue
        indexed = [
            (i, s) for i, p in enumerate(paragraphs) if foreign.get(i) == language for s in p.sentences
        ]
        parts.append(
            Part(
                ref.resolved.name,
                ref,
                code,
                target,
                language,
                [s for _, s in indexed],
                [i for i, _ in indexed],
            )
        )
    return tuple(parts), copied


def translate_parts(
    translator: Translator, plan: Plan, settings: GenerationSettings
) -> tuple[Plan, list[list[Generated]]]:
    """The outputs of ``plan``'s other-language parts, each by its model's cached generator; a part whose
    model fails to load is dropped from the plan (its paragraphs copied, the failure said)."""
    outputs: list[list[Generated]] = []
    for part in plan.routed:
        try:
            made = translator.generator(part).generate(
                part.sentences, settings, task=TASK, source=part.source, target=part.target
            )
        except ModelUnavailableError as exc:
            translator.unavailable[(part.language, part.target)] = str(exc)
            plan = without(plan, part, str(exc))
            continue
        outputs.append(made)
    return plan, outputs


def without(plan: Plan, part: Part, reason: str) -> Plan:
    """``plan`` with ``part``'s paragraphs copied for ``reason``."""
    return replace(
        plan,
        routed=tuple(p for p in plan.routed if p is not part),
        copied_because=plan.copied_because | {part.language: reason},
    )


def foreign_report(plan: Plan) -> tuple[ForeignParagraph, ...]:
    """What became of each of ``plan``'s paragraphs in another language."""
    models = {i: part.model for part in plan.routed for i in part.paragraph_of}
    return tuple(
        ForeignParagraph(index, language, models.get(index, ""), plan.copied_because.get(language, ""))
        for index, language in sorted(plan.foreign.items())
    )


def routed_outputs(
    plan: Plan, outputs: Sequence[Sequence[Generated]]
) -> dict[int, list[tuple[str, Generated, str]]]:
    """Paragraph → its ``(sentence, output, model)`` from the other-language parts' ``outputs``."""
    by_paragraph: dict[int, list[tuple[str, Generated, str]]] = {}
    for part, made in zip(plan.routed, outputs, strict=True):
        for index, sentence, out in zip(part.paragraph_of, part.sentences, made, strict=True):
            by_paragraph.setdefault(index, []).append((sentence, out, part.model))
    return by_paragraph


def guess_dict(guess: Guess | None) -> dict[str, Any] | None:
    """``{"language", "name", "confidence", "candidates"}`` (confidences 0–100), or None."""
    if guess is None:
        return None
    return {
        "language": guess.language,
        "name": guess.name,
        "confidence": round(100 * guess.confidence, 1),
        "candidates": [{"language": code, "confidence": round(100 * p, 1)} for code, p in guess.candidates],
    }


__all__ = [
    "ForeignParagraph",
    "Part",
    "Plan",
    "foreign_report",
    "guess_dict",
    "route_foreign",
    "routed_outputs",
    "translate_parts",
    "without",
]
