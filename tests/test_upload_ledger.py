"""The upload ledger on a clock the test moves: an upload opens for its visitor until it expires."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.web.uploads import UploadLedger

KEEP = 600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    paths = []
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths


def opens(ledger: UploadLedger, visitor: str, path: str) -> bool:
    try:
        ledger.check(visitor, [path])
    except InvalidInputError as exc:
        assert "upload it again" in str(exc)
        return False
    return True


@pytest.mark.parametrize(
    ("age", "open_"), [(0.0, True), (KEEP - 0.1, True), (KEEP + 0.1, False), (KEEP * 10, False)]
)
def test_an_upload_opens_until_it_expires(files: list[str], tmp_path: Path, age: float, open_: bool) -> None:
    clock = Clock()
    ledger = UploadLedger(tmp_path, keep_seconds=KEEP, clock=clock)
    ledger.record("visitor", files[:1])
    clock.now += age
    assert opens(ledger, "visitor", files[0]) is open_
    assert not opens(ledger, "someone else", files[0])


def test_an_expired_upload_stays_closed_and_a_new_upload_is_timed_afresh(
    files: list[str], tmp_path: Path
) -> None:
    clock = Clock()
    ledger = UploadLedger(tmp_path, keep_seconds=KEEP, clock=clock)
    ledger.record("visitor", files)
    clock.now += KEEP / 2
    ledger.record("visitor", files[1:])  # uploaded again: its time starts over
    clock.now += KEEP / 2 + 1
    assert not opens(ledger, "visitor", files[0])
    assert opens(ledger, "visitor", files[1])
    clock.now -= 10  # a clock that steps back does not bring an expired upload back
    assert not opens(ledger, "visitor", files[0])
    clock.now += KEEP
    assert not opens(ledger, "visitor", files[1])
    ledger.record("visitor", files[:1])  # recording a later upload expires the old entries too
    assert opens(ledger, "visitor", files[0]) and not opens(ledger, "visitor", files[1])
