"""PDF in, text out: pypdf extracts each page's text; paragraphs (blank-line separated, else lines) are
translated in page order and come back as a .docx (a page break between pages) or a .txt."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.documents.units import Unit

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class PdfDocument:
    """A PDF's text as paragraphs by page; :meth:`docx` and :meth:`text` write the translation."""

    def __init__(self, data: bytes, name: str) -> None:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        if not data.startswith(b"%PDF-"):
            raise InvalidInputError(f"{name} is not a PDF: it does not start with %PDF-")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise InvalidInputError(f"{name} is encrypted; decrypt it first")
            texts = [page.extract_text() or "" for page in reader.pages]
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(f"{name} is not a readable PDF ({exc})") from None
        self.pages: list[list[str]] = []
        for text in texts:
            blocks = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.split("\n")
            self.pages.append([" ".join(block.split()) for block in blocks if block.strip()])
        self.units = [
            self._unit(page, index)
            for page, paragraphs in enumerate(self.pages)
            for index in range(len(paragraphs))
        ]

    def _unit(self, page: int, index: int) -> Unit:
        def write(runs: list[str]) -> None:
            self.pages[page][index] = "".join(runs)

        return Unit([self.pages[page][index]], write, f"page {page + 1}")

    def text(self) -> str:
        return "\n\n".join("\n\n".join(paragraphs) for paragraphs in self.pages) + "\n"

    def docx(self, target: str) -> bytes:
        """A minimal Word document: one paragraph per paragraph, a page break between pages."""
        bidi = "<w:pPr><w:bidi/></w:pPr>" if target == "ar" else ""
        run = (
            '<w:rPr><w:rtl/><w:lang w:bidi="ar-SA"/></w:rPr>'
            if target == "ar"
            else '<w:rPr><w:lang w:val="en-US"/></w:rPr>'
        )
        body = []
        for number, paragraphs in enumerate(self.pages):
            if number:
                body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            for paragraph in paragraphs:
                body.append(
                    f'<w:p>{bidi}<w:r>{run}<w:t xml:space="preserve">{escape(paragraph)}</w:t></w:r></w:p>'
                )
        document = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>"
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
            archive.writestr("_rels/.rels", _RELS)
            archive.writestr("word/document.xml", document)
        return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)

__all__ = ["PdfDocument"]
