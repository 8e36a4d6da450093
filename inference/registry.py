"""Short model names → Hugging Face repo ids, languages and the conventions each family needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_CPU_QUALITY

Task = Literal["translate", "summarize"]
Family = Literal["marian", "nllb", "m2m100", "bart", "t5"]


@dataclass(frozen=True)
class ModelSpec:
    """What tarjama must know about a model beyond its weights."""

    name: str
    repo_id: str
    task: Task
    family: Family
    languages: tuple[str, ...]  # ("ar", "en") = ar→en for translation; languages read for summaries
    max_input_tokens: int = 512
    target_prefix: str = ""  # prepended to the source, e.g. ">>ara<<" for multi-target OPUS-MT
    lang_codes: dict[str, str] = field(default_factory=dict)  # tarjama code → the model's own code
    description: str = ""

    @property
    def source(self) -> str:
        return self.languages[0]

    @property
    def target(self) -> str:
        return self.languages[-1]

    @property
    def directions(self) -> tuple[tuple[str, str], ...]:
        """The ``(source, target)`` pairs a translation model can do; none for a summariser."""
        if self.task != "translate":
            return ()
        if self.family in _MULTILINGUAL:
            codes = [code for code in self.lang_codes if code not in DIALECTS]  # a dialect is a source choice
            return tuple((s, t) for s in codes for t in codes if s != t)
        return ((self.source, self.target),)


_NLLB_CODES = {"ar": "arb_Arab", "en": "eng_Latn"}
# Arabic dialects a request may name (``dialect``): the source code a model reads them by, never a target.
DIALECTS = ("acm", "apc", "arz")
NLLB_WIDE_CODES = {
    **_NLLB_CODES,
    "ckb": "ckb_Arab",
    "acm": "acm_Arab",
    "apc": "apc_Arab",
    "arz": "arz_Arab",
}
_M2M_CODES = {"ar": "ar", "en": "en"}

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "opus-mt-ar-en",
            "Helsinki-NLP/opus-mt-ar-en",
            "translate",
            "marian",
            ("ar", "en"),
            description="OPUS-MT Marian, 77M parameters (quality fast)",
        ),
        ModelSpec(
            "opus-mt-en-ar",
            "Helsinki-NLP/opus-mt-en-ar",
            "translate",
            "marian",
            ("en", "ar"),
            target_prefix=">>ara<<",
            description="OPUS-MT Marian, 77M parameters (quality fast)",
        ),
        ModelSpec(
            "opus-mt-tc-big-ar-en",
            "Helsinki-NLP/opus-mt-tc-big-ar-en",
            "translate",
            "marian",
            ("ar", "en"),
            description="OPUS-MT transformer-big, 240M parameters (quality best)",
        ),
        ModelSpec(
            "opus-mt-tc-big-en-ar",
            "Helsinki-NLP/opus-mt-tc-big-en-ar",
            "translate",
            "marian",
            ("en", "ar"),
            target_prefix=">>arb<<",
            description="OPUS-MT transformer-big, 240M parameters (quality best)",
        ),
        ModelSpec(
            "nllb-200-distilled-600M",
            "facebook/nllb-200-distilled-600M",
            "translate",
            "nllb",
            ("ar", "en"),
            max_input_tokens=512,
            lang_codes=_NLLB_CODES,
            description="NLLB-200 distilled, 600M parameters, both directions",
        ),
        ModelSpec(
            "nllb-200-distilled-1.3B",
            "facebook/nllb-200-distilled-1.3B",
            "translate",
            "nllb",
            ("ar", "en"),
            max_input_tokens=512,
            lang_codes=NLLB_WIDE_CODES,
            description="NLLB-200 distilled, 1.3B parameters; Sorani, Arabic dialects",
        ),
        ModelSpec(
            "m2m100_418M",
            "facebook/m2m100_418M",
            "translate",
            "m2m100",
            ("ar", "en"),
            max_input_tokens=1024,
            lang_codes=_M2M_CODES,
            description="M2M100, 418M parameters, both directions",
        ),
        ModelSpec(
            "distilbart-cnn-12-6",
            "sshleifer/distilbart-cnn-12-6",
            "summarize",
            "bart",
            ("en",),
            max_input_tokens=1024,
            description="DistilBART CNN/DM, 306M parameters (default English)",
        ),
        ModelSpec(
            "bart-large-cnn",
            "facebook/bart-large-cnn",
            "summarize",
            "bart",
            ("en",),
            max_input_tokens=1024,
            description="BART-large CNN/DM, 406M parameters",
        ),
        ModelSpec(
            "mt5-xlsum",
            "csebuetnlp/mT5_multilingual_XLSum",
            "summarize",
            "t5",
            ("ar", "en"),
            max_input_tokens=512,
            description="mT5-base XL-Sum, 580M parameters (default Arabic)",
        ),
    )
}

# ar↔en: the model of each quality; a request that chooses none gets "best" on CUDA and DEFAULT_CPU_QUALITY
# on a CPU (translate.routing).
QUALITY_MODELS: dict[tuple[str, str], dict[str, str]] = {
    ("ar", "en"): {"best": "opus-mt-tc-big-ar-en", "fast": "opus-mt-ar-en"},
    ("en", "ar"): {"best": "opus-mt-tc-big-en-ar", "fast": "opus-mt-en-ar"},
}
# Defaults, one per direction / language (ar↔en: a CPU's); the CLI and the UI read them from here.
DEFAULT_TRANSLATION_MODELS: dict[tuple[str, str], str] = {
    **{pair: models[DEFAULT_CPU_QUALITY] for pair, models in QUALITY_MODELS.items()},
    ("ckb", "en"): "nllb-200-distilled-1.3B",
    ("en", "ckb"): "nllb-200-distilled-1.3B",
}
DEFAULT_SUMMARY_MODELS: dict[str, str] = {"en": "distilbart-cnn-12-6", "ar": "mt5-xlsum"}

_MULTILINGUAL: tuple[Family, ...] = ("nllb", "m2m100")


def describe_model(spec: ModelSpec) -> str:
    """What the model is, and the directions it is the default for (on a CPU): ``...; default ar→en``."""
    pairs = [f"{s}→{t}" for (s, t), name in DEFAULT_TRANSLATION_MODELS.items() if name == spec.name]
    return f"{spec.description}; default {', '.join(pairs)}" if pairs else spec.description


def get_spec(name: str) -> ModelSpec | None:
    """The registered spec for a short name or its repo id, or None for anything else."""
    if name in MODELS:
        return MODELS[name]
    return next((spec for spec in MODELS.values() if spec.repo_id == name), None)


def supports(spec: ModelSpec, source: str, target: str) -> bool:
    """Whether a translation model can translate ``source`` → ``target``."""
    return (source, target) in spec.directions


def describe_directions(spec: ModelSpec) -> str:
    """The directions of a translation model for people: ``ar→en``, or ``ar→en, en→ar``."""
    return ", ".join(f"{s}→{t}" for s, t in spec.directions)


def check_direction(spec: ModelSpec, source: str, target: str) -> None:
    """Raise :class:`InvalidInputError` naming the model and what it can do unless it translates
    ``source`` → ``target``."""
    if spec.task != "translate":
        raise InvalidInputError(f"model {spec.name} is a summariser, not a translation model")
    if not supports(spec, source, target):
        raise InvalidInputError(
            f"model {spec.name} cannot translate {source}→{target}: it translates "
            f"{describe_directions(spec)} only"
        )


def default_translation_model(source: str, target: str) -> str:
    """The default short name for a direction."""
    try:
        return DEFAULT_TRANSLATION_MODELS[(source, target)]
    except KeyError:
        known = ", ".join(f"{s}→{t}" for s, t in DEFAULT_TRANSLATION_MODELS)
        raise InvalidInputError(f"no translation direction {source}→{target}; use one of {known}") from None
