"""A quality gate: compare a new ``report.json`` with a baseline; list every metric that dropped too far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_MAX_DROP


@dataclass(frozen=True)
class Change:
    """One metric of one system, baseline against new; ``drop`` is positive when quality got worse."""

    system: str
    metric: str
    baseline: float
    new: float
    lower_is_better: bool
    max_drop: float

    @property
    def drop(self) -> float:
        """Points lost (TER rising counts as a drop)."""
        return self.new - self.baseline if self.lower_is_better else self.baseline - self.new

    @property
    def regressed(self) -> bool:
        """True when the drop exceeds ``max_drop``."""
        return self.drop > self.max_drop

    def describe(self) -> str:
        """One line for a person: ``system metric: 31.20 -> 30.10 (-1.10, allowed 0.50)``."""
        verdict = "REGRESSION" if self.regressed else "ok"
        return (
            f"{self.system} {self.metric}: {self.baseline:.2f} -> {self.new:.2f} "
            f"({self.new - self.baseline:+.2f}; allowed drop {self.max_drop:g}) {verdict}"
        )


Regression = Change


def _without_version(signature: str) -> str:
    return "|".join(p for p in signature.split("|") if not p.startswith("version:"))


def _pairs(
    new: Mapping[str, Any], baseline: Mapping[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    new_systems = {s["name"]: s for s in new["systems"]}
    old_systems = {s["name"]: s for s in baseline["systems"]}
    if len(new_systems) == len(old_systems) == 1 and new_systems.keys() != old_systems.keys():
        return [(next(iter(new_systems.values())), next(iter(old_systems.values())))]
    missing = [name for name in old_systems if name not in new_systems]
    if missing:
        raise InvalidInputError(
            f"the new report has no system {', '.join(missing)} (it has: {', '.join(new_systems)})"
        )
    return [(new_systems[name], old) for name, old in old_systems.items()]


def _check_comparable(new: Mapping[str, Any], baseline: Mapping[str, Any]) -> None:
    for key in ("kind", "testset", "lang", "items", "references"):
        if new.get(key) != baseline.get(key):
            raise InvalidInputError(
                f"the reports are not comparable: {key} is {baseline.get(key)!r} in the baseline "
                f"but {new.get(key)!r} in the new report"
            )


def changes(
    new: Mapping[str, Any], baseline: Mapping[str, Any], max_drop: float = DEFAULT_MAX_DROP
) -> list[Change]:
    """Every metric of every baseline system, as new against baseline (reports as ``report.json`` dicts)."""
    if max_drop < 0:
        raise InvalidInputError("--max-drop must be zero or more")
    _check_comparable(new, baseline)
    lower = set(baseline.get("lower_is_better", []))
    out: list[Change] = []
    for new_system, old_system in _pairs(new, baseline):
        for metric, old_signature in old_system["signatures"].items():
            new_signature = new_system["signatures"].get(metric)
            if new_signature is None or metric not in new_system:
                raise InvalidInputError(f"the new report has no {metric} for {new_system['name']}")
            if _without_version(new_signature) != _without_version(old_signature):
                raise InvalidInputError(
                    f"{metric} was computed differently; baseline: {old_signature}, new: {new_signature}"
                )
            out.append(
                Change(
                    old_system["name"], metric, float(old_system[metric]), float(new_system[metric]),
                    metric in lower, max_drop,
                )
            )  # fmt: skip
    return out


def compare_reports(
    new: Mapping[str, Any], baseline: Mapping[str, Any], max_drop: float = DEFAULT_MAX_DROP
) -> list[Regression]:
    """The metrics that dropped by more than ``max_drop`` points; an empty list passes the gate."""
    return [c for c in changes(new, baseline, max_drop) if c.regressed]
