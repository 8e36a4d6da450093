"""Formatting inside a sentence follows the aligned words (a bold word, a link over two words).

The splitting is checked with hand-made alignments; the alignment pass on both backends against the
attention each returns while generating; the whole path (a .docx and HTML with one bold Arabic word)
with ``memorised_ar_en``, whose attention is that of a tiny model trained to recite 41 pairs: it is a
poor aligner, so the end-to-end tests use a sentence whose bold word it does align on both backends and
assert what must hold (the sentence is exactly the memorised English, the bold run a proper span of its
words, the span the one the model's alignment gives), not which English words a real model would pick.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from lxml import etree

from tarjama.inference import ModelPool
from tarjama.inference.alignment import hard_alignment
from tarjama.inference.backends import choose_backend, load_backend
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.hub import resolve_model
from tarjama.translate import Translator
from tarjama.translate.aligner import align_sentences
from tarjama.translate.documents import (
    Unit,
    engine_aligner,
    engine_sentences,
    translate_document,
    translate_units,
)
from tarjama.web.service import TarjamaService

Pairs = list[tuple[str, str]]
BACKENDS = ["transformers", "ctranslate2"]
SENTENCE = 0  # "البارحة كان عيد ميلادي." → "Yesterday was my birthday.": its last word aligns on both
FALLBACK = "fallback"


def _split(runs: list[str], translation: str, alignment: Sequence[int] | None) -> list[str]:
    written: list[list[str]] = []
    translate_units(
        [Unit(runs, written.append)],
        lambda sentences: [translation for _ in sentences],
        "en",
        lambda sentences, translations: [alignment for _ in sentences],
    )
    return written[0]


@pytest.mark.parametrize(
    ("runs", "translation", "alignment", "expected"),
    [
        # a bold word in the middle
        (
            ["The ", "big", " dog barks."],
            "Le gros chien aboie.",
            (0, 1, 2, 3),
            ["Le ", "gros", " chien aboie."],
        ),
        # at the start, and at the end
        (["Big", " dogs bark."], "Gros chiens aboient.", (0, 1, 2), ["Gros", " chiens aboient."]),
        (
            ["Dogs bark ", "loudly."],
            "Les chiens aboient fort.",
            (0, 0, 1, 2),
            ["Les chiens aboient ", "fort."],
        ),
        # a link over two words
        (
            ["See ", "the report", " today."],
            "Voir le rapport demain.",
            (0, 1, 2, 3),
            ["Voir ", "le rapport", " demain."],
        ),
        # one source word, two output words; an output word aligned to the next run's word stays in order
        (["The ", "big", " dog."], "Le très gros chien.", (0, 1, 1, 2), ["Le ", "très gros", " chien."]),
        # the space where the source had it: leading in the bold run, or a run of its own
        (
            ["The", " big", " dog barks."],
            "Le gros chien aboie.",
            (0, 1, 2, 3),
            ["Le", " gros", " chien aboie."],
        ),
        (["The", " ", "big", " dog."], "Le gros chien.", (0, 1, 2), ["Le", " ", "gros", " chien."]),
        # a word cut by a run boundary belongs to the run holding most of it; the other run keeps nothing
        (["The ", "bigges", "t dog."], "Le plus gros chien.", (0, 1, 1, 2), ["Le ", "plus gros", " chien."]),
        (
            ["The ", "bigge", "st", " dog."],
            "Le plus gros chien.",
            (0, 1, 1, 2),
            ["Le ", "plus gros", "", " chien."],
        ),
        # reordered: the bold run's span would hold a word aligned elsewhere
        (["The ", "big", " dog barks."], "Le chien gros aboie.", (0, 2, 1, 3), FALLBACK),
        (["The ", "big", " dog barks."], "Aboie chien gros le.", (3, 2, 1, 0), FALLBACK),
        # a run whose words nothing is aligned to
        (["The ", "big", " dog barks."], "Le chien aboie.", (0, 2, 3), FALLBACK),
        # no alignment, or one that does not fit the words
        (["The ", "big", " dog barks."], "Le gros chien aboie.", None, FALLBACK),
        (["The ", "big", " dog barks."], "Le gros chien aboie.", (0, 1, 2), FALLBACK),
        (["The ", "big", " dog barks."], "Le gros chien aboie.", (0, 1, 2, 9), FALLBACK),
    ],
)
def test_a_sentence_across_runs_is_cut_by_its_alignment(
    runs: list[str], translation: str, alignment: Sequence[int] | None, expected: list[str] | str
) -> None:
    out = _split(runs, translation, alignment)
    if expected == FALLBACK:  # the whole sentence to the run that held most of it, as without an aligner
        longest = max(range(len(runs)), key=lambda i: len(runs[i]))
        expected = [translation if i == longest else "" for i in range(len(runs))]
    assert out == expected
    assert "".join(out) == translation


def test_only_sentences_whose_words_cross_runs_are_aligned() -> None:
    asked: list[tuple[list[str], list[str]]] = []

    def align(sentences: Sequence[str], translations: Sequence[str]) -> list[Sequence[int] | None]:
        asked.append((list(sentences), list(translations)))
        return [tuple(range(len(t.split()))) for t in translations]

    written: list[list[str]] = []
    units = [
        Unit(["One. ", "Two three."], written.append),  # whole sentences in each run
        Unit(["Four five", "."], written.append),  # the last run holds no word of its own
        Unit(["Six. Seven ", "eight", " nine."], written.append),  # the second sentence crosses runs
    ]
    translate_units(units, lambda sentences: [s.upper() for s in sentences], "en", align)
    assert asked == [(["Seven eight nine."], ["SEVEN EIGHT NINE."])]
    assert written == [["ONE. ", "TWO THREE."], ["FOUR FIVE.", ""], ["SIX. SEVEN ", "EIGHT", " NINE."]]
    asked.clear()
    translate_units(units[:2], lambda sentences: list(sentences), "en", align)
    assert asked == []  # nothing crosses runs: no alignment pass at all


@pytest.fixture(scope="module", params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("backend", BACKENDS)
def test_align_gives_the_attention_of_generation(
    backend: str, memorised_ar_en: Path, memorised_pairs: Pairs
) -> None:
    resolved = resolve_model(str(memorised_ar_en), task="translate", local_files_only=True)
    model = load_backend(resolved, choose_backend(backend, "cpu", None))
    sources = [ar for ar, _ in memorised_pairs[:4]]
    generated = model.generate_hypotheses(
        sources, GenerationSettings(beam_size=1), source="ar", target="en", count=1, attention=True
    )
    aligned = model.align(sources, [en for _, en in memorised_pairs[:4]], source="ar", target="en")
    for [made], forced, (ar, en) in zip(generated, aligned, memorised_pairs, strict=False):
        assert made.text == forced.text == en
        assert forced.target_tokens == made.target_tokens and forced.source_tokens == made.source_tokens
        assert len(forced.attention) == len(made.attention) > 0
        for row, expected in zip(forced.attention, made.attention, strict=True):
            assert row == pytest.approx(expected, abs=1e-5)
        assert len(hard_alignment(forced, len(ar.split()))) == len(en.split())
    too_long = model.align([sources[0], "كلمة " * 600], ["", "word"], source="ar", target="en")
    assert [h.attention for h in too_long] == [(), ()]  # an empty output, an over-long source: nothing


def bold_word_document(arabic: str) -> bytes:
    words = arabic.split()
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(" ".join(words[:-1]) + " ")
    paragraph.add_run(words[-1]).bold = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _expected_bold(translator: Translator, arabic: str, english: str) -> str:
    """The English words the model's alignment gives the last Arabic word's run."""
    (alignment,) = align_sentences(translator, [arabic], [english], source="ar", target="en")
    assert alignment is not None
    last = len(arabic.split()) - 1
    words = english.split()
    mine = [i for i, source in enumerate(alignment) if source == last]
    assert mine, "the stand-in aligns no English word to the bold word: choose another sentence"
    return " ".join(words[mine[0] :])  # the bold run is last: its span runs to the end of the sentence


def check_bold(text: str, bold: str, english: str) -> None:
    assert text == english  # the sentence is still exactly the memorised English
    assert bold and bold != english  # the bold run is not empty and not the whole sentence
    assert english.endswith(" " + bold)  # a proper span of whole words, at the end, one space before it


def test_a_bold_word_in_a_word_document(
    backend_name: str, memorised_ar_en: Path, memorised_pairs: Pairs, monkeypatch: pytest.MonkeyPatch
) -> None:
    arabic, english = memorised_pairs[SENTENCE]
    translator = Translator(str(memorised_ar_en), pool=ModelPool(backend=backend_name))
    data = bold_word_document(arabic)

    def run() -> list[tuple[str, bool | None]]:
        result = translate_document(
            "bold.docx", data, engine_sentences(translator, 1), source="ar", target="en",
            align=engine_aligner(translator),
        )  # fmt: skip
        paragraph = docx.Document(io.BytesIO(result.data)).paragraphs[0]
        return [(r.text, r.bold) for r in paragraph.runs]

    runs = run()
    bold = "".join(text for text, is_bold in runs if is_bold)
    check_bold("".join(text for text, _ in runs), bold, english)
    assert bold == _expected_bold(translator, arabic, english)
    assert runs == [(english[: -len(bold)], None), (bold, True)]
    backend = translator.model_for("ar", "en").load()  # a repeated document: no model call at all

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was called for a cached document")

    for method in ("generate", "generate_batches", "generate_hypotheses", "align"):
        monkeypatch.setattr(backend, method, no_model)
    assert run() == runs


def test_a_bold_word_in_html_through_the_service(
    backend_name: str, memorised_ar_en: Path, memorised_pairs: Pairs
) -> None:
    arabic, english = memorised_pairs[SENTENCE]
    *head, last = arabic.split()
    service = TarjamaService(mt_model=str(memorised_ar_en), backend=backend_name)
    markup = service.translate_html(f'<p>{" ".join(head)} <a href="/x"><b>{last}</b></a></p>', "ar", "en")
    paragraph = etree.fromstring(markup, etree.HTMLParser()).find(".//p")
    bold = paragraph.find("a/b").text or ""
    check_bold(paragraph.xpath("string()"), bold, english)
    assert paragraph.find("a").get("href") == "/x"
    translator = service.translator("ar", "en")
    assert bold == _expected_bold(translator, arabic, english)


def test_a_bold_word_through_the_documents_tab(
    memorised_ar_en: Path, memorised_pairs: Pairs, tmp_path: Path
) -> None:
    from tarjama.web.documents import translate_upload
    from tarjama.web.handlers import Page
    from tarjama.web.uploads import UploadLedger

    arabic, english = memorised_pairs[SENTENCE]
    uploads = UploadLedger(tmp_path, keep_seconds=60)
    page = Page(TarjamaService(mt_model=str(memorised_ar_en)), tmp_path / "work", uploads)
    upload = tmp_path / "bold.docx"
    upload.write_bytes(bold_word_document(arabic))
    uploads.record("visitor", [str(upload)])
    status, _, out = translate_upload(page, str(upload), "ar-en", "", False, "visitor")
    assert out is not None, status
    paragraph = docx.Document(out).paragraphs[0]
    check_bold(paragraph.text, "".join(r.text for r in paragraph.runs if r.bold), english)
