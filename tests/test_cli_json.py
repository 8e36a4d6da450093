"""Every `--json` variant of a command exits as the plain command does: scripts read the exit status.

The table of commands is checked against the command tree itself, so a command that gains ``--json``
cannot be forgotten here; each is run in every listed situation with and without ``--json``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarjama import cli

EN_REFS = ["The talks ended without a deal on Monday.", "Rain is expected across the north.", "He won."]
EN_HYP = ["Talks ended with no deal on Monday.", "Rain is expected in the north.", "He won."]
ARTICLE = "The talks ended on Monday. Rain is expected across the north. He won the vote. They left."


class Place:
    """Files for one run of one situation; ``model()`` builds the memorised model only when asked."""

    def __init__(self, folder: Path, request: pytest.FixtureRequest) -> None:
        self.folder = folder
        self._request = request

    def write(self, name: str, lines: list[str]) -> str:
        path = self.folder / name
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return str(path)

    def model(self) -> str:
        return str(self._request.getfixturevalue("memorised_ar_en"))

    def arabic(self) -> list[str]:
        return [a for a, _ in self._request.getfixturevalue("memorised_pairs")[:2]]

    def report(self, name: str, hyp: list[str]) -> str:
        folder = self.folder / name
        hyp_file, ref_file = self.write(f"{name}.txt", hyp), self.write("ref.txt", EN_REFS)
        assert cli.main(["eval", "mt", "--hyp", hyp_file, "--ref", ref_file, "--report", str(folder)]) == 0
        return str(folder / "report.json")

    def broken_cache(self) -> str:
        return self.write("broken.sqlite3", ["not a database"])


@dataclass(frozen=True)
class Situation:
    command: tuple[str, ...]
    name: str
    args: Callable[[Place], list[str]]
    code: int

    def __str__(self) -> str:
        return f"{' '.join(self.command)}: {self.name}"


def _articles(place: Place, lines: list[str]) -> str:
    folder = place.folder / "articles"
    folder.mkdir()
    for number, line in enumerate(lines):
        (folder / f"{number}.txt").write_text(line + "\n", encoding="utf-8")
    return str(folder)


def _translate(p: Place) -> list[str]:
    return ["translate", p.write("a.ar", p.arabic()), "--from", "ar", "--model", p.model(), "--beam", "1"]


def _translate_batch(p: Place) -> list[str]:
    out = str(p.folder / "out.jsonl")
    return ["translate", "batch", _articles(p, p.arabic()), "-o", out, "--from", "ar", "--model", p.model()]


def _summarize_batch(p: Place) -> list[str]:
    out = str(p.folder / "out.jsonl")
    return ["summarize", "batch", _articles(p, [ARTICLE, ARTICLE]), "-o", out, "--method", "extractive"]


def _scored(command: str, hyp: list[str], *extra: str) -> Callable[[Place], list[str]]:
    return lambda p: [
        "eval",
        command,
        "--hyp",
        p.write("h.txt", hyp),
        "--ref",
        p.write("r.txt", EN_REFS),
        *extra,
    ]


def _run(command: str, testset: str, *extra: str) -> Callable[[Place], list[str]]:
    def args(p: Place) -> list[str]:
        model = ["--model", p.model(), "--beam", "1"] if command == "run" and testset != "nope" else []
        return ["eval", command, "--testset", testset, *model, *extra]

    return args


def _compare(new: list[str]) -> Callable[[Place], list[str]]:
    return lambda p: ["eval", "compare", p.report("new", new), "--baseline", p.report("old", EN_HYP)]


def _glossary(place: Place, second: str) -> list[str]:
    """``glossary list`` of a file whose second line is ``second`` (after أربيل → Erbil)."""
    return ["glossary", "list", place.write("g.tsv", ["أربيل\tErbil", second])]


def _cache(action: str, broken: bool) -> Callable[[Place], list[str]]:
    return lambda p: ["cache", action, "--cache", p.broken_cache() if broken else str(p.folder / "c.sqlite3")]


SITUATIONS = [
    Situation(("translate",), "translated", _translate, 0),
    Situation(("translate",), "no such file", lambda p: ["translate", str(p.folder / "missing.txt")], 1),
    Situation(("translate",), "batch", _translate_batch, 0),
    Situation(
        ("translate",), "batch, no input", lambda p: ["translate", "batch", "none", "-o", "o.jsonl"], 1
    ),
    Situation(("summarize",), "summarised", lambda p: ["summarize", p.write("a.txt", [ARTICLE])], 0),
    Situation(("summarize",), "empty article", lambda p: ["summarize", p.write("a.txt", [" "])], 1),
    Situation(("summarize",), "batch", _summarize_batch, 0),
    Situation(("models", "list"), "listed", lambda p: ["models", "list"], 0),
    Situation(("glossary", "list"), "listed", lambda p: ["glossary", "list"], 0),
    Situation(("glossary", "list"), "a term with two targets", lambda p: _glossary(p, "أربيل\tHawler"), 1),
    Situation(("eval", "mt"), "scored", _scored("mt", EN_HYP), 0),
    Situation(("eval", "mt"), "lines differ", _scored("mt", EN_HYP[:2]), 1),
    Situation(("eval", "summary"), "scored", _scored("summary", EN_HYP, "--lang", "en"), 0),
    Situation(("eval", "summary"), "lines differ", _scored("summary", EN_HYP[:1], "--lang", "en"), 1),
    Situation(("eval", "run"), "scored", _run("run", "tatoeba", "--limit", "2", "--bootstrap", "10"), 0),
    Situation(("eval", "run"), "no such test set", _run("run", "nope"), 1),
    Situation(
        ("eval", "summarize"), "scored", _run("summarize", "cnndm", "--limit", "2", "--bootstrap", "10"), 0
    ),
    Situation(("eval", "summarize"), "no such test set", _run("summarize", "nope"), 1),
    Situation(("eval", "compare"), "no regression", _compare(EN_HYP), 0),
    Situation(("eval", "compare"), "regression", _compare(["Talks.", "Rain.", "He."]), 1),
    Situation(("cache", "stats"), "working", _cache("stats", broken=False), 0),
    Situation(("cache", "stats"), "broken", _cache("stats", broken=True), 1),
    Situation(("cache", "check"), "working", _cache("check", broken=False), 0),
    Situation(("cache", "check"), "broken", _cache("check", broken=True), 1),
]
ONLY_SUCCEEDS = {("models", "list")}  # reads nothing a user gives


def commands_with_json(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """The commands of the tree under ``parser`` that take ``--json``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands_with_json(sub, (*path, name))
        elif "--json" in action.option_strings:
            yield path


def test_the_table_holds_every_command_with_json_and_both_outcomes() -> None:
    commands = set(commands_with_json(cli.build_parser()))
    assert commands == {s.command for s in SITUATIONS}
    for command in commands:
        codes = {s.code for s in SITUATIONS if s.command == command}
        assert codes == ({0} if command in ONLY_SUCCEEDS else {0, 1}), command


@pytest.mark.parametrize("situation", SITUATIONS, ids=str)
def test_json_exits_as_the_plain_command_does(
    situation: Situation, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = {}
    for variant in ("plain", "json"):
        place = Place(tmp_path / variant, request)
        place.folder.mkdir()
        args = situation.args(place) + (["--json"] if variant == "json" else [])
        capsys.readouterr()  # what making the inputs printed
        code = cli.main(args)
        out, err = capsys.readouterr()
        outcomes[variant] = code
        if variant == "json" and code == 0 and "batch" not in args:
            json.loads(out)  # what it printed is JSON
    assert outcomes == {"plain": situation.code, "json": situation.code}, err
