"""The result types shared by translation and summary metrics: every score carries its signature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tarjama.inference.errors import InvalidInputError

SIGNIFICANCE_LEVEL = 0.05
SIGNIFICANCE_NOTE = (
    f"* = significant at p < {SIGNIFICANCE_LEVEL}. A difference of zero is never significant, whatever its "
    "p-value: sacrebleu's paired bootstrap gives a system identical to the baseline p = 1/(n+1)."
)


def _round(value: float) -> float:
    """Per-item figures only; corpus scores stay unrounded so they equal the reference implementations."""
    return round(float(value), 4)


@dataclass(frozen=True)
class Interval:
    """A 95% bootstrap confidence interval around the resampled mean, on the metric's 0–100 scale."""

    mean: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        """``{"mean", "low", "high"}`` as plain numbers."""
        return {"mean": float(self.mean), "low": float(self.low), "high": float(self.high)}


@dataclass(frozen=True)
class MetricScore:
    """One corpus-level score with the signature that says exactly how it was computed."""

    metric: str
    score: float
    signature: str
    ci: Interval | None = None


@dataclass(frozen=True)
class SystemScores:
    """All metrics for one system, plus per-item figures for plots (``segments``) and length ratios."""

    name: str
    scores: Mapping[str, MetricScore]
    segments: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    length_ratios: tuple[float, ...] = ()

    def score(self, metric: str) -> float:
        """The corpus score of ``metric``."""
        return self.scores[metric].score

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        """``{"name", <metric>: score, ..., "signatures", "ci"}``; ``details`` adds the per-item lists."""
        data: dict[str, Any] = {"name": self.name}
        data.update({m: float(s.score) for m, s in self.scores.items()})
        data["signatures"] = {m: s.signature for m, s in self.scores.items()}
        data["ci"] = {m: s.ci.as_dict() for m, s in self.scores.items() if s.ci is not None}
        if self.length_ratios:
            data["length_ratio"] = _round(sum(self.length_ratios) / len(self.length_ratios))
        if details:
            data["segments"] = {m: [_round(v) for v in values] for m, values in self.segments.items()}
            data["length_ratios"] = [_round(v) for v in self.length_ratios]
        return data


@dataclass(frozen=True)
class PairedComparison:
    """A system against the baseline (the first system) on one metric, by paired bootstrap resampling."""

    system: str
    baseline: str
    metric: str
    score: float
    baseline_score: float
    p_value: float

    @property
    def delta(self) -> float:
        """``score - baseline_score`` (for TER, negative is better)."""
        return self.score - self.baseline_score

    @property
    def significant(self) -> bool:
        """True when the difference is significant at the 5% level.

        A difference of exactly zero never is: sacrebleu counts resampled differences strictly above the
        observed one, so a system identical to the baseline gets ``p = 1/(n+1)``; that p-value is kept
        as sacrebleu reports it, but is not read as significant.
        """
        return self.p_value < SIGNIFICANCE_LEVEL and self.delta != 0

    @property
    def mark(self) -> str:
        """``*`` when significant, ``no difference`` for a zero delta (whatever its p-value), else empty."""
        if self.delta == 0:
            return "no difference"
        return "*" if self.significant else ""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON numbers."""
        return {
            "system": self.system,
            "baseline": self.baseline,
            "metric": self.metric,
            "score": float(self.score),
            "baseline_score": float(self.baseline_score),
            "delta": float(self.delta),
            "p_value": float(self.p_value),
            "significant": self.significant,
        }


@dataclass(frozen=True)
class Evaluation:
    """Scores of one or more systems on the same items and references.

    ``kind`` is ``"mt"`` or ``"summary"``; ``lower_is_better`` names metrics such as TER where a
    drop is an improvement.
    """

    kind: str
    lang: str
    items: int
    references: int
    metrics: tuple[str, ...]
    systems: tuple[SystemScores, ...]
    significance: tuple[PairedComparison, ...] = ()
    lower_is_better: frozenset[str] = frozenset()

    def system(self, name: str) -> SystemScores:
        """The scores of the system called ``name``."""
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        """``{"systems": [...], "significance": [...]}`` and what was scored; ``details``: per-item lists."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "lang": self.lang,
            "items": self.items,
            "references": self.references,
            "metrics": list(self.metrics),
            "lower_is_better": sorted(self.lower_is_better),
            "systems": [s.as_dict(details=details) for s in self.systems],
        }
        if self.kind == "mt" or self.significance:
            data["significance"] = [c.as_dict() for c in self.significance]
        return data


def length_ratio(hypothesis: str, references: list[str]) -> float:
    """Words in ``hypothesis`` over the mean word count of its references (0 when they are empty)."""
    ref_words = sum(len(r.split()) for r in references) / max(1, len(references))
    return len(hypothesis.split()) / ref_words if ref_words else 0.0


def check_bootstrap_samples(n_bootstrap: int) -> None:
    """Raise :class:`InvalidInputError` unless ``n_bootstrap`` (resamples for intervals and p-values) is
    at least 1: sacrebleu would silently use its default for 0, and ROUGE cannot resample 0 times."""
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, int) or n_bootstrap < 1:
        raise InvalidInputError(
            f"the number of bootstrap resamples (--bootstrap) must be at least 1, not {n_bootstrap}"
        )
