"""What every backend offers, and the per-family language conventions they share."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.registry import ModelSpec

_GPU_DEVICE_FILES = ("/dev/nvidiactl", "/dev/nvidia0", "/proc/driver/nvidia/version", "/dev/kfd")


@dataclass(frozen=True)
class Hypothesis:
    """One of a text's n-best outputs, best first; with the model's alignment when it was asked for.

    ``attention`` has a row per token of ``target_tokens``, each a weight per token of ``source_tokens``
    (the model's pieces, ``▁`` starting a word).
    """

    text: str
    score: float
    source_tokens: tuple[str, ...] = ()
    target_tokens: tuple[str, ...] = ()
    attention: tuple[tuple[float, ...], ...] = ()


class Seq2SeqBackend(Protocol):
    """A loaded sequence-to-sequence model: texts in, texts out, in order."""

    name: str  # "transformers" | "ctranslate2"
    model_id: str
    revision: str
    quantization: str
    device: str
    max_input_tokens: int
    spec: ModelSpec

    def token_lengths(self, texts: Sequence[str], *, source: str, target: str | None = None) -> list[int]:
        """Source length in tokens (special and language tokens included) of each text."""
        ...

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, source: str, target: str
    ) -> list[str]:
        """Outputs for ``texts``, in order; each text must fit ``max_input_tokens``."""
        ...

    def generate_batches(
        self, batches: Iterable[Sequence[str]], settings: GenerationSettings, *, source: str, target: str
    ) -> Iterator[list[str]]:
        """Outputs batch by batch, as :meth:`generate` gives them; the backend may start on the next batch
        before it hands back the current one."""
        ...

    def generate_hypotheses(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        *,
        source: str,
        target: str,
        count: int,
        attention: bool = False,
    ) -> list[list[Hypothesis]]:
        """Up to ``count`` outputs for each text, best first (a beam at least ``count`` wide), with the
        cross-attention of each when ``attention`` is set."""
        ...

    def align(
        self, texts: Sequence[str], outputs: Sequence[str], *, source: str, target: str
    ) -> list[Hypothesis]:
        """Each given output of each text, with the cross-attention the model has when it is forced to
        produce that output (one teacher-forced pass, no search). A pair whose text or output is too long
        for the model, or whose output is empty, comes back without attention."""
        ...


def gpu_driver_present() -> bool:
    """Whether this machine has a GPU driver at all (NVIDIA or ROCm device files); checked without torch."""
    return any(Path(p).exists() for p in _GPU_DEVICE_FILES)


def resolve_device(device: str) -> str:
    """``auto`` → ``cuda`` when a GPU is usable, else ``cpu``.

    torch is imported only where a GPU driver is present: elsewhere ``auto`` is ``cpu`` at no cost, so an
    all-cached request never pays for ``import torch``.
    """
    if device not in {"auto", "cpu", "cuda"}:
        raise InvalidInputError(f"device must be auto, cpu or cuda, not {device!r}")
    if device != "auto":
        return device
    if not gpu_driver_present():
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def marian_prefix(spec: ModelSpec, vocab: dict[str, int], target: str) -> str:
    """The ``>>xxx<<`` token a multi-target OPUS-MT model needs, or ``""``.

    Registered models name it; for a local folder it is found in the vocabulary.
    """
    if spec.family != "marian":
        return ""
    if spec.target_prefix:
        return spec.target_prefix
    candidates = {"ar": (">>ara<<", ">>arb<<"), "en": (">>eng<<",)}.get(target, ())
    return next((token for token in candidates if token in vocab), "")


def language_code(spec: ModelSpec, lang: str) -> str:
    """The model's own code for a tarjama language (NLLB ``arb_Arab``, M2M100 ``ar``)."""
    try:
        return spec.lang_codes[lang]
    except KeyError:
        raise InvalidInputError(f"model {spec.name} does not know language {lang!r}") from None


def forced_bos_token(spec: ModelSpec, tokenizer: Any, target: str) -> str | None:
    """The token that must start the output of a many-to-many model (NLLB, M2M100), else None."""
    if spec.family == "nllb":
        return language_code(spec, target)
    if spec.family == "m2m100":
        return str(tokenizer.get_lang_token(language_code(spec, target)))
    return None


def without_forced_start(ids: Sequence[int], forced: int | None, specials: Collection[int]) -> list[int]:
    """``ids`` without their leading special tokens and forced first token (NLLB's, M2M100's target language).

    transformers 5 no longer lists the language tokens as special, so ``skip_special_tokens`` keeps them and
    an output would begin with ``__en__``; both backends drop them here, before decoding.
    """
    start = 0
    while start < len(ids) and (ids[start] in specials or ids[start] == forced):
        start += 1
    return list(ids[start:])


class HFTokenized:
    """Source tokenisation shared by the backends: a Hugging Face tokenizer and the model's conventions."""

    spec: ModelSpec
    tokenizer: Any

    @cached_property
    def special_ids(self) -> frozenset[int]:
        """The tokenizer's special token ids, read once."""
        return frozenset(self.tokenizer.all_special_ids)

    def _prepare(self, texts: Sequence[str], source: str, target: str | None) -> list[str]:
        if self.spec.family in ("nllb", "m2m100"):
            self.tokenizer.src_lang = language_code(self.spec, source)
        prefix = marian_prefix(self.spec, self.tokenizer.get_vocab(), target) if target else ""
        return [f"{prefix} {text}" if prefix else text for text in texts]

    def target_ids(self, texts: Sequence[str], target: str) -> list[list[int]]:
        """The token ids of texts in ``target``, without special tokens (Marian's target SentencePiece
        model where it has its own)."""
        if not texts:
            return []
        if self.spec.family in ("nllb", "m2m100"):
            self.tokenizer.tgt_lang = language_code(self.spec, target)
        return [
            list(row)
            for row in self.tokenizer(text_target=list(texts), add_special_tokens=False)["input_ids"]
        ]

    def token_lengths(self, texts: Sequence[str], *, source: str, target: str | None = None) -> list[int]:
        """Source length in tokens, special and language tokens included."""
        if not texts:
            return []
        encoded = self.tokenizer(self._prepare(texts, source, target), add_special_tokens=True)
        return [len(ids) for ids in encoded["input_ids"]]
