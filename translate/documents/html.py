"""HTML and XHTML through lxml: text nodes, ``title``/``alt``/``placeholder`` attributes; code, scripts,
styles and anything marked ``translate="no"`` or ``class="notranslate"`` left alone; ``lang`` and ``dir``
turned to the target language."""

from __future__ import annotations

import lxml.html
from lxml import etree

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.documents.mixed import local, mixed_units
from tarjama.translate.documents.safety import parse_xml, serialize_xml
from tarjama.translate.documents.units import Unit

INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "br",
    ]
)
RAW = frozenset(["script", "style", "code", "pre", "textarea", "samp", "noscript", "template", "svg", "math"])
ATTRIBUTES = ("title", "alt", "placeholder")
_DIRECTION = {"ar": "rtl", "en": "ltr"}


def _skip(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if local(element) in RAW:
        return True
    if (element.get("translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (element.get("class") or "").split()


def _inline(element: etree._Element) -> bool:
    return local(element) in INLINE


def _anchor(element: etree._Element) -> str:
    return f"<{local(element)}>"


def _attribute_unit(element: etree._Element, name: str) -> Unit:
    def write(runs: list[str]) -> None:
        element.set(name, "".join(runs))

    return Unit([element.get(name) or ""], write, f"<{local(element)} {name}>")


def html_units(root: etree._Element) -> list[Unit]:
    """The text units of an HTML or XHTML tree: text first, then translatable attributes."""
    units = mixed_units(root, inline=_inline, skip=_skip, anchor=_anchor)
    for element in root.iter():
        if not isinstance(element.tag, str) or any(_skip(e) for e in (element, *element.iterancestors())):
            continue
        for name in ATTRIBUTES:
            if (element.get(name) or "").strip():
                units.append(_attribute_unit(element, name))
    return units


def set_direction(root: etree._Element, target: str, *, whole: bool) -> None:
    """Turn ``dir`` and ``lang`` attributes to ``target``; ``whole``: also mark the ``html`` element."""
    direction = _DIRECTION[target]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if (element.get("dir") or "").lower() in ("rtl", "ltr"):
            element.set("dir", direction)
        for name in ("lang", "{http://www.w3.org/XML/1998/namespace}lang"):
            if element.get(name) and element.get(name).split("-")[0].lower() in _DIRECTION:
                element.set(name, target)
    if whole and local(root) == "html":
        root.set("lang", target)
        root.set("dir", direction)


class HtmlDocument:
    """An HTML page or fragment (``xml=False``) or an XHTML document (``xml=True``)."""

    def __init__(self, text: str, *, xml: bool = False, name: str = "the HTML") -> None:
        self.xml, self.name = xml, name
        self.fragment = False
        if xml:
            self.root = parse_xml(text.encode("utf-8"), name)
            self.units = html_units(self.root)
            return
        if not text.strip():
            raise InvalidInputError(f"{name} is empty")
        head = text[:4096].lower()
        self.whole = "<html" in head or "<!doctype" in head
        try:
            self._parse(text, head)
        except (etree.ParserError, ValueError) as exc:
            raise InvalidInputError(f"{name} cannot be read as HTML: {exc}") from None
        self.units = html_units(self.root)

    def _parse(self, text: str, head: str) -> None:
        if self.whole:
            self.root = lxml.html.document_fromstring(text)
            declared = "<!doctype" in head
            self.doctype = self.root.getroottree().docinfo.doctype if declared else None
        else:
            self.fragment = True
            self.root = lxml.html.fragment_fromstring(text, create_parent="div")

    def set_direction(self, target: str) -> None:
        set_direction(self.root, target, whole=not self.fragment)

    def declare_utf8(self) -> None:
        """Say in the page's head that it is UTF-8 (a saved file has no HTTP header to say it)."""
        if self.xml or self.fragment or self.root.find(".//meta[@charset]") is not None:
            return
        head = self.root.find("head")
        if head is None:
            head = etree.Element("head")
            self.root.insert(0, head)
        for meta in head.findall("meta[@http-equiv]"):
            if (meta.get("http-equiv") or "").lower() == "content-type":
                head.remove(meta)
        head.insert(0, etree.Element("meta", charset="utf-8"))

    def text(self) -> str:
        """The (translated) markup; :class:`InvalidInputError` when lxml cannot write it (a tag name that
        is not a name)."""
        try:
            return self._serialize()
        except ValueError as exc:
            raise InvalidInputError(f"{self.name} cannot be written back as HTML: {exc}") from None

    def _serialize(self) -> str:
        if self.xml:
            return serialize_xml(self.root).decode("utf-8")
        if self.fragment:
            head = self.root.text or ""
            return head + "".join(lxml.html.tostring(child, encoding="unicode") for child in self.root)
        return lxml.html.tostring(self.root, encoding="unicode", doctype=self.doctype)


__all__ = ["ATTRIBUTES", "HtmlDocument", "html_units", "set_direction"]
