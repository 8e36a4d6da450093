"""Batch outputs are a user's data (issue 11): never truncated, overwritten or doubled, for every batch job.

Each case builds the broken state for real (a foreign file in the output's place, a second run at the same
time, a file already holding duplicates, a full filesystem, ``kill -9``) and runs the real command line.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarjama import cli
from tarjama.inference.jobs import errors_path
from tests.batchrun import (
    descendants,
    kill,
    line_count,
    lines,
    run,
    running,
    start,
    stop_after_lines,
    write_jsonl,
)

TASKS = ("summarize", "translate")
END_SECONDS = 20  # a generous bound for killed workers to be gone (orphans of broken code live for minutes)


@pytest.fixture(params=TASKS)
def task(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def options(task: str, request: pytest.FixtureRequest) -> list[str]:
    """The command-line options of ``task`` (translation with the memorised stand-in)."""
    if task == "summarize":
        return ["--sentences", "1"]
    return ["--model", str(request.getfixturevalue("memorised_ar_en")), "--beam", "1"]


@pytest.fixture(scope="module")
def arabic() -> list[str]:
    from tests.standins import load_memorised_pairs

    return [ar for ar, _ in load_memorised_pairs()]


def articles(arabic: list[str], count: int) -> list[dict[str, str]]:
    """``count`` two-sentence articles made of the memorised sentences."""
    return [
        {"id": f"a{i:05d}", "text": f"{arabic[i % 40]}\n{arabic[(7 * i + 3) % 40]}"} for i in range(count)
    ]


def batch(task: str, source: Path, out: Path, options: list[str]) -> list[str]:
    return [task, "batch", str(source), "-o", str(out), *options]


def in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``tarjama ARGS`` in this process (for refusals that come before any model is loaded)."""
    code = cli.main(args)
    return code, capsys.readouterr().err


FOREIGN = {
    "notes": b"Shopping list\nbread, olives, za'atar\ncall Samir at six\n",
    "text without a newline": b"a draft that was never finished",
    "settings": b'{"theme": "dark", "font_size": 14}\n',
    "json list": b'[{"id": "a00000", "summary": "x"}]\n',
}


@pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
def test_a_foreign_output_file_is_refused_untouched(
    task: str, options: list[str], content: bytes, arabic: list[str], tmp_path: Path, capsys
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", articles(arabic, 3))
    out = tmp_path / "mine.jsonl"
    out.write_bytes(content)
    code, err = in_process(batch(task, source, out, options), capsys)
    assert code == 1 and "is not a tarjama output" in err and len(err.splitlines()) == 1
    assert out.read_bytes() == content
    assert not errors_path(out).exists()


def test_the_input_or_another_jobs_output_is_refused(
    task: str, options: list[str], arabic: list[str], tmp_path: Path, capsys
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", articles(arabic, 3))
    before = source.read_bytes()
    code, err = in_process(batch(task, source, source, options), capsys)
    assert code == 1 and "is not a tarjama output" in err and source.read_bytes() == before
    other = "translation" if task == "summarize" else "summary"
    theirs = write_jsonl(tmp_path / "theirs.jsonl", [{"id": "a00000", other: "done"}])
    code, err = in_process(batch(task, source, theirs, options), capsys)
    assert code == 1 and "is not a tarjama output" in err
    assert lines(theirs) == [{"id": "a00000", other: "done"}]


def test_a_foreign_errors_file_is_refused(
    task: str, options: list[str], arabic: list[str], tmp_path: Path, capsys
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", articles(arabic, 3))
    out = tmp_path / "out.jsonl"
    errors_path(out).write_bytes(FOREIGN["notes"])
    code, err = in_process(batch(task, source, out, options), capsys)
    assert code == 1 and "out.errors.jsonl exists and is not a tarjama output" in err
    assert errors_path(out).read_bytes() == FOREIGN["notes"] and not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "{folder}"], "is a folder"),
        (["-o", "{out}", "--workers", "0"], "workers must be at least 1, not 0"),
        (["-o", "{out}", "--workers", "-2"], "workers must be at least 1, not -2"),
    ],
)
def test_refused_options(
    task: str, options: list[str], extra: list[str], message: str, arabic: list[str], tmp_path: Path, capsys
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", articles(arabic, 3))
    (tmp_path / "results").mkdir()
    fill = {"folder": str(tmp_path / "results"), "out": str(tmp_path / "out.jsonl")}
    code, err = in_process([task, "batch", str(source), *(e.format(**fill) for e in extra), *options], capsys)
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "holds no record"),
        ("blank.jsonl", b"\n \n\n", "holds no record"),
        ("header.csv", b"id,text\n", "holds no record"),
        ("binary.jsonl", bytes(range(256)) * 8, "looks like a binary file"),
        ("binary.csv", b"id,text\n" + bytes(range(256)), "looks like a binary file"),
        ("folder", None, "holds no .txt file"),
    ],
)
def test_nothing_to_do_is_an_error(
    task: str, options: list[str], name: str, content: bytes | None, message: str, tmp_path: Path, capsys
) -> None:
    source = tmp_path / name
    if content is None:
        source.mkdir()
        (source / "notes.log").write_text("not an article", encoding="utf-8")  # .md is a document now
    else:
        source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    code, err = in_process(batch(task, source, out, options), capsys)
    assert code == 1 and message in err and "0 of 0" not in err
    assert not out.exists() and not errors_path(out).exists()


