"""Serving many users: N concurrent one-sentence /translate requests against one request holding N sentences.

    .venv/bin/python -m bench.serve_speed [--clients 1 8 24 64] [--rounds 5] [--old-commit COMMIT]
                                          [--backend transformers]

A real ``app.py`` is started for each code path (this working tree, and with ``--old-commit`` that commit's
tree, unpacked with ``git archive`` into a temporary folder) on a free local port with a fresh cache, with
the default threads (every core, as users run it). Work is
equal everywhere: every sentence has the same number of source tokens and the stand-in (the tiny random
Marian of ``tests/standins``, end-of-sentence suppressed) always writes the same number of output tokens, so
batching does not change the work per sentence. For each N: one request with N new sentences (``q`` a
list), then N clients at once, each sending one new sentence. Printed per N: the batched request's time,
the one-sentence requests' p50/p95/slowest latency, their throughput, and the ratio slowest / batched (the
goal at N = 24: at most 1.25): each the median of ``--rounds`` rounds, the ratio taken within each round
(its two parts seconds apart), with its range over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.speed_inputs import REPO
from tests.appserver import STARTUP_SECONDS, free_port, server_env

WORDS_FROM = REPO / "tests" / "data" / "ntrex" / "newstest2019-eng-arb.tsv"


def prepare_model(work: Path) -> Path:
    """The tiny random ar→en Marian, copied into ``work`` with end-of-sentence suppressed (fixed-length
    outputs: every sentence decodes to the length bound)."""
    from tests.standins import build_cached, build_marian

    folder = work / "fixed-length-marian"
    subprocess.run(
        ["cp", "-r", str(build_cached(build_marian, src_lang="ar", tgt_lang="en")), str(folder)], check=True
    )
    config_file = folder / "generation_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config.pop("forced_eos_token_id", None)
    config["bad_words_ids"] = [*config.get("bad_words_ids", []), [config["eos_token_id"]]]
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return folder


def equal_sentences(model: Path, count: int, seed: int = 7) -> list[str]:
    """``count`` distinct Arabic sentences of random news words, all of the same source token length."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    text = WORDS_FROM.read_text(encoding="utf-8")
    words = sorted({w for w in text.split() if w.isalpha() and any("\u0600" <= c <= "\u06ff" for c in w)})
    rng = random.Random(seed)
    by_length: dict[int, list[str]] = {}
    while True:
        sentence = " ".join(rng.sample(words, 8))
        group = by_length.setdefault(len(tokenizer(sentence).input_ids), [])
        if sentence not in group:
            group.append(sentence)
        if len(group) == count:
            return group


@contextmanager
def serving(code: Path, model: Path, tmp: Path, args: list[str]) -> Iterator[str]:
    """``app.py`` of the tree ``code`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    env = server_env(tmp) | {"PYTHONPATH": str(code)}
    env.pop("TARJAMA_THREADS")  # the tests' one thread: served as users run it, on every core
    with (tmp / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port), "--mt-model", str(model), *args],
            cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/languages", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)
            else:
                raise SystemExit(f"app.py did not start:\n{(tmp / 'server.log').read_text()}")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


async def translate(base: httpx.URL, q: str | list[str]) -> float:
    """One ``/translate`` request on a connection of its own, timed from its first byte sent to its last
    received. The request is encoded with the standard library and sent on an asyncio stream: a load
    generator that shares the server's two cores must cost them little (httpx's client took 4.5-4.8 ms of
    CPU a request here, this one 0.3-0.4 ms; see bench/README.md)."""
    host, port = str(base.host), int(base.port or 80)
    body = json.dumps({"q": q, "source": "ar", "target": "en"}).encode()
    head = (
        f"POST /translate HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        started = time.perf_counter()
        writer.write(head + body)
        status = await reader.readline()
        await reader.read()  # the server closes the connection after the answer
        elapsed = time.perf_counter() - started
    finally:
        writer.close()
    if status.split()[1:2] != [b"200"]:
        raise RuntimeError(f"/translate answered {status.decode(errors='replace').strip()}")
    return elapsed


async def measure(
    base: str, clients: list[int], sentences: Iterator[str], rounds: int
) -> list[dict[str, float]]:
    """Per N: ``rounds`` times one N-sentence request, then N one-sentence clients at once; the median of
    each figure over the rounds (the ratio is taken within each round, seconds apart, then the median)."""
    rows = []
    url = httpx.URL(base)
    await translate(url, next(sentences))  # loads the model
    for n in clients:
        per_round = []
        for _ in range(rounds):
            batched = await translate(url, [next(sentences) for _ in range(n)])
            started = time.perf_counter()
            latencies = sorted(await asyncio.gather(*(translate(url, next(sentences)) for _ in range(n))))
            wall = time.perf_counter() - started
            per_round.append(
                {
                    "batched_s": batched,
                    "p50_s": statistics.median(latencies),
                    "p95_s": latencies[min(n - 1, round(0.95 * (n - 1)))],
                    "slowest_s": latencies[-1],
                    "sentences_per_s": n / wall,
                    "ratio": latencies[-1] / batched,
                }
            )
        row: dict[str, float] = {"clients": n}
        for key in per_round[0]:
            row[key] = statistics.median(r[key] for r in per_round)
        row["ratio_min"] = min(r["ratio"] for r in per_round)
        row["ratio_max"] = max(r["ratio"] for r in per_round)
        rows.append(row)
    return rows


def report(label: str, rows: list[dict[str, float]]) -> None:
    print(f"\n{label}")
    print(
        f"{'N':>4} {'batched':>9} {'p50':>9} {'p95':>9} {'slowest':>9} {'sent/s':>8} {'slowest/batched':>16}"
        f" {'(range)':>13}"
    )
    for r in rows:
        print(
            f"{r['clients']:>4} {r['batched_s'] * 1000:7.0f}ms {r['p50_s'] * 1000:7.0f}ms "
            f"{r['p95_s'] * 1000:7.0f}ms {r['slowest_s'] * 1000:7.0f}ms {r['sentences_per_s']:8.1f} "
            f"{r['ratio']:15.2f}x {r['ratio_min']:5.2f}-{r['ratio_max']:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 24, 64])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per N; medians are reported")
    parser.add_argument("--old-commit", help="also measure this commit's code (e.g. main)")
    parser.add_argument("--backend", default="transformers", choices=["transformers", "ctranslate2"])
    parser.add_argument(
        "--batch-window-ms", type=float, help="this tree's --batch-window-ms (default: its own)"
    )
    args = parser.parse_args()
    server_args = ["--backend", args.backend, "--device", "cpu"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        model = prepare_model(tmp)
        needed = 1 + 2 * sum(args.clients) * args.rounds
        pool = equal_sentences(model, 2 * needed)
        window = ["--batch-window-ms", str(args.batch_window_ms)] if args.batch_window_ms is not None else []
        trees = [("this tree", REPO, window)]
        if args.old_commit:
            old = tmp / "old"
            old.mkdir()
            archive = subprocess.run(
                ["git", "archive", args.old_commit], cwd=REPO, capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
            trees.append((f"commit {args.old_commit}", old, []))
        for number, (label, code, extra) in enumerate(trees):
            work = tmp / f"run{number}"
            work.mkdir()
            sentences = iter(pool[number * needed : (number + 1) * needed])
            with serving(code, model, work, [*server_args, *extra]) as base:
                rows = asyncio.run(measure(base, args.clients, sentences, args.rounds))
            report(f"{label} ({args.backend}, {len(pool[0].split())} words a sentence)", rows)


if __name__ == "__main__":
    main()
