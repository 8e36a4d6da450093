"""`tarjama translate batch`: real English from the memorised stand-in, sentences shared across a corpus,
kill -9 and rerun, and the Ray engine's output equal to the local one."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference.jobs import JobProgress, JobReport, errors_path
from tarjama.translate import TranslationOptions, TranslatorConfig, run_translation_batch, worker_translator
from tests.batchrun import kill, lines, run, start, stop_after_lines, write_jsonl

KEYS = {
    "id",
    "translation",
    "source",
    "target",
    "model",
    "revision",
    "segments",
    "cached",
    "flags",
    "seconds",
}
BYLINE = 0  # the memorised pair that ends every article, like a byline or "Follow us on ..."


@pytest.fixture(autouse=True)
def fresh_workers() -> Iterator[None]:
    """Translators built in this process hold this test's cache: none outlives the test."""
    yield
    worker_translator.cache_clear()


def corpus(pairs: list[tuple[str, str]], count: int) -> tuple[list[dict[str, str]], list[str]]:
    """``count`` articles (two sentences each and the shared last line) and their English translations."""
    rows, english = [], []
    for i in range(count):
        picked = [pairs[1 + i % 39], pairs[1 + (5 * i + 2) % 39], pairs[BYLINE]]
        rows.append({"id": f"t{i:04d}", "text": "\n".join(ar for ar, _ in picked)})
        english.append("\n".join(en for _, en in picked))
    return rows, english


def without(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in keys} for row in rows]


