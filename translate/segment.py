"""Arabic and English text into paragraphs and sentences, and long sentences into clauses.

Paragraphs are the non-blank lines of the input, so a headline or a date line is its own segment.
Sentences end at ``. ! ? ؟ …`` (with any closing quotes or brackets after them) when whitespace follows,
or between two Arabic words that lack the space (``انتهى.وقال``); a full stop after an abbreviation, an
initial or a list number does not end one. The Arabic comma ``،`` and the Arabic semicolon ``؛`` never
end a sentence: ``؛`` joins clauses as ``;`` does in English (news reference translations keep it inside
one sentence), so :func:`split_long` uses it as the first place to cut a sentence that is too long.
The rules look at the script of the neighbouring words rather than at ``lang``, so English names and
abbreviations inside Arabic text are handled the same way as in English text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from tarjama.inference.errors import InvalidInputError
from tarjama.translate import abbreviations as abbr

__all__ = ["Paragraph", "normalize_input", "segment", "split_long", "split_sentences"]

_LANGUAGES = ("ar", "en")

# --- normalisation -----------------------------------------------------------------------------

_AS_NEWLINE = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_AS_SPACE = "\t\u00a0\u1680\u202f\u205f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
# C0/C1 controls, soft hyphen, zero-width space, LRM/RLM, Arabic letter mark, bidi embeddings, overrides
# and isolates, word joiner, byte order mark. ZWNJ/ZWJ are handled apart (see _LOOSE_JOINERS).
_DROPPED = (
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\n\t\v\f\r\x1c\x1d\x1e"]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0) if c != 0x85]
    + ["\u00ad", "\u200b", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
_NORMALIZE_TABLE = MappingProxyType(
    {ord(c): "\n" for c in _AS_NEWLINE} | {ord(c): " " for c in _AS_SPACE} | {ord(c): None for c in _DROPPED}
)
# ZWNJ keeps Persian/Kurdish letters apart inside a word and ZWJ glues emoji sequences (👨‍👩‍👧): both
# are kept between two visible characters and dropped elsewhere. A run is only matched from its start
# and whole (possessive), so a long run costs linear time, not quadratic.
_LOOSE_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]++|(?<![\u200c\u200d])[\u200c\u200d]++(?!\S)")


def normalize_input(text: str) -> str:
    """Clean text for segmentation and translation without dropping any visible character.

    Line breaks become ``\\n`` (CRLF, CR, form feed, Unicode line/paragraph separators), tabs and
    non-breaking or typographic spaces become a plain space, control characters, zero-width spaces and
    bidirectional marks are removed, and the result is in Unicode NFC. Letters, digits, punctuation and
    emoji (including ZWJ sequences) pass through unchanged.
    """
    text = text.replace("\r\n", "\n").translate(_NORMALIZE_TABLE)
    text = _LOOSE_JOINERS.sub("", text)
    return unicodedata.normalize("NFC", text)


# --- sentences ---------------------------------------------------------------------------------

_ENDERS = ".!?؟…‼⁇⁈⁉"
_CLOSERS = "\"'”’»›)]}"
_OPENERS = "\"'“‘«‹([{"
_ARABIC = "\u0621-\u064a"
_CANDIDATE = re.compile(
    rf"(?<![{re.escape(_ENDERS)}])[{re.escape(_ENDERS)}]++[{re.escape(_CLOSERS)}]*+(?=\s)"
    rf"|(?<=[{_ARABIC}][{_ARABIC}])[.!?؟](?=[{_ARABIC}][{_ARABIC}])"
)
_QUOTE = re.compile(r"[«»“”\"]")
_HAS_WORD = re.compile(r"\w")
_NEXT_WORD = re.compile(r"\s*(\S{0,40})")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LOOKBACK = 100  # characters searched back for the word before a full stop

# Words that follow a closing quote to say who spoke: «...» قال فلان. The quote does not end the sentence.
_ARABIC_ATTRIBUTION = frozenset(
    {
        "قال", "قالت", "يقول", "تقول", "أضاف", "أضافت", "يضيف", "تضيف", "تابع", "تابعت", "أوضح",
        "أوضحت", "تساءل", "تساءلت", "حسبما", "بحسب", "حسب", "وفق", "وفقا", "وفقاً", "وفقًا",
        "قائلا", "قائلاً", "قائلًا", "قائلة",
    }
)  # fmt: skip


def _check_lang(lang: str) -> None:
    if lang not in _LANGUAGES:
        raise InvalidInputError(f"cannot segment language {lang!r}; use one of: {', '.join(_LANGUAGES)}")


def split_sentences(paragraph: str, lang: str) -> list[str]:
    """The sentences of ``paragraph`` in ``lang`` ("ar" or "en"), stripped, inner whitespace collapsed.

    A line break inside ``paragraph`` always ends a sentence. Whitespace-only input gives ``[]``.
    """
    _check_lang(lang)
    sentences: list[str] = []
    for line in paragraph.split("\n"):
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    begin = scanned = 0
    has_word = False  # whether line[begin:scanned] holds a letter or digit
    quotes = _QuoteState()
    for match in _CANDIDATE.finditer(line):
        chunk = line[scanned : match.end()]
        quotes.feed(chunk)
        has_word = has_word or _HAS_WORD.search(chunk) is not None
        scanned = match.end()
        if has_word and _is_boundary(line, match.start(), match.end(), quotes.inside):
            sentences.append(" ".join(line[begin : match.end()].split()))
            begin = match.end()
            has_word = False
    tail = " ".join(line[begin:].split())
    if tail:
        sentences.append(tail)
    return sentences


class _QuoteState:
    """Whether the scan is inside a quotation: «» and “” nest, ASCII double quotes toggle."""

    def __init__(self) -> None:
        self.depth = 0
        self.ascii_open = False

    def feed(self, chunk: str) -> None:
        for mark in _QUOTE.findall(chunk):
            if mark in "«“":
                self.depth += 1
            elif mark in "»”":
                self.depth = max(0, self.depth - 1)
            else:
                self.ascii_open = not self.ascii_open

    @property
    def inside(self) -> bool:
        return self.depth > 0 or self.ascii_open


def _is_boundary(line: str, start: int, end: int, in_quote: bool) -> bool:
    """Whether the punctuation at ``line[start:end]`` ends a sentence."""
    enders = line[start:end].rstrip(_CLOSERS)
    closed_quote = any(c in "\"”»’'›" for c in line[start + len(enders) : end])
    following = _NEXT_WORD.match(line, end)
    token = following.group(1) if following else ""
    if not token:
        return False
    word = token.lstrip(_OPENERS) or token
    first = word[0]
    if first.isascii() and first.islower():  # '"Why?" he asked', 'e.g. this', 'etc. and'
        return False
    if closed_quote and word.rstrip("،,:.") in _ARABIC_ATTRIBUTION:
        return False
    if any(c in "!?؟‼⁇⁈⁉" for c in enders):
        return True
    if "…" in enders or enders.count(".") > 1:
        if in_quote:  # '"Well... Maybe," he said' keeps the quotation whole
            return False
        if first.isascii() and first.isupper():
            return True
        return start > 0 and not line[start - 1].isspace()  # a free-standing " ... " marks an omission
    return _full_stop_ends_sentence(line, start, word)


def _full_stop_ends_sentence(line: str, start: int, word: str) -> bool:
    """A single full stop ends a sentence unless it closes an abbreviation, an initial or a list number."""
    before, prev = _two_words_before(line, start)
    if not prev:
        return True
    if abbr.NUMBER.fullmatch(prev):  # "1." opening a line or following a sentence numbers a list
        return bool(before) and not before.endswith(tuple(_ENDERS))
    if prev in abbr.NEVER_FINAL:
        return False
    if prev in abbr.BEFORE_NUMBER:
        return not word[0].isdigit()
    if prev in abbr.MAYBE_FINAL or abbr.LATIN_INITIALISM.fullmatch(prev):
        starter = _LATIN_WORD.match(word)
        return starter is not None and starter.group() in abbr.SENTENCE_STARTERS
    if abbr.ARABIC_SINGLE_LETTER.fullmatch(prev) or abbr.ARABIC_INITIALISM.fullmatch(prev):
        return bool(abbr.NUMBER.fullmatch(before))  # "عام 2021 م." closes a date; "د. فورد" is a title
    if len(prev) == 1 and prev.isascii() and prev.isupper():
        # An initial ("J. K. Rowling", "John F. Kennedy") unless a lower-case word precedes ("vitamin C.").
        return bool(before) and not (before[0].isupper() or before.endswith("."))
    return True


def _two_words_before(line: str, start: int) -> tuple[str, str]:
    """The two words before ``start`` (without their outer quotes and brackets); "" where there is none."""
    window = line[max(0, start - _LOOKBACK) : start]
    words = window.split()
    if window[-1:].isspace():
        words.append("")
    prev = words[-1].lstrip(_OPENERS).rstrip(_CLOSERS) if words else ""
    before = words[-2].lstrip(_OPENERS).rstrip(_CLOSERS) if len(words) > 1 else ""
    return before, prev


# --- paragraphs --------------------------------------------------------------------------------

_CONTENT_LINE = re.compile(r"\S(?:[^\n]*\S)?")


@dataclass(frozen=True)
class Paragraph:
    """One non-blank line of the input, as sentences.

    ``separator`` is the exact whitespace that followed the line in the normalised input (line breaks,
    blank lines, trailing spaces); it is ``""`` when nothing followed.
    """

    sentences: tuple[str, ...]
    separator: str


def segment(text: str, lang: str) -> list[Paragraph]:
    """Normalise ``text`` and cut it into paragraphs (its non-blank lines) of sentences.

    ``"".join(" ".join(p.sentences) + p.separator for p in segment(text, lang))`` gives back the
    normalised text except for leading whitespace and runs of whitespace inside lines.
    Empty or whitespace-only text gives ``[]``.
    """
    _check_lang(lang)
    text = normalize_input(text)
    lines = list(_CONTENT_LINE.finditer(text))
    paragraphs: list[Paragraph] = []
    for index, line in enumerate(lines):
        following = lines[index + 1].start() if index + 1 < len(lines) else len(text)
        paragraphs.append(Paragraph(tuple(_split_line(line.group())), text[line.end() : following]))
    return paragraphs


# --- long sentences ----------------------------------------------------------------------------

_C = re.escape(_CLOSERS)
# Places to cut, best first; each pattern ends on the one space that is cut (kept out of both parts).
_CUT_LEVELS = (
    re.compile(rf"[{re.escape(_ENDERS)}][{_C}]* (?=\S)"),
    re.compile(rf"[؛;:—–][{_C}]* (?=\S)"),
    re.compile(rf"[،,][{_C}]* (?=\S)"),
    re.compile(rf"(?<=\S) (?=و[{_ARABIC}]{{2}}|(?:and|but|or|which|while|because|whereas) )"),
    re.compile(r"(?<=\S) (?=\S)"),
)


def split_long(sentence: str, max_units: int, length: Callable[[str], int]) -> list[str]:
    """Cut ``sentence`` into parts of at most ``max_units`` as measured by ``length`` (e.g. tokens).

    Cuts go at sentence punctuation first, then at clause punctuation (``؛ ; : — –``), then at commas
    (``، ,``), then before a conjunction (Arabic ``و``, English "and", "but", ...), then at any space;
    neighbouring pieces are packed back together while they fit. A single word still longer than
    ``max_units`` (a pasted URL, base64, a run of hashtags) is cut last at character boundaries, never
    inside a letter and its marks, into the longest parts that fit. ``"".join`` of the parts, with the
    spaces that were cut at put back, is ``sentence``: ``" ".join(parts) == sentence`` holds whenever no
    word had to be cut.
    """
    if max_units < 1:
        raise ValueError(f"max_units must be at least 1, got {max_units}")
    if length(sentence) <= max_units:
        return [sentence]
    return _cut(sentence, max_units, length, 0)


def _cut(text: str, max_units: int, length: Callable[[str], int], level: int) -> list[str]:
    if level == len(_CUT_LEVELS):
        return _cut_characters(text, max_units, length)
    spaces = [m.end() - 1 for m in _CUT_LEVELS[level].finditer(text)]
    if not spaces:
        return _cut(text, max_units, length, level + 1)
    bounds = [-1, *spaces, len(text)]
    pieces = [text[a + 1 : b] for a, b in itertools.pairwise(bounds)]
    packed: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        joined = f"{current} {piece}"
        if length(joined) <= max_units:
            current = joined
        else:
            packed.append(current)
            current = piece
    packed.append(current)
    parts: list[str] = []
    for part in packed:
        parts.extend(_cut(part, max_units, length, level + 1) if length(part) > max_units else [part])
    return parts


def _cut_characters(word: str, max_units: int, length: Callable[[str], int]) -> list[str]:
    """``word`` in consecutive parts, each the longest prefix of the rest that fits ``max_units`` and ends
    at a letter boundary (at least one letter with its combining marks, even if that alone is over)."""
    parts: list[str] = []
    rest = word
    while length(rest) > max_units:
        low, high = 1, len(rest) - 1  # the longest fitting prefix has between 1 and len - 1 characters
        while low < high:
            middle = (low + high + 1) // 2
            if length(rest[:middle]) <= max_units:
                low = middle
            else:
                high = middle - 1
        cut = low
        while cut > 0 and unicodedata.combining(rest[cut]):
            cut -= 1  # back to the start of a letter, whose marks stay with it
        if cut == 0:  # the first letter with its marks is over the budget alone: keep them whole
            cut = low
            while cut < len(rest) and unicodedata.combining(rest[cut]):
                cut += 1
        parts.append(rest[:cut])
        rest = rest[cut:]
    return [*parts, rest] if rest else parts
