"""Texts translated line by line (the API's ``q``, a file's lines): white space kept, the translation's
paragraphs mapped back to the lines, and the API's ``warnings`` about the language of each text.

``warnings`` is tarjama's own field beside LibreTranslate's (present only when there is something to say),
the same objects whether ``q`` is a string or a list; ``item`` is the index in ``q`` (0 for a string):

- ``{"code": "wrong_language", "item", "language", "name", "message"}``: the text is clearly in another
  language than the ``source`` it was sent as; it was translated as asked.
- ``{"code": "other_language", "item", "paragraph", "language", "name", "model", "copied", "message"}``: a
  paragraph (its line in the item, from 0) in another language than the text's; ``model`` translated it,
  or it was ``copied`` (``model`` null; ``message`` says why).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tarjama.translate import Translation
from tarjama.translate.glossary import Glossary
from tarjama.translate.langid import language_name
from tarjama.translate.plans import wrong_language_note
from tarjama.web.security import hide_paths, public_model_name

if TYPE_CHECKING:
    from tarjama.web.service import Routing, TarjamaService

LETTER = re.compile(r"[^\W\d_]")
Done = tuple[Sequence[int], Translation]  # a translation and the line each of its paragraphs is


def translate_lines(
    service: TarjamaService,
    lines: Sequence[str],
    source: str,
    target: str,
    model: str | None = None,
    routing: Routing | None = None,
    glossary: Glossary | None = None,
) -> tuple[list[str], list[Done]]:
    """:meth:`TarjamaService.translate_lines`, and each translation made with the lines its paragraphs are."""
    todo = [i for i, line in enumerate(lines) if LETTER.search(line)]
    outputs = list(lines)
    if source == target or not todo:
        return outputs, []
    flat = [" ".join(lines[i].split()) for i in todo]
    translator = service.translator(source, target, model, routing=routing)
    result = service.heard(
        translator.translate("\n".join(flat), source=source, target=target, glossary=glossary)
    )
    translated, done = by_paragraph(result, len(flat)), [(todo, result)]
    if translated is None:  # the segmenter did not keep one paragraph per line
        results = [
            service.heard(translator.translate(line, source=source, target=target, glossary=glossary))
            for line in flat
        ]
        translated, done = [r.text for r in results], [([i], r) for i, r in zip(todo, results, strict=True)]
    for index, text in zip(todo, translated, strict=True):
        outputs[index] = text
    return outputs, done


def translate_texts(
    service: TarjamaService,
    texts: Sequence[str],
    source: str,
    target: str,
    model: str | None = None,
    routing: Routing | None = None,
    glossary: Glossary | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """:meth:`TarjamaService.translate_texts`: the translations and the ``warnings``."""
    split = [text.split("\n") for text in texts]
    lines = [line for lines in split for line in lines]
    flat, done = translate_lines(service, lines, source, target, model, routing, glossary)
    outputs, start = [], 0
    for lines in split:
        made = flat[start : start + len(lines)]
        outputs.append("\n".join(keep_space(old, new) for old, new in zip(lines, made, strict=True)))
        start += len(lines)
    place = [(item, line) for item, lines in enumerate(split) for line in range(len(lines))]
    return outputs, language_warnings(done, place)


def language_warnings(done: Sequence[Done], place: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
    """The ``warnings`` of the translations ``done`` of lines that are ``place[line] = (item, line in
    item)``, in the order of the items and their paragraphs."""
    warnings: list[tuple[tuple[int, int], dict[str, Any]]] = []
    for lines, result in done:
        if result.wrong_language:
            name = language_name(result.wrong_language)
            message = wrong_language_note(result.wrong_language, result.source)
            for item in sorted({place[line][0] for line in lines}):
                warnings.append(
                    ((item, -1), {"code": "wrong_language", "item": item, "language": result.wrong_language}
                     | {"name": name, "message": message})
                )  # fmt: skip
        for paragraph in result.foreign:
            item, line = place[lines[paragraph.paragraph]]
            name = language_name(paragraph.language)
            model = public_model_name(paragraph.model) if paragraph.model else None
            shown = replace(paragraph, paragraph=line)  # numbered within its item
            warnings.append(
                ((item, line), {"code": "other_language", "item": item, "paragraph": line}
                 | {"language": paragraph.language, "name": name, "model": model, "copied": model is None}
                 | {"message": shown.describe(model or "", hide_paths(paragraph.reason))})
            )  # fmt: skip
    return [warning for _, warning in sorted(warnings, key=lambda pair: pair[0])]


def keep_space(original: str, translated: str) -> str:
    """``translated`` with the leading and trailing white space of ``original``."""
    if original is translated or not original.strip():
        return translated
    lead = original[: len(original) - len(original.lstrip())]
    return lead + translated.strip() + original[len(original.rstrip()) :]


def by_paragraph(result: Translation, paragraphs: int) -> list[str] | None:
    """The translation of each of ``result``'s ``paragraphs``; ``None`` when it does not have that many."""
    if result.paragraphs != paragraphs:
        return None
    parts: list[list[str]] = [[] for _ in range(paragraphs)]
    for segment in result.segments:
        parts[segment.paragraph].append(segment.translation)
    return [" ".join(p) for p in parts]


__all__ = [
    "LETTER",
    "Done",
    "by_paragraph",
    "keep_space",
    "language_warnings",
    "translate_lines",
    "translate_texts",
]
