"""Documents in, documents out: every format round-trips through the memorised model.

Each test builds an Arabic document from the memorised pairs, translates it with ``memorised_ar_en``
and opens the result in the format's own library: every sentence is the memorised English, runs that held
whole sentences keep their formatting, the direction and language tags are turned, and what is not text
(images, styles, other members) is unchanged.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import docx
import pptx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from odf import opendocument, teletype
from odf.text import H, P

from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.translate import Translator
from tarjama.translate.documents import HtmlDocument, engine_sentences, translate_document
from tests import documents_samples as samples
from tests.documents_hostile import BILLION_LAUGHS, hostile_word, with_members

Pairs = list[tuple[str, str]]
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def translate_file(memorised_ar_en: Path):
    translator = Translator(str(memorised_ar_en))

    def run(name: str, data: bytes, **options: object):
        return translate_document(
            name, data, engine_sentences(translator, 1), source="ar", target="en", **options
        )

    return run


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _unchanged_but(original: bytes, translated: bytes, changed: set[str]) -> None:
    """Every member but ``changed`` has the same bytes, in the same order."""
    before, after = _members(original), _members(translated)
    assert list(before) == list(after)
    assert {name for name in before if before[name] != after[name]} <= changed


def test_word(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    original = samples.word(ar)
    result = translate_file("statement.docx", original)
    assert result.name == "statement.en.docx"
    document = docx.Document(io.BytesIO(result.data))
    first, crossing = document.paragraphs[0], document.paragraphs[1]
    assert [(r.text, r.bold, r.italic) for r in first.runs] == [
        (en[0] + " ", True, None),
        (en[1], None, True),
    ]
    assert [r.text for r in crossing.runs] == ["", en[2]]  # the sentence goes whole to the longer run
    assert document.tables[0].cell(0, 0).text == en[3] and document.tables[0].cell(0, 1).text == "2026"
    assert document.paragraphs[2].text == en[4] and document.paragraphs[2].style.name == "List Number"
    assert document.sections[0].header.paragraphs[0].text == en[5]
    assert document.sections[0].footer.paragraphs[0].text == en[6]
    assert document.inline_shapes[0]._inline.docPr.get("descr") == en[7]
    for paragraph in (first, crossing, document.sections[0].header.paragraphs[0]):
        props = paragraph._p.pPr
        assert props.find(qn("w:bidi")) is None
        assert paragraph.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
        for run in paragraph.runs:
            assert run._r.rPr.find(qn("w:rtl")) is None
            assert run._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US"
    assert [p.source for p in result.pairs][:2] == ar[:2]
    _unchanged_but(original, result.data, {"word/document.xml", "word/header1.xml", "word/footer1.xml"})
    assert _members(result.data)["word/media/image1.png"] == samples.png()


def test_word_english_to_arabic_reads_right_to_left(
    memorised_en_ar: Path, memorised_en_ar_pairs: Pairs
) -> None:
    document = docx.Document()
    document.add_paragraph(memorised_en_ar_pairs[0][0]).paragraph_format.alignment = 0
    out = io.BytesIO()
    document.save(out)
    translator = Translator(str(memorised_en_ar))
    result = translate_document(
        "note.docx", out.getvalue(), engine_sentences(translator, 1), source="en", target="ar"
    )
    paragraph = docx.Document(io.BytesIO(result.data)).paragraphs[0]
    assert paragraph.text == memorised_en_ar_pairs[0][1]
    assert paragraph._p.pPr.find(qn("w:bidi")) is not None
    assert paragraph.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.runs[0]._r.rPr
    assert run.find(qn("w:rtl")) is not None and run.find(qn("w:lang")).get(qn("w:bidi")) == "ar-SA"


def test_powerpoint(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    original = samples.slides(ar)
    result = translate_file("briefing.pptx", original)
    slide = pptx.Presentation(io.BytesIO(result.data)).slides[0]
    assert slide.shapes.title.text == en[0]
    body = slide.placeholders[1].text_frame
    assert [p.text for p in body.paragraphs] == en[1:3]
    assert slide.notes_slide.notes_text_frame.text == en[3]
    assert next(s for s in slide.shapes if s.shape_type == 13)._element.nvPicPr.cNvPr.get("descr") == en[4]
    for paragraph in body.paragraphs:
        assert paragraph._p.pPr.get("rtl") == "0" and paragraph._p.pPr.get("algn") == "l"
        assert all(run._r.rPr.get("lang") == "en-US" for run in paragraph.runs)
    _unchanged_but(original, result.data, {"ppt/slides/slide1.xml", "ppt/notesSlides/notesSlide1.xml"})


@pytest.mark.parametrize(
    ("build", "name", "texts", "changed"),
    [
        (samples.odt, "statement.odt", 7, {"content.xml", "styles.xml"}),
        (samples.odp, "briefing.odp", 3, {"content.xml"}),
    ],
)
def test_opendocument(translate_file, memorised_pairs: Pairs, build, name, texts, changed) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    original = build(ar)
    result = translate_file(name, original)
    document = opendocument.load(io.BytesIO(result.data))
    found = "\n".join(teletype.extractText(p) for kind in (H, P) for p in document.getElementsByType(kind))
    found += teletype.extractText(document.masterstyles)
    assert all(sentence in found for sentence in en[:texts] if sentence != en[5])
    assert not ARABIC.search(found)
    content = etree.fromstring(_members(result.data)["content.xml"])
    style = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
    fo = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
    props = next(content.iter(f"{style}paragraph-properties"))
    assert props.get(f"{style}writing-mode") == "lr-tb" and props.get(f"{fo}text-align") == "left"
    text_props = next(content.iter(f"{style}text-properties"))
    assert (text_props.get(f"{fo}language"), text_props.get(f"{fo}country")) == ("en", "US")
    if texts == 7:  # the span holding a whole sentence keeps its bold style; the image's description
        span = next(content.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}span"))
        assert (
            span.text == en[1]
            and span.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}style-name") == "T1"
        )
        assert (
            next(content.iter("{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}desc")).text == en[5]
        )
    _unchanged_but(original, result.data, changed)


def test_epub(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    original = samples.epub(ar)
    result = translate_file("book.epub", original)
    members = _members(result.data)
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    chapter = etree.fromstring(members["OEBPS/chapter.xhtml"])
    x = "{http://www.w3.org/1999/xhtml}"
    assert [chapter.findtext(f".//{x}{tag}") for tag in ("title", "h1", "b")] == en[:3]
    assert chapter.find(f".//{x}p").xpath("string()") == f"{en[2]} {en[3]}"
    assert chapter.findtext(f".//{x}pre") == ar[4]
    assert chapter.find(f".//{x}img").get("alt") == en[5]
    assert (chapter.get("dir"), chapter.get("lang")) == ("ltr", "en")
    package = etree.fromstring(members["OEBPS/content.opf"])
    assert package.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "en"
    assert next(package.iter("{*}spine")).get("page-progression-direction") == "ltr"
    _unchanged_but(original, result.data, {"OEBPS/chapter.xhtml", "OEBPS/content.opf"})


def test_html_page(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    script = f'<script>var title = "{ar[5]}";</script><style>p::after {{ content: "{ar[5]}" }}</style>'
    page = (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><title>{ar[0]}</title>{script}</head><body>'
        f'<p>{ar[1]} <a href="/x"><b>{ar[2]}</b></a></p><p dir="rtl" title="{ar[3]}">{ar[4]}</p>'
        f'<code>{ar[5]}</code><pre>{ar[5]}</pre><p translate="no">{ar[5]}</p>'
        f'<p class="lead notranslate">{ar[5]}</p>'
        f'<img src="a.png" alt="{ar[6]}"><input placeholder="{ar[7]}">'
        f"<p>{''.join(f'&#{ord(c)};' for c in ar[8])}</p><p>{ar[9][:4]}<i>{ar[9][4:]}</i></p></body></html>"
    )
    result = translate_file("page.html", page.encode())
    root = etree.fromstring(result.data, etree.HTMLParser())  # as a browser reads a saved file
    assert root.find(".//meta[@charset]").get("charset") == "utf-8"
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
    assert root.findtext(".//title") == en[0]
    first, second = root.findall(".//p")[:2]
    assert (first.text, first.find("a/b").text, first.find("a").get("href")) == (en[1] + " ", en[2], "/x")
    assert (second.text, second.get("title"), second.get("dir")) == (en[4], en[3], "ltr")
    assert [root.findtext(f".//{tag}") for tag in ("code", "pre")] == [ar[5], ar[5]]
    assert root.find(".//p[@translate='no']").text == ar[5] and root.find(".//p[@class]").text == ar[5]
    assert ar[5] in root.findtext(".//script") and ar[5] in root.findtext(".//style")
    assert (root.find(".//img").get("alt"), root.find(".//input").get("placeholder")) == (en[6], en[7])
    assert root.findall(".//p")[-2].text == en[8]  # entities decoded, then translated
    inline = root.findall(".//p")[-1]  # a sentence that crosses an inline tag: the tag survives
    assert inline.xpath("string()") == en[9] and inline.find("i") is not None
    assert result.data.decode().startswith("<!DOCTYPE html>")


def test_html_fragment_keeps_entities_escaped_and_its_markup(
    memorised_ar_en: Path, memorised_pairs: Pairs
) -> None:
    (ar, en), translator = memorised_pairs[0], Translator(str(memorised_ar_en))
    document = HtmlDocument(f'<div class="x">{ar}</div> tail &lt;b&gt; <!-- note -->')
    from tarjama.translate.documents import translate_units

    translate_units(document.units, engine_sentences(translator, 1)("ar", "en"), "ar")
    assert (
        document.text() == f'<div class="x">{html.escape(en, quote=False)}</div> tail &lt;b&gt; <!-- note -->'
    )


@pytest.mark.parametrize(
    ("name", "make", "expect"),
    [
        ("notes.txt", lambda a: f"{a[0]} {a[1]}\n\n  {a[2]}\n", lambda e: f"{e[0]} {e[1]}\n\n  {e[2]}\n"),
        (
            "notes.md",
            lambda a: f"# {a[0]}\n\n- {a[1]}\n1. {a[2]}\n\n```\n{a[3]}\n```\n",
            lambda e: f"# {e[0]}\n\n- {e[1]}\n1. {e[2]}\n\n```\n{{a3}}\n```\n",
        ),
        (
            "clip.srt",
            lambda a: (
                f"1\n00:00:01,000 --> 00:00:02,500\n{a[0]}\n{a[2]}\n\n"
                f"2\n00:00:03,000 --> 00:00:04,000\n{a[1]}\n"
            ),
            lambda e: (
                f"1\n00:00:01,000 --> 00:00:02,500\n{e[0]} {e[2]}\n\n"
                f"2\n00:00:03,000 --> 00:00:04,000\n{e[1]}\n"
            ),
        ),
        (
            "clip.vtt",
            lambda a: f"WEBVTT\n\nNOTE made for a test\n\nc1\n00:01.000 --> 00:02.000 align:start\n{a[0]}\n",
            lambda e: f"WEBVTT\n\nNOTE made for a test\n\nc1\n00:01.000 --> 00:02.000 align:start\n{e[0]}\n",
        ),
    ],
)
def test_line_formats(translate_file, memorised_pairs: Pairs, name, make, expect) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    result = translate_file(name, make(ar).encode())
    assert result.data.decode() == expect(en).replace("{a3}", ar[3])


def test_pdf_comes_back_as_word_and_text(memorised_en_ar: Path, memorised_en_ar_pairs: Pairs) -> None:
    en, ar = [e for e, _ in memorised_en_ar_pairs], [a for _, a in memorised_en_ar_pairs]
    data = samples.pdf([[en[0], en[1]], [en[2]]])
    translate = engine_sentences(Translator(str(memorised_en_ar)), 1)
    word = translate_document("report.pdf", data, translate, source="en", target="ar")
    assert word.name == "report.ar.docx"
    paragraphs = docx.Document(io.BytesIO(word.data)).paragraphs
    assert [p.text for p in paragraphs] == [ar[0], ar[1], "", ar[2]]  # the empty one holds the page break
    assert paragraphs[0]._p.pPr.find(qn("w:bidi")) is not None
    text = translate_document("report.pdf", data, translate, source="en", target="ar", pdf_as="txt")
    assert (text.name, text.data.decode()) == ("report.ar.txt", f"{ar[0]}\n\n{ar[1]}\n\n{ar[2]}\n")


def test_saved_page_article_only(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    menu = "".join(f'<li><a href="/{i}">{ar[10 + i]}</a></li>' for i in range(4))
    article = " ".join(ar[:6])
    page = (
        f"<html><head><title>{ar[9]}</title></head><body><nav><ul>{menu}</ul></nav>"
        f"<article><h1>{ar[0]}</h1><p>{article}</p><p>{' '.join(ar[1:7])}</p></article>"
        f"<footer>{ar[20]}</footer></body></html>"
    )
    whole = translate_file("saved.html", page.encode())
    only = translate_file("saved.html", page.encode(), article_only=True)
    assert en[10] in whole.data.decode()
    assert en[10] not in only.data.decode() and en[20] not in only.data.decode()
    assert {p.translation for p in only.pairs} >= set(en[:7])


def test_a_repeated_paragraph_and_a_second_run_cost_no_model_call(
    memorised_ar_en: Path, memorised_pairs: Pairs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.spies import record_batches

    translator = Translator(str(memorised_ar_en))
    backend = translator.model_for("ar", "en").load()
    calls = record_batches(backend, monkeypatch)
    ar = [a for a, _ in memorised_pairs]
    data = f"{ar[0]}\n{ar[1]}\n{ar[0]}\n{ar[0]}\n".encode()
    translate_document("a.txt", data, engine_sentences(translator, 1), source="ar", target="en")
    assert sorted(t for call in calls for t in call) == sorted(ar[:2])
    calls.clear()
    translate_document("a.txt", data, engine_sentences(translator, 1), source="ar", target="en")
    assert calls == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.docx", "نص عادي".encode(), "report.docx is not a Word document: its content is not a zip"),
        ("report.pptx", samples.epub(["x"] * 6), "report.pptx is not a PowerPoint presentation: it has no"),
        ("report.odt", samples.epub(["x"] * 6), "report.odt is not an OpenDocument text: its mimetype"),
        ("report.pdf", b"PK\x03\x04 not a pdf", "report.pdf is not a PDF"),
        ("notes.txt", b"PK\x03\x04\x00\x00", "notes.txt is not a text file"),
        ("notes.txt", b"\xff\xfe\x00a", "notes.txt looks like a binary file"),
        ("notes.md", b"\xff\xfea", "notes.md is not UTF-8 text"),
        ("clip.srt", "نص بلا توقيت".encode(), "clip.srt is not a subtitle file"),
        ("report.exe", b"MZ", "tarjama translates .txt"),
    ],
)
def test_content_that_does_not_match_its_name_is_refused_by_name(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        translate_document(name, data, lambda s, t: list, source="ar", target="en")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("bomb", LimitExceededError, "report.docx: word/media/zeros.bin is compressed more than 100:1"),
        ("members", LimitExceededError, "report.docx holds 2,0"),
        ("laughs", InvalidInputError, "report.docx: word/document.xml declares entities of its own"),
        ("xxe", InvalidInputError, "report.docx: word/document.xml declares entities of its own"),
    ],
)
def test_hostile_archives_are_refused_before_anything_is_unpacked(
    kind: str, error: type, message: str
) -> None:
    with pytest.raises(error) as caught:
        translate_document("report.docx", hostile_word(kind), lambda s, t: list, source="ar", target="en")
    assert message in str(caught.value)


def test_the_unpacked_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    data = samples.word(["نص."] * 8)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr("tarjama.translate.documents.safety.MAX_DOCUMENT_UNPACKED_BYTES", unpacked - 1)
    with pytest.raises(LimitExceededError, match=f"report.docx unpacks to {unpacked:,} bytes; the limit is"):
        translate_document("report.docx", data, lambda s, t: list, source="ar", target="en")


def test_an_xhtml_file_with_entities_of_its_own_is_refused() -> None:
    page = BILLION_LAUGHS.replace("w:document", "html").encode()
    with pytest.raises(InvalidInputError, match=r"page\.xhtml declares entities of its own"):
        translate_document("page.xhtml", page, lambda s, t: list, source="ar", target="en")


def test_word_footnotes_and_text_boxes(translate_file, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    original = samples.word(ar)
    document = _members(original)["word/document.xml"].decode()
    box = (
        f"<w:p><w:r><w:t>{ar[10]} </w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
        f"<w:t>{ar[11]}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )
    document = document.replace("<w:body>", f"<w:body>{box}", 1)
    notes = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="'
        f'{samples.W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>{ar[12]}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    data = with_members(
        original, {"word/document.xml": document.encode(), "word/footnotes.xml": notes.encode()}
    )
    members = _members(translate_file("notes.docx", data).data)
    body = etree.fromstring(members["word/document.xml"])
    w = f"{{{samples.W_NS}}}"
    first = body.find(f"{w}body/{w}p")
    assert [t.text for t in first.iter(f"{w}t")] == [en[10] + " ", en[11]]  # the box's text is its own unit
    assert etree.fromstring(members["word/footnotes.xml"]).findtext(f".//{w}t") == en[12]
