"""Glossaries: one direction each, read from DeepL-style TSV/CSV files or from ``[source, target]`` pairs.

A file holds one entry a line, the source term then the target term, separated by a tab (TSV) or a comma
(CSV, quoted as CSV quotes). A first line naming the languages (``ar<TAB>en``, ``source,target``) is a
header; DeepL's four-column CSV (``source,target,ar,en``) is read too. The direction is the header's, else
the scripts of the terms say it: Arabic source terms make an ar→en glossary, Latin ones en→ar.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.inference.arabic import ARABIC_LETTERS, LATIN_LETTERS
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_GLOSSARY_BYTES, MAX_GLOSSARY_ENTRY_BYTES

LANGUAGES = ("ar", "en")
_HEADER_WORDS = {("source", "target"), ("source_term", "target_term"), ("term", "translation")}


class GlossaryError(InvalidInputError):
    """A glossary cannot be used: an empty term, a source with two targets, a wrong direction, ..."""


@dataclass(frozen=True)
class Glossary:
    """Source term → target term for one direction; ``digest`` is a hash of the content (for cache keys)."""

    source: str
    target: str
    entries: tuple[tuple[str, str], ...]
    name: str = ""
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        payload = json.dumps([self.source, self.target, self.entries], ensure_ascii=False)
        object.__setattr__(self, "digest", hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32])

    @property
    def direction(self) -> str:
        """``ar-en`` or ``en-ar``."""
        return f"{self.source}-{self.target}"

    def check_direction(self, source: str, target: str) -> None:
        """Raise :class:`GlossaryError` unless this glossary is for ``source`` → ``target``."""
        if (source, target) != (self.source, self.target):
            what = f"glossary {self.name!r}" if self.name else "the glossary"
            raise GlossaryError(
                f"{what} is for {self.direction}, but the text is translated {source}-{target}"
            )

    def describe(self) -> dict[str, object]:
        """What ``GET /glossaries`` and ``tarjama glossary list`` show of it."""
        return {"name": self.name, "source": self.source, "target": self.target, "entries": len(self.entries)}


def _script(term: str) -> str | None:
    if ARABIC_LETTERS.search(term):
        return "ar"
    return "en" if LATIN_LETTERS.search(term) else None


def _where(line: int, origin: str) -> str:
    return f"{origin} line {line}" if origin else f"entry {line}"


def build_glossary(
    rows: Iterable[tuple[int, Sequence[str]]],
    *,
    name: str = "",
    origin: str = "",
    direction: tuple[str, str] | None = None,
) -> Glossary:
    """A glossary from ``(line number, [source, target])`` rows, every entry checked.

    Raises :class:`GlossaryError` naming the line for an empty term, a row that is not two terms, an
    entry over :data:`MAX_GLOSSARY_ENTRY_BYTES`, a source given two targets, a term in the wrong script
    for the glossary's direction, or no entries at all.
    """
    entries: dict[str, tuple[str, str]] = {}
    seen_on: dict[str, int] = {}
    source_lang, target_lang = direction or (None, None)
    for line, row in rows:
        where = _where(line, origin)
        if len(row) != 2:
            raise GlossaryError(f"{where}: expected a source term and a target term, found {len(row)} fields")
        source, target = (" ".join(str(term).split()) for term in row)
        if not source or not target:
            raise GlossaryError(f"{where}: the {'source' if not source else 'target'} term is empty")
        size = len(source.encode("utf-8")) + len(target.encode("utf-8"))
        if size > MAX_GLOSSARY_ENTRY_BYTES:
            raise GlossaryError(
                f"{where}: the entry has {size:,} bytes; the limit is {MAX_GLOSSARY_ENTRY_BYTES:,}"
            )
        script = _script(source)
        if source_lang is None and script is not None:
            source_lang = script
            target_lang = target_lang or ("en" if script == "ar" else "ar")
        if script is not None and script != source_lang:
            raise GlossaryError(
                f"{where}: the source term {source!r} is not in the glossary's source language "
                f"({source_lang}); a glossary holds one direction"
            )
        key = source.casefold()
        if key in entries and entries[key][1] != target:
            raise GlossaryError(
                f"{where}: {source!r} already has the target {entries[key][1]!r} (line {seen_on[key]})"
            )
        entries.setdefault(key, (source, target))
        seen_on.setdefault(key, line)
    if not entries:
        raise GlossaryError(f"{origin or 'the glossary'} has no entries")
    if source_lang is None or target_lang is None:
        raise GlossaryError(f"{origin or 'the glossary'}: its terms have no letters to say their language")
    return Glossary(source_lang, target_lang, tuple(entries.values()), name)


def _header(fields: Sequence[str]) -> tuple[str, str] | bool | None:
    """The direction a header line names, True for a header without one, None for an entry."""
    words = tuple(f.strip().lower() for f in fields)
    if len(words) == 2 and words[0] in LANGUAGES and words[1] in LANGUAGES and words[0] != words[1]:
        return words[0], words[1]
    return True if words[:2] in _HEADER_WORDS else None


def parse_glossary(text: str, *, name: str = "", origin: str = "", tsv: bool | None = None) -> Glossary:
    """Read a glossary file's ``text``: TSV, or CSV when ``tsv`` is False (None: TSV if it has a tab)."""
    size = len(text.encode("utf-8"))
    if size > MAX_GLOSSARY_BYTES:
        raise LimitExceededError(
            f"{origin or 'the glossary'} has {size:,} bytes; the limit is {MAX_GLOSSARY_BYTES:,} (10 MiB)"
        )
    text = text.removeprefix("\ufeff")
    tsv = "\t" in text if tsv is None else tsv
    lines = text.splitlines()
    if tsv:
        parsed = [line.split("\t") for line in lines]
    else:
        try:
            parsed = list(csv.reader(lines))
        except csv.Error as exc:
            raise GlossaryError(f"{origin or 'the glossary'} is not valid CSV: {exc}") from None
    direction = None
    rows: list[tuple[int, Sequence[str]]] = []
    for number, fields in enumerate(parsed, start=1):
        if not any(f.strip() for f in fields):
            continue
        if not rows and direction is None and (found := _header(fields)) is not None:
            direction = found if isinstance(found, tuple) else None
            continue
        if len(fields) == 4 and (lang := _header(fields[2:])) and isinstance(lang, tuple):  # DeepL CSV
            if direction not in (None, lang):
                raise GlossaryError(
                    f"{_where(number, origin)}: the entry is {'-'.join(lang)}; a glossary holds one direction"
                )
            direction, fields = lang, fields[:2]
        rows.append((number, fields))
    return build_glossary(rows, name=name, origin=origin, direction=direction)


