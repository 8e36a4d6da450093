"""A paragraph in another language inside an article goes to a model that translates it, else it is copied
and flagged (#21): a Sorani paragraph in an Arabic article to NLLB-200 with ``ckb_Arab``, through the engine,
batch jobs, the API, the page and the CLI.

The Arabic model is the memorised stand-in (its Arabic sentences come out as their references); NLLB is the
random ``nllb_tiny`` stand-in, so its output is compared with what the same folder gives on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tarjama.inference import ModelPool
from tarjama.translate import CorpusTranslator, Translation, TranslationOptions, Translator
from tarjama.translate.glossary import Glossary
from tests.appserver import running_app
from tests.hostile import gradio_call
from tests.hubmirror import HubMirror, RecordingTranslator, hub_env, local_translations, run_cli

SORANI = "حکومەتی هەرێمی کوردستان ڕایگەیاند کە بودجەی ساڵی داهاتوو پەسەند کرا."
SORANI_TOO = "سەرۆکی حکومەت دوێنێ سەردانی شاری سلێمانی کرد و لەگەڵ جوتیاران کۆبووەوە."
PERSIAN = "دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش می‌یابد."
NLLB_13B = "nllb-200-distilled-1.3B"


def article(pairs: list[tuple[str, str]], middle: str) -> tuple[str, list[str]]:
    """An Arabic article of memorised sentences with ``middle`` as its second paragraph, and the English
    of its first and third paragraphs."""
    arabic, english = zip(*pairs[:6], strict=True)
    text = f"{' '.join(arabic[:3])}\n{middle}\n{' '.join(arabic[3:])}"
    return text, [" ".join(english[:3]), " ".join(english[3:])]


@pytest.fixture(scope="module")
def nllb_sorani(nllb_tiny: Path) -> str:
    """What the NLLB stand-in makes of :data:`SORANI` read as ``ckb_Arab``, loaded on its own."""
    [made] = local_translations(nllb_tiny, [SORANI], "ckb", "en")
    assert made != SORANI
    return made


@pytest.fixture
def recorded(memorised_ar_en: Path, nllb_tiny: Path) -> tuple[Translator, RecordingTranslator]:
    """A translator with the memorised ar→en model and the NLLB stand-in (CTranslate2), and the recorder of
    what reaches NLLB."""
    pool = ModelPool(backend="ctranslate2", threads=1)
    backend = pool.get(str(nllb_tiny), task="translate").load()
    recorder = RecordingTranslator(backend.translator)
    backend.translator = recorder
    return Translator((str(memorised_ar_en), str(nllb_tiny)), pool=pool, use_cache=False), recorder


def sorani_went_to_nllb(result: Translation, nllb_tiny: Path, english: list[str]) -> None:
    """The Arabic paragraphs are the memorised English, the Sorani one NLLB's, flagged but not copied."""
    lines = result.text.splitlines()
    assert [lines[0], lines[2]] == english
    [sorani] = [s for s in result.segments if s.paragraph == 1]
    assert sorani.translation == lines[1] != SORANI
    assert sorani.model == str(nllb_tiny)
    assert "other_language" in sorani.flags and "copied" not in sorani.flags  # the random model's checks too
    assert all(not s.flags and not s.model for s in result.segments if s.paragraph != 1)
    assert result.as_dict()["other_languages"] == [
        {"paragraph": 1, "language": "ckb", "name": "Central Kurdish (Sorani)", "model": str(nllb_tiny),
         "copied": False, "reason": ""},
    ]  # fmt: skip
    assert result.as_dict()["segments"][3]["model"] == str(nllb_tiny)


@pytest.mark.parametrize("source", ["ar", "auto"])
def test_a_sorani_paragraph_goes_to_nllb_as_ckb_arab(
    recorded: tuple[Translator, RecordingTranslator],
    memorised_pairs: list[tuple[str, str]],
    nllb_tiny: Path,
    nllb_sorani: str,
    source: str,
) -> None:
    translator, recorder = recorded
    text, english = article(memorised_pairs, SORANI)
    result = translator.translate(text, source=source, target="en")
    assert result.source == "ar" and result.model == translator.model_for("ar", "en").resolved.name
    sorani_went_to_nllb(result, nllb_tiny, english)
    assert result.text.splitlines()[1] == nllb_sorani
    [(tokens, prefix)] = recorder.calls  # one batch for NLLB: only the Sorani sentence
    assert [t[0] for t in tokens] == ["ckb_Arab"] and prefix == [["eng_Latn"]]


