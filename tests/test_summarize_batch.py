"""Batch summaries: input formats, bad records, resuming, killing, and the local and Ray engines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.jobs import JobProgress, errors_path, read_records
from tarjama.summarize import Summarizer, SummarizerConfig, Summary, SummaryOptions, run_batch
from tests.batchrun import kill, lines, run, start, stop_after_lines, write_jsonl

DATA = Path(__file__).parent / "data" / "summarize"
ANT = [json.loads(line) for line in (DATA / "ant_one_sentence.jsonl").read_text("utf-8").splitlines()]
CNN = [json.loads(line) for line in (DATA / "cnndm_sample.jsonl").read_text("utf-8").splitlines()]
KEYS = {"id", "summary", "method", "model", "lang", "to", "seconds"}


def without_seconds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


@pytest.fixture
def articles() -> list[dict[str, str]]:
    return [{"id": r["id"], "text": r["text"]} for r in ANT[:6]]


def test_jsonl_with_bad_records(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    bad = [{"id": "empty", "text": "  "}, {"text": "لا معرف"}, articles[0], {"id": 7, "text": ANT[7]["text"]}]
    extra = b'{"id": "bytes", "text": "\xff\xfe"}\nnot json\n[1, 2]\n\n'
    source = write_jsonl(tmp_path / "in.jsonl", articles + bad, extra)
    out = tmp_path / "out.jsonl"
    report = run_batch(source, out, options=SummaryOptions(sentences=2))
    rows = lines(out)
    assert [r["id"] for r in rows] == [a["id"] for a in articles] + ["7"]
    assert all(set(r) == KEYS and r["method"] == "extractive" and r["lang"] == r["to"] == "ar" for r in rows)
    errors = {e["where"]: e for e in lines(errors_path(out))}
    assert {w: e["reason"].split(" (")[0] for w, e in errors.items()} == {
        "line 7": "empty text",
        "line 8": "missing id",
        "line 9": "duplicate id",
        "line 11": "undecodable bytes",
        "line 12": "not valid JSON",
        "line 13": "not a JSON object",
    }
    assert errors["line 9"]["id"] == articles[0]["id"]
    assert (report.written, report.errors, report.skipped) == (7, 6, 0)


def test_folder_input(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    folder = tmp_path / "articles"
    (folder / "nested").mkdir(parents=True)
    for a in articles[:3]:
        (folder / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
    (folder / "empty.txt").write_text("\n \n", encoding="utf-8")
    (folder / "cp1256.txt").write_bytes(articles[3]["text"].encode("cp1256"))
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    (folder / "nested" / "x.txt").write_text(articles[4]["text"], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_batch(folder, out)
    assert [r["id"] for r in lines(out)] == sorted(f"{a['id']}.txt" for a in articles[:3])
    reasons = {e["id"]: e["reason"] for e in lines(errors_path(out))}
    assert reasons["empty.txt"] == "empty text" and "not UTF-8" in reasons["cp1256.txt"]
    assert len(reasons) == 2


def test_csv_input_with_quoted_newlines(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "source", "text"])
    for a in articles[:3]:
        writer.writerow([a["id"], "ANT", a["text"]])  # texts hold line breaks: quoted fields
    writer.writerow(["", "ANT", articles[3]["text"]])
    writer.writerow([articles[0]["id"], "ANT", "again"])
    source = tmp_path / "in.csv"
    source.write_bytes(buffer.getvalue().encode("utf-8") + b'bytes,ANT,"\xff text"\n')
    out = tmp_path / "out.jsonl"
    run_batch(source, out)
    assert [r["id"] for r in lines(out)] == [a["id"] for a in articles[:3]]
    reasons = [e["reason"].split(" (")[0] for e in lines(errors_path(out))]
    assert reasons == ["missing id", "duplicate id", "undecodable bytes"]


@pytest.mark.parametrize(
    ("csv_text", "ids", "errors"),
    [
        ('id,text\na,"first text\nb,second text\nc,third text\n', [], ["row 1 (lines 2-4)"]),
        ('id,text\na,"first "text\nb,second\n', ["b"], ["row 1 (line 2)"]),
        ('id,text\na,"first text\nb,"second" text\nc,third\n', ["c"], ["row 1 (lines 2-3)"]),
        ("id,text\na,first\nb,second,extra\nc\nd,fourth\n", ["a", "d"], ["row 2 (line 3)", "row 3 (line 4)"]),
    ],
    ids=["open to the end", "stray quote", "closed on a later row", "field counts"],
)
def test_damaged_csv_rows_go_to_the_errors_file(
    tmp_path: Path, csv_text: str, ids: list[str], errors: list[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(csv_text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    report = run_batch(source, out)
    assert ([r["id"] for r in lines(out)] if out.exists() else []) == ids
    assert [e["where"] for e in lines(errors_path(out))] == errors
    assert all(e["reason"].startswith("damaged CSV row") for e in lines(errors_path(out)))
    assert (report.written, report.errors) == (len(ids), len(errors))


def test_csv_needs_id_and_text_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,body\na,b\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="id and text"):
        read_records(source)


def test_three_formats_give_the_same_summaries(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    import csv

    folder = tmp_path / "folder"
    folder.mkdir()
    for a in articles:
        (folder / a["id"]).with_suffix(".txt").write_text(a["text"], encoding="utf-8")
    with (tmp_path / "in.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], *([f"{a['id']}.txt", a["text"]] for a in articles)])
    write_jsonl(tmp_path / "in.jsonl", [{"id": f"{a['id']}.txt", "text": a["text"]} for a in articles])
    outputs = []
    for name in ("folder", "in.csv", "in.jsonl"):
        run_batch(tmp_path / name, tmp_path / f"{name}.out.jsonl")
        outputs.append(without_seconds(lines(tmp_path / f"{name}.out.jsonl")))
    assert outputs[0] == outputs[1] == outputs[2] and len(outputs[0]) == len(articles)


def test_resume_skips_done_ids_and_repairs_a_cut_line(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*articles, {"id": "empty", "text": ""}])
    out = tmp_path / "out.jsonl"
    run_batch(source, out)
    complete = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(complete[:2]) + complete[2][:25])  # killed in the middle of line 3
    progress: list[tuple[int, int]] = []

    def record(where: JobProgress) -> None:
        progress.append((where.done, where.total))

    report = run_batch(source, out, progress=record)
    rows = lines(out)
    assert [r["id"] for r in rows] == [a["id"] for a in articles]
    assert without_seconds(rows) == without_seconds([json.loads(line) for line in complete])
    assert (report.skipped, report.written) == (2, 4)
    assert len(lines(errors_path(out))) == 1  # the bad record is not reported twice
    assert progress[0] == (3, 7) and progress[-1] == (7, 7)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_local_workers_give_the_same_output(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    rows = [{"id": f"{a['id']}-{i}", "text": a["text"]} for i in range(3) for a in articles]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    run_batch(source, tmp_path / "one.jsonl")
    run_batch(source, tmp_path / "two.jsonl", workers=2)
    assert without_seconds(lines(tmp_path / "one.jsonl")) == without_seconds(lines(tmp_path / "two.jsonl"))


def test_ray_engine_gives_the_same_output(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*articles, {"id": "empty", "text": " "}])
    options = SummaryOptions(sentences=2)
    run_batch(source, tmp_path / "local.jsonl", options=options)
    report = run_batch(source, tmp_path / "ray.jsonl", options=options, engine="ray", workers=2)
    assert report.written == len(articles)
    assert without_seconds(lines(tmp_path / "ray.jsonl")) == without_seconds(lines(tmp_path / "local.jsonl"))
    assert lines(errors_path(tmp_path / "ray.jsonl")) == lines(errors_path(tmp_path / "local.jsonl"))


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_runs_resume_with_every_id_exactly_once(tmp_path: Path, workers: int) -> None:
    rows = [{"id": f"a{i:04d}", "text": ANT[i % len(ANT)]["text"]} for i in range(3000)]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = ["summarize", "batch", str(source), "-o", str(out), "--workers", str(workers)]
    counts = []
    for after in (40, 400, 800):  # kill -9 once the output holds this many lines
        process = start(args)
        counts.append(stop_after_lines(process, out, after))
        kill(process)
    assert counts[0] < len(rows)  # the first kill landed in the middle of the run
    finished = run(args)
    assert finished.returncode == 0, finished.stderr
    ids = [row["id"] for row in lines(out)]  # every line is whole JSON
    assert sorted(ids) == [r["id"] for r in rows]
    assert "article" in finished.stderr  # the progress bar


def test_abstractive_batch_equals_article_by_article(tmp_path: Path, bart_en: Path) -> None:
    texts = [a["article"][: 300 + 400 * i] for i, a in enumerate(CNN[:4])]  # the longer ones need chunks
    rows = [{"id": f"cnn{i}", "text": t} for i, t in enumerate(texts)]
    rows.insert(2, {"id": "digits", "text": "12345 67890"})  # in the middle of the first group
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    options = SummaryOptions(method="abstractive", model=str(bart_en))
    # float32: CTranslate2's int8 decoding is not bit-identical across batch compositions
    config = SummarizerConfig(backend="ctranslate2", quantization="float32", max_input_tokens=256)
    report = run_batch(source, out, options=options, config=config)
    alone = Summarizer(
        str(bart_en), backend="ctranslate2", quantization="float32", max_input_tokens=256, use_cache=False
    )
    expected: list[Summary] = [alone.summarize(t, method="abstractive") for t in texts]
    assert max(s.chunks for s in expected) > 1 and (report.written, report.errors) == (len(texts), 1)
    assert without_seconds(lines(out)) == [
        {"id": f"cnn{i}", "summary": s.summary, "method": "abstractive", "model": str(bart_en)}
        | {"lang": "en", "to": "en"}
        for i, s in enumerate(expected)
    ]
    assert [(e["id"], e["where"]) for e in lines(errors_path(out))] == [("digits", "line 3")]
    assert "cannot tell the language" in lines(errors_path(out))[0]["reason"]
    assert all(isinstance(r["seconds"], float) for r in lines(out))
