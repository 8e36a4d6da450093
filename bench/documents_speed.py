"""A 20-page Word document translated: seconds, and the share spent outside the model.

    .venv/bin/python -m bench.documents_speed [--backend auto|ctranslate2|transformers] [--pages 20]

The document is built from the seed articles (``seeds/``, 6,700 words of Arabic news, about 20 pages of
350 words): a heading and a page break per page, the articles' paragraphs (a page's first with its second
word bold, so a sentence crosses runs), a table every fifth page, a header and a footer. The model is the
random stand-in with opus-mt-ar-en's real dimensions (``tests/standins``), outputs bounded to the
source's length (as in ``bench.cache_speed``), so the model's share is that of the real model. Model time
is the time spent inside the backend's ``generate_batches`` and its ``align`` (the alignment pass for
sentences that cross runs, also shown on its own); everything else (unzipping, parsing, finding
sentences, the cache, writing the file back) is "outside".
A second run of the same document shows what the cache saves.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import docx

from tarjama.inference import GenerationSettings, ModelPool, SentenceCache
from tarjama.translate import Translator
from tarjama.translate.documents import engine_aligner, engine_sentences, translate_document
from tests.standins import build_cached, build_marian_real_dims

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_PAGE = 350


def seed_paragraphs() -> list[str]:
    """Every non-blank line of the Arabic seed articles, in name order."""
    lines = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def build_document(pages: int) -> bytes:
    """A Word document of ``pages`` pages of seed paragraphs (see the module's docstring)."""
    paragraphs = iter(seed_paragraphs() * (1 + pages // 20))
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "بيان صحفي"
    document.sections[0].footer.paragraphs[0].text = "جميع الحقوق محفوظة"
    for page in range(pages):
        document.add_heading(f"الصفحة {page + 1}", level=1)
        words = 0
        while words < WORDS_PER_PAGE and (paragraph := next(paragraphs, None)):
            first, second, *rest = [*paragraph.split(" ", 2), "", ""]
            if words == 0 and rest[0]:  # a page's first paragraph: its second word bold, inside a sentence
                runs = document.add_paragraph()
                runs.add_run(f"{first} ")
                runs.add_run(second).bold = True
                runs.add_run(f" {rest[0]}")
            else:
                document.add_paragraph().add_run(paragraph)
            words += len(paragraph.split())
        if page % 5 == 4:
            table = document.add_table(rows=2, cols=2)
            for cell, text in zip(table._cells, ("المؤشر", "القيمة", "النمو الاقتصادي", "3٪"), strict=True):
                cell.text = text
        document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def timed_backend(backend: Any, spent: list[float], aligning: list[float]) -> None:
    """Add the seconds ``backend.generate_batches`` takes (until its last output) to ``spent``, and those
    ``backend.align`` takes to ``aligning``."""
    original, align = backend.generate_batches, backend.align

    def timed_align(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return align(*args, **kwargs)
        finally:
            aligning.append(time.perf_counter() - started)

    def timed(batches: Iterable[Sequence[str]], *args: Any, **kwargs: Any) -> Iterator[list[str]]:
        outputs = original(batches, *args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                output = next(outputs)
            except StopIteration:
                spent.append(time.perf_counter() - started)
                return
            spent.append(time.perf_counter() - started)
            yield output

    backend.generate_batches = timed
    backend.align = timed_align


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="auto", choices=["auto", "ctranslate2", "transformers"])
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    data = build_document(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TARJAMA_MODELS_DIR"] = str(Path(tmp) / "models")
        model = str(build_cached(build_marian_real_dims))
        settings = GenerationSettings(max_length_ratio=1.0, length_slack=0)
        translator = Translator(
            model, cache=SentenceCache(Path(tmp) / "cache.sqlite3"), pool=ModelPool(backend=args.backend)
        )
        translator.translate("تحضير النموذج.", settings=settings)  # load and convert outside the timings
        spent: list[float] = []
        aligning: list[float] = []
        timed_backend(translator.model_for("ar", "en").load(), spent, aligning)
        sentences, align = engine_sentences(translator, settings=settings), engine_aligner(translator)
        runs = []
        for _ in range(2):
            spent.clear()
            aligning.clear()
            started = time.perf_counter()
            result = translate_document("bench.docx", data, sentences, source="ar", target="en", align=align)
            runs.append((time.perf_counter() - started, sum(spent) + sum(aligning), sum(aligning)))
    words = sum(len(p.text.split()) for p in docx.Document(io.BytesIO(data)).paragraphs)
    print(f"{args.pages} pages, {words:,} words, {len(result.pairs):,} sentences, {len(data):,} bytes")
    for name, (seconds, model_seconds, align_seconds) in zip(("cold cache", "second run"), runs, strict=True):
        outside = seconds - model_seconds
        print(
            f"{name:<11} {seconds:8.2f} s   model {model_seconds:8.2f} s (alignment {align_seconds:.2f} s)   "
            f"outside the model {outside:6.2f} s ({outside / seconds:.1%})"
        )


if __name__ == "__main__":
    main()
