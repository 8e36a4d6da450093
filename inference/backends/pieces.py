"""Token strings in and out of a CTranslate2 model, without transformers (and so without torch).

CTranslate2 reads and writes token strings, so a Marian model needs only its SentencePiece models and its
``vocab.json``: :class:`MarianPieces` does what ``MarianTokenizer`` does (the ``>>xxx<<`` target token kept
whole, pieces outside the vocabulary read as ``<unk>``, ``</s>`` appended; special tokens dropped on the way
out), so a served translation never imports torch. Other families keep their Hugging Face tokenizer
(:class:`HFPieces`); a model whose files do not fit these rules does too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from tarjama.inference.backends.base import HFTokenized, forced_bos_token, marian_prefix, without_forced_start
from tarjama.inference.registry import ModelSpec

SPIECE_UNDERLINE = "\u2581"
_MARIAN_FILES = ("source.spm", "target.spm", "vocab.json")
_MEMO_ENTRIES = 1024  # the last sources tokenised, each up to _MEMO_CHARS characters, are not tokenised again
_MEMO_CHARS = 2000


class PieceTokenizer(Protocol):
    """What the CTranslate2 backend asks of a tokenizer: token strings, both ways."""

    def tokens(self, texts: Sequence[str], *, source: str, target: str | None) -> list[list[str]]:
        """Each text's source tokens, special and language tokens included."""
        ...

    def start_token(self, target: str) -> str | None:
        """The token the output must start with (a many-to-many model's target language), else None."""
        ...

    def token(self, token_id: int) -> str:
        """The token string of a vocabulary id (for ids read from the model's configuration)."""
        ...

    def target_tokens(self, texts: Sequence[str], target: str) -> list[list[str]]:
        """Each text's tokens as an output of the model in ``target`` (no special tokens)."""
        ...

    def known(self, token: str) -> bool:
        """Whether ``token`` is in the vocabulary (not read as unknown)."""
        ...

    def text(self, tokens: Sequence[str], start: str | None) -> str:
        """An output's text: its tokens less the special ones and the forced start, detokenised."""
        ...


def marian_pieces_possible(spec: ModelSpec, folder: Path) -> bool:
    """Whether ``folder`` holds a Marian model with one joint vocabulary, as every OPUS-MT model has."""
    if spec.family != "marian" or not all((folder / name).is_file() for name in _MARIAN_FILES):
        return False
    config = _json(folder / "tokenizer_config.json")
    return not config.get("separate_vocabs") and not config.get("target_vocab_file")


