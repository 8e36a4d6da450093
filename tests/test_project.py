"""The project's own promises about itself: the README's test command is what CI runs, and the installed
dependencies are within the ranges pyproject.toml pins (the ranges the suite has passed on)."""

from __future__ import annotations

import importlib.metadata
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"-q", "-qq", "--quiet"}  # output volume only: CI may be quieter than a person's terminal


def readme_test_command() -> str:
    """The shell command in the README's block under "Run the whole test suite"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"Run the whole test suite.*?```sh\n(.+?)\n```", readme, re.DOTALL)
    assert found, "the README has no test command block"
    return found.group(1)


def ci_test_command() -> str:
    """The command .ci/run runs between its marker comment and ``status=$?``, continuation lines joined."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    found = re.search(r"# --- the README's test command.*?\n(.+?)\nstatus=\$\?", script, re.DOTALL)
    assert found, ".ci/run has no marked test command"
    lines = [line for line in found.group(1).splitlines() if not re.match(r"\s*(export |set [+-]e)", line)]
    return " ".join(line.rstrip("\\").strip() for line in lines)


def steps(command: str) -> list[list[str]]:
    """The command as its ``&&``-joined steps, each as words; grouping, quiet flags and redirections of
    output to /dev/null dropped, since they change what is printed, not what is done."""
    words = shlex.split(command.replace("(", " ").replace(")", " "))
    result: list[list[str]] = [[]]
    for word in words:
        if word == "&&":
            result.append([])
        elif word not in QUIET and not re.fullmatch(r"\d?>+/dev/null|2>&1", word):
            result[-1].append(word)
    return result


def test_readme_test_command_is_what_ci_runs() -> None:
    readme, ci = steps(readme_test_command()), steps(ci_test_command())
    assert readme == ci
    programs = [step[0] for step in readme]
    assert programs[-1] == ".venv/bin/python" and readme[-1][1:] == ["-m", "pytest"]
    assert ["check", "."] in [s[1:] for s in readme] and ["format", "--check", "."] in [s[1:] for s in readme]


@pytest.mark.parametrize(
    ("readme", "ci", "same"),
    [
        ("a && b -q x", "(a) && b x >/dev/null", True),
        ("a && b x", "a && b y", False),
        ("a && b", "a && b && c", False),
        ("a && b && c", "a && c && b", False),
    ],
)
def test_step_comparison(readme: str, ci: str, same: bool) -> None:
    assert (steps(readme) == steps(ci)) is same


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]]


@pytest.mark.parametrize("requirement", requirements(), ids=str)
def test_installed_versions_are_within_the_pinned_ranges(requirement: Requirement) -> None:
    installed = importlib.metadata.version(requirement.name)
    assert requirement.specifier.contains(installed, prereleases=True), f"{requirement.name} {installed}"
