"""Generation settings: every field goes into the cache key, so each one must change the output."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import (
    DEFAULT_BEAM_SIZE,
    DEFAULT_LENGTH_SLACK,
    DEFAULT_MAX_LENGTH_RATIO,
    DEFAULT_NO_REPEAT_NGRAM_SIZE,
    DEFAULT_REPETITION_PENALTY,
    max_output_tokens,
)


@dataclass(frozen=True)
class GenerationSettings:
    """How outputs are decoded; shared by every backend so their outputs agree."""

    beam_size: int = DEFAULT_BEAM_SIZE
    max_length_ratio: float = DEFAULT_MAX_LENGTH_RATIO  # output tokens ≤ ratio × source tokens + slack
    length_slack: int = DEFAULT_LENGTH_SLACK
    max_new_tokens: int | None = (
        None  # an absolute cap, e.g. for summaries; $TARJAMA_MAX_OUTPUT_TOKENS at most
    )
    min_new_tokens: int = 0
    repetition_penalty: float = DEFAULT_REPETITION_PENALTY
    no_repeat_ngram_size: int = DEFAULT_NO_REPEAT_NGRAM_SIZE
    length_penalty: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= self.beam_size <= 32:
            raise InvalidInputError(f"beam size must be between 1 and 32, not {self.beam_size}")
        if self.max_length_ratio <= 0 or self.length_slack < 0:
            raise InvalidInputError("the length ratio must be positive and the slack not negative")
        if self.repetition_penalty <= 0:
            raise InvalidInputError("the repetition penalty must be positive")
        if (cap := max_output_tokens()) is not None:  # the operator's cap, so in the cache key too
            object.__setattr__(self, "max_new_tokens", min(cap, self.max_new_tokens or cap))
            object.__setattr__(self, "min_new_tokens", min(self.min_new_tokens, self.max_new_tokens))

    def max_tokens_for(self, source_tokens: int, model_limit: int) -> int:
        """The output length bound for a source of ``source_tokens`` tokens."""
        bound = math.ceil(source_tokens * self.max_length_ratio) + self.length_slack
        if self.max_new_tokens is not None:
            bound = min(bound, self.max_new_tokens)
        return max(1, min(bound, model_limit))

    def as_key(self) -> dict[str, Any]:
        """The settings as plain data for the cache key."""
        return asdict(self)
