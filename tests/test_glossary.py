"""Glossaries: files, matching that survives Arabic spelling, enforcement with the memorised stand-in."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tarjama.inference.cache import SentenceCache
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_GLOSSARY_BYTES
from tarjama.translate import Translator
from tarjama.translate.glossary import (
    GlossaryError,
    GlossaryShelf,
    TermFinder,
    glossary_from_pairs,
    parse_glossary,
    read_glossary,
    sample_glossary,
)

SAMI = "أراد سامي أن يسمع صوت ليلى."  # memorised: "Sami wanted to hear Layla's voice."
TOM = "وضع توم السلاح على الأرض."  # memorised: "Tom laid the gun down on the floor."


# --- files -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "tsv", "direction", "entries"),
    [
        ("البيشمركة\tPeshmerga\nأربيل\tErbil\n", None, "ar-en", 2),
        ("ar\ten\nأربيل\tErbil\n", None, "ar-en", 1),
        ("source,target\nKDP,الحزب الديمقراطي الكردستاني\n", False, "en-ar", 1),
        ('"Erbil, city",أربيل\n', False, "en-ar", 1),
        ("أربيل,Erbil,ar,en\nدهوك,Duhok,ar,en\n", False, "ar-en", 2),  # DeepL's four-column CSV
        ("\ufeffأربيل\tErbil\n\nدهوك\tDuhok\n", None, "ar-en", 2),
        ("أربيل\tErbil\nاربيل\tErbil\n", None, "ar-en", 2),
    ],
)
def test_a_glossary_file_is_read(text: str, tsv: bool | None, direction: str, entries: int) -> None:
    glossary = parse_glossary(text, tsv=tsv)
    assert (glossary.direction, len(glossary.entries)) == (direction, entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("أربيل\tErbil\n\tDuhok\n", "line 2: the source term is empty"),
        ("أربيل\tErbil\nدهوك\t \n", "line 2: the target term is empty"),
        (
            "أربيل\tErbil\nدهوك\tDuhok\nأربيل\tArbil\n",
            "line 3: 'أربيل' already has the target 'Erbil' (line 1)",
        ),
        ("أربيل\tErbil\nDuhok\tدهوك\n", "line 2: the source term 'Duhok' is not in the glossary's source"),
        ("أربيل\tErbil\tx\n", "line 1: expected a source term and a target term, found 3 fields"),
        ("أربيل\t" + "x" * 1100 + "\n", "line 1: the entry has 1,110 bytes; the limit is 1,024"),
        ("ar\ten\n", "has no entries"),
    ],
)
def test_a_bad_glossary_is_refused_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match="^bad.tsv" if "line" in message else None) as caught:
        read_glossary(path)
    assert message in str(caught.value)


def test_a_glossary_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.tsv"
    path.write_bytes(b"a\tb\n" * (MAX_GLOSSARY_BYTES // 4 + 1))
    with pytest.raises(LimitExceededError, match="10 MiB"):
        read_glossary(path)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ("Erbil", "a list of \\[source, target\\] pairs"),
        ([["أربيل", 3]], "entry 1: terms must be strings"),
        ([["أربيل", "Erbil"], ["أربيل", "Arbil"]], "entry 2: 'أربيل' already has the target"),
        ([["", "Erbil"]], "entry 1: the source term is empty"),
    ],
)
def test_request_pairs_are_checked(pairs: object, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        glossary_from_pairs(pairs)


def test_a_glossary_refuses_the_other_direction() -> None:
    glossary = glossary_from_pairs([["أربيل", "Erbil"]])
    with pytest.raises(InvalidInputError, match="is for ar-en, but the text is translated en-ar"):
        glossary.check_direction("en", "ar")


def test_the_digest_follows_the_content() -> None:
    one, same = glossary_from_pairs([["أربيل", "Erbil"]]), glossary_from_pairs([["أربيل", "Erbil"]])
    other = glossary_from_pairs([["أربيل", "Arbil"]])
    assert one.digest == same.digest != other.digest


def test_the_shelf_reads_a_changed_file_again(tmp_path: Path) -> None:
    path = tmp_path / "names.tsv"
    path.write_text("أربيل\tErbil\n", encoding="utf-8")
    shelf = GlossaryShelf.from_specs([f"names={path}"])
    assert shelf.describe() == [{"name": "names", "source": "ar", "target": "en", "entries": 1}]
    path.write_text("أربيل\tArbil\nدهوك\tDuhok\n", encoding="utf-8")
    assert shelf.get("names").entries == (("أربيل", "Arbil"), ("دهوك", "Duhok"))
    with pytest.raises(GlossaryError, match="unknown glossary 'other'; this server has: names"):
        shelf.get("other")


def test_the_sample_glossary_ships_inside_the_package() -> None:
    glossary = sample_glossary()
    assert glossary.direction == "ar-en"
    assert ("البيشمركة", "Peshmerga") in glossary.entries
    assert Path(__file__).parent.parent not in Path(glossary.name).parents


# --- matching -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("البيشمركة", "قاتلت قوات بالبيشمركة", "بالبيشمركة"),  # ب + ال
        ("البيشمركة", "وللبيشمركة دور", "وللبيشمركة"),  # و + ل + (ا)ل
        ("البيشمركة", "البيشمركه", "البيشمركه"),  # ta marbuta / ha
        ("البيشمركة", "البيـــشمركة", "البيـــشمركة"),  # tatweel
        ("البيشمركة", "البِيشْمَرْكَة", "البِيشْمَرْكَة"),  # diacritics
        ("أربيل", "زار اربيل", "اربيل"),  # alef forms
        ("أربيل", "زار آربيل", "آربيل"),
        ("مصطفى", "قال مصطفي", "مصطفي"),  # alef maqsura / ya
        ("أربيل", "فأربيل", "فأربيل"),
        ("إقليم كردستان", "حكومة إقليم  كردستان", "إقليم  كردستان"),
        ("KDP", "the kdp said", "kdp"),
        ("Kurdistan Region", "in the KURDISTAN region.", "KURDISTAN region"),
    ],
)
def test_terms_are_found_through_spelling_variants(term: str, text: str, found: str) -> None:
    lang = "en" if term.isascii() else "ar"
    matches = TermFinder([term], lang).find(text)
    assert [text[m.start : m.end] for m in matches] == [found]


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("KDP", "KDPs and AKDP"),  # whole words only
        ("أربيل", "أربيلي"),
        ("البيشمركة", "بيشمركات"),
        ("ليلى", "ليل"),
    ],
)
def test_terms_are_not_found_inside_other_words(term: str, text: str) -> None:
    assert TermFinder([term], "en" if term.isascii() else "ar").find(text) == []


def test_the_longest_term_wins() -> None:
    finder = TermFinder(["إقليم كردستان", "حكومة إقليم كردستان"], "ar")
    assert [m.entry for m in finder.find("بحكومة إقليم كردستان")] == [1]


@pytest.mark.parametrize(
    "text",
    ["و" * 100_000, "ال" * 50_000, "ب ال " * 20_000, ("وبال" + "ي" * 30 + " ") * 2_500, "a " * 50_000],
)
def test_matching_runs_in_linear_time(text: str) -> None:
    terms = ["وال" * 10, "الي", "ي" * 30 + " " + "ي" * 30, "a a a a a a a b"]
    finder = TermFinder(terms, "ar")
    started = time.perf_counter()
    finder.find(text)
    assert time.perf_counter() - started < 5.0  # a quadratic matcher takes minutes on these


# --- enforcement with the memorised stand-in -----------------------------------------------------------
@pytest.fixture(params=["ctranslate2", "transformers"])
def memorised(request: pytest.FixtureRequest, memorised_ar_en: Path) -> Translator:
    return Translator(str(memorised_ar_en), backend=request.param)


def test_a_glossary_changes_exactly_its_word(memorised: Translator, memorised_pairs: list) -> None:
    expected = dict(memorised_pairs)
    glossary = glossary_from_pairs([["سامي", "Samir"]])
    plain_other = "اشترى فاضل منزلا في القاهرة."
    result = memorised.translate(f"{SAMI} {plain_other}", glossary=glossary)
    assert [s.translation for s in result.segments] == [
        "Samir wanted to hear Layla's voice.",
        expected[plain_other],
    ]
    assert [s.flags for s in result.segments] == [(), ()]


def test_the_plain_cache_is_untouched(memorised: Translator, memorised_pairs: list) -> None:
    glossary = glossary_from_pairs([["سامي", "Samir"]])
    assert memorised.translate(SAMI, glossary=glossary).text == "Samir wanted to hear Layla's voice."
    plain = memorised.translate(SAMI)
    assert plain.text == dict(memorised_pairs)[SAMI]
    again = memorised.translate(SAMI, glossary=glossary)
    assert again.text == "Samir wanted to hear Layla's voice." and again.stats.cached == 1


def test_a_changed_glossary_takes_effect_without_clearing(memorised: Translator) -> None:
    assert memorised.translate(SAMI, glossary=glossary_from_pairs([["سامي", "Samir"]])).stats.cached == 0
    changed = memorised.translate(SAMI, glossary=glossary_from_pairs([["سامي", "Sammy"]]))
    assert (changed.text, changed.stats.cached) == ("Sammy wanted to hear Layla's voice.", 0)


def test_a_term_the_model_never_produces_is_flagged(memorised: Translator) -> None:
    result = memorised.translate(TOM, glossary=glossary_from_pairs([["توم", "Thomas"]]))
    assert "Thomas" not in result.text
    assert "glossary" in result.segments[0].flags


def test_a_hypothesis_with_the_term_is_preferred(memorised: Translator, memorised_pairs: list) -> None:
    # "bank" is in the best output already: no replacement, no flag
    source = "هل ذاك المكان بعيد عن المصرف؟"
    result = memorised.translate(source, glossary=glossary_from_pairs([["المصرف", "bank"]]))
    assert (result.text, result.segments[0].flags) == (dict(memorised_pairs)[source], ())


def test_a_protected_span_comes_back_as_written(memorised: Translator) -> None:
    result = memorised.translate(f"{SAMI} {{{{ليلى ٢٠٢٤ #x}}}}")
    assert result.text.endswith(" ليلى ٢٠٢٤ #x")
    assert "{{" not in result.text


def test_the_glossary_is_refused_for_the_other_direction(memorised: Translator) -> None:
    with pytest.raises(GlossaryError, match="is for en-ar"):
        memorised.translate(SAMI, glossary=glossary_from_pairs([["Sami", "سامي"]]))


def test_the_same_sentence_with_and_without_a_glossary_are_two_entries(memorised_ar_en: Path) -> None:
    cache = SentenceCache.open_default()
    translator = Translator(str(memorised_ar_en), cache=cache)
    translator.translate(SAMI)
    translator.translate(SAMI, glossary=glossary_from_pairs([["سامي", "Samir"]]))
    assert cache.stats().entries == 2


def test_a_batch_flags_and_enforces_like_one_article(memorised_ar_en: Path) -> None:
    from tarjama.translate import CorpusTranslator, TranslationOptions

    glossary = glossary_from_pairs([["سامي", "Samir"], ["توم", "Thomas"]])
    corpus = CorpusTranslator(Translator(str(memorised_ar_en)))
    options = TranslationOptions("ar", "en", glossary=glossary)
    results, counts = corpus.translate_many([SAMI, f"{TOM} {SAMI}", "{{سامي}} " + SAMI], options)
    assert [r.text for r in results] == [  # type: ignore[union-attr]
        "Samir wanted to hear Layla's voice.",
        Translator(str(memorised_ar_en)).translate(TOM, glossary=glossary).text
        + " Samir wanted to hear Layla's voice.",
        "سامي Samir wanted to hear Layla's voice.",
    ]
    assert [s.flags for s in results[1].segments] == [("glossary",), ()]  # type: ignore[union-attr]
    assert counts["sentences"] == 4 and counts["repeated"] == 1
