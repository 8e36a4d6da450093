"""The one family of errors tarjama raises; entry points turn them into messages."""

from __future__ import annotations


class TarjamaError(Exception):
    """Base class: the message is written for a person and says what to do."""


class ModelUnavailableError(TarjamaError):
    """A model cannot be had: not cached, offline, unknown name or broken folder."""

    def __init__(self, model: str, reason: str, fix: str | None = None) -> None:
        self.model = model
        self.reason = reason
        self.fix = fix or (
            f"connect to the internet once, pre-fetch it with `tarjama models pull {model}`, "
            "or give the path of a local model folder instead of the name"
        )
        super().__init__(f"Model '{model}' is not available: {reason}. Fix: {self.fix}.")


class InvalidInputError(TarjamaError):
    """The input cannot be used as given (empty, undecodable, wrong shape)."""


class LimitExceededError(TarjamaError):
    """The input is over a configured limit (characters, upload size, rate)."""


class ServiceError(TarjamaError):
    """A fault on tarjama's side (storage, a service it depends on), not the caller's: servers answer 5xx."""


class OutputError(TarjamaError):
    """An output file cannot be used or written: not this job's, held by another run, a full disk."""