def test_a_corpus_in_english_each_repeated_sentence_translated_once(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    rows, english = corpus(memorised_pairs, 80)  # more than two groups: repeats cross groups
    source = write_jsonl(tmp_path / "in.jsonl", [*rows[:40], {"id": "blank", "text": " "}, *rows[40:]])
    out = tmp_path / "out.jsonl"
    args = ["translate", "batch", str(source), "-o", str(out), "--model", str(memorised_ar_en), "--beam", "1"]
    done = run([*args, "--no-cache", "--sentences", "--json"])
    assert done.returncode == 0, done.stderr
    got = lines(out)
    assert [r["id"] for r in got] == [r["id"] for r in rows]
    assert [r["translation"] for r in got] == english
    assert all(set(r) == KEYS | {"sentences"} for r in got)
    assert all((r["source"], r["target"], r["segments"], r["flags"]) == ("ar", "en", 3, []) for r in got)
    assert all(r["model"] == str(memorised_ar_en) for r in got)
    assert [s["translation"] for s in got[0]["sentences"]] == english[0].split("\n")
    assert [s["paragraph"] for s in got[0]["sentences"]] == [0, 1, 2]
    assert [(e["id"], e["where"]) for e in lines(errors_path(out))] == [("blank", "line 41")]
    counts = json.loads(done.stdout)["counts"]
    sentences = [s for r in rows for s in r["text"].split("\n")]
    assert counts["sentences"] == len(sentences) == 240
    assert counts["translated"] == len(set(sentences))  # once per corpus, without any cache
    assert counts["repeated"] == len(sentences) - len(set(sentences))

    distinct = len(set(sentences))
    share = 1 - distinct / len(sentences)
    for name, cached, translated in (
        ("fill", 0, distinct),
        ("again", distinct, 0),
    ):  # the cache, then from it
        done = run([*args[:4], str(tmp_path / f"{name}.jsonl"), *args[5:]])
        assert done.returncode == 0, done.stderr
        closing = done.stderr.splitlines()[-1]
        assert f"{len(sentences)} sentences: {share:.0%} repeated in the corpus" in closing
        assert f"{cached} from the cache, {translated} translated" in closing
        assert [r["translation"] for r in lines(tmp_path / f"{name}.jsonl")] == english


def test_killed_translation_runs_resume_with_every_id_exactly_once(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    rows, english = corpus(memorised_pairs, 3000)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = ["translate", "batch", str(source), "-o", str(out), "--model", str(memorised_ar_en), "--beam", "1"]
    counts = []
    for after in (1, 500, 1500):  # kill -9 once the output holds this many lines
        process = start(args)
        counts.append(stop_after_lines(process, out, after))
        kill(process)
    assert counts[0] < len(rows)
    done = run(args)
    assert done.returncode == 0, done.stderr
    got = lines(out)
    assert sorted(r["id"] for r in got) == [r["id"] for r in rows]
    assert {r["id"]: r["translation"] for r in got} == {
        r["id"]: e for r, e in zip(rows, english, strict=True)
    }


@pytest.mark.parametrize("workers", [2])
def test_the_ray_engine_gives_the_local_output(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path, workers: int
) -> None:
    rows, english = corpus(memorised_pairs, 70)
    source = write_jsonl(tmp_path / "in.jsonl", [*rows, {"id": rows[0]["id"], "text": "again"}])
    options = TranslationOptions(beam_size=1, sentences=True)
    config = TranslatorConfig(model=str(memorised_ar_en))
    local = run_translation_batch(source, tmp_path / "local.jsonl", options=options, config=config)
    ray = run_translation_batch(
        source, tmp_path / "ray.jsonl", options=options, config=config, engine="ray", workers=workers
    )
    assert (ray.written, ray.errors) == (local.written, local.errors) == (len(rows), 1)
    assert [r["translation"] for r in lines(tmp_path / "ray.jsonl")] == english
    # which article first meets a repeated sentence depends on the scheduling; everything else is equal
    drop = ("seconds", "cached", "sentences")
    assert without(lines(tmp_path / "ray.jsonl"), *drop) == without(lines(tmp_path / "local.jsonl"), *drop)
    assert lines(errors_path(tmp_path / "ray.jsonl")) == lines(errors_path(tmp_path / "local.jsonl"))
    assert ray.counts["sentences"] == local.counts["sentences"] == 3 * len(rows)


def test_the_page_translates_a_batch_and_shows_an_empty_one_as_an_error(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    import csv
    import io

    from tarjama.web.handlers import Page
    from tarjama.web.service import TarjamaService
    from tarjama.web.uploads import UploadLedger

    uploads = UploadLedger(tmp_path, keep_seconds=60)
    page = Page(TarjamaService(mt_model=str(memorised_ar_en)), tmp_path / "work", uploads)
    rows, english = corpus(memorised_pairs, 5)
    upload = write_jsonl(tmp_path / "articles.jsonl", [*rows, {"id": "x", "text": ""}])
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n")
    uploads.record("visitor", [str(upload), str(empty)])
    status, files = page.batch([str(upload)], "extractive", 3, "same", job="translate", visitor="visitor")
    assert "5 of 6 articles translated" in status and "15 sentences" in status and "empty text: 1" in status
    jsonl, table, errors = map(Path, files)
    assert [r["translation"] for r in lines(jsonl)] == english
    records = list(csv.DictReader(io.StringIO(table.read_text("utf-8-sig"))))
    assert [r["translation"] for r in records] == english and records[0]["flags"] == ""
    assert [e["id"] for e in lines(errors)] == ["x"]
    status, files = page.batch([str(empty)], "extractive", 3, "same", job="translate", visitor="visitor")
    assert "holds no record" in status and files == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["translate", "batch", "in.jsonl"], "usage: tarjama translate batch INPUT -o OUT.jsonl"),
        (["translate", "a.txt", "b.txt"], "translate takes one FILE"),
        (["translate", "a.txt", "--workers", "2"], "apply to `tarjama translate batch` only"),
        (["translate", "a.txt", "--sentences"], "apply to `tarjama translate batch` only"),
    ],
)
def test_command_line_refusals(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tarjama import cli

    assert cli.main(args) == 1
    assert message in capsys.readouterr().err


def test_ray_workers_hit_the_shared_cache_a_first_run_filled(
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two machines share one Redis: what a local run on the first translated, the second's Ray workers
    (their own models folder; the environment reaches them through Ray's start) read back, translating
    nothing."""
    monkeypatch.setenv("TARJAMA_CACHE", redis_url)
    rows, english = corpus(memorised_pairs, 12)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    options = TranslationOptions(beam_size=1)
    config = TranslatorConfig(model=str(memorised_ar_en))
    first = run_translation_batch(source, tmp_path / "first.jsonl", options=options, config=config)
    assert first.counts["translated"] > 0 and first.counts["cached"] == 0
    worker_translator.cache_clear()
    monkeypatch.setenv("TARJAMA_MODELS_DIR", str(tmp_path / "second-machine-models"))
    second = run_translation_batch(
        source, tmp_path / "second.jsonl", options=options, config=config, engine="ray", workers=2
    )
    assert [r["translation"] for r in lines(tmp_path / "second.jsonl")] == english
    assert second.counts["translated"] == 0
    assert second.counts["cached"] == first.counts["translated"]
    # no model was even converted (the model folder's fingerprint memo may be there: inference/fingerprint.py)
    assert not [p for p in (tmp_path / "second-machine-models").glob("*") if p.name != "fingerprints"]


def test_the_progress_bar_counts_articles_and_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    """The bar of a run that lasts (a short run shows none: it would only flicker)."""
    from tarjama.cli.batch import run_with_bar

    def run(progress: Callable[[JobProgress], None]) -> JobReport:
        for done in (1, 2):
            time.sleep(0.6)  # past the bar's delay and its refresh interval
            progress(JobProgress(done, 2, {"sentences": 120 * done}))
        return JobReport(2, 2, 0, 0, 0, 1.2, "out.jsonl", None)

    run_with_bar(run)
    shown = capsys.readouterr().err
    assert "2/2" in shown and "article" in shown and "240 sentences" in shown, shown
