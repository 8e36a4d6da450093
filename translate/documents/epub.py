"""EPUB: its XHTML chapters through the HTML reader, its package's ``dc:language`` turned to the target."""

from __future__ import annotations

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.documents.html import html_units, set_direction
from tarjama.translate.documents.safety import SafeZip, XmlParts

_CHAPTERS = (".xhtml", ".html", ".htm")


class EpubDocument:
    """An .epub: units of every XHTML member, written into a copy of the archive."""

    def __init__(self, data: bytes, name: str) -> None:
        self.zip = SafeZip(data, name, "EPUB book")
        names = self.zip.names()
        if "mimetype" not in names or self.zip.read("mimetype").strip() != b"application/epub+zip":
            raise InvalidInputError(f"{name} is not an EPUB book: its mimetype is not application/epub+zip")
        self.chapters = XmlParts(self.zip, [m for m in names if m.lower().endswith(_CHAPTERS)])
        self.packages = XmlParts(self.zip, [m for m in names if m.lower().endswith(".opf")])
        self.units = [unit for root in self.chapters.roots.values() for unit in html_units(root)]

    def set_direction(self, target: str) -> None:
        for root in self.chapters.roots.values():
            set_direction(root, target, whole=True)
        for root in self.packages.roots.values():
            for language in root.iter("{http://purl.org/dc/elements/1.1/}language"):
                language.text = target
            for spine in root.iter("{*}spine"):
                if spine.get("page-progression-direction"):
                    spine.set("page-progression-direction", "rtl" if target == "ar" else "ltr")

    def data(self) -> bytes:
        return self.zip.rewrite({**self.chapters.changed(), **self.packages.changed()})


__all__ = ["EpubDocument"]
