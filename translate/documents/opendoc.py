"""OpenDocument text (.odt) and presentations (.odp): ``content.xml`` and the headers and footers of
``styles.xml``; writing mode, physical alignment and language attributes turned to the target."""

from __future__ import annotations

from lxml import etree

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.documents.mixed import local, mixed_units
from tarjama.translate.documents.safety import SafeZip, XmlParts
from tarjama.translate.documents.units import Unit

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_INLINE = {"span", "a", "s", "tab", "line-break", "soft-page-break", "bookmark", "bookmark-start",
           "bookmark-end", "reference-mark", "ruby", "ruby-base"}  # fmt: skip
_SKIP = {"note-citation", "automatic-styles", "font-face-decls", "styles", "binary-data", "forms",
         "sequence-decls", "tracked-changes", "scripts", "settings"}  # fmt: skip
_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_WRITING = {"ar": "rl-tb", "en": "lr-tb"}
_COUNTRY = {"ar": "SA", "en": "US"}


def _inline(element: etree._Element) -> bool:
    return etree.QName(element).namespace == TEXT and local(element) in _INLINE


def _skip(element: etree._Element) -> bool:
    return local(element) in _SKIP


def set_direction(root: etree._Element, target: str) -> None:
    """Writing mode, physical alignment and ar/en language attributes of ``root`` turned to ``target``."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in list(element.attrib.items()):
            attr = etree.QName(name).localname
            if attr == "writing-mode" and value in ("rl-tb", "lr-tb", "rl", "lr"):
                element.set(name, _WRITING[target] if "-" in value else _WRITING[target][:2])
            elif attr == "text-align" and value in ("left", "right"):
                element.set(name, "right" if target == "ar" else "left")
            elif attr.startswith("language") and value in _COUNTRY:
                element.set(name, target)
                country = name.replace("language", "country")
                if element.get(country):
                    element.set(country, _COUNTRY[target])


class OpenDocument:
    """An .odt or .odp: units of its content and its master pages, written into a copy of the archive."""

    def __init__(self, data: bytes, name: str, kind: str) -> None:
        what = {"odt": "OpenDocument text", "odp": "OpenDocument presentation"}[kind]
        self.zip = SafeZip(data, name, what)
        names = self.zip.names()
        if "mimetype" not in names or self.zip.read("mimetype").strip() != _MIMETYPES[kind].encode():
            raise InvalidInputError(f"{name} is not an {what}: its mimetype is not {_MIMETYPES[kind]}")
        self.parts = XmlParts(self.zip, [m for m in ("content.xml", "styles.xml") if m in names])
        self.units: list[Unit] = []
        for member, root in self.parts.roots.items():
            places = root.iter(f"{{{OFFICE}}}body", f"{{{OFFICE}}}master-styles")
            for place in places:
                self.units += mixed_units(place, inline=_inline, skip=_skip, anchor=lambda e, m=member: m)

    def set_direction(self, target: str) -> None:
        for root in self.parts.roots.values():
            set_direction(root, target)

    def data(self) -> bytes:
        return self.zip.rewrite(self.parts.changed())


__all__ = ["OpenDocument"]
