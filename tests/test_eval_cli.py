"""`tarjama eval ...` as a person runs it: JSON shapes, one clear error per bad input, the gate, runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tarjama import cli
from tarjama.eval import MTItem, MTTestSet, RunResult, load_cnndm, run_summaries, run_translation
from tarjama.eval.rouge import split_summary_sentences
from tarjama.eval.run import REFERENCE_LENGTH_RULE, _realign, lead, reference_length, select
from tarjama.eval.testsets import load_summary_testset
from tarjama.translate import Translator

EN_REFS = ["The talks ended without a deal on Monday.", "Rain is expected across the north.", "He won."]
EN_HYP = ["Talks ended with no deal on Monday.", "Rain is expected in the north.", "He won."]


def write(path: Path, lines: Sequence[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_mt_json_shape_with_two_systems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = write(tmp_path / "ref.txt", EN_REFS)
    good = write(tmp_path / "good.txt", EN_HYP)
    bad = write(tmp_path / "bad.txt", ["Nothing.", "Something else entirely.", "No."])
    code, out, err = run_cli(["eval", "mt", "--hyp", good, "--hyp", bad, "--ref", ref, "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [s["name"] for s in data["systems"]] == ["good", "bad"]
    for system in data["systems"]:
        assert {"name", "bleu", "chrf", "ter", "signatures", "ci"} <= set(system)
        assert all(isinstance(system[m], float) and 0 <= system[m] <= 100 for m in ("bleu", "chrf"))
        assert set(system["ci"]) == {"bleu", "chrf", "ter"}
    assert data["systems"][0]["bleu"] > data["systems"][1]["bleu"]
    assert {(c["system"], c["metric"]) for c in data["significance"]} == {
        ("bad", m) for m in ("bleu", "chrf", "ter")
    }


def test_mt_text_output_names_the_tokenizer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = write(tmp_path / "ref.ar", ["قال الرئيس، في بيان: «لن نتراجع»."])
    hyp = write(tmp_path / "hyp.ar", ["قال الرئيس في بيان: لن نتراجع."])
    code, out, _ = run_cli(["eval", "mt", "--hyp", hyp, "--ref", ref], capsys)
    assert code == 0
    assert "language ar" in out and "tok:intl" in out and "hyp" in out


def test_mt_text_output_explains_the_significance_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = write(tmp_path / "ref.txt", EN_REFS)
    same, other = write(tmp_path / "same.txt", EN_HYP), write(tmp_path / "other.txt", ["x y z"] * 3)
    args = ["eval", "mt", "--hyp", write(tmp_path / "base.txt", EN_HYP), "--hyp", same, "--hyp", other]
    code, out, _ = run_cli([*args, "--ref", ref], capsys)
    assert code == 0
    rows = {tuple(line.split()[:2]): line for line in out.splitlines() if line.startswith(("same", "other"))}
    for metric in ("bleu", "chrf", "ter"):
        assert rows["same", metric].split()[2:] == ["+0.00", "0.0010", "no", "difference"]
        assert rows["other", metric].split()[2:][-1] == "*"
    assert "A difference of zero is never significant" in out


def test_summary_json_shape_with_two_references(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref1 = write(tmp_path / "r1.txt", EN_REFS)
    ref2 = write(tmp_path / "r2.txt", EN_HYP)
    hyp = write(tmp_path / "sys.txt", EN_HYP)
    args = ["eval", "summary", "--hyp", hyp, "--ref", ref1, "--ref", ref2, "--lang", "en", "--json"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    system = json.loads(out)["systems"][0]
    assert {"name", "rouge1", "rouge2", "rougeL", "rougeLsum", "ci"} <= set(system)
    assert system["rouge1"] == pytest.approx(100.0)  # the second reference is the hypothesis itself


@pytest.mark.parametrize("command", ["mt", "summary"])
@pytest.mark.parametrize(
    ("hyp", "ref", "message"),
    [
        (["a", "b"], ["a", "b", "c"], "hyp.txt has 2 lines but {ref} has 3"),
        (["a", "b", "c"], ["a", "", "c"], "{ref} line 2 is empty"),
        (["a", "", "c"], ["a", "b", "c"], "{hyp} line 2 is empty"),
        (b"caf\xe9\n", ["cafe"], "{hyp} is not UTF-8 text (byte 0xe9 at offset 3)"),
        (None, ["a"], "{hyp} does not exist"),
        ([], ["a"], "{hyp} is empty"),
    ],
)
def test_bad_input_gives_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, hyp: Any, ref: list[str], message: str
) -> None:
    hyp_path, ref_path = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    write(ref_path, ref)
    if isinstance(hyp, bytes):
        hyp_path.write_bytes(hyp)
    elif hyp == []:
        hyp_path.write_text("", encoding="utf-8")
    elif hyp is not None:
        write(hyp_path, hyp)
    args = ["eval", command, "--hyp", str(hyp_path), "--ref", str(ref_path), "--lang", "en"]
    code, out, err = run_cli(args, capsys)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tarjama: error: ")
    assert message.format(hyp=hyp_path, ref=ref_path) in lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["eval", "mt", "--lang", "en"],
        ["eval", "summary", "--lang", "en"],
        ["eval", "run", "--testset", "tatoeba", "--model", "opus-mt-ar-en", "--limit", "2"],
        ["eval", "summarize", "--testset", "easc", "--limit", "2"],
    ],
    ids=["mt", "summary", "run", "summarize"],
)
@pytest.mark.parametrize("samples", ["0", "-5"])
def test_bootstrap_below_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], samples: str
) -> None:
    files = ["--hyp", write(tmp_path / "h.txt", EN_HYP), "--ref", write(tmp_path / "r.txt", EN_REFS)]
    args = [*command, *(files if command[1] in ("mt", "summary") else []), "--bootstrap", samples]
    code, out, err = run_cli(args, capsys)
    assert code == 1 and out == ""
    expected = f"the number of bootstrap resamples (--bootstrap) must be at least 1, not {samples}"
    assert err == f"tarjama: error: {expected}\n"


def test_empty_hypotheses_can_be_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = write(tmp_path / "ref.txt", EN_REFS)
    hyp = write(tmp_path / "hyp.txt", [EN_HYP[0], "", EN_HYP[2]])
    code, out, _ = run_cli(["eval", "mt", "--hyp", hyp, "--ref", ref, "--allow-empty", "--json"], capsys)
    assert code == 0 and json.loads(out)["systems"][0]["bleu"] > 0


def test_compare_gate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = write(tmp_path / "ref.txt", EN_REFS)
    (tmp_path / "good").mkdir()
    (tmp_path / "worse").mkdir()
    good = write(tmp_path / "good" / "sys.txt", EN_HYP)
    worse = write(tmp_path / "worse" / "sys.txt", ["Talks.", "Rain.", "He."])
    for hyp, folder in ((good, "old"), (worse, "new")):
        assert (
            run_cli(["eval", "mt", "--hyp", hyp, "--ref", ref, "--report", str(tmp_path / folder)], capsys)[0]
            == 0
        )
    old, new = str(tmp_path / "old" / "report.json"), str(tmp_path / "new")
    code, out, _ = run_cli(["eval", "compare", old, "--baseline", old], capsys)
    assert code == 0 and "no regressions" in out
    code, out, _ = run_cli(["eval", "compare", new, "--baseline", old, "--max-drop", "0.5"], capsys)
    assert code == 1 and out.count("REGRESSION") == 3 and "3 regression(s)" in out
    code, out, _ = run_cli(["eval", "compare", new, "--baseline", old, "--max-drop", "100", "--json"], capsys)
    assert code == 0 and {row["metric"] for row in json.loads(out)} == {"bleu", "chrf", "ter"}


def test_eval_run_end_to_end_with_the_memorised_model(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    testset = tmp_path / "memorised.tsv"
    write(testset, [f"{ar}\t{en}" for ar, en in memorised_pairs])
    report = tmp_path / "report"
    args = [
        "eval",
        "run",
        "--testset",
        str(testset),
        "--from",
        "ar",
        "--to",
        "en",
        "--model",
        str(memorised_ar_en),
    ]
    code, out, err = run_cli([*args, "--beam", "1", "--report", str(report), "--json"], capsys)
    assert code == 0, err
    system = json.loads(out)["systems"][0]
    assert system["name"] == "sentences"
    assert (
        system["bleu"] == pytest.approx(100.0)
        and system["chrf"] == pytest.approx(100.0)
        and system["ter"] == 0
    )
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert data["model"] == str(memorised_ar_en) and data["revision"] and data["testset"] == "memorised"
    assert data["items"] == len(memorised_pairs) and (report / "scores.png").stat().st_size > 1000


def _run_documents(
    model: Path, pairs: list[tuple[str, str]], per_document: int, calls: list[tuple[int, int]]
) -> RunResult:
    items = tuple(MTItem(ar, en, f"doc{i // per_document}") for i, (ar, en) in enumerate(pairs))
    translator = Translator(str(model))
    return run_translation(
        MTTestSet("memorised-docs", "ar", "en", items),
        lambda text: translator.translate(text, source="ar", target="en", beam_size=1),
        n_bootstrap=100,
        progress=lambda done, total: calls.append((done, total)),
    )


def test_whole_documents_are_realigned_to_reference_lines(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    calls: list[tuple[int, int]] = []
    run = _run_documents(memorised_ar_en, memorised_pairs[:24], per_document=8, calls=calls)
    assert calls == [(done, 6) for done in range(1, 7)]  # 3 documents, translated twice
    assert [s.name for s in run.evaluation.systems] == ["sentences", "document"]
    assert run.outputs["sentences"] == run.outputs["document"] == [en for _, en in memorised_pairs[:24]]
    assert run.notes == {
        "documents": 3,
        "segmentation": {"lines": 24, "matched": 24, "merged": 0, "empty": 0},
    }
    assert len(run.evaluation.significance) == 3


def test_segmentation_cost_shows_when_a_line_lacks_its_full_stop(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    pairs = list(memorised_pairs[:8])
    pairs[2] = (pairs[2][0].rstrip(".؟?!"), pairs[2][1])  # the segmenter now runs lines 3 and 4 together
    run = _run_documents(memorised_ar_en, pairs, per_document=8, calls=[])
    assert run.notes["segmentation"] == {"lines": 8, "matched": 6, "merged": 2, "empty": 1}
    assert run.outputs["document"][3] == ""
    sentences, document = run.evaluation.systems
    assert document.score("bleu") < sentences.score("bleu")
    assert all(c.delta < 0 for c in run.evaluation.significance if c.metric in ("bleu", "chrf"))


class FakeSegment:
    def __init__(self, source: str, translation: str) -> None:
        self.source, self.translation, self.paragraph = source, translation, 0


class FakeTranslation:
    """Only for the offsets logic: a segmenter that merged two reference lines into one sentence."""

    model, revision = "fake", "0"

    def __init__(self, segments: list[FakeSegment]) -> None:
        self.segments = segments


def test_a_sentence_spanning_two_lines_goes_to_the_line_holding_most_of_it() -> None:
    lines = ["First line", "second one is much longer here.", "Third."]
    merged = FakeTranslation(
        [FakeSegment("First line second one is much longer here.", "A B"), FakeSegment("Third.", "C")]
    )
    texts, merged_lines, empty = _realign(lines, merged)
    assert texts == ["", "A B", "C"] and merged_lines == 2 and empty == 1
    split = FakeTranslation([FakeSegment("First line", "A"), FakeSegment("second one is", "B1"),
                             FakeSegment("much longer here.", "B2"), FakeSegment("Third.", "C")])  # fmt: skip
    assert _realign(lines, split) == (["A", "B1 B2", "C"], 0, 0)


@pytest.mark.parametrize(
    ("size", "limit", "spread", "expected"),
    [
        (10, None, True, list(range(10))),
        (10, 3, False, [0, 1, 2]),
        (10, 3, True, [0, 3, 6]),
        (4, 9, True, [0, 1, 2, 3]),
    ],
)
def test_limit_selection(size: int, limit: int | None, spread: bool, expected: list[int]) -> None:
    assert select(list(range(size)), limit, spread=spread) == expected


def test_summary_run_scores_a_summariser_against_lead() -> None:
    items = load_cnndm()
    run = run_summaries(items, lambda text: lead(text, 1), "en", name="lead-1", limit=5, n_bootstrap=50)
    assert [s.name for s in run.evaluation.systems] == ["lead-1", "lead-3"]
    assert run.evaluation.items == 5 and all(run.outputs["lead-1"])
    assert run.evaluation.system("lead-3").score("rouge1") > 0


def test_summary_run_under_the_readme_length_rule() -> None:
    items, _ = load_summary_testset("easc")
    chosen = items[:6]
    ks = [reference_length(item) for item in chosen]
    for item, k in zip(chosen, ks, strict=True):
        counts = [len(split_summary_sentences(r).split("\n")) for r in item.references]
        assert k == max(1, round(sum(counts) / len(counts)))
    assert len(set(ks)) > 1  # the rule gives each article its own length

    def summarize(article: str, k: int) -> str:
        return "\n".join(reversed(split_summary_sentences(article).split("\n")[:k]))  # k sentences

    run = run_summaries(chosen, summarize, "ar", name="ours", sentences_for=reference_length, n_bootstrap=20)
    assert [s.name for s in run.evaluation.systems] == ["ours", "lead-k"]
    available = [len(split_summary_sentences(item.article).split("\n")) for item in chosen]
    for system in ("ours", "lead-k"):  # k sentences, or all of a shorter article
        assert [len(text.split("\n")) for text in run.outputs[system]] == list(map(min, ks, available))
    assert run.notes["length rule"] == REFERENCE_LENGTH_RULE


@pytest.mark.parametrize(("testset", "lang", "references"), [("cnndm", "en", 1), ("easc", "ar", 5)])
def test_eval_summarize_runs_the_extractive_summariser(
    testset: str, lang: str, references: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["eval", "summarize", "--testset", testset, "--method", "extractive", "--limit", "4"]
    code, out, err = run_cli([*args, "--bootstrap", "50", "--report", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [s["name"] for s in data["systems"]] == ["extractive", "lead-3"]
    assert data["items"] == 4 and data["references"] == references and data["lang"] == lang
    assert all(0 < s["rouge1"] <= 100 for s in data["systems"])
    assert (
        json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["notes"]["method"] == "extractive"
    )