def test_a_glossary_applies_to_the_main_direction_only(
    recorded: tuple[Translator, RecordingTranslator],
    memorised_pairs: list[tuple[str, str]],
    nllb_tiny: Path,
    nllb_sorani: str,
) -> None:
    translator, _ = recorded
    text, _ = article(memorised_pairs, SORANI)
    glossary = Glossary("ar", "en", (("کوردستان", "KURDISTAN"),))
    result = translator.translate(text, source="ar", target="en", glossary=glossary)
    assert result.text.splitlines()[1] == nllb_sorani  # Sorani never goes through the Arabic glossary


def test_an_arabic_paragraph_in_a_sorani_text_goes_to_the_arabic_model(
    recorded: tuple[Translator, RecordingTranslator],
    memorised_ar_en: Path,
    nllb_tiny: Path,
    memorised_pairs: list[tuple[str, str]],
) -> None:
    translator, _ = recorded
    arabic, english = zip(*memorised_pairs[:3], strict=True)
    result = translator.translate(f"{SORANI}\n{' '.join(arabic)}\n{SORANI_TOO}", source="ckb", target="en")
    assert (result.source, result.model) == ("ckb", str(nllb_tiny))
    assert result.text.splitlines()[1] == " ".join(english)  # the memorised references, not NLLB's noise
    assert {s.model for s in result.segments if s.paragraph == 1} == {str(memorised_ar_en)}
    assert [p.as_dict()["model"] for p in result.foreign] == [str(memorised_ar_en)]


@pytest.mark.parametrize("alternatives", [1, 2])
def test_alternatives_keep_the_sorani_paragraph_translated(
    recorded: tuple[Translator, RecordingTranslator],
    memorised_pairs: list[tuple[str, str]],
    nllb_sorani: str,
    alternatives: int,
) -> None:
    translator, _ = recorded
    text, _ = article(memorised_pairs, SORANI)
    for other in translator.alternatives(text, source="ar", target="en", count=alternatives):
        assert other.splitlines()[1] == nllb_sorani


@pytest.mark.parametrize("several", [False, True])
def test_without_nllb_offline_the_sorani_paragraph_is_copied_and_flagged(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    several: bool,
) -> None:
    model = (str(memorised_ar_en),) if several else str(memorised_ar_en)
    text, english = article(memorised_pairs, SORANI)
    translator = Translator(model, use_cache=False)
    asked: list[str] = []
    get = translator.pool.get
    monkeypatch.setattr(translator.pool, "get", lambda name, **kw: asked.append(name) or get(name, **kw))
    result = translator.translate(text, source="ar", target="en")
    again = translator.translate(text, source="ar", target="en")
    assert (again.text, again.foreign) == (result.text, result.foreign)
    assert asked.count(NLLB_13B) == 1  # a model that cannot be had is not waited for again
    assert result.text.splitlines() == [english[0], SORANI, english[1]]
    [sorani] = [s for s in result.segments if s.paragraph == 1]
    assert (sorani.flags, sorani.model) == (("copied", "other_language"), "")
    [report] = result.as_dict()["other_languages"]
    assert (report["language"], report["model"], report["copied"]) == ("ckb", None, True)
    assert NLLB_13B in report["reason"]  # the pool's word: not downloaded, offline


def test_a_persian_paragraph_is_copied_and_flagged(
    recorded: tuple[Translator, RecordingTranslator], memorised_pairs: list[tuple[str, str]]
) -> None:
    translator, recorder = recorded
    text, english = article(memorised_pairs, PERSIAN)
    result = translator.translate(text, source="ar", target="en")
    assert result.text.splitlines() == [english[0], PERSIAN, english[1]]
    assert [s.flags for s in result.segments if s.paragraph == 1] == [("copied", "other_language")]
    [report] = result.as_dict()["other_languages"]
    assert (report["language"], report["copied"]) == ("fa", True)
    assert "no model here translates Persian (Farsi, Dari) into English" in report["reason"]
    assert recorder.calls == []