class MarianPieces:
    """OPUS-MT tokenisation with SentencePiece alone: token for token what ``MarianTokenizer`` gives."""

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        import sentencepiece

        self.spec = spec
        config = _json(folder / "tokenizer_config.json")
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.unk = str(config.get("unk_token") or "<unk>")
        self.eos = str(config.get("eos_token") or "</s>")
        self.pad = str(config.get("pad_token") or "<pad>")
        if self.unk not in self.vocab or self.eos not in self.vocab:
            raise KeyError(f"{folder / 'vocab.json'} lacks {self.unk} or {self.eos}")
        self._ids = {index: token for token, index in self.vocab.items()}
        # transformers 5 also decodes a joint vocabulary with the source model (decoding only joins pieces)
        self._spm = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self._target_spm = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        self.specials = frozenset({self.unk, self.eos, self.pad})
        longest_first = sorted(self.specials, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(re.escape(token) for token in longest_first) + ")")
        # a call measures its sources (splitting, batching) before it decodes them: each is tokenised once
        self._memo = lru_cache(maxsize=_MEMO_ENTRIES)(self._source_tokens)

    def tokens(self, texts: Sequence[str], *, source: str, target: str | None) -> list[list[str]]:
        """Each text's tokens: a target-language token first where the model needs one, ``</s>`` last."""
        prefix = marian_prefix(self.spec, self.vocab, target) if target else ""
        marked = (f"{prefix} {text}" if prefix else text for text in texts)
        return [
            list(self._memo(text) if len(text) <= _MEMO_CHARS else self._source_tokens(text))
            for text in marked
        ]

    def _source_tokens(self, text: str) -> tuple[str, ...]:
        return tuple(self._encode(text, self._spm))

    def _encode(self, text: str, spm: Any) -> list[str]:
        pieces: list[str] = []
        first = True
        for part in self._split.split(text):
            if part in self.specials:
                pieces.append(part)
            elif part.strip():
                pieces.extend(self._words(part.strip() if not first else part, first, spm))
            first = False
        return [*(p if p in self.vocab else self.unk for p in pieces), self.eos]

    def _words(self, text: str, first: bool, spm: Any) -> list[str]:
        code: list[str] = []
        if first and text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        return [*code, *spm.encode(text, out_type=str)]

    def target_tokens(self, texts: Sequence[str], target: str) -> list[list[str]]:
        """Each text's pieces from the target SentencePiece model, as ``MarianTokenizer`` makes a label."""
        return [self._encode(text, self._target_spm)[:-1] for text in texts]  # without its </s>

    def start_token(self, target: str) -> str | None:
        """Marian models start their output from the decoder start token alone."""
        return None

    def token(self, token_id: int) -> str:
        """The vocabulary's token for ``token_id``."""
        return self._ids.get(token_id, self.unk)

    def known(self, token: str) -> bool:
        """Whether ``token`` is in ``vocab.json``."""
        return token in self.vocab

    def text(self, tokens: Sequence[str], start: str | None) -> str:
        """Pieces joined as SentencePiece joins them, special tokens left out."""
        words = self._spm.decode_pieces([t for t in tokens if t not in self.specials])
        return str(words).replace(SPIECE_UNDERLINE, " ").strip()


class HFPieces(HFTokenized):
    """A Hugging Face tokenizer behind :class:`PieceTokenizer` (imports transformers, and so torch)."""

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        from transformers import AutoTokenizer

        self.spec = spec
        self.tokenizer: Any = AutoTokenizer.from_pretrained(folder)

    def tokens(self, texts: Sequence[str], *, source: str, target: str | None) -> list[list[str]]:
        """Each text's tokens as the tokenizer gives them with its special tokens."""
        ids = self.tokenizer(self._prepare(texts, source, target), add_special_tokens=True)["input_ids"]
        return [list(self.tokenizer.convert_ids_to_tokens(row)) for row in ids]

    def target_tokens(self, texts: Sequence[str], target: str) -> list[list[str]]:
        """Each text's tokens as the tokenizer makes a label, without special tokens."""
        return [list(self.tokenizer.convert_ids_to_tokens(row)) for row in self.target_ids(texts, target)]

    def start_token(self, target: str) -> str | None:
        """NLLB's and M2M100's target-language token."""
        return forced_bos_token(self.spec, self.tokenizer, target)

    def token(self, token_id: int) -> str:
        """The tokenizer's token for ``token_id``."""
        return str(self.tokenizer.convert_ids_to_tokens(int(token_id)))

    def known(self, token: str) -> bool:
        """Whether the tokenizer maps ``token`` to an id of its own."""
        return bool(self.tokenizer.convert_tokens_to_ids(token) != self.tokenizer.unk_token_id)

    def text(self, tokens: Sequence[str], start: str | None) -> str:
        """Decoded with the tokenizer, special tokens and the forced start left out."""
        forced = self.tokenizer.convert_tokens_to_ids(start) if start else None
        ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
        ids = without_forced_start(ids, forced, self.special_ids)
        return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()


def piece_tokenizer(spec: ModelSpec, folder: Path) -> PieceTokenizer:
    """SentencePiece alone for a Marian model with a joint vocabulary, else the Hugging Face tokenizer."""
    if marian_pieces_possible(spec, folder):
        return MarianPieces(spec, folder)
    return HFPieces(spec, folder)


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
