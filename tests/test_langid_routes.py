"""No language is pushed through a model that cannot read it; each goes to the model that translates it best.

The engine with the memorised ar→en stand-in (its Arabic sentences come out as their references, anything
else as whatever it makes of them), the routing table, and a running ``app.py`` for the API and the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.summarize import Summarizer
from tarjama.translate import CorpusTranslator, Translation, TranslationOptions, Translator
from tarjama.translate.routing import Route, UnsupportedLanguageError, check_dialect, route
from tests.appserver import running_app
from tests.hostile import gradio_call

SORANI = "حکومەتی هەرێمی کوردستان ڕایگەیاند کە بودجەی ساڵی داهاتوو پەسەند کرا."
SORANI_TOO = "سەرۆکی حکومەت دوێنێ سەردانی شاری سلێمانی کرد و لەگەڵ جوتیاران کۆبووەوە."
PERSIAN = "دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش می‌یابد."
URDU = "پاکستان کے وزیر اعظم نے آج اسلام آباد میں ایک اہم اجلاس کی صدارت کی۔"


@pytest.mark.parametrize(
    ("source", "target", "quality", "dialect", "device", "expected"),
    [
        ("ar", "en", "best", None, "cpu", Route("opus-mt-tc-big-ar-en", "ar")),
        ("ar", "en", "fast", None, "cuda", Route("opus-mt-ar-en", "ar")),
        ("en", "ar", "best", None, "cpu", Route("opus-mt-tc-big-en-ar", "en")),
        ("en", "ar", "fast", None, "cpu", Route("opus-mt-en-ar", "en")),
        (
            "ar",
            "en",
            None,
            None,
            "cuda",
            Route("opus-mt-tc-big-ar-en", "ar"),
        ),  # best where the hardware allows
        ("en", "ar", None, None, "cuda", Route("opus-mt-tc-big-en-ar", "en")),
        ("ar", "en", None, None, "cpu", Route("opus-mt-tc-big-ar-en", "ar")),  # tc-big < 3x base on a CPU
        ("en", "ar", None, None, "cpu", Route("opus-mt-tc-big-en-ar", "en")),
        ("ar", "en", "fast", None, "cpu", Route("opus-mt-ar-en", "ar")),
        ("en", "ar", "fast", None, "cuda", Route("opus-mt-en-ar", "en")),
        ("ar", "en", None, "acm", "cpu", Route("nllb-200-distilled-1.3B", "acm")),
        ("ar", "en", "best", "apc", "cuda", Route("nllb-200-distilled-1.3B", "apc")),  # a dialect wins
        ("ar", "en", None, "arz", "cpu", Route("nllb-200-distilled-1.3B", "arz")),
        ("ar", "en", "best", "msa", "cpu", Route("opus-mt-tc-big-ar-en", "ar")),  # Modern Standard = ar
        ("ckb", "en", None, None, "cpu", Route("nllb-200-distilled-1.3B", "ckb")),
        ("en", "ckb", "best", None, "cuda", Route("nllb-200-distilled-1.3B", "en")),
    ],
)
def test_routes(
    source: str, target: str, quality: str | None, dialect: str | None, device: str, expected: Route
) -> None:
    assert route(source, target, quality=quality, dialect=dialect, device=device) == expected


@pytest.mark.parametrize(
    ("given", "code"), [("Iraqi", "acm"), ("levantine", "apc"), ("arz", "arz"), ("Modern Standard", "msa")]
)
def test_dialects_by_name_or_code(given: str, code: str) -> None:
    assert check_dialect(given) == code


@pytest.mark.parametrize(("quality", "dialect"), [("better", None), (None, "gulf"), (None, "ckb")])
def test_unknown_quality_or_dialect_is_refused(quality: str | None, dialect: str | None) -> None:
    with pytest.raises(InvalidInputError, match=r"quality|dialect"):
        Translator("opus-mt-ar-en", quality=quality, dialect=dialect, use_cache=False)


@pytest.fixture
def translator(memorised_ar_en: Path) -> Translator:
    return Translator(str(memorised_ar_en), use_cache=False)


@pytest.mark.parametrize("source", ["ar", "auto"])
def test_a_sorani_paragraph_inside_an_arabic_article_is_not_fed_to_the_arabic_model(
    translator: Translator, memorised_pairs: list[tuple[str, str]], source: str
) -> None:
    arabic, english = zip(*memorised_pairs[:6], strict=True)
    text = f"{' '.join(arabic[:3])}\n{SORANI}\n{' '.join(arabic[3:])}"
    result = translator.translate(text, source=source, target="en")
    assert result.source == "ar" and not result.wrong_language
    assert result.text.splitlines() == [" ".join(english[:3]), SORANI, " ".join(english[3:])]
    [sorani] = [s for s in result.segments if s.paragraph == 1]
    assert sorani.translation == SORANI
    assert "other_language" in sorani.flags
    assert all(not s.flags for s in result.segments if s.paragraph != 1)


@pytest.mark.parametrize(("text", "name"), [(PERSIAN, "Persian"), (URDU, "Urdu")])
def test_auto_refuses_a_language_no_model_translates(translator: Translator, text: str, name: str) -> None:
    with pytest.raises(UnsupportedLanguageError, match=f"this looks like {name}") as caught:
        translator.translate(text, source="auto", target="en")
    assert "Arabic → English" in str(caught.value)  # ... and says what tarjama does translate


def test_an_explicit_source_that_is_clearly_another_language_is_translated_but_flagged(
    translator: Translator,
) -> None:
    result = translator.translate(f"{SORANI}\n{SORANI_TOO}", source="ar", target="en")
    assert result.wrong_language == "ckb"
    assert result.model == translator.model_for("ar", "en").resolved.name  # translated as asked
    assert [s.translation != s.source for s in result.segments] == [True, True]
    assert all("wrong_language" in s.flags for s in result.segments)
    assert result.as_dict()["wrong_language"] == "ckb"


def test_an_arabic_article_given_as_arabic_is_not_flagged(
    translator: Translator, memorised_pairs: list[tuple[str, str]]
) -> None:
    result = translator.translate("\n".join(a for a, _ in memorised_pairs[:6]), source="ar", target="en")
    assert not result.wrong_language
    assert all("wrong_language" not in s.flags for s in result.segments)
    assert result.detected is not None and result.detected.language == "ar"


# --- through the server: the API and the page ------------------------------------------------------


@pytest.fixture(scope="module")
def client(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("langid-server")
    with (
        running_app(["--mt-model", str(memorised_ar_en)], tmp) as base,
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        yield http


@pytest.mark.parametrize(("text", "name"), [(PERSIAN, "Persian"), (URDU, "Urdu")])
def test_api_auto_answers_400_naming_the_language(client: httpx.Client, text: str, name: str) -> None:
    answer = client.post("/translate", json={"q": text, "source": "auto", "target": "en"})
    assert answer.status_code == 400, answer.text
    assert f"this looks like {name}" in answer.json()["error"]


def test_api_auto_on_sorani_goes_to_nllb_never_to_the_arabic_model(client: httpx.Client) -> None:
    answer = client.post("/translate", json={"q": SORANI, "source": "auto", "target": "en"})
    assert answer.status_code == 503, answer.text  # NLLB-200 1.3B is not downloaded on this server
    assert "nllb-200-distilled-1.3B" in answer.json()["error"]


@pytest.mark.parametrize("dialect", ["iraqi", "apc", "Egyptian"])
def test_api_dialect_goes_to_nllb(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]], dialect: str
) -> None:
    arabic = memorised_pairs[0][0]
    plain = client.post("/translate", json={"q": arabic, "source": "ar", "target": "en"})
    assert plain.status_code == 200
    answer = client.post("/translate", json={"q": arabic, "source": "ar", "target": "en", "dialect": dialect})
    assert answer.status_code == 503, answer.text
    assert "nllb-200-distilled-1.3B" in answer.json()["error"]


@pytest.mark.parametrize(
    ("params", "needle"), [({"quality": "better"}, "quality"), ({"dialect": "gulf"}, "dialect")]
)
def test_api_refuses_an_unknown_quality_or_dialect(
    client: httpx.Client, params: dict[str, str], needle: str
) -> None:
    answer = client.post("/translate", json={"q": "مرحبا", "source": "ar", "target": "en", **params})
    assert answer.status_code == 400
    assert needle in answer.json()["error"]


def test_page_refuses_persian_and_names_it(client: httpx.Client) -> None:
    translation, status, *_ = gradio_call(client, "translate", [PERSIAN, "auto", ""])
    assert translation == ""
    assert "looks like Persian" in status


def test_page_shows_the_detected_language_and_the_copied_paragraph(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    arabic, english = zip(*memorised_pairs[:6], strict=True)
    text = f"{' '.join(arabic[:3])}\n{SORANI}\n{' '.join(arabic[3:])}"
    translation, status, aligned, *_ = gradio_call(client, "translate", [text, "auto", ""])
    assert translation.splitlines() == [" ".join(english[:3]), SORANI, " ".join(english[3:])]
    assert "detected language: <strong>Arabic</strong>" in status
    assert "1 paragraph in another language copied" in status
    assert "other_language" in aligned


def test_page_flags_a_text_given_the_wrong_direction(client: httpx.Client) -> None:
    _, status, *_ = gradio_call(client, "translate", [f"{SORANI}\n{SORANI_TOO}", "ar-en", ""])
    assert "this looks like Central Kurdish (Sorani)" in status
    assert "translated as asked" in status


@pytest.mark.parametrize("direction", ["acm-en", "ckb-en"])
def test_page_dialect_and_sorani_directions_go_to_nllb(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]], direction: str
) -> None:
    text = SORANI if direction == "ckb-en" else memorised_pairs[0][0]
    translation, status, *_ = gradio_call(client, "translate", [text, direction, ""])
    assert translation == ""
    assert "nllb-200-distilled-1.3B" in status


def test_languages_and_detect_name_sorani(client: httpx.Client) -> None:
    languages = {entry["code"]: entry for entry in client.get("/languages").json()}
    assert languages["ckb"]["targets"] == ["ar", "en"]
    found = client.post("/detect", json={"q": SORANI}).json()
    assert found[0]["language"] == "ckb" and found[0]["confidence"] > 90


def test_batch_translation_identifies_each_article(
    translator: Translator, memorised_pairs: list[tuple[str, str]]
) -> None:
    arabic = "\n".join(a for a, _ in memorised_pairs[:8])  # more Arabic than Sorani in the mixed article
    english = "\n".join(e for _, e in memorised_pairs[:8])
    results, _ = CorpusTranslator(translator).translate_many(
        [arabic, PERSIAN, f"{arabic}\n{SORANI}"], TranslationOptions(source="auto", target="en")
    )
    first, persian, mixed = results
    assert isinstance(first, Translation) and (first.source, first.text) == ("ar", english)
    assert isinstance(persian, UnsupportedLanguageError) and "looks like Persian" in str(persian)
    assert isinstance(mixed, Translation) and mixed.text.splitlines() == [*english.splitlines(), SORANI]
    assert [s.flags for s in mixed.segments if s.paragraph == 8] == [("copied", "other_language")]


def test_summaries_name_a_language_they_cannot_summarise() -> None:
    with pytest.raises(InvalidInputError, match="looks like Persian"):
        Summarizer(use_cache=False).summarize(f"{PERSIAN} {PERSIAN}", lang="auto")
