"""Report files with real plots, and the compare gate."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.image import imread

from tarjama.eval import (
    Report,
    changes,
    compare_reports,
    load_ntrex,
    load_report,
    score_summaries,
    score_translations,
)
from tarjama.eval import write_report as write
from tarjama.inference.errors import InvalidInputError


@pytest.fixture(scope="module")
def mt_report() -> Report:
    refs = [item.reference for item in load_ntrex("ar", "en").items[:60]]
    shorter = [" ".join(line.split()[: max(1, len(line.split()) * 2 // 3)]) for line in refs]
    evaluation = score_translations({"full": refs, "shorter": shorter}, [refs], "en", n_bootstrap=200)
    return Report(
        evaluation, testset="ntrex", model="m", revision="abc123", source_lang="ar", target_lang="en"
    )


@pytest.fixture(scope="module")
def report_dir(mt_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "out"
    written = write(mt_report, folder)
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["report.json", "report.md", "report.html", "scores.png", "segment_scores.png", "length_ratio.png"]
    )
    return folder


def test_report_files_are_written_and_complete(report_dir: Path) -> None:
    data = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    for key in ("created", "testset", "model", "revision", "systems", "significance", "tarjama_version"):
        assert data[key], key
    system = data["systems"][0]
    assert set(system["signatures"]) == {"bleu", "chrf", "ter"} and "tok:13a" in system["signatures"]["bleu"]
    assert len(system["segments"]["chrf"]) == 60 and len(system["length_ratios"]) == 60
    assert system["bleu"] == pytest.approx(100.0)
    markdown = (report_dir / "report.md").read_text(encoding="utf-8")
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    for text in (markdown, html):
        assert "abc123" in text and "tok:13a" in text and "shorter" in text
        for plot in ("scores.png", "segment_scores.png", "length_ratio.png"):
            assert plot in text
    assert html.startswith("<!doctype html>") and html.count("<img ") == 3


@pytest.mark.parametrize("plot", ["scores.png", "segment_scores.png", "length_ratio.png"])
def test_plots_are_real_images_with_content(report_dir: Path, plot: str) -> None:
    image = imread(report_dir / plot)
    assert image.shape[0] > 200 and image.shape[1] > 300
    pixels = image[..., :3].reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 20  # axes, bars or lines, legend: not a blank canvas
    assert (pixels < 0.9).any(axis=1).mean() > 0.01


def test_summary_report(tmp_path: Path) -> None:
    refs = ["The cat sat on the mat.", "Rain fell all day in the city."]
    evaluation = score_summaries({"sys": ["A cat sat on a mat.", "It rained."]}, [refs], "en", n_bootstrap=20)
    write(Report(evaluation, testset="mine"), tmp_path)
    data = load_report(tmp_path)
    assert data["kind"] == "summary"
    assert set(data["systems"][0]) >= {"name", "rouge1", "rouge2", "rougeL", "rougeLsum", "ci"}
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "# Summary evaluation: mine" in markdown and "| rougeLsum |" in markdown
    assert "Paired bootstrap" not in markdown  # one system: nothing to compare


def _with(report: dict[str, Any], system: int, **scores: float) -> dict[str, Any]:
    changed = copy.deepcopy(report)
    changed["systems"][system].update(scores)
    return changed


@pytest.fixture(scope="module")
def baseline(mt_report: Report) -> dict[str, Any]:
    return json.loads(json.dumps(mt_report.as_dict()))


@pytest.mark.parametrize(
    ("new_scores", "max_drop", "regressed"),
    [
        ({}, 0.5, []),
        ({"bleu": -0.4}, 0.5, []),
        ({"bleu": -0.6}, 0.5, ["bleu"]),
        ({"bleu": -0.6}, 1.0, []),
        ({"chrf": +3.0, "bleu": +1.0}, 0.0, []),
        ({"ter": +0.7}, 0.5, ["ter"]),  # TER rising is a drop in quality
        ({"ter": -5.0}, 0.5, []),
        ({"bleu": -2.0, "chrf": -2.0, "ter": +2.0}, 0.5, ["bleu", "chrf", "ter"]),
    ],
)
def test_compare_flags_drops_beyond_the_allowed(
    baseline: dict[str, Any], new_scores: dict[str, float], max_drop: float, regressed: list[str]
) -> None:
    system = baseline["systems"][1]
    new = _with(baseline, 1, **{m: system[m] + delta for m, delta in new_scores.items()})
    found = compare_reports(new, baseline, max_drop)
    assert sorted(r.metric for r in found) == regressed
    assert all(r.system == "shorter" and r.drop > max_drop for r in found)
    assert len(changes(new, baseline, max_drop)) == 6


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.update(testset="tatoeba"), "testset is 'ntrex' in the baseline but 'tatoeba'"),
        (lambda r: r.update(items=10), "items"),
        (
            lambda r: r["systems"][0]["signatures"].update(bleu="nrefs:1|tok:intl"),
            "bleu was computed differently",
        ),
        (lambda r: r["systems"].pop(1), "no system shorter"),
    ],
)
def test_compare_refuses_reports_that_are_not_comparable(
    baseline: dict[str, Any], edit: Any, message: str
) -> None:
    new = copy.deepcopy(baseline)
    edit(new)
    with pytest.raises(InvalidInputError, match=message):
        compare_reports(new, baseline)


def test_compare_ignores_the_sacrebleu_version(baseline: dict[str, Any]) -> None:
    new = copy.deepcopy(baseline)
    for system in new["systems"]:
        system["signatures"] = {
            m: s.replace("version:2.", "version:9.") for m, s in system["signatures"].items()
        }
    assert compare_reports(new, baseline) == []


@pytest.mark.parametrize(("content", "message"), [("{", "not a tarjama report.json"), ("{}", "no 'systems'")])
def test_load_report_rejects_other_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        load_report(path)
    with pytest.raises(InvalidInputError, match="does not exist"):
        load_report(tmp_path / "missing.json")
