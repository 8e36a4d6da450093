"""`tarjama translate | segment | models | cache` as a person runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tarjama import cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ac9cc5f60d3ec1c9.txt"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (environment from the autouse fixture)."""
    done = subprocess.run(
        [sys.executable, "-m", "tarjama", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=300,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def nonblank(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_seed_article_keeps_its_paragraphs(marian_ar_en: Path) -> None:
    done = run(
        "translate", str(SEED), "--from", "ar", "--to", "en", "--model", str(marian_ar_en), "--beam", "1"
    )
    assert done.returncode == 0, done.stderr
    assert len(nonblank(done.stdout)) == len(nonblank(SEED.read_text(encoding="utf-8")))


def test_json_shape_and_second_run_cached(
    memorised_ar_en: Path, memorised_pairs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "article.txt"
    source.write_text("\n\n".join(a for a, _ in memorised_pairs[:6]), encoding="utf-8")
    args = ["translate", str(source), "--model", str(memorised_ar_en), "--json", "--beam", "1"]
    assert cli.main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert set(first) >= {"text", "segments", "model", "stats"}
    assert set(first["segments"][0]) == {"source", "translation", "cached", "flags"}
    assert set(first["stats"]) == {"segments", "cached", "seconds"}
    assert [s["translation"] for s in first["segments"]] == [e for _, e in memorised_pairs[:6]]
    assert cli.main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["stats"]["cached"] == second["stats"]["segments"] == 6


@pytest.mark.parametrize("quantization", ["float32", "int8"])
def test_quantization_option(
    memorised_ar_en: Path,
    memorised_pairs,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    quantization: str,
) -> None:
    source = tmp_path / "article.txt"
    source.write_text("\n\n".join(a for a, _ in memorised_pairs[:4]), encoding="utf-8")
    args = ["translate", str(source), "--model", str(memorised_ar_en), "--beam", "1", "--json"]
    assert cli.main([*args, "--backend", "ctranslate2", "--quantization", quantization]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [s["translation"] for s in got["segments"]] == [e for _, e in memorised_pairs[:4]]
    assert got["quantization"] == quantization


def test_output_file_and_stdin(memorised_ar_en: Path, memorised_pairs, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    done = run(
        "translate",
        "-",
        "--model",
        str(memorised_ar_en),
        "--beam",
        "1",
        "-o",
        str(out),
        stdin=memorised_pairs[0][0].encode(),
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").strip() == memorised_pairs[0][1]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["translate", "--model", "opus-mt-ar-en"], "مرحبا بكم.".encode(), "opus-mt-ar-en"),
        (
            ["translate", "--model", "Helsinki-NLP/opus-mt-en-ar", "--from", "en"],
            b"Hello.",
            "tarjama models pull",
        ),
        (["translate", "nope.txt"], None, "does not exist"),
        (["translate"], "مرحبا".encode("cp1256"), "not UTF-8"),
        (["translate"], b"\x00\x01\x02binary", "binary"),
        (["translate"], b"   \n ", "no text"),
        (["models", "pull", "opus-mt-ar-en"], None, "opus-mt-ar-en"),
        (["translate", "--backend", "transformers", "--quantization", "int8"], b"Hello.", "runs float32"),
        (["translate", "--backend", "ctranslate2", "--quantization", "int3"], b"Hello.", "cannot run int3"),
    ],
)
def test_errors_are_one_line_without_traceback(args: list[str], stdin: bytes | None, message: str) -> None:
    done = run(*args, stdin=stdin)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_segment_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "a.txt"
    source.write_text("العنوان\n\nقال الوزير إن الوفد وصل. وأضاف أن المحادثات مهمة؟\n", encoding="utf-8")
    assert cli.main(["segment", str(source), "--lang", "ar"]) == 0
    assert capsys.readouterr().out == "العنوان\n\nقال الوزير إن الوفد وصل.\nوأضاف أن المحادثات مهمة؟\n"


def test_models_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["models", "list", "--json"]) == 0
    names = {m["name"] for m in json.loads(capsys.readouterr().out)}
    assert {
        "opus-mt-ar-en",
        "opus-mt-en-ar",
        "opus-mt-tc-big-ar-en",
        "nllb-200-distilled-600M",
        "m2m100_418M",
    } <= names


def test_models_list_marks_each_directions_default(capsys: pytest.CaptureFixture[str]) -> None:
    """tc-big is the ar↔en default, on a CPU as on CUDA; OPUS-MT base is the `fast` choice."""
    assert cli.main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    about = {lines[i].split()[0]: lines[i + 1] for i in range(0, len(lines), 2)}
    assert about["opus-mt-tc-big-ar-en"].endswith("; default ar→en")
    assert about["opus-mt-tc-big-en-ar"].endswith("; default en→ar")
    assert about["nllb-200-distilled-1.3B"].endswith("; default ckb→en, en→ckb")
    assert "default" not in about["opus-mt-ar-en"] + about["opus-mt-en-ar"]


def break_config_list(folder: Path) -> None:
    (folder / "config.json").write_text("[1, 2]")


def break_positions(folder: Path) -> None:
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "max_position_embeddings": "abc"}))


def break_tokenizer(folder: Path) -> None:
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        (folder / name).unlink()


def break_weights(folder: Path) -> None:
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])