def read_glossary(path: str | Path, *, name: str = "") -> Glossary:
    """Read a glossary file (``.csv`` is CSV, anything else TSV unless it has no tab)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_GLOSSARY_BYTES:
            raise LimitExceededError(
                f"glossary {path.name} has {size:,} bytes; the limit is {MAX_GLOSSARY_BYTES:,} (10 MiB)"
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GlossaryError(f"glossary {path.name} is not UTF-8 text") from None
    except OSError as exc:
        raise GlossaryError(f"cannot read glossary {path}: {exc.strerror or exc}") from None
    tsv = False if path.suffix.lower() == ".csv" else None
    return parse_glossary(text, name=name or path.stem, origin=path.name, tsv=tsv)


def glossary_from_pairs(pairs: object, *, name: str = "") -> Glossary:
    """A glossary from a request's ``[[source, target], ...]``; :class:`GlossaryError` for another shape."""
    if not isinstance(pairs, list) or not all(isinstance(p, list | tuple) for p in pairs):
        raise GlossaryError("glossary must be a list of [source, target] pairs")
    size = len(json.dumps(pairs, ensure_ascii=False).encode("utf-8"))
    if size > MAX_GLOSSARY_BYTES:
        raise LimitExceededError(
            f"the glossary has {size:,} bytes; the limit is {MAX_GLOSSARY_BYTES:,} (10 MiB)"
        )
    for number, pair in enumerate(pairs, start=1):
        if not all(isinstance(term, str) for term in pair):
            raise GlossaryError(f"entry {number}: terms must be strings")
    return build_glossary(enumerate(pairs, start=1), name=name)