def test_the_closing_line_names_only_a_written_errors_file(
    task: str, options: list[str], arabic: list[str], tmp_path: Path
) -> None:
    clean = write_jsonl(tmp_path / "clean.jsonl", articles(arabic, 3))
    done = run(batch(task, clean, tmp_path / "clean.out.jsonl", options))
    assert done.returncode == 0, done.stderr
    closing = done.stderr.splitlines()[-1]
    assert "3 " in closing and "no errors" in closing and "errors.jsonl" not in closing
    assert not errors_path(tmp_path / "clean.out.jsonl").exists()
    bad = write_jsonl(tmp_path / "bad.jsonl", [*articles(arabic, 2), {"id": "x", "text": " "}])
    done = run(batch(task, bad, tmp_path / "bad.out.jsonl", options))
    assert done.returncode == 0 and "1 errors (" in done.stderr.splitlines()[-1]
    assert "bad.out.errors.jsonl" in done.stderr.splitlines()[-1]
    assert [e["id"] for e in lines(errors_path(tmp_path / "bad.out.jsonl"))] == ["x"]


def test_a_second_run_on_the_same_output_is_refused_at_once(
    task: str, options: list[str], arabic: list[str], tmp_path: Path
) -> None:
    rows = articles(arabic, 2000)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    _refused_while_the_first_runs(batch(task, source, out, options), batch(task, source, out, options), out)
    assert sorted(r["id"] for r in lines(out)) == [r["id"] for r in rows]


def _refused_while_the_first_runs(
    first_args: list[str], second_args: list[str], out: Path, named: str = "out.jsonl"
) -> None:
    """Run ``first_args``, freeze it once it wrote a line to ``out``, check that ``second_args`` is refused
    at once (naming ``named``) and wrote nothing, then let the first run end."""
    first = start(first_args)
    try:
        held = stop_after_lines(first, out, 1)  # frozen in the middle of its run, holding the output
        second = run(second_args, timeout=120)
        assert second.returncode == 1, second.stderr
        assert f"another tarjama run (process {first.pid}) is writing {named}" in second.stderr
        assert line_count(out) == held
        first.send_signal(signal.SIGCONT)
        assert first.wait(timeout=600) == 0, first.stderr.read() if first.stderr else ""
    finally:
        if first.poll() is None:
            kill(first)


def _link(tmp_path: Path, how: str) -> tuple[Path, str]:
    """A second name for the output ``tmp_path/out.jsonl`` (or for its errors file), and the file that the
    refusal names."""
    if how == "link to the output":
        (tmp_path / "l.jsonl").symlink_to(tmp_path / "out.jsonl")
        return tmp_path / "l.jsonl", "out.jsonl"
    (tmp_path / "b.errors.jsonl").symlink_to(tmp_path / "out.errors.jsonl")  # another output, same errors
    return tmp_path / "b.jsonl", "out.errors.jsonl"


