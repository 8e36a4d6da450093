"""Translating sentences that hold glossary terms or do-not-translate spans.

A span written ``{{like this}}`` comes back exactly as written (without the braces): the text around it is
translated on its own. A sentence with glossary terms is translated into several hypotheses; the best one
that has every target term wins, else the model's attention says which words of the best one to replace by
the term, else a term a model copies as it is (Latin letters, digits, a URL) is put into the source. What
still lacks a term is reported, so the sentence is flagged, never silently wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.inference.alignment import word_alignment
from tarjama.inference.backends import Seq2SeqBackend
from tarjama.inference.backends.base import Hypothesis
from tarjama.inference.batching import batches_by_tokens
from tarjama.inference.cache import CacheEntry, SentenceCache, cache_key
from tarjama.inference.cached import CachedGenerator, Generated, Progress
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.settings import GLOSSARY_HYPOTHESES
from tarjama.translate.glossary.align import aligned_run, replace_words
from tarjama.translate.glossary.files import Glossary
from tarjama.translate.glossary.terms import Match, TermFinder

PROTECTED = re.compile(r"\{\{([^{}]*)\}\}")
_COPYABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,:/\-'&_%?=#+]*")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Termed:
    """A sentence's output and the glossary's target terms it still lacks."""

    output: str
    cached: bool
    missing: tuple[str, ...] = ()


def _pieces(sentence: str) -> list[tuple[bool, str]]:
    """``(translate?, text)`` pieces: the text between ``{{…}}`` spans, and each span's content kept."""
    out: list[tuple[bool, str]] = []
    last = 0
    for m in PROTECTED.finditer(sentence):
        out += [(True, sentence[last : m.start()]), (False, m.group(1))]
        last = m.end()
    out.append((True, sentence[last:]))
    return [(todo, text) for todo, text in out if text]


def _word_indices(text: str, match: Match) -> set[int]:
    """The whitespace-separated words of ``text`` that ``match`` overlaps."""
    found, position = set(), 0
    for index, word in enumerate(text.split()):
        start = text.index(word, position)
        position = start + len(word)
        if start < match.end and position > match.start:
            found.add(index)
    return found


