"""What a server imports to serve the page and translate: nothing only other routes use (evaluation's
sacrebleu, ROUGE and NLTK) and, with CTranslate2, no torch or transformers. Each import costs the server
memory for as long as it runs (issue #26: peak RSS against LibreTranslate's)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.appserver import running_app

# Loaded only by the routes that score (Evaluate tab, `tarjama eval`) or by the transformers backend.
NOT_FOR_SERVING = ("sacrebleu", "rouge_score", "nltk", "torch", "transformers", "matplotlib")
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)\s*$", re.MULTILINE)


def imported_modules(log: str) -> set[str]:
    """The top-level packages a process imported, from its ``PYTHONPROFILEIMPORTTIME`` lines."""
    return {name.split(".")[0] for name in IMPORTED.findall(log)}


def test_a_translating_server_imports_no_scoring_or_torch(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    args = ["--mt-model", str(memorised_ar_en), "--backend", "ctranslate2", "--device", "cpu"]
    with running_app(args, tmp_path, {"PYTHONPROFILEIMPORTTIME": "1"}) as url:
        assert httpx.get(f"{url}/", timeout=60).status_code == 200
        arabic = "\n\n".join(a for a, _ in memorised_pairs[:8])
        for _ in range(2):  # translated, then from the cache
            reply = httpx.post(
                f"{url}/translate", json={"q": arabic, "source": "auto", "target": "en"}, timeout=600
            )
            assert reply.status_code == 200, reply.text
        assert reply.json()["translatedText"] == "\n\n".join(e for _, e in memorised_pairs[:8])
    modules = imported_modules((tmp_path / "server.log").read_text(encoding="utf-8", errors="replace"))
    assert {"gradio", "ctranslate2", "sentencepiece", "fasttext"} <= modules  # the log is read
    assert not modules & set(NOT_FOR_SERVING), sorted(modules & set(NOT_FOR_SERVING))