def test_a_batch_translates_the_sorani_paragraph_with_nllb(
    recorded: tuple[Translator, RecordingTranslator],
    memorised_pairs: list[tuple[str, str]],
    nllb_tiny: Path,
) -> None:
    translator, recorder = recorded
    text, english = article(memorised_pairs, SORANI)
    plain = "\n".join(a for a, _ in memorised_pairs[6:9])
    results, counts = CorpusTranslator(translator).translate_many(
        [text, plain, text], TranslationOptions(source="ar", target="en")
    )
    mixed, arabic, again = results
    assert isinstance(mixed, Translation) and isinstance(arabic, Translation)
    sorani_went_to_nllb(mixed, nllb_tiny, english)
    assert again == mixed or (isinstance(again, Translation) and again.text == mixed.text)
    assert arabic.text.splitlines() == [e for _, e in memorised_pairs[6:9]]
    assert [[t[0] for t in tokens] for tokens, _ in recorder.calls] == [["ckb_Arab"]]  # once, both articles
    assert counts["sentences"] == 2 * 7 + 3


def test_a_batch_without_nllb_copies_and_flags_the_sorani_paragraph(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    text, english = article(memorised_pairs, SORANI)
    [result], _ = CorpusTranslator(Translator(str(memorised_ar_en), use_cache=False)).translate_many(
        [text], TranslationOptions(source="ar", target="en")
    )
    assert isinstance(result, Translation)
    assert result.text.splitlines() == [english[0], SORANI, english[1]]
    assert [s.flags for s in result.segments if s.paragraph == 1] == [("copied", "other_language")]


# --- through the server: the API and the page ------------------------------------------------------


@pytest.fixture(scope="module")
def client(
    memorised_ar_en: Path, nllb_tiny: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("paragraph-routes")
    args = ["--mt-model", str(memorised_ar_en), "--mt-model", str(nllb_tiny)]
    with running_app(args, tmp) as base, httpx.Client(base_url=base, timeout=120) as http:
        yield http


@pytest.mark.parametrize("as_list", [False, True])
def test_api_translates_the_sorani_paragraph_and_says_so(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]], nllb_sorani: str, as_list: bool
) -> None:
    text, english = article(memorised_pairs, SORANI)
    answer = client.post(
        "/translate", json={"q": [text] if as_list else text, "source": "ar", "target": "en"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    translated = body["translatedText"][0] if as_list else body["translatedText"]
    assert translated.splitlines() == [english[0], nllb_sorani, english[1]]
    [warning] = body["warnings"]
    assert {k: warning[k] for k in ("code", "item", "paragraph", "language", "copied")} == {
        "code": "other_language", "item": 0, "paragraph": 1, "language": "ckb", "copied": False,
    }  # fmt: skip
    assert warning["model"] and "Central Kurdish (Sorani)" in warning["message"]


@pytest.mark.parametrize("as_list", [False, True])
def test_api_flags_a_sorani_text_sent_as_arabic(client: httpx.Client, as_list: bool) -> None:
    text = f"{SORANI}\n{SORANI_TOO}"
    answer = client.post(
        "/translate", json={"q": [text] if as_list else text, "source": "ar", "target": "en"}
    )
    assert answer.status_code == 200, answer.text
    [warning] = answer.json()["warnings"]
    assert {k: warning[k] for k in ("code", "item", "language", "name")} == {
        "code": "wrong_language", "item": 0, "language": "ckb", "name": "Central Kurdish (Sorani)",
    }  # fmt: skip
    assert "this looks like Central Kurdish (Sorani), not Arabic" in warning["message"]


def test_api_says_nothing_more_for_a_plain_arabic_text(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    answer = client.post("/translate", json={"q": memorised_pairs[0][0], "source": "ar", "target": "en"})
    assert answer.json() == {"translatedText": memorised_pairs[0][1]}  # LibreTranslate's shape, nothing added


def test_api_warns_of_the_item_with_a_persian_paragraph(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]]
) -> None:
    text, english = article(memorised_pairs, PERSIAN)
    answer = client.post(  # auto: the Sorani item goes to NLLB, the Arabic one (item 1) to the Arabic model
        "/translate", json={"q": [SORANI, text], "source": "auto", "target": "en"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"][1].splitlines() == [english[0], PERSIAN, english[1]]
    [warning] = answer.json()["warnings"]
    assert (warning["item"], warning["paragraph"], warning["language"]) == (1, 1, "fa")
    assert warning["copied"] is True and warning["model"] is None


def test_page_shows_which_model_translated_the_sorani_paragraph(
    client: httpx.Client, memorised_pairs: list[tuple[str, str]], nllb_sorani: str, nllb_tiny: Path
) -> None:
    text, english = article(memorised_pairs, SORANI)
    translation, status, aligned, *_ = gradio_call(client, "translate", [text, "ar-en", ""])
    assert translation.splitlines() == [english[0], nllb_sorani, english[1]]
    assert "1 paragraph in Central Kurdish (Sorani) translated by" in status
    assert "copied" not in status
    assert f"translated by {nllb_tiny.name}" in aligned


# --- the CLI: NLLB-200 1.3B from a Hub mirror, or not there at all --------------------------------


def test_cli_sends_the_sorani_paragraph_to_nllb_from_the_hub(
    hub_mirror: HubMirror, memorised_pairs: list[tuple[str, str]]
) -> None:
    text, english = article(memorised_pairs, SORANI)
    done = run_cli(
        ["translate", "--from", "ar", "--to", "en", "--json"], hub_env(hub_mirror.endpoint), stdin=text
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    [expected] = local_translations(hub_mirror.standin(NLLB_13B), [SORANI], "ckb", "en")
    assert result["text"].splitlines() == [english[0], expected, english[1]]
    assert result["other_languages"][0]["model"] == NLLB_13B
    assert [s.get("model") for s in result["segments"]] == [None] * 3 + [NLLB_13B] + [None] * 3


def test_cli_batch_sends_the_sorani_paragraph_to_nllb_from_the_hub(
    hub_mirror: HubMirror, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    text, english = article(memorised_pairs, SORANI)
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": "mixed", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["translate", "batch", str(source), "-o", str(output), "--from", "ar", "--to", "en", "--sentences"]
    done = run_cli(args, hub_env(hub_mirror.endpoint))
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(row) for row in output.read_text(encoding="utf-8").splitlines()]
    [expected] = local_translations(hub_mirror.standin(NLLB_13B), [SORANI], "ckb", "en")
    assert line["translation"].splitlines() == [english[0], expected, english[1]]
    assert [s.get("model") for s in line["sentences"]] == [None] * 3 + [NLLB_13B] + [None] * 3
    assert "other_language" in line["flags"]


def test_cli_offline_copies_and_flags_the_sorani_paragraph(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    text, english = article(memorised_pairs, SORANI)
    args = ["translate", "--from", "ar", "--to", "en", "--json", "--model", str(memorised_ar_en)]
    done = run_cli(args, hub_env(None, offline=True), stdin=text)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["text"].splitlines() == [english[0], SORANI, english[1]]
    assert result["segments"][3]["flags"] == ["copied", "other_language"]


@pytest.mark.parametrize(
    ("middle", "note"),
    [
        (SORANI, "paragraph 2 is in Central Kurdish (Sorani): copied, not translated: "),
        (PERSIAN, "paragraph 2 is in Persian (Farsi, Dari): copied, not translated: no model here"),
    ],
)
def test_cli_plain_output_says_what_happened_to_the_other_language_on_stderr(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], middle: str, note: str
) -> None:
    text, english = article(memorised_pairs, middle)
    args = ["translate", "--from", "ar", "--to", "en", "--model", str(memorised_ar_en)]
    done = run_cli(args, hub_env(None, offline=True), stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [english[0], middle, english[1]]
    assert f"tarjama: note: {note}" in done.stderr


def test_cli_plain_output_says_a_text_is_not_in_the_source_it_was_given_as(memorised_ar_en: Path) -> None:
    args = ["translate", "--from", "ar", "--to", "en", "--model", str(memorised_ar_en)]
    done = run_cli(args, hub_env(None, offline=True), stdin=f"{SORANI} {SORANI_TOO}")
    assert done.returncode == 0, done.stderr
    note = "tarjama: note: this looks like Central Kurdish (Sorani), not Arabic: translated as asked"
    assert note in done.stderr
