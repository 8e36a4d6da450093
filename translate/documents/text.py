"""Line-based formats: plain text, Markdown and subtitles (SubRip .srt, WebVTT .vtt)."""

from __future__ import annotations

import re

from tarjama.translate.documents.units import Unit

_MD_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+|>\s?)*)")
_FENCE = re.compile(r"^\s*(```|~~~)")


class LineDocument:
    """A text file as lines; units replace the part of a line (or a cue's lines) that holds text."""

    def __init__(self, text: str, kind: str) -> None:
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.dropped: set[int] = set()  # a cue's later lines, once its text is on its first line
        self.units: list[Unit] = {
            "txt": self._plain,
            "md": self._markdown,
            "srt": self._cues,
            "vtt": self._cues,
        }[kind]()

    def _line_unit(self, index: int, start: int = 0) -> Unit:
        def write(runs: list[str]) -> None:
            self.lines[index] = self.lines[index][:start] + "".join(runs)

        return Unit([self.lines[index][start:]], write, f"line {index + 1}")

    def _plain(self) -> list[Unit]:
        return [self._line_unit(i) for i, line in enumerate(self.lines) if line.strip()]

    def _markdown(self) -> list[Unit]:
        units, fenced = [], False
        for index, line in enumerate(self.lines):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced or not line.strip() or line.startswith(("    ", "\t")) or line.lstrip().startswith("|"):
                continue
            units.append(self._line_unit(index, len(_MD_PREFIX.match(line).group(1))))
        return units

    def _cues(self) -> list[Unit]:
        """Each cue's text lines (those after its ``-->`` timing line) as one unit on one line."""
        units, index = [], 0
        while index < len(self.lines):
            if "-->" not in self.lines[index]:
                index += 1
                continue
            first = index + 1
            last = first
            while last < len(self.lines) and self.lines[last].strip():
                last += 1
            if last > first:
                units.append(self._cue_unit(first, last))
            index = last
        return units

    def _cue_unit(self, first: int, last: int) -> Unit:
        def write(runs: list[str]) -> None:
            self.lines[first] = "".join(runs).strip()
            self.dropped.update(range(first + 1, last))

        return Unit(
            [" ".join(line.strip() for line in self.lines[first:last])], write, f"cue at line {first}"
        )

    def text(self) -> str:
        return self.newline.join(line for i, line in enumerate(self.lines) if i not in self.dropped)


__all__ = ["LineDocument"]
