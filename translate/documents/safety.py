"""Hostile files: zip bombs, XML entity tricks and files whose content does not match their name.

Every reader goes through here: a zip-based document's members are counted and their unpacked size and
compression ratio limited before anything is inflated, and XML is parsed with entity expansion, DTDs and
the network off. Everything stays in memory, so nothing is left on disk whatever the file does.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from tarjama.inference import textio
from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.inference.settings import MAX_DOCUMENT_MEMBERS, MAX_DOCUMENT_RATIO, MAX_DOCUMENT_UNPACKED_BYTES

_RATIO_FLOOR = 1024 * 1024  # members this small may compress as well as they like


def xml_parser() -> etree.XMLParser:
    """An XML parser that expands no entity, loads no DTD and reaches no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )


def parse_xml(data: bytes, what: str) -> etree._Element:
    """``data`` as an XML tree; :class:`InvalidInputError` naming ``what`` for broken XML or any DTD with
    declarations of its own (the way to billion laughs and XXE)."""
    if b"<!ENTITY" in data:
        raise InvalidInputError(f"{what} declares entities of its own, which documents may not")
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidInputError(f"{what} is not well-formed XML ({exc.msg})") from None


def serialize_xml(root: etree._Element) -> bytes:
    """``root``'s document as UTF-8 XML with its declaration (standalone kept as it was)."""
    tree = root.getroottree()
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=tree.docinfo.standalone)


class XmlParts:
    """Members of an archive parsed as XML; :meth:`changed` gives back only those whose tree changed."""

    def __init__(self, archive: SafeZip, members: list[str]) -> None:
        self.roots = {
            member: parse_xml(archive.read(member), f"{archive.name}: {member}") for member in members
        }
        self._before = {member: etree.tostring(root) for member, root in self.roots.items()}

    def changed(self) -> dict[str, bytes]:
        return {
            member: serialize_xml(root)
            for member, root in self.roots.items()
            if etree.tostring(root) != self._before[member]
        }


class SafeZip:
    """A zip archive whose members are checked before they are read: count, unpacked size, ratio."""

    def __init__(self, data: bytes, name: str, kind: str) -> None:
        if not data.startswith(b"PK\x03\x04"):
            raise InvalidInputError(f"{name} is not a {kind}: its content is not a zip archive")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise InvalidInputError(f"{name} is not a {kind}: the zip archive is damaged ({exc})") from None
        self.name = name
        self.infos = infos
        if len(infos) > MAX_DOCUMENT_MEMBERS:
            raise LimitExceededError(
                f"{name} holds {len(infos):,} files; the limit is {MAX_DOCUMENT_MEMBERS:,}"
            )
        total = sum(info.file_size for info in infos)
        if total > MAX_DOCUMENT_UNPACKED_BYTES:
            raise LimitExceededError(
                f"{name} unpacks to {total:,} bytes; the limit is {MAX_DOCUMENT_UNPACKED_BYTES:,}"
            )
        for info in infos:
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_DOCUMENT_RATIO * max(
                info.compress_size, 1
            ):
                raise LimitExceededError(
                    f"{name}: {info.filename} is compressed more than {MAX_DOCUMENT_RATIO}:1, like a zip bomb"
                )

    def names(self) -> list[str]:
        return [info.filename for info in self.infos]

    def read(self, member: str) -> bytes:
        """A member's bytes, never more than it declared (a lying header is refused)."""
        try:
            info = self.zip.getinfo(member)
            with self.zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except KeyError:
            raise InvalidInputError(f"{self.name} has no {member}") from None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise InvalidInputError(f"{self.name}: {member} cannot be read ({exc})") from None
        if len(data) > info.file_size:
            raise InvalidInputError(f"{self.name}: {member} is larger than its zip header says")
        return data

    def rewrite(self, changed: dict[str, bytes]) -> bytes:
        """The archive again, member by member in the same order and compression, ``changed`` members
        replaced; every other member's content is copied unchanged."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in self.infos:
                data = changed.get(info.filename)
                target.writestr(info, self.read(info.filename) if data is None else data)
        return out.getvalue()


def decode_text(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text (see :func:`inference.textio.decode_text`); an archive or a PDF named as
    text is refused by name."""
    if data.startswith((b"PK\x03\x04", b"%PDF-")):
        raise InvalidInputError(f"{name} is not a text file: its content is a zip archive or a PDF")
    return textio.decode_text(data, name=name)


__all__ = ["SafeZip", "XmlParts", "decode_text", "parse_xml", "serialize_xml", "xml_parser"]
