"""A broken cache never stops a translation: the output is a healthy cache's, the user is told once, and
`tarjama cache check | repair | clear` deal with it. Each broken state is built for real (tests/faults.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarjama import cli
from tarjama.inference.cache import SentenceCache
from tarjama.translate import Translator
from tests.faults import Faults, faults

PREFILLED = 3  # sentences translated into the cache before it breaks
ARTICLE = 6  # sentences of the article translated afterwards


@dataclass(frozen=True)
class Broken:
    """A way to break a cache: what is still read, the kind of problem reported, whether repair renews it."""

    name: str
    reads: bool
    kind: str
    repairable: bool

    def __str__(self) -> str:
        return self.name


BROKEN = [
    Broken("truncated", False, "corrupt", True),
    Broken("random-bytes", False, "corrupt", True),
    Broken("text-file", False, "corrupt", True),
    Broken("directory", False, "corrupt", True),
    Broken("read-only-file", True, "read-only", False),
    Broken("read-only-folder", True, "read-only", False),
    Broken("full-disk", True, "full", False),
]


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    with faults(monkeypatch) as built:
        yield built


def arabic(pairs: list[tuple[str, str]], count: int = ARTICLE) -> str:
    return "\n".join(a for a, _ in pairs[:count])


def english(pairs: list[tuple[str, str]], count: int = ARTICLE) -> str:
    return "\n".join(e for _, e in pairs[:count])


def broken_cache(broken: Broken, fault: Faults, tmp_path: Path, model: Path, pairs: list) -> Path:
    """A cache holding the first sentences' translations, then broken as ``broken`` says."""
    folder = fault.small_folder(tmp_path) if broken.name == "full-disk" else tmp_path / "cache"
    path = folder / "cache.sqlite3"
    healthy = SentenceCache(path)
    Translator(str(model), cache=healthy).translate(arabic(pairs, PREFILLED), beam_size=1)
    healthy.close()
    breaking: dict[str, Callable[[], None]] = {
        "truncated": lambda: fault.truncate(path),
        "random-bytes": lambda: fault.random_bytes(path),
        "text-file": lambda: fault.text_file(path),
        "directory": lambda: fault.directory(path),
        "read-only-file": lambda: fault.read_only(path),
        "read-only-folder": lambda: fault.read_only(folder),
        "full-disk": lambda: fault.fill(folder),
    }
    breaking[broken.name]()
    return path


