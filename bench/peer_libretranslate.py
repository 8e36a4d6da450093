"""tarjama's ``app.py`` against LibreTranslate, both serving the same CTranslate2 int8 weights on loopback.

    .venv/bin/python -m bench.peer_libretranslate [--lt-venv /work/lt-venv] [--rounds 3] [--model base]

Installs nothing: LibreTranslate must already be installed in a virtualenv of its own (``python -m venv
/work/lt-venv && /work/lt-venv/bin/pip install libretranslate spacy``; a separate virtualenv keeps its own
CTranslate2 and friends out of tarjama's). Offline throughout:

- **Weights**: the stand-in (``base``: opus-mt-ar-en's dimensions and its 62,834-row vocabulary, random
  weights, ``bench.speed_inputs.prepare_model``; ``memorised``: the small model that ends its sentences) is
  converted to CTranslate2 int8 once, and both servers load that very folder: an Argos package is built from
  it (``model/``, ``sentencepiece.model`` = the source SentencePiece model, ``metadata.json`` and an empty
  Arabic spaCy pipeline for its sentence splitting, ``ARGOS_CHUNK_TYPE=SPACY``). A second package (en→ar,
  the same files) is installed so that LibreTranslate finds two and does not fetch its index at start.
- **Settings**: beam 4 both; two single-threaded CTranslate2 workers both (tarjama ``TARJAMA_THREADS=2``,
  Argos ``ARGOS_INTER_THREADS=2 ARGOS_INTRA_THREADS=1``). A random ``base`` stand-in rarely ends a sentence,
  so each decodes to its length cap: Argos calls CTranslate2 with its default ``max_decoding_length`` of
  256 tokens, so tarjama is given the same absolute cap (``--max-output-tokens``, default 256, sets
  ``TARJAMA_MAX_OUTPUT_TOKENS``; 0 leaves tarjama's own 3 × source + 10) and both decode up to the same
  length. The article figures are also given per output token (target SentencePiece pieces of the returned
  text).
- **Rounds**: each figure is taken from both servers in turn, within a round, the order alternating; the
  ratios are LibreTranslate's time over tarjama's (above 1: tarjama faster), median over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.speed_inputs import NTREX, REPO
from tests.appserver import STARTUP_SECONDS, free_port, server_env

SEED = REPO / "seeds" / "000_ac9cc5f60d3ec1c9.txt"
SPACY_BLANK = "import spacy, sys; spacy.blank(sys.argv[1]).to_disk(sys.argv[2])"


def stand_in(kind: str, work: Path) -> Path:
    """The model folder: the real-dimension random Marian or the memorised one."""
    if kind == "base":
        from bench.speed_inputs import prepare_model

        return prepare_model(work)
    from tests.standins import build_cached, build_memorised_marian, load_memorised_pairs

    return build_cached(build_memorised_marian, pairs=load_memorised_pairs())


def argos_packages(model: Path, converted: Path, lt_python: Path, packages: Path) -> None:
    """Install ar→en (and en→ar, the same files) Argos packages built from ``converted``."""
    for source, target in (("ar", "en"), ("en", "ar")):
        folder = packages / f"{source}_{target}"
        shutil.copytree(converted, folder / "model")
        shutil.copyfile(model / "source.spm", folder / "sentencepiece.model")
        metadata = {
            "package_version": "1.0", "argos_version": "1.0", "from_code": source, "to_code": target,
            "from_name": source, "to_name": target, "type": "translate",
        }  # fmt: skip
        (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
        subprocess.run([str(lt_python), "-c", SPACY_BLANK, source, str(folder / "spacy")], check=True)


@contextmanager
def server(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[int]:
    """Run ``command`` until the block ends, once ``url``/languages answers; yields its pid."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{command[0]} exited:\n{log.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{url}/languages", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
            yield process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def post(client: httpx.Client, url: str, text: str) -> tuple[float, str]:
    """Seconds for one ``/translate`` of ``text`` and its answer, on ``client``'s open connection (a new
    ``httpx.Client`` per request would add its own ~50 ms set-up to every figure, both servers alike)."""
    started = time.perf_counter()
    reply = client.post(f"{url}/translate", json={"q": text, "source": "ar", "target": "en"})
    seconds = time.perf_counter() - started
    if reply.status_code != 200:
        raise SystemExit(f"{url}: {reply.status_code} {reply.text[:300]}")
    return seconds, str(reply.json()["translatedText"])


