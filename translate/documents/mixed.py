"""Text units of mixed-content XML and HTML: text nodes between inline elements make one paragraph.

An element's text, the text of its inline children (recursively) and their tails are the runs of one
unit; a block child ends the unit and starts its own; a skipped element (code, ``translate="no"``) is
not looked into, and ends the unit like a block.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from tarjama.translate.documents.units import Unit

Test = Callable[[etree._Element], bool]


def local(element: etree._Element) -> str:
    """An element's tag without its namespace, in lower case ("" for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


class _Slot:
    """One text node: an element's ``text`` or ``tail``."""

    def __init__(self, element: etree._Element, attr: str) -> None:
        self.element, self.attr = element, attr

    def get(self) -> str:
        return getattr(self.element, self.attr) or ""

    def set(self, value: str) -> None:
        setattr(self.element, self.attr, value)


def _unit(slots: list[_Slot], anchor: str) -> Unit:
    def write(runs: list[str]) -> None:
        for slot, run in zip(slots, runs, strict=True):
            slot.set(run)

    return Unit([slot.get() for slot in slots], write, anchor)


def mixed_units(
    root: etree._Element, *, inline: Test, skip: Test, anchor: Callable[[etree._Element], str]
) -> list[Unit]:
    """The units under ``root`` in document order (see the module's docstring)."""
    units: list[Unit] = []

    def flush(slots: list[_Slot], owner: etree._Element) -> list[_Slot]:
        if any(slot.get().strip() for slot in slots):
            units.append(_unit(slots, anchor(owner)))
        return []

    def inline_runs(element: etree._Element, slots: list[_Slot], owner: etree._Element) -> list[_Slot]:
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction: keep its tail
                slots.append(_Slot(child, "tail"))
            elif skip(child):
                slots = flush(slots, owner)
                slots.append(_Slot(child, "tail"))
            elif inline(child):
                slots.append(_Slot(child, "text"))
                slots = inline_runs(child, slots, owner)
                slots.append(_Slot(child, "tail"))
            else:
                slots = flush(slots, owner)
                block(child)
                slots.append(_Slot(child, "tail"))
        return slots

    def block(element: etree._Element) -> None:
        if skip(element):
            return
        slots = inline_runs(element, [_Slot(element, "text")], element)
        flush(slots, element)

    block(root)
    return units


__all__ = ["local", "mixed_units"]