class TermTranslator:
    """Translates the sentences of one direction with ``glossary`` (or none: only ``{{…}}`` spans)."""

    def __init__(
        self,
        generator: CachedGenerator,
        cache: SentenceCache | None,
        glossary: Glossary | None,
        settings: GenerationSettings,
        *,
        task: str,
        source: str,
        target: str,
    ) -> None:
        self.generator = generator
        self.cache = cache
        self.glossary = glossary
        self.settings = settings
        self.task, self.source, self.target = task, source, target
        entries = glossary.entries if glossary else ()
        self.sources = TermFinder([s for s, _ in entries], source)
        self.targets = TermFinder([t for _, t in entries], target)

    def needs(self, sentence: str) -> bool:
        """Whether ``sentence`` has a protected span or a glossary term."""
        return PROTECTED.search(sentence) is not None or bool(self.sources.find(sentence))

    def missing(self, source: str, output: str) -> tuple[str, ...]:
        """The target terms of the glossary terms in ``source`` that ``output`` lacks."""
        if self.glossary is None:
            return ()
        have = {m.entry for m in self.targets.find(output)}
        need = dict.fromkeys(m.entry for m in self.sources.find(source))
        return tuple(self.glossary.entries[e][1] for e in need if e not in have)

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Termed]:
        """The output of each sentence, its pieces translated (plainly or with the glossary) and rejoined."""
        split = [_pieces(s) for s in sentences]
        todo = [t.strip() for pieces in split for go, t in pieces if go and _LETTER.search(t)]
        plain = list(dict.fromkeys(t for t in todo if not self.sources.find(t)))
        termed = list(dict.fromkeys(t for t in todo if self.sources.find(t)))
        done: dict[str, Generated] = {}
        if plain:
            made = self.generator.generate(
                plain,
                self.settings,
                task=self.task,
                source=self.source,
                target=self.target,
                progress=progress,
            )
            done.update(zip(plain, made, strict=True))
        done.update(self._with_terms(termed))
        results = []
        for sentence, pieces in zip(sentences, split, strict=True):
            parts, cached = [], True
            for go, text in pieces:
                core = text.strip()
                if not go or core not in done:
                    parts.append(text)
                    continue
                lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
                parts.append(f"{lead}{done[core].output}{trail}")
                cached = cached and done[core].cached
            output = " ".join("".join(parts).split())
            results.append(Termed(output, cached, self.missing(sentence, output)))
        return results

    def key(self, text: str) -> str:
        """The cache key of ``text`` with this glossary: the plain key's fields and the glossary's hash."""
        return cache_key(
            task=self.task,
            **self.generator.model.identity,
            settings=self.settings.as_key(),
            source=self.source,
            target=self.target,
            text=text,
            glossary=self.glossary.digest if self.glossary else "",
        )

    def _with_terms(self, texts: list[str]) -> dict[str, Generated]:
        if not texts:
            return {}
        keys = {t: self.key(t) for t in texts}
        found = self.cache.get_many(list(keys.values())) if self.cache is not None else {}
        done = {t: Generated(found[k], True) for t, k in keys.items() if k in found}
        todo = [t for t in texts if t not in done]
        if not todo:
            return done
        backend = self.generator.model.load()
        lengths = backend.token_lengths(todo, source=self.source, target=self.target)
        fits = [t for t, n in zip(todo, lengths, strict=True) if n <= backend.max_input_tokens]
        fitting = set(fits)
        too_long = [t for t in todo if t not in fitting]  # split by the plain path, terms checked after
        if too_long:
            made = self.generator.generate(
                too_long, self.settings, task=self.task, source=self.source, target=self.target
            )
            done.update(zip(too_long, made, strict=True))
        budget = max(1, self.generator.max_batch_tokens // GLOSSARY_HYPOTHESES)
        fit_lengths = [n for n in lengths if n <= backend.max_input_tokens]
        for batch in batches_by_tokens(fit_lengths, budget):
            group = [fits[i] for i in batch]
            hypotheses = backend.generate_hypotheses(
                group,
                self.settings,
                source=self.source,
                target=self.target,
                count=GLOSSARY_HYPOTHESES,
                attention=True,
            )
            outputs = [
                self._choose(backend, text, hyps) for text, hyps in zip(group, hypotheses, strict=True)
            ]
            entries = [
                CacheEntry(keys[t], o, self.task, self.generator.model.resolved.name)
                for t, o in zip(group, outputs, strict=True)
            ]
            if self.cache is not None:
                self.cache.put_many(entries)
            done.update((t, Generated(o, False)) for t, o in zip(group, outputs, strict=True))
        return done

    def _choose(self, backend: Seq2SeqBackend, text: str, hypotheses: list[Hypothesis]) -> str:
        """The first hypothesis with every term, else the best one with the aligned words replaced, else the
        output of the source with its copyable terms put in."""
        for hypothesis in hypotheses:
            if not self.missing(text, hypothesis.text):
                return hypothesis.text
        best = hypotheses[0]
        output = self._replace_aligned(text, best)
        if not self.missing(text, output):
            return output
        assert self.glossary is not None
        copied = text
        for match in reversed(self.sources.find(text)):
            term = self.glossary.entries[match.entry][1]
            if _COPYABLE.fullmatch(term) and term in self.missing(text, output):
                copied = f"{copied[: match.start]}{term}{copied[match.end :]}"
        if copied != text:
            retried = backend.generate([copied], self.settings, source=self.source, target=self.target)[0]
            if not self.missing(text, retried):
                return retried
        return output

    def _replace_aligned(self, text: str, hypothesis: Hypothesis) -> str:
        assert self.glossary is not None
        matrix = word_alignment(hypothesis, len(text.split()))
        if matrix is None or not hypothesis.text.split():
            return hypothesis.text
        lacking = set(self.missing(text, hypothesis.text))
        runs: list[tuple[int, int, str]] = []
        for match in self.sources.find(text):
            term = self.glossary.entries[match.entry][1]
            run = aligned_run(matrix, _word_indices(text, match)) if term in lacking else None
            if run is not None and all(run[1] <= s or run[0] >= e for s, e, _ in runs):
                runs.append((*run, term))
        output = hypothesis.text
        for start, end, term in sorted(runs, reverse=True):
            output = replace_words(output, start, end, term)
        return output