def clients(url: str, texts: list[str]) -> float:
    """Requests per second of ``len(texts)`` clients at once, one sentence each, sent as
    :func:`bench.serve_speed.translate` sends them (a load generator light on the servers' two cores)."""
    from bench.serve_speed import translate

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(translate(httpx.URL(url), text) for text in texts))
        return len(texts) / (time.perf_counter() - started)

    return asyncio.run(run())


def ntrex(count: int, start: int) -> list[str]:
    with NTREX.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["arb"].strip() for row in rows[start : start + count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lt-venv", type=Path, default=Path("/work/lt-venv"), help="LibreTranslate's venv")
    parser.add_argument("--model", choices=["base", "memorised"], default="base")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--figures", choices=["all", "memory"], default="all",
        help="memory: only the seed article (cold, repeated) and peak RSS, for a model that never ends its "
        "sentences (the random base stand-in decodes to 256 tokens a sentence in LibreTranslate)",
    )  # fmt: skip
    parser.add_argument(
        "--max-output-tokens", type=int, default=256,
        help="tarjama's TARJAMA_MAX_OUTPUT_TOKENS: Argos decodes up to CTranslate2's default 256 tokens a "
        "sentence (%(default)s); 0 = tarjama's own bound (3 x source + 10)",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, default=REPO / ".standins" / "bench")
    args = parser.parse_args(argv)
    lt_python, lt_cli = args.lt_venv / "bin" / "python", args.lt_venv / "bin" / "libretranslate"
    if not lt_cli.is_file():
        raise SystemExit(
            f"no LibreTranslate in {args.lt_venv}: pip install libretranslate spacy into a venv there"
        )
    import sentencepiece

    from tarjama.inference.backends.ct2_models import converted_model
    from tarjama.inference.hub import resolve_model

    model = stand_in(args.model, args.work.resolve())
    resolved = resolve_model(f"ar-en={model}", task="translate")
    pieces = sentencepiece.SentencePieceProcessor(model_file=str(model / "target.spm"))
    with tempfile.TemporaryDirectory(prefix="tarjama-peer-") as tmp_name:
        tmp = Path(tmp_name)
        converted = converted_model(resolved, "int8", root=tmp / "models")
        argos_packages(model, converted, lt_python, tmp / "argos" / "packages")
        (tmp / "xdg-cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
        tj_port, lt_port = free_port(), free_port()
        tj_url, lt_url = f"http://127.0.0.1:{tj_port}", f"http://127.0.0.1:{lt_port}"
        tj_env = {
            **server_env(tmp / "tarjama"),
            "TARJAMA_THREADS": "2",
            "TARJAMA_MODELS_DIR": str(tmp / "models"),
        } | ({"TARJAMA_MAX_OUTPUT_TOKENS": str(args.max_output_tokens)} if args.max_output_tokens else {})
        (tmp / "tarjama").mkdir()
        lt_env = {
            **os.environ, "ARGOS_PACKAGES_DIR": str(tmp / "argos" / "packages"), "ARGOS_CHUNK_TYPE": "SPACY",
            "ARGOS_INTER_THREADS": "2", "ARGOS_INTRA_THREADS": "1", "ARGOS_COMPUTE_TYPE": "int8",
            "ARGOS_BEAM_SIZE": "4", "XDG_DATA_HOME": str(tmp / "xdg-data"),
            "XDG_CONFIG_HOME": str(tmp / "xdg-config"), "XDG_CACHE_HOME": str(tmp / "xdg-cache"),
            "HOME": str(tmp), "PYTHONPATH": "",
        }  # fmt: skip
        tj_command = [sys.executable, "app.py", "--port", str(tj_port), "--mt-model", f"ar-en={model}",
                      "--backend", "ctranslate2", "--device", "cpu"]  # fmt: skip
        lt_command = [str(lt_cli), "--host", "127.0.0.1", "--port", str(lt_port), "--load-only", "ar,en",
                      "--threads", "4"]  # fmt: skip
        with (
            server(tj_command, tj_env, tj_url, tmp / "tarjama.log") as tj_pid,
            server(lt_command, lt_env, lt_url, tmp / "lt.log") as lt_pid,
        ):
            urls = {"tarjama": tj_url, "libretranslate": lt_url}
            figures = measure(urls, args.rounds, pieces, args.figures == "all")
            rss = {"tarjama": peak_rss_mb(tj_pid), "libretranslate": peak_rss_mb(lt_pid)}
    print(report(figures, rss, args))
    return 0


def measure(urls: dict[str, str], rounds: int, pieces: Any, speed: bool) -> dict[str, dict[str, list[float]]]:
    """Every figure from both servers in turn; the order alternates from one round to the next."""
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in urls}
    seed = SEED.read_text(encoding="utf-8")
    with ExitStack() as stack:
        sessions = {url: stack.enter_context(httpx.Client(timeout=1800)) for url in urls.values()}
        _rounds(urls, rounds, pieces, speed, seed, figures, lambda url, text: post(sessions[url], url, text))
    return figures