@pytest.mark.parametrize(
    ("damage", "backend", "problem"),
    [
        (break_config_list, "auto", "config.json holds a list, not a JSON object"),
        (break_positions, "auto", "max_position_embeddings 'abc'"),
        (break_tokenizer, "auto", "no tokenizer files"),
        (break_weights, "transformers", "damaged or incomplete"),
        (break_weights, "ctranslate2", "damaged"),
    ],
)
def test_a_broken_model_folder_is_one_line(
    marian_ar_en: Path, tmp_path: Path, damage: Callable[[Path], None], backend: str, problem: str
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(marian_ar_en, folder)
    damage(folder)
    done = run("translate", "--model", str(folder), "--backend", backend, stdin="مرحبا بكم.".encode())
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and problem in done.stderr


def test_models_list_shows_directions_and_local_state(
    marian_ar_en: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["models", "list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line[:1].strip()}
    assert "ar→en, en→ar" in rows["nllb-200-distilled-600M"] and "ar→en, en→ar" in rows["m2m100_418M"]
    assert "not downloaded" in rows["opus-mt-ar-en"]
    repo = Path(os.environ["HF_HUB_CACHE"]) / "models--Helsinki-NLP--opus-mt-ar-en"
    commit = "c0ffee" * 6 + "c0ff"
    shutil.copytree(
        marian_ar_en, repo / "snapshots" / commit
    )  # as `models pull` leaves it (the stand-in's files)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    size = sum(p.stat().st_size for p in snapshot.iterdir())

    def state() -> dict:
        assert cli.main(["models", "list", "--json"]) == 0
        return next(m for m in json.loads(capsys.readouterr().out) if m["name"] == "opus-mt-ar-en")["state"]

    assert state() == {
        "present": True, "local_folder": False, "size_bytes": size, "converted": [],
        "summary": f"downloaded, {size / 1e6:.1f} MB",
    }  # fmt: skip
    args = ["translate", "--model", "opus-mt-ar-en", "--backend", "ctranslate2", "--quantization", "float32"]
    (tmp_path / "a.txt").write_text("مرحبا بكم.", encoding="utf-8")
    assert cli.main([*args, str(tmp_path / "a.txt")]) == 0
    capsys.readouterr()
    assert state()["converted"] == ["float32"]


def test_cache_stats_and_clear(
    memorised_ar_en: Path, memorised_pairs, capsys: pytest.CaptureFixture[str]
) -> None:
    from tarjama.translate import Translator

    Translator(str(memorised_ar_en)).translate(memorised_pairs[0][0], beam_size=1)
    Translator(str(memorised_ar_en)).translate(memorised_pairs[0][0], beam_size=1)
    assert cli.main(["cache", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["entries"], stats["hits"], stats["misses"]) == (1, 1, 1)
    assert stats["size_bytes"] > 0
    assert cli.main(["cache", "clear"]) == 0
    assert "removed 1" in capsys.readouterr().out
    assert cli.main(["cache", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0
