"""The patterns rewritten to run in linear time give exactly what the backtracking originals gave.

Each original is compared with its rewrite on random short strings of the characters that matter (where
the original is fast), then on strings of up to a few thousand characters whose tags and runs go past the
pattern's bounds (a tag of 250 characters where the bound is 200); and the rewrite must handle the
original's worst inputs at the request limit at once.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.detect import set_aside_noise
from tarjama.translate.documents import HtmlDocument
from tarjama.translate.segment import _CANDIDATE, normalize_input
from tarjama.web.security import hide_paths

ORIGINAL_NOISE = re.compile(r"<[^<>\n]{1,200}>|\bhttps?://\S+|\bwww\.\S+|\S+@\S+\.\w+")
ORIGINAL_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")
ORIGINAL_FOLDERS = re.compile(r"(?<![\w/])(?:~|\.\.?)?/(?:[^\s/'\"()\[\],;]+/)+")
ORIGINAL_CANDIDATE = re.compile(
    r"(?<![.!?؟…‼⁇⁈⁉])[.!?؟…‼⁇⁈⁉]+[\"'”’»›)\]}]*(?=\s)|(?<=[\u0621-\u064a][\u0621-\u064a])[.!?؟](?=[\u0621-\u064a][\u0621-\u064a])"
)
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
    ("folders", lambda s: ORIGINAL_FOLDERS.sub("", s), hide_paths, "/~.a \n'(,_"),
    (
        "sentence ends",
        lambda s: [m.span() for m in ORIGINAL_CANDIDATE.finditer(s)],
        lambda s: [m.span() for m in _CANDIDATE.finditer(s)],
        ".!?…\"'»)a \nبت",
    ),
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


TAG_SIZES = (1, 2, 199, 200, 201, 250)  # the noise pattern's tag bound is {1,200}: either side of it


def _long_noise(rng: random.Random) -> str:
    """Prose with tags, links and addresses, some tags longer than the pattern's bound, in up to ~2,000
    characters (the short strings above never reach the bound)."""
    letters = "ab.:/@x \u0627\u0628"
    pieces = []
    for _ in range(rng.randint(1, 12)):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(0, 12)))
        size = rng.choice(TAG_SIZES) if rng.random() < 0.7 else rng.randint(1, 300)
        pieces.append(
            rng.choice(
                [
                    word,
                    "<" + "".join(rng.choice(letters + "\n") for _ in range(size)) + ">",
                    "<" + "b" * size + ">" + word,
                    f"http://{word}",
                    f"www.{word}",
                    f"{word}@{word}.{word}",
                    "سلام عليكم",
                ]
            )
        )
    return rng.choice(["", " ", "\n"]).join(pieces)


def _long_joiners(rng: random.Random) -> str:
    return "".join(
        rng.choice(["\u200c" * rng.randint(1, 300), "\u200d" * rng.randint(1, 300), "a", " ", "\n"])
        for _ in range(rng.randint(1, 30))
    )


def _long_runs(alphabet: str) -> Callable[[random.Random], str]:
    """Runs of up to 300 of one character of ``alphabet``, and single ones between them."""

    def draw(rng: random.Random) -> str:
        return "".join(
            rng.choice(alphabet) * (rng.randint(1, 300) if rng.random() < 0.3 else 1)
            for _ in range(rng.randint(1, 40))
        )

    return draw


DRAW_LONG = {"e-mail and tags": _long_noise, "joiners": _long_joiners}
LONG: list[tuple[str, Callable[[str], object], Callable[[str], object], Callable[[random.Random], str]]] = [
    (name, original, rewrite, DRAW_LONG.get(name) or _long_runs(alphabet))
    for name, original, rewrite, alphabet in CASES
]


@pytest.mark.parametrize(("name", "original", "rewrite", "draw"), LONG, ids=[c[0] for c in LONG])
def test_the_rewrite_gives_what_the_original_gave_past_its_bounds(
    name: str,
    original: Callable[[str], object],
    rewrite: Callable[[str], object],
    draw: Callable[[random.Random], str],
) -> None:
    rng = random.Random(f"long {name}")
    for _ in range(2_000):
        text = draw(rng)
        assert rewrite(text) == original(text), repr(text)


@pytest.mark.parametrize("size", TAG_SIZES)
def test_a_tag_longer_than_the_bound_is_prose(size: int) -> None:
    text = "مرحبا <" + "x" * size + "> بكم"
    assert set_aside_noise(text) == ORIGINAL_NOISE.sub(" ", text)
    assert ("x" in set_aside_noise(text)) == (size > 200)


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