def _rounds(
    urls: dict[str, str],
    rounds: int,
    pieces: Any,
    speed: bool,
    seed: str,
    figures: dict[str, dict[str, list[float]]],
    send: Callable[[str, str], tuple[float, str]],
) -> None:

    def note(name: str, what: str, value: float) -> None:
        figures[name].setdefault(what, []).append(value)

    def out_tokens(text: str) -> int:
        return sum(len(pieces.encode(line, out_type=str)) + 1 for line in text.splitlines() if line.strip())

    def both(what: str, run: Callable[[str], float], order: list[str]) -> None:
        for name in order:
            note(name, what, run(urls[name]))

    for url in urls.values():  # warm: the model loaded, one sentence through
        send(url, ntrex(1, 900)[0])
    for round_ in range(rounds):
        order = list(urls) if round_ % 2 == 0 else list(urls)[::-1]
        article = "\n\n".join(ntrex(8, 10 * round_))
        for name in order if speed else []:
            seconds, text = send(urls[name], article)
            note(name, "uncached article, s", seconds)
            note(name, "uncached article, ms per output token", 1000 * seconds / max(1, out_tokens(text)))
        if round_ == 0:
            for name in order:
                seconds, text = send(urls[name], seed)
                note(name, "seed article (cold), s", seconds)
                note(
                    name,
                    "seed article (cold), ms per output token",
                    1000 * seconds / max(1, out_tokens(text)),
                )
        for count in (16, 64) if speed else ():
            sentences = ntrex(count, 200 + 100 * round_ + (0 if count == 16 else 20))
            both(f"{count} clients, req/s", lambda url, s=sentences: clients(url, s), order)  # type: ignore[misc]
        both("repeated seed article, s", lambda url: send(url, seed)[0], order)

        def after_other(url: str, r: int = round_) -> float:
            send(url, ntrex(1, 800 + r)[0])
            return send(url, seed)[0]

        both("repeated seed after another request, s", after_other, order)


def report(
    figures: dict[str, dict[str, list[float]]], rss: dict[str, float], args: argparse.Namespace
) -> str:
    tj, lt = figures["tarjama"], figures["libretranslate"]
    cap = f"tarjama's output cap {args.max_output_tokens or '3 x source + 10'} tokens, Argos' 256"
    lines = [
        f"model: {args.model} stand-in, CTranslate2 int8, beam 4, 2 workers each; {cap}; {args.rounds} rounds"
    ]
    lines.append(f"{'figure':<44} {'tarjama':>10} {'LibreTr.':>10} {'LT / tarjama':>13}")
    for what in tj:
        a, b = statistics.median(tj[what]), statistics.median(lt[what])
        higher_better = what.endswith("req/s")
        ratio = a / b if higher_better else b / a
        lines.append(f"{what:<44} {a:10.3f} {b:10.3f} {ratio:12.2f}x")
    lines.append(f"{'peak RSS of the server, MB':<44} {rss['tarjama']:10.0f} {rss['libretranslate']:10.0f} "
                 f"{rss['libretranslate'] / rss['tarjama']:12.2f}x")  # fmt: skip
    lines.append("ratios: above 1 = tarjama faster (or smaller); medians of the rounds, measured interleaved")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
