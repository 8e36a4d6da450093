"""Real `tarjama … batch` processes for the batch tests: start, watch the output grow, stop, kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 180  # a generous bound for a run to write its first lines (loading a model included)


def write_jsonl(path: Path, rows: list[Any], extra: bytes = b"") -> Path:
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    path.write_bytes(body + extra)
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a JSONL file, parsed (fails on a line that is not whole JSON)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def start(args: list[str]) -> subprocess.Popen[bytes]:
    """`python -m tarjama ARGS` in a child process with this test's environment."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tarjama", *args]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(args: list[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m tarjama ARGS` to the end: return code, stdout and stderr."""
    process = start(args)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def stop_after_lines(process: subprocess.Popen[bytes], out: Path, count: int) -> int:
    """Freeze ``process`` (SIGSTOP) as soon as ``out`` holds ``count`` lines; the lines it then holds.
    Fails when the process ends first."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while line_count(out) < count:
        if process.poll() is not None:
            raise AssertionError(f"the run ended before writing {count} lines: {process.stderr.read()!r}")
        assert time.monotonic() < deadline, f"no {count} lines in {STARTUP_SECONDS} s"
        time.sleep(0.005)
    process.send_signal(signal.SIGSTOP)
    return line_count(out)


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (children, their children ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
