"""An article as a flat list of sentences, with hard-wrapped lines joined back first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tarjama.translate.segment import normalize_input, segment

_ENDS_SENTENCE = re.compile(r"[.!?؟…:\"'”’»)\]]\s*$")
_WRAPPED_SHARE = 0.6  # of the lines followed directly by another, the share that end mid-sentence
_WRAPPED_MIN_LINES = 3


@dataclass(frozen=True)
class ArticleSentences:
    """The sentences of an article in reading order, with the paragraph each belongs to."""

    sentences: tuple[str, ...]
    paragraphs: tuple[int, ...]


def unwrap_lines(text: str) -> str:
    """Join lines that a fixed-width layout broke inside sentences (newspaper text, e-mail).

    A text counts as hard-wrapped when most lines run straight into the next one (no blank line) without
    ending a sentence; then each such line is joined to the next with a space. Text whose lines end in
    sentence punctuation (one paragraph or sentence per line), and headlines followed by a blank line,
    are left as they are.
    """
    lines = text.split("\n")
    followed = [i for i in range(len(lines) - 1) if lines[i].strip() and lines[i + 1].strip()]
    open_ended = [i for i in followed if not _ENDS_SENTENCE.search(lines[i])]
    if len(open_ended) < _WRAPPED_MIN_LINES or len(open_ended) < _WRAPPED_SHARE * len(followed):
        return text
    joined: list[str] = []
    glue = False
    open_set = set(open_ended)
    for i, line in enumerate(lines):
        if glue:
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
        else:
            joined.append(line)
        glue = i in open_set
    return "\n".join(joined)


def article_sentences(text: str, lang: str) -> ArticleSentences:
    """Normalise, unwrap and segment ``text`` (see :func:`translate.segment.segment`)."""
    paragraphs = segment(unwrap_lines(normalize_input(text)), lang)
    sentences: list[str] = []
    owners: list[int] = []
    for index, paragraph in enumerate(paragraphs):
        sentences.extend(paragraph.sentences)
        owners.extend([index] * len(paragraph.sentences))
    return ArticleSentences(tuple(sentences), tuple(owners))
