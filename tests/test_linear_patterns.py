"""The patterns rewritten to run in linear time give exactly what the backtracking originals gave.

Each original is compared with its rewrite on random short strings of the characters that matter (where
the original is fast), and the rewrite must handle the original's worst inputs at the request limit at once.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest

from inference.errors import InvalidInputError
from translate.detect import set_aside_noise
from translate.documents import HtmlDocument
from translate.segment import normalize_input

ORIGINAL_NOISE = re.compile(r"<[^<>\n]{1,200}>|\bhttps?://\S+|\bwww\.\S+|\S+@\S+\.\w+")
ORIGINAL_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")
LIMIT = 100_000  # characters in one request


def _html_round_trip(text: str) -> str:
    """HTML parsed and written back, or the message refusing it."""
    try:
        return HtmlDocument(text).text()
    except InvalidInputError as exc:
        return str(exc)


def _joiners_now(text: str) -> str:
    """What normalisation does to joiners (nothing else in these strings changes)."""
    return normalize_input(text)


CASES: list[tuple[str, Callable[[str], object], Callable[[str], object], str]] = [
    ("e-mail and tags", lambda s: ORIGINAL_NOISE.sub(" ", s), set_aside_noise, "x@.a<>/: \nhtpw"),
    ("joiners", lambda s: ORIGINAL_JOINERS.sub("", s), _joiners_now, "\u200c\u200da \n"),
]


@pytest.mark.parametrize(("name", "original", "rewrite", "alphabet"), CASES, ids=[c[0] for c in CASES])
def test_the_rewrite_gives_what_the_original_gave(
    name: str, original: Callable[[str], object], rewrite: Callable[[str], object], alphabet: str
) -> None:
    rng = random.Random(name)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        text = text.replace("h", "http://").replace("w", "www.") if name == "e-mail and tags" else text
        assert rewrite(text) == original(text), repr(text)


WORST = [
    (set_aside_noise, "x@" * (LIMIT // 2)),
    (set_aside_noise, ">x" * (LIMIT // 2 - 1) + "@"),
    (set_aside_noise, "<b>y" * (LIMIT // 4 - 1) + "@"),
    (set_aside_noise, "x@y" + ".@" * (LIMIT // 2 - 2)),
    (_html_round_trip, "<!--" * (LIMIT // 4)),
    (_html_round_trip, "<a" * (LIMIT // 2)),
    (_html_round_trip, "<?" * (LIMIT // 2)),
    (normalize_input, "x" + "\u200c" * (LIMIT - 2) + "y"),
]


@pytest.mark.parametrize(("rewrite", "text"), WORST, ids=[f"{i}" for i in range(len(WORST))])
def test_the_originals_worst_inputs_take_no_time(rewrite: Callable[[str], object], text: str) -> None:
    started = time.monotonic()
    rewrite(text)
    assert time.monotonic() - started < 5.0  # the originals take minutes to hours on these
