"""`tarjama translate FILE -o OUT` for documents, in a child process like a user runs it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from tests import documents_samples as samples
from tests.documents_hostile import hostile_word
from tests.test_cli_translate import run
from tests.test_documents_inline import SENTENCE, bold_word_document, check_bold

Pairs = list[tuple[str, str]]


def test_a_word_document_and_a_saved_page_article_only(
    memorised_ar_en: Path, memorised_pairs: Pairs, tmp_path: Path
) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    source, out = tmp_path / "statement.docx", tmp_path / "statement.en.docx"
    original = samples.word(ar)
    source.write_bytes(original)
    done = run("translate", str(source), "-o", str(out), "--model", str(memorised_ar_en), "--beam", "1")
    assert done.returncode == 0, done.stderr
    assert docx.Document(io.BytesIO(out.read_bytes())).paragraphs[0].text == f"{en[0]} {en[1]}"
    assert source.read_bytes() == original
    page = tmp_path / "saved.html"
    menu = "".join(f'<li><a href="/{i}">{ar[10 + i]}</a></li>' for i in range(4))
    body = f"<article><h1>{ar[0]}</h1><p>{' '.join(ar[:6])}</p><p>{' '.join(ar[1:7])}</p></article>"
    page.write_text(f"<html><body><nav><ul>{menu}</ul></nav>{body}</body></html>", encoding="utf-8")
    done = run("translate", str(page), "--article-only", "--model", str(memorised_ar_en), "--beam", "1")
    assert done.returncode == 0, done.stderr
    assert en[0] in done.stdout and en[10] not in done.stdout


@pytest.mark.parametrize(
    ("name", "data", "output", "message"),
    [
        ("a.docx", samples.word(["نص."] * 8), None, "say where to write the translated .docx file: -o OUT"),
        ("a.docx", samples.word(["نص."] * 8), "a.docx", "would overwrite the document itself"),
        ("a.docx", hostile_word("bomb"), "b.docx", "compressed more than 100:1"),
        ("a.pptx", b"not a zip", "b.pptx", "a.pptx is not a PowerPoint presentation"),
    ],
)
def test_document_errors_are_one_line_and_write_nothing(
    tmp_path: Path, name: str, data: bytes, output: str | None, message: str
) -> None:
    tmp_path = tmp_path / "documents"
    tmp_path.mkdir()
    (tmp_path / name).write_bytes(data)
    done = run("translate", str(tmp_path / name), *(["-o", str(tmp_path / output)] if output else []))
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert (tmp_path / name).read_bytes() == data


def test_a_folder_of_documents_in_translate_batch_resumes(
    memorised_ar_en: Path, memorised_pairs: Pairs, tmp_path: Path
) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.docx").write_bytes(samples.word(ar))
    (folder / "b.srt").write_text(f"1\n00:00:01,000 --> 00:00:02,000\n{ar[0]}\n", encoding="utf-8")
    (folder / "c.pptx").write_bytes(b"not a zip")
    out = tmp_path / "done.jsonl"
    args = ["translate", "batch", str(folder), "-o", str(out), "--model", str(memorised_ar_en), "--beam", "1"]
    done = run(*args, "--from", "ar", "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["sentences"]) for line in lines] == [("a.docx", 8), ("b.srt", 1)]
    files = tmp_path / "done.files"
    assert sorted(p.name for p in files.iterdir()) == ["a.en.docx", "b.en.srt"]
    assert docx.Document(files / "a.en.docx").paragraphs[0].text == f"{en[0]} {en[1]}"
    errors = [json.loads(line) for line in (tmp_path / "done.errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["c.pptx"] and "not a PowerPoint" in errors[0]["reason"]
    again = json.loads(run(*args, "--from", "ar", "--json").stdout)
    assert (again["written"], again["skipped"]) == (0, 2)


def test_a_bold_word_inside_a_sentence_alone_and_in_a_batch(
    memorised_ar_en: Path, memorised_pairs: Pairs, tmp_path: Path
) -> None:
    arabic, english = memorised_pairs[SENTENCE]
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "bold.docx").write_bytes(bold_word_document(arabic))
    model = ["--model", str(memorised_ar_en), "--beam", "1", "--from", "ar"]
    alone = run("translate", str(folder / "bold.docx"), "-o", str(tmp_path / "bold.en.docx"), *model)
    assert alone.returncode == 0, alone.stderr
    batch = run("translate", "batch", str(folder), "-o", str(tmp_path / "done.jsonl"), *model)
    assert batch.returncode == 0, batch.stderr
    for out in (tmp_path / "bold.en.docx", tmp_path / "done.files" / "bold.en.docx"):
        paragraph = docx.Document(out).paragraphs[0]
        check_bold(paragraph.text, "".join(r.text for r in paragraph.runs if r.bold), english)
