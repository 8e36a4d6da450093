"""Hostile documents: zip bombs, too many members, entity expansion and external entities."""

from __future__ import annotations

import io
import zipfile

from tests import documents_samples as samples

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + ']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
    "<w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
    "<w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"
)


def with_members(data: bytes, replace: dict[str, bytes], add: int = 0) -> bytes:
    """A copy of the archive ``data`` with members replaced or added, and ``add`` empty members more."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, replace.pop(info.filename, None) or source.read(info))
        for name, content in replace.items():
            target.writestr(name, content)
        for index in range(add):
            target.writestr(f"customXml/empty{index}.xml", b"")
    return out.getvalue()


def hostile_word(kind: str) -> bytes:
    """A .docx that is a zip bomb, holds too many files, or carries billion laughs or XXE."""
    word = samples.word(["نص."] * 8)
    if kind == "bomb":
        return with_members(word, {"word/media/zeros.bin": b"\0" * (20 * 1024 * 1024)})
    if kind == "members":
        return with_members(word, {}, add=2_001)
    document = BILLION_LAUGHS if kind == "laughs" else XXE
    return with_members(word, {"word/document.xml": document.encode()})