@pytest.mark.parametrize("how", ["link to the output", "link to its errors file"])
def test_a_second_run_through_a_link_is_refused_at_once(how: str, arabic: list[str], tmp_path: Path) -> None:
    rows = [*articles(arabic, 2000), {"id": "bad", "text": " "}]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    other, named = _link(tmp_path, how)
    options = ["--sentences", "1"]
    _refused_while_the_first_runs(
        batch("summarize", source, out, options), batch("summarize", source, other, options), out, named
    )
    assert sorted(r["id"] for r in lines(out)) == [r["id"] for r in rows[:-1]]
    assert [e["id"] for e in lines(errors_path(out))] == ["bad"]


def test_a_resume_repairs_an_output_holding_duplicates(
    task: str, options: list[str], arabic: list[str], tmp_path: Path
) -> None:
    rows = articles(arabic, 6)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert run(batch(task, source, out, options)).returncode == 0
    written = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(written[:4] + written[1:3] + written[:1]))  # two racing runs, then a kill
    done = run(batch(task, source, out, options))
    assert done.returncode == 0, done.stderr
    assert "3 repeated lines removed" in done.stderr
    assert [r["id"] for r in lines(out)] == [r["id"] for r in rows[:4]] + [r["id"] for r in rows[4:]]
    assert lines(out)[:4] == [json.loads(line) for line in written[:4]]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 32 KiB tmpfs, or ``None`` where this machine refuses to mount one (then the test injects the
    full disk's ``OSError`` at the writer instead)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_a_clear_error_and_the_rerun_completes(
    task: str,
    options: list[str],
    arabic: list[str],
    tmp_path: Path,
    small_disk: Path | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    rows = articles(arabic, 400)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    if small_disk is not None:
        out = small_disk / "out.jsonl"
        failed = run(batch(task, source, out, options))
        code, err = failed.returncode, failed.stderr
    else:
        out = tmp_path / "out.jsonl"
        code, err = _injected_full_disk(batch(task, source, out, options), monkeypatch, capsys)
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[-1] == (
        "tarjama: error: the disk holding out.jsonl is full; free some space and run the same command "
        "again: it goes on where it stopped"
    )
    partial = lines(out)  # whole lines only
    assert 0 < len(partial) < len(rows)
    if small_disk is not None:
        subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
        done = run(batch(task, source, out, options))
    else:
        monkeypatch.undo()
        done = subprocess.CompletedProcess([], *in_process(batch(task, source, out, options), capsys))
    assert done.returncode == 0
    assert sorted(r["id"] for r in lines(out)) == [r["id"] for r in rows]


def _injected_full_disk(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run in this process with ``os.write`` failing like a full disk from the 50th line on."""
    import tarjama.inference.jobs.output as output

    calls = {"n": 0}
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] >= 50:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(output.os, "write", write)
    return in_process(args, capsys)


def test_killed_parent_leaves_no_worker_behind(
    task: str, options: list[str], arabic: list[str], tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", articles(arabic, 3000))
    out = tmp_path / "out.jsonl"
    process = start([*batch(task, source, out, options), "--workers", "2"])
    stop_after_lines(process, out, 1)
    workers = descendants(process.pid)
    assert len(workers) >= 2
    kill(process)
    deadline = time.monotonic() + END_SECONDS
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if running(pid)], "workers outlived their killed parent"


def test_a_worker_killed_mid_run_is_a_clear_error_and_the_rerun_completes(
    arabic: list[str], tmp_path: Path
) -> None:
    rows = articles(arabic, 3000)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = batch("summarize", source, out, ["--sentences", "1", "--workers", "2"])
    process = start(args)
    stop_after_lines(process, out, 1)
    workers = [
        p for p in descendants(process.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    process.send_signal(signal.SIGCONT)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 1 and "Traceback" not in err.decode()
    assert err.decode().splitlines()[-1].startswith("tarjama: error: a worker process died")
    done = run(args)
    assert done.returncode == 0, done.stderr
    assert sorted(r["id"] for r in lines(out)) == [r["id"] for r in rows]
