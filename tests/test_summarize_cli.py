"""`tarjama summarize`: one article from a file or stdin, and `tarjama summarize batch`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.summarize import article_sentences

DATA = Path(__file__).parent / "data" / "summarize"
ANT = [json.loads(line) for line in (DATA / "ant_one_sentence.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ANT[1]["text"], encoding="utf-8")
    return path


def test_one_article_to_stdout(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", str(article), "--sentences", "2"]) == 0
    out = capsys.readouterr().out.strip()
    assert len(article_sentences(out, "ar").sentences) == 2
    assert out.startswith(ANT[1]["text"].splitlines()[0])
    assert all(line in ANT[1]["text"] for line in out.splitlines())


def test_json_output(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", str(article), "--ratio", "0.3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "extractive" and data["lang"] == data["to"] == "ar"
    assert len(data["sentences"]) == len(data["indices"]) >= 1
    assert set(data["timings"]) == {"segment", "summarize", "translate", "total"}


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ANT[2]["text"].encode())))
    assert main(["summarize", "-", "--sentences", "1", "--lang", "ar"]) == 0
    assert capsys.readouterr().out.strip() == ANT[2]["text"].splitlines()[0].strip()


def test_output_file(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.txt"
    assert main(["summarize", str(article), "--sentences", "1", "-o", str(out)]) == 0
    assert out.read_text("utf-8").strip() == ANT[1]["text"].splitlines()[0].strip()


def test_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in ANT[:4]), "utf-8"
    )
    out = tmp_path / "out.jsonl"
    assert main(["summarize", "batch", str(source), "-o", str(out), "--sentences", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["written"], report["errors"]) == (4, 0)
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == [
        r["id"] for r in ANT[:4]
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summarize", "a.txt", "b.txt"], "one FILE"),
        (["summarize", "batch", "in.jsonl"], "-o OUT.jsonl"),
        (["summarize", "a.txt", "--workers", "2"], "apply to `tarjama summarize batch` only"),
        (["summarize", "missing.txt"], "does not exist"),
    ],
)
def test_misuse(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_sentences_and_ratio_exclude_each_other(article: Path) -> None:
    with pytest.raises(SystemExit):
        main(["summarize", str(article), "--sentences", "2", "--ratio", "0.5"])


def test_missing_model_is_named(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", str(article), "--method", "abstractive"]) == 1
    assert "mt5-xlsum" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "hint"),
    [([], True), (["--translation-model", "opus-mt-ar-en"], False)],
)
def test_a_missing_default_translation_model_points_at_the_option(
    article: Path, bart_en: Path, capsys: pytest.CaptureFixture[str], extra: list[str], hint: bool
) -> None:
    argv = ["summarize", str(article), "--to", "en", "--method", "abstractive", "--model", str(bart_en)]
    assert main([*argv, *extra]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "is not available" in err
    assert ("--translation-model" in err) is hint
