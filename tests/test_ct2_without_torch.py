"""Serving with CTranslate2 never imports torch: SentencePiece tokenises, another process converts."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import httpx
import pytest
from transformers import AutoTokenizer

from tarjama.inference.backends.pieces import MarianPieces, marian_pieces_possible
from tarjama.inference.hub import resolve_model
from tests.appserver import running_app
from tests.standins import corpus_lines

NTREX = Path(__file__).parent / "data" / "ntrex" / "newstest2019-eng-arb.tsv"
TORCH_LIBRARIES = ("libtorch", "torch/_C")


def server_pid(url: str) -> int:
    """The process of the ``app.py`` serving ``url`` (found by its ``--port`` argument)."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"app.py" in args and port.encode() in args:
            return int(proc.name)
    raise AssertionError(f"no app.py process for {url}")


def mapped_libraries(pid: int) -> set[str]:
    """The files mapped into process ``pid``: an imported torch maps its shared libraries."""
    lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {line.split()[-1] for line in lines if len(line.split()) >= 6}


def test_ctranslate2_server_translates_without_torch(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    arabic = [a for a, _ in memorised_pairs]
    answers = {}
    for backend in ("ctranslate2", "transformers"):
        args = ["--mt-model", str(memorised_ar_en), "--backend", backend, "--device", "cpu"]
        (tmp_path / backend).mkdir()
        with running_app(args, tmp_path / backend) as url:
            reply = httpx.post(
                f"{url}/translate", json={"q": arabic, "source": "ar", "target": "en"}, timeout=600
            )
            assert reply.status_code == 200, reply.text
            answers[backend] = reply.json()["translatedText"]
            torch_mapped = {
                p for p in mapped_libraries(server_pid(url)) if any(t in p for t in TORCH_LIBRARIES)
            }
            assert bool(torch_mapped) is (backend == "transformers"), torch_mapped
    assert answers["ctranslate2"] == answers["transformers"] == [e for _, e in memorised_pairs]


def ntrex_texts() -> list[str]:
    with NTREX.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["arb"] for row in rows[:300]] + [row["eng"] for row in rows[:100]]


ODD_TEXTS = [
    "", " ", "  spaces around  ", "a </s> b", "x<unk>y", "<pad>", ">>ara<< hello", "hello >>ara<<",
    "tab\tand\nnewline", "e\u0301 \ufb01 \uff21\uff22", "\u0661\u0662\u0663 123", "emoji \U0001f600 end",
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "target"), [("memorised_ar_en", "en"), ("marian_en_ar", "ar")])
def test_sentencepiece_tokens_are_marian_tokenizers(
    request: pytest.FixtureRequest, fixture: str, target: str
) -> None:
    folder: Path = request.getfixturevalue(fixture)
    model = resolve_model(str(folder), task="translate")
    assert marian_pieces_possible(model.spec, folder)
    reference = AutoTokenizer.from_pretrained(folder)
    pieces = MarianPieces(model.spec, folder)
    source = "ar" if target == "en" else "en"
    texts = [*ntrex_texts(), *corpus_lines(source)[:200], *ODD_TEXTS]
    prefix = model.spec.target_prefix or (">>ara<<" if target == "ar" else "")
    expected = [
        reference.convert_ids_to_tokens(reference(f"{prefix} {t}" if prefix else t)["input_ids"])
        for t in texts
    ]
    assert pieces.tokens(texts, source=source, target=target) == expected
    outputs = [*texts, *corpus_lines(target)[:200]]  # as a translation's label: the target model, no </s>
    labels = reference(text_target=outputs, add_special_tokens=False)["input_ids"]
    expected = [reference.convert_ids_to_tokens(ids) for ids in labels]
    assert pieces.target_tokens(outputs, target) == expected
    rng = random.Random(0)
    vocabulary = list(reference.get_vocab())
    for _ in range(2000):
        tokens = rng.choices(vocabulary, k=rng.randint(0, 30))
        decoded = reference.decode(reference.convert_tokens_to_ids(tokens), skip_special_tokens=True).strip()
        assert pieces.text(tokens, None) == decoded, tokens


def test_each_source_is_tokenised_once_per_call(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    """A call measures its sources (the splitter, the token budget) before it decodes them: SentencePiece
    reads each once, and the tokens handed back are the caller's own to change."""
    from tarjama.inference import ModelPool
    from tarjama.translate import Translator

    translator = Translator(
        str(memorised_ar_en), pool=ModelPool(backend="ctranslate2", device="cpu", threads=2), use_cache=False
    )
    pieces = translator.pool.get(str(memorised_ar_en), task="translate").load().tokenizer
    assert isinstance(pieces, MarianPieces)
    encoded: list[str] = []
    real = pieces._spm

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def encode(self, text: str, **options: object) -> object:
            encoded.append(text)
            return real.encode(text, **options)

    pieces._spm = Counting()
    texts = [a for a, _ in memorised_pairs]
    done = translator.translate("\n".join(texts), source="ar", target="en")
    assert [s.translation for s in done.segments] == [e for _, e in memorised_pairs]
    assert sorted(encoded) == sorted(texts)
    first = pieces.tokens(texts[:1], source="ar", target="en")
    first[0].append("x")
    assert pieces.tokens(texts[:1], source="ar", target="en") != first
