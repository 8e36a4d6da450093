"""Segmentation of real input: normalisation, paragraphs, the seed articles, messy and pathological text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tarjama.translate.segment import Paragraph, normalize_input, segment, split_sentences
from tests.digits import digit_twins

HERE = Path(__file__).parent
SEEDS = HERE.parent / "seeds"

# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\tb", "a b"),
        ("a\u00a0b\u202fc\u2009d\u3000e", "a b c d e"),
        ("a\x00b\x07c\x1b\x7f\x9b", "abc"),
        ("a\fb\vc\x85d\u2028e\u2029f", "a\nb\nc\nd\ne\nf"),
        ("\ufeffنص", "نص"),
        ("\u202bنص عربي\u202c", "نص عربي"),
        ("\u2067x\u2069 \u2066y\u2069", "x y"),
        ("\u200e\u200fمرحبا\u061c", "مرحبا"),
        ("zero\u200bwidth", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("می\u200cخواهم", "می\u200cخواهم"),
        ("a \u200cb\u200c", "a b"),
        ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),
        ("\u200dx", "x"),
        ("e\u0301", "é"),
        ("٢٫٥ و2,5 «» ؟ ، 😀 ‹نيورك تايمز›", "٢٫٥ و2,5 «» ؟ ، 😀 ‹نيورك تايمز›"),
    ],
)
def test_normalize_input(raw: str, expected: str) -> None:
    assert normalize_input(raw) == expected
    assert normalize_input(expected) == expected


def _visible(text: str) -> Counter[str]:
    """Letters, marks, digits, punctuation and symbols (emoji), counted."""
    return Counter(c for c in text if unicodedata.category(c)[0] in "LMNPS")


def test_normalize_input_keeps_every_visible_character() -> None:
    text = "\ufeffمُحَمَّد\u200f قال: «2,5% من $100» — Dr. O'Brien 👍🏽 e\u0301\r\n\t(x) [y] {z} ٢٫٥ ~ ^ ¿?"
    assert _visible(normalize_input(text)) == _visible(unicodedata.normalize("NFC", text))


# --- paragraphs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "separators"),
    [
        ("a\nb", ["\n", ""]),
        ("a\r\n\r\nb\n", ["\n\n", "\n"]),
        ("  a  \n\n\n  b", ["  \n\n\n  ", ""]),
        ("a\u2028b", ["\n", ""]),
        ("first. second.\n \nthird", ["\n \n", ""]),
    ],
)
def test_separators_are_the_whitespace_that_followed(text: str, separators: list[str]) -> None:
    assert [p.separator for p in segment(text, "en")] == separators


def _reassemble(paragraphs: list[Paragraph]) -> str:
    return "".join(" ".join(p.sentences) + p.separator for p in paragraphs)


def _collapse_lines(text: str) -> str:
    return re.sub(r"\S(?:[^\n]*\S)?", lambda m: " ".join(m.group().split()), text).lstrip()


def _seed_texts() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", _seed_texts(), ids=lambda p: p.stem)
def test_seed_articles_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    paragraphs = segment(text, "ar")
    normalised = normalize_input(text)
    assert len(paragraphs) == sum(1 for line in normalised.split("\n") if line.strip())
    assert _reassemble(paragraphs) == _collapse_lines(normalised)
    sentences = [s for p in paragraphs for s in p.sentences]
    assert all(s and s == s.strip() for s in sentences)
    assert "".join("".join(sentences).split()) == "".join(normalised.split())


def test_seed_collection_is_there() -> None:
    names = [p.name for p in _seed_texts()]
    assert "000_ac9cc5f60d3ec1c9.txt" in names
    assert len([n for n in names if n.startswith("ant_")]) >= 20


def test_seed_article_furniture_stays_separate() -> None:
    paragraphs = segment((SEEDS / "000_ac9cc5f60d3ec1c9.txt").read_text(encoding="utf-8"), "ar")
    assert paragraphs[0].sentences == ("• Thursday, 23 January 2025",)
    assert paragraphs[1].sentences == ("logo",)
    assert paragraphs[2] == paragraphs[3]  # the doubled headline: two paragraphs of one sentence each
    assert paragraphs[-1] == Paragraph(("Top",), "")
    quote = next(p for p in paragraphs if "فريق واحد" in " ".join(p.sentences))
    assert quote.sentences[-2:] == (
        "جميع المشاركين عبارة عن فريق واحد.",
        "كلنا نعمل في إطار المصلحة الوطنية العراقية».",
    )


MESSY = [
    ("\u202bأعلنت الوزارة.\u202c وقال مسؤول.", [("أعلنت الوزارة.", "وقال مسؤول.")]),
    ("مرحبا 🎉 بكم.\x00 Welcome 👋.", [("مرحبا 🎉 بكم.", "Welcome 👋.")]),
    (
        "<p>أعلنت الوزارة. وقال مسؤول.</p>\n<b>عنوان</b>",
        [("<p>أعلنت الوزارة.", "وقال مسؤول.</p>"), ("<b>عنوان</b>",)],
    ),
    ("قمة G20 في Osaka. The summit ended.", [("قمة G20 في Osaka.", "The summit ended.")]),
    ("\u200b\u200f\n\u2066\u2069", []),
]


@pytest.mark.parametrize(("text", "expected"), MESSY + digit_twins(MESSY))
def test_messy_input_passes_through(text: str, expected: list[tuple[str, ...]]) -> None:
    assert [p.sentences for p in segment(text, "ar")] == expected


def test_one_megabyte_segments_whole() -> None:
    article = (SEEDS / "000_ac9cc5f60d3ec1c9.txt").read_text(encoding="utf-8") + "\n"
    copies = 1_000_000 // len(article) + 1
    paragraphs = segment(article * copies, "ar")
    assert len(paragraphs) == copies * len(segment(article, "ar"))
    sentences = "".join(s for p in paragraphs for s in p.sentences)
    assert "".join(sentences.split()) == "".join(normalize_input(article).split()) * copies


@pytest.mark.parametrize("text", ["a. " * 50_000, "." * 300_000, "اب.اب." * 20_000, "« " * 150_000])
def test_pathological_input_finishes_without_loss(text: str) -> None:
    sentences = split_sentences(text, "en")
    assert "".join("".join(sentences).split()) == "".join(text.split())
