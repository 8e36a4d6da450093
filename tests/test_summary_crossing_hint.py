"""README: "`--translation-model` picks the model that crosses languages; when the default one is missing,
the error points at that option" — for one article and for a batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_models_import import one_line, run

ARTICLE = "البارحة كان عيد ميلادي. ذهبنا إلى البحر مع العائلة. كان الجو جميلا جدا."


@pytest.mark.parametrize("command", ["summarize", "summarize batch"])
def test_a_missing_crossing_model_points_at_translation_model(command: str, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    if command == "summarize":
        args = ["summarize", str(article), "--lang", "ar", "--to", "en"]
    else:
        batch = tmp_path / "articles.jsonl"
        batch.write_text(
            json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        args = ["summarize", "batch", str(batch), "-o", str(tmp_path / "out.jsonl"), "--to", "en"]
    line = one_line(run(*args))
    assert "opus-mt-tc-big-ar-en" in line and "--translation-model" in line  # the default, missing