@pytest.fixture
def cli_cache(
    broken: Broken,
    fault: Faults,
    tmp_path: Path,
    memorised_ar_en: Path,
    memorised_pairs: list,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Path:
    """The broken cache of the test's ``broken`` state, as ``$TARJAMA_CACHE``; nothing printed yet."""
    path = broken_cache(broken, fault, tmp_path, memorised_ar_en, memorised_pairs)
    monkeypatch.setenv("TARJAMA_CACHE", str(path))
    capsys.readouterr()
    return path


def cache_warnings(records: list[logging.LogRecord]) -> list[str]:
    return [
        r.getMessage()
        for r in records
        if r.name == "tarjama.inference.cache" and r.levelno >= logging.WARNING
    ]


@pytest.mark.parametrize("broken", BROKEN, ids=str)
def test_translation_goes_on_and_tells_once(
    broken: Broken,
    fault: Faults,
    tmp_path: Path,
    memorised_ar_en: Path,
    memorised_pairs: list,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = broken_cache(broken, fault, tmp_path, memorised_ar_en, memorised_pairs)
    caplog.set_level(logging.INFO, logger="tarjama.inference.cache")
    cache = SentenceCache(path, retry_seconds=0)  # tried again at every call: still told once
    translator = Translator(str(memorised_ar_en), cache=cache)
    first = translator.translate(arabic(memorised_pairs), beam_size=1)
    again = translator.translate(arabic(memorised_pairs), beam_size=1)
    assert first.text == again.text == english(memorised_pairs)
    assert [s.cached for s in first.segments] == [broken.reads] * PREFILLED + [False] * (ARTICLE - PREFILLED)
    assert [s.cached for s in again.segments] == [s.cached for s in first.segments]  # nothing was stored
    told = cache_warnings(caplog.records)
    assert len(told) == 1, told
    status = cache.status
    assert (status.state, status.reads, status.writes) == ("degraded", broken.reads, False)
    assert status.reason and str(tmp_path) not in status.reason


def test_disk_fills_up_mid_run(
    fault: Faults,
    tmp_path: Path,
    memorised_ar_en: Path,
    memorised_pairs: list,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = fault.small_folder(tmp_path)
    cache = SentenceCache(folder / "cache.sqlite3", retry_seconds=0)
    translator = Translator(str(memorised_ar_en), cache=cache, max_batch_tokens=1)  # a batch per sentence
    batches: list[int] = []

    def progress(done: int, total: int) -> None:
        if not batches:
            fault.fill(folder)  # after the first batch was stored, before the others are
        batches.append(done)

    result = translator.translate(arabic(memorised_pairs), beam_size=1, progress=progress)
    assert result.text == english(memorised_pairs)
    assert batches == list(range(1, ARTICLE + 1))
    told = cache_warnings(caplog.records)
    assert len(told) == 1 and "disk is full" in told[0], told
    fault.free(folder)
    again = Translator(str(memorised_ar_en), cache=SentenceCache(folder / "cache.sqlite3"))
    kept = again.translate(arabic(memorised_pairs), beam_size=1)
    assert kept.text == result.text
    assert sum(s.cached for s in kept.segments) == 1  # the batch stored before the disk filled up


@pytest.mark.parametrize("broken", BROKEN, ids=str)
def test_cli_translates_and_warns_in_one_line(
    broken: Broken,
    cli_cache: Path,
    tmp_path: Path,
    memorised_ar_en: Path,
    memorised_pairs: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = cli_cache
    article = tmp_path / "article.txt"
    article.write_text(arabic(memorised_pairs), encoding="utf-8")
    assert cli.main(["translate", str(article), "--model", str(memorised_ar_en), "--beam", "1"]) == 0
    out, err = capsys.readouterr()
    assert out == english(memorised_pairs) + "\n"
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"tarjama: warning: the sentence cache at {path} ")


@pytest.mark.parametrize("broken", BROKEN, ids=str)
def test_check_reports_and_repair_renews(
    broken: Broken,
    cli_cache: Path,
    memorised_ar_en: Path,
    memorised_pairs: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = cli_cache
    assert cli.main(["cache", "check"]) == 1
    assert capsys.readouterr().out.startswith(f"{broken.kind}: the sentence cache at {path} ")
    if not broken.repairable:
        assert cli.main(["cache", "repair"]) == 1
        out, err = capsys.readouterr()
        assert len(err.splitlines()) == 1 and err.startswith("tarjama: error: the sentence cache at"), err
        assert "fix: " in err
        return
    assert cli.main(["cache", "repair"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("moved the damaged cache aside to ") and err == ""
    aside = Path(out.split("aside to ")[1].split(" and started")[0])
    assert aside.parent == path.parent and aside.exists()  # moved, not deleted
    assert cli.main(["cache", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: sqlite cache at")
    translator = Translator(str(memorised_ar_en))
    translator.translate(arabic(memorised_pairs), beam_size=1)
    again = translator.translate(arabic(memorised_pairs), beam_size=1)
    assert all(s.cached for s in again.segments)  # the new cache works


@pytest.mark.parametrize("broken", BROKEN, ids=str)
def test_clear_renews_a_damaged_file_and_explains_the_rest(
    broken: Broken, cli_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not broken.repairable:
        assert cli.main(["cache", "clear"]) == 1
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and err.startswith("tarjama: error: the sentence cache at"), err
        return
    assert cli.main(["cache", "clear"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("moved the damaged cache aside to ") and err == ""
    assert cli.main(["cache", "stats", "--json"]) == 0
    assert '"entries": 0' in capsys.readouterr().out


def test_repair_keeps_what_can_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tarjama.inference.cache import CacheEntry

    path = tmp_path / "cache.sqlite3"
    cache = SentenceCache(path)
    cache.put_many([CacheEntry(f"k{i}", f"output {i} " + "x" * 600, "translate", "m") for i in range(400)])
    cache.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[-3 * page : -2 * page] = b"\xff" * page  # one damaged page near the end
    path.write_bytes(bytes(data))
    assert cli.main(["cache", "repair", "--cache", str(path)]) == 0
    out = capsys.readouterr().out
    kept = int(out.split("; ")[1].split(" entries")[0])
    assert 0 < kept < 400
    assert SentenceCache(path).stats().entries == kept


def test_batch_workers_report_a_broken_cache_once(
    tmp_path: Path, memorised_ar_en: Path, memorised_pairs: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every worker process meets the damaged cache; the user is told once, in the CLI's own words."""
    from tests.batchrun import lines, run, write_jsonl

    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(range(256)) * 64)
    monkeypatch.setenv("TARJAMA_CACHE", str(damaged))
    rows = [{"id": f"a{i:03d}", "text": arabic(memorised_pairs, 2)} for i in range(100)]  # 4 groups
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = ["--model", str(memorised_ar_en), "--beam", "1", "--workers", "2"]
    done = run(["translate", "batch", str(source), "-o", str(out), *args])
    assert done.returncode == 0, done.stderr
    assert [r["translation"] for r in lines(out)] == [english(memorised_pairs, 2)] * len(rows)
    told = [line for line in done.stderr.splitlines() if "sentence cache" in line]
    assert len(told) == 1 and told[0].startswith("tarjama: warning: the sentence cache at "), done.stderr
