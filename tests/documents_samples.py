"""Documents made for the tests from the memorised pairs: every format, an Arabic original each."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import docx
import pptx
from docx.oxml.ns import qn
from docx.shared import Inches
from pptx.util import Inches as SlideInches

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def png() -> bytes:
    """A 2x2 red PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _rtl(paragraph: docx.text.paragraph.Paragraph) -> None:
    props = paragraph._p.get_or_add_pPr()
    props.insert(0, props.makeelement(qn("w:bidi"), {}))
    paragraph.paragraph_format.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    for run in paragraph.runs:
        run._r.get_or_add_rPr().append(run._r.makeelement(qn("w:rtl"), {}))


def word(sentences: list[str]) -> bytes:
    """A Word document: a paragraph of two runs (bold, italic) holding whole sentences, one whose sentence
    crosses two runs, a table, a header, a footer, a list, an image with alt text; all right-to-left."""
    s = sentences
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(s[0] + " ").bold = True
    paragraph.add_run(s[1]).italic = True
    crossing = document.add_paragraph()
    words = s[2].split()
    crossing.add_run(words[0] + " ").underline = True
    crossing.add_run(" ".join(words[1:]))
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = s[3], "2026"
    document.add_paragraph(s[4], style="List Number")
    document.sections[0].header.paragraphs[0].text = s[5]
    document.sections[0].footer.paragraphs[0].text = s[6]
    document.add_picture(io.BytesIO(png()), width=Inches(1))
    document.inline_shapes[0]._inline.docPr.set("descr", s[7])
    for block in (
        *document.paragraphs,
        *table.cell(0, 0).paragraphs,
        *document.sections[0].header.paragraphs,
    ):
        _rtl(block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def slides(sentences: list[str]) -> bytes:
    """A presentation: a title, a body of two paragraphs, slide notes, a picture with alt text; RTL."""
    s = sentences
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = s[0]
    body = slide.placeholders[1].text_frame
    body.text = s[1]
    body.add_paragraph().text = s[2]
    slide.notes_slide.notes_text_frame.text = s[3]
    picture = slide.shapes.add_picture(io.BytesIO(png()), SlideInches(1), SlideInches(1))
    picture._element.nvPicPr.cNvPr.set("descr", s[4])
    for frame in (slide.shapes.title.text_frame, body):
        for paragraph in frame.paragraphs:
            props = paragraph._p.get_or_add_pPr()
            props.set("rtl", "1")
            props.set("algn", "r")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)
_ODF_STYLE = (
    '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
    '<style:paragraph-properties fo:text-align="right" style:writing-mode="rl-tb"/>'
    '<style:text-properties fo:language="ar" fo:country="SA"/></style:style>'
    '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/>'
    "</style:style></office:automatic-styles>"
)


def _odf(mimetype: str, body: str, styles: str) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    content = (
        f"{head}<office:document-content {ODF_NS}>{_ODF_STYLE}"
        f"<office:body>{body}</office:body></office:document-content>"
    )
    styles_xml = (
        f"{head}<office:document-styles {ODF_NS}>"
        f"<office:master-styles>{styles}</office:master-styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Pictures/red.png" manifest:media-type="image/png"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles_xml)
        archive.writestr("Pictures/red.png", png())
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def odt(sentences: list[str]) -> bytes:
    """OpenDocument text: a paragraph of a bold span and plain text (whole sentences each), a heading,
    a footnote, a table cell, a header; right-to-left Arabic paragraph style."""
    s = [escape(x) for x in sentences]
    body = (
        "<office:text>"
        f'<text:h text:outline-level="1" text:style-name="P1">{s[0]}</text:h>'
        f'<text:p text:style-name="P1"><text:span text:style-name="T1">{s[1]}</text:span> {s[2]}'
        f'<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
        f"<text:p>{s[3]}</text:p></text:note-body></text:note></text:p>"
        f'<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table-row>'
        f"<table:table-cell><text:p>{s[4]}</text:p></table:table-cell></table:table-row></table:table>"
        '<draw:frame draw:name="image"><draw:image xlink:href="Pictures/red.png"/>'
        f"<svg:desc>{s[5]}</svg:desc>"
        "</draw:frame></office:text>"
    )
    header = (
        '<style:master-page style:name="Standard">'
        f"<style:header><text:p>{s[6]}</text:p></style:header></style:master-page>"
    )
    return _odf("application/vnd.oasis.opendocument.text", body, header)


def odp(sentences: list[str]) -> bytes:
    """OpenDocument presentation: a slide with a text frame and speaker notes."""
    s = [escape(x) for x in sentences]
    body = (
        '<office:presentation><draw:page draw:name="page1">'
        f'<draw:frame><draw:text-box><text:p text:style-name="P1">{s[0]}</text:p>'
        f'<text:p text:style-name="P1">{s[1]}</text:p></draw:text-box></draw:frame>'
        f"<presentation:notes><draw:frame><draw:text-box><text:p>{s[2]}</text:p></draw:text-box></draw:frame>"
        "</presentation:notes></draw:page></office:presentation>"
    )
    return _odf("application/vnd.oasis.opendocument.presentation", body, "")


def xhtml(sentences: list[str], *, lang: str = "ar") -> str:
    """An XHTML chapter: a heading, a paragraph with inline markup, code and an image with alt text."""
    s = [escape(x) for x in sentences]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}" dir="rtl"><head>'
        f"<title>{s[0]}</title></head><body><h1>{s[1]}</h1><p><b>{s[2]}</b> {s[3]}</p>"
        f'<pre>{s[4]}</pre><img src="red.png" alt="{s[5]}"/></body></html>'
    )


def epub(sentences: list[str]) -> bytes:
    """An EPUB 3 book of one XHTML chapter and an image."""
    container = (
        '<?xml version="1.0"?>\n<container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="id">tarjama-test</dc:identifier><dc:title>Test</dc:title>'
        "<dc:language>ar</dc:language>"
        '</metadata><manifest><item id="c1" href="chapter.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="img" href="red.png" media-type="image/png"/></manifest>'
        '<spine page-progression-direction="rtl"><itemref idref="c1"/></spine></package>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/chapter.xhtml", xhtml(sentences))
        archive.writestr("OEBPS/red.png", png())
    return out.getvalue()


def _pdf_string(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF (Helvetica, so English only) with each page's paragraphs as lines a blank line apart."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for paragraphs in pages:
        lines = []
        for paragraph in paragraphs:
            lines += [paragraph, ""]
        ops = (
            "BT /F1 12 Tf 14 TL 72 720 Td "
            + " ".join(f"({_pdf_string(line)}) Tj T*" for line in lines)
            + " ET"
        )
        objects.append(f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream")
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
