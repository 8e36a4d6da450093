"""Word (.docx) and PowerPoint (.pptx) through their XML: runs of each paragraph, image alt text, and the
paragraph and run properties that say direction and language. Every other member is copied unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.documents.safety import SafeZip, XmlParts
from tarjama.translate.documents.units import Unit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LANG = {"ar": "ar-SA", "en": "en-US"}
_WORD_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_SLIDE_PARTS = re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml$")
# w:pPr and w:rPr children that come after w:bidi / w:rtl in the schema's order
_AFTER_BIDI = {
    W + n
    for n in [
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
}
_AFTER_RTL = {W + n for n in ["cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]}
_AFTER_SECTION_BIDI = {W + n for n in ["rtlGutter", "docGrid", "printerSettings", "sectPrChange"]}
_AFTER_LANG = {W + n for n in ["eastAsianLayout", "specVanish", "oMath"]}


def _child(parent: etree._Element, tag: str, after: set[str]) -> etree._Element:
    """``parent``'s ``tag`` child, made in its schema position (before the first of ``after``) if absent."""
    found = parent.find(tag)
    if found is not None:
        return found
    element = etree.Element(tag)
    for index, child in enumerate(parent):
        if child.tag in after:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def _props(owner: etree._Element, tag: str) -> etree._Element:
    props = owner.find(tag)
    if props is None:
        props = etree.Element(tag)
        owner.insert(0, props)
    return props


def _owned(paragraph: etree._Element, tag: str, paragraph_tag: str) -> list[etree._Element]:
    """``tag`` elements of ``paragraph`` itself, not of a paragraph nested in it (a text box)."""
    found = []
    for element in paragraph.iter(tag):
        parent = element.getparent()
        while parent is not None and parent.tag != paragraph_tag:
            parent = parent.getparent()
        if parent is paragraph:
            found.append(element)
    return found


def _runs_unit(texts: list[list[etree._Element]], anchor: str) -> Unit:
    """A unit over runs, each the list of its text elements (``w:t`` / ``a:t``)."""

    def write(runs: list[str]) -> None:
        for elements, run in zip(texts, runs, strict=True):
            elements[0].text = run
            if elements[0].tag == W + "t":
                elements[0].set(XML_SPACE, "preserve")
            for extra in elements[1:]:
                extra.text = ""

    return Unit(["".join(t.text or "" for t in elements) for elements in texts], write, anchor)


def _attribute_units(root: etree._Element, names: tuple[str, ...], anchor: str) -> list[Unit]:
    units = []
    for element in root.iter("{*}docPr", "{*}cNvPr"):
        for name in names:
            if (element.get(name) or "").strip():
                units.append(_attr_unit(element, name, anchor))
    return units


def _attr_unit(element: etree._Element, name: str, anchor: str) -> Unit:
    def write(runs: list[str]) -> None:
        element.set(name, "".join(runs))

    return Unit([element.get(name) or ""], write, f"{anchor} ({name})")


RunsOf = Callable[[etree._Element], list[list[etree._Element]]]


def _units(root: etree._Element, part: str, paragraph_tag: str, runs_of: RunsOf) -> list[Unit]:
    """A unit per paragraph with text (its runs, each the list of its text elements), then alt texts."""
    units = []
    for paragraph in root.iter(paragraph_tag):
        if runs := runs_of(paragraph):
            units.append(_runs_unit(runs, part))
    return units + _attribute_units(root, ("descr", "title"), part)


def _word_runs(paragraph: etree._Element) -> list[list[etree._Element]]:
    return [texts for run in _owned(paragraph, W + "r", W + "p") if (texts := run.findall(W + "t"))]


def _slide_runs(paragraph: etree._Element) -> list[list[etree._Element]]:
    return [[t] for t in paragraph.iter(A + "t")]


def _mark(props: etree._Element, tag: str, on: bool, after: set[str]) -> None:
    """Add the flag element ``tag`` to ``props`` (in its schema position) or take it away."""
    found = props.find(tag)
    if on and found is None:
        _child(props, tag, after)
    elif not on and found is not None:
        props.remove(found)


def _drop_if_empty(owner: etree._Element, props: etree._Element) -> None:
    if len(props) == 0 and not props.attrib:
        owner.remove(props)


def _word_direction(root: etree._Element, target: str) -> None:
    rtl = target == "ar"
    for paragraph in root.iter(W + "p"):
        props = _props(paragraph, W + "pPr")
        _mark(props, W + "bidi", rtl, _AFTER_BIDI)
        jc = props.find(W + "jc")
        if jc is not None and jc.get(W + "val") in ("left", "right"):
            jc.set(W + "val", "right" if rtl else "left")
        _drop_if_empty(paragraph, props)
        for run in _owned(paragraph, W + "r", W + "p"):
            if run.find(W + "t") is None:
                continue
            run_props = _props(run, W + "rPr")
            _mark(run_props, W + "rtl", rtl, _AFTER_RTL)
            _child(run_props, W + "lang", _AFTER_LANG).set(W + "bidi" if rtl else W + "val", _LANG[target])
    for section in root.iter(W + "sectPr"):
        _mark(section, W + "bidi", rtl, _AFTER_SECTION_BIDI)


def _slide_direction(root: etree._Element, target: str) -> None:
    rtl = target == "ar"
    for paragraph in root.iter(A + "p"):
        props = _props(paragraph, A + "pPr")
        props.set("rtl", "1" if rtl else "0")
        if props.get("algn") in ("l", "r"):
            props.set("algn", "r" if rtl else "l")
        for run in paragraph.iter(A + "r"):
            run_props = _props(run, A + "rPr")
            run_props.set("lang", _LANG[target])


class OfficeDocument:
    """A .docx or .pptx: units of its text parts, written back into a copy of the archive."""

    def __init__(self, data: bytes, name: str, kind: str) -> None:
        what = {"docx": "Word document", "pptx": "PowerPoint presentation"}[kind]
        self.zip = SafeZip(data, name, what)
        names = self.zip.names()
        main = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}[kind]
        if "[Content_Types].xml" not in names or main not in names:
            raise InvalidInputError(f"{name} is not a {what}: it has no {main}")
        pattern = _WORD_PARTS if kind == "docx" else _SLIDE_PARTS
        paragraph_tag, runs_of = (W + "p", _word_runs) if kind == "docx" else (A + "p", _slide_runs)
        self.direction = _word_direction if kind == "docx" else _slide_direction
        self.parts = XmlParts(self.zip, [member for member in names if pattern.match(member)])
        self.units = [
            unit
            for member, root in self.parts.roots.items()
            for unit in _units(root, member, paragraph_tag, runs_of)
        ]

    def set_direction(self, target: str) -> None:
        for root in self.parts.roots.values():
            self.direction(root, target)

    def data(self) -> bytes:
        return self.zip.rewrite(self.parts.changed())


__all__ = ["OfficeDocument"]
