"""First use of every registered model, fetched by its Hub id through a real Hub server (olah, a mirror).

No ``--model`` (the defaults) or the short names, exactly as a user runs tarjama; ``HF_ENDPOINT`` points at
the mirror and the Hugging Face cache starts empty.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tarjama.inference import ModelPool
from tarjama.translate import Translator
from tests.appserver import running_app
from tests.hostile import gradio_call
from tests.hubmirror import (
    HubMirror,
    RecordingTranslator,
    hub_env,
    local_summary,
    local_translations,
    run_cli,
    use_hub_in_process,
)

DATA = Path(__file__).parent / "data" / "summarize"
MEMORISED_MODELS = ("opus-mt-ar-en", "opus-mt-tc-big-ar-en")  # their stand-in translates memorised pairs

# (--model, from, to, the registered model that must be used)
DIRECTIONS = [
    (None, "ar", "en", "opus-mt-tc-big-ar-en"),  # the default: quality best, on a CPU as on CUDA
    ("opus-mt-ar-en", "ar", "en", "opus-mt-ar-en"),
    (None, "en", "ar", "opus-mt-tc-big-en-ar"),
    ("opus-mt-en-ar", "en", "ar", "opus-mt-en-ar"),
    ("nllb-200-distilled-600M", "ar", "en", "nllb-200-distilled-600M"),
    ("nllb-200-distilled-600M", "en", "ar", "nllb-200-distilled-600M"),
    ("m2m100_418M", "ar", "en", "m2m100_418M"),
    ("m2m100_418M", "en", "ar", "m2m100_418M"),
]

# the model, the direction, the source's first token and the token the output must start with (CTranslate2)
TARGET_TOKENS = [
    ("opus-mt-en-ar", "en", "ar", ">>ara<<", None),
    ("opus-mt-tc-big-en-ar", "en", "ar", ">>arb<<", None),
    ("nllb-200-distilled-600M", "en", "ar", "eng_Latn", "arb_Arab"),
    ("nllb-200-distilled-600M", "ar", "en", "arb_Arab", "eng_Latn"),
    ("m2m100_418M", "en", "ar", "__en__", "__ar__"),
    ("m2m100_418M", "ar", "en", "__ar__", "__en__"),
]

# Routed without a model: (Translator options, the model that must be used, the direction, the source's first
# token, the token the output must start with)
ROUTES = [
    ({"dialect": "acm"}, "nllb-200-distilled-1.3B", "ar", "en", "acm_Arab", "eng_Latn"),
    ({"dialect": "apc"}, "nllb-200-distilled-1.3B", "ar", "en", "apc_Arab", "eng_Latn"),
    ({"dialect": "arz"}, "nllb-200-distilled-1.3B", "ar", "en", "arz_Arab", "eng_Latn"),
    ({}, "nllb-200-distilled-1.3B", "ckb", "en", "ckb_Arab", "eng_Latn"),
    ({}, "nllb-200-distilled-1.3B", "en", "ckb", "eng_Latn", "ckb_Arab"),
    ({"quality": "best"}, "opus-mt-tc-big-en-ar", "en", "ar", ">>arb<<", None),
    ({"quality": "fast"}, "opus-mt-en-ar", "en", "ar", ">>ara<<", None),
]
SORANI = [
    "حکومەتی هەرێمی کوردستان ڕایگەیاند کە بودجەی ساڵی داهاتوو پەسەند کرا.",
    "سەرۆکی حکومەت دوێنێ سەردانی شاری سلێمانی کرد و لەگەڵ جوتیاران کۆبووەوە.",
]

# `tarjama translate` options that choose the model: (options, from, to, the registered model to be used)
ROUTED_CLI = [
    (["--quality", "best"], "ar", "en", "opus-mt-tc-big-ar-en"),
    (["--quality", "fast"], "ar", "en", "opus-mt-ar-en"),
    (["--quality", "best"], "en", "ar", "opus-mt-tc-big-en-ar"),
    (["--quality", "fast"], "en", "ar", "opus-mt-en-ar"),
    (["--dialect", "iraqi"], "ar", "en", "nllb-200-distilled-1.3B"),
    (["--dialect", "egyptian"], "ar", "en", "nllb-200-distilled-1.3B"),
    ([], "auto", "en", "nllb-200-distilled-1.3B"),  # Sorani, detected
]

# (--model, --lang, the registered summariser that must be used, its test article)
SUMMARISERS = [
    (None, "en", "distilbart-cnn-12-6", "cnndm_sample.jsonl"),
    ("bart-large-cnn", "en", "bart-large-cnn", "cnndm_sample.jsonl"),
    (None, "ar", "mt5-xlsum", "ant_one_sentence.jsonl"),
]


def sentences_in(lang: str, pairs: list[tuple[str, str]]) -> list[str]:
    """Three sentences to translate: memorised Arabic sources, or English ones."""
    return [pair[0 if lang == "ar" else 1] for pair in pairs[:3]]


def article(file_name: str) -> str:
    """The first article of a vendored JSONL file (CNN/DailyMail ``article``, ANT ``text``)."""
    with (DATA / file_name).open(encoding="utf-8") as handle:
        record = json.loads(handle.readline())
    return str(record.get("article") or record["text"])


@pytest.mark.parametrize(("model", "source", "target", "used"), DIRECTIONS)
def test_first_use_downloads_and_translates(
    hub_mirror: HubMirror,
    memorised_pairs: list[tuple[str, str]],
    model: str | None,
    source: str,
    target: str,
    used: str,
) -> None:
    texts = sentences_in(source, memorised_pairs)
    args = ["translate", "--from", source, "--to", target, "--json", *(["--model", model] if model else [])]
    done = run_cli(args, hub_env(hub_mirror.endpoint), stdin="\n".join(texts))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["model"], result["revision"]) == (used, hub_mirror.commits[used])
    if used in MEMORISED_MODELS:
        expected = [english for _, english in memorised_pairs[:3]]
    else:
        expected = local_translations(hub_mirror.standin(used), texts, source, target)
    assert [segment["translation"] for segment in result["segments"]] == expected


@pytest.mark.parametrize(
    ("options", "name", "source", "target", "first", "prefix"),
    [(None, *row) for row in TARGET_TOKENS] + ROUTES,  # the model named, or routed by ``options``
)
def test_language_tokens_reach_the_model(
    hub_mirror: HubMirror,
    memorised_pairs: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, str] | None,
    name: str,
    source: str,
    target: str,
    first: str,
    prefix: str | None,
) -> None:
    use_hub_in_process(monkeypatch, hub_mirror.endpoint)
    pool = ModelPool(backend="ctranslate2", threads=1)
    backend = pool.get(name, task="translate").load()
    recorder = RecordingTranslator(backend.translator)
    monkeypatch.setattr(backend, "translator", recorder)
    text = SORANI[0] if source == "ckb" else sentences_in(source, memorised_pairs)[0]
    translator = Translator(name if options is None else None, pool=pool, use_cache=False, **(options or {}))
    assert translator.translate(text, source=source, target=target).model == name
    [(tokens, target_prefix)] = recorder.calls
    assert tokens[0][0] == first
    assert backend.tokenizer.known(first)
    assert target_prefix == ([[prefix]] if prefix else None)
    assert backend.revision == hub_mirror.commits[name]  # the mirrored model, not some local folder


def routed_translations(
    folder: Path, sentences: list[str], source: str, target: str, **options: str
) -> list[str]:
    """What the stand-in in ``folder``, loaded from the folder, gives with routing ``options`` (a dialect)."""
    translator = Translator(str(folder), pool=ModelPool(threads=1), use_cache=False, **options)
    return [
        s.translation
        for s in translator.translate("\n".join(sentences), source=source, target=target).segments
    ]


@pytest.mark.parametrize(("options", "source", "target", "used"), ROUTED_CLI)
def test_quality_and_dialect_choose_the_model_through_the_cli(
    hub_mirror: HubMirror,
    memorised_pairs: list[tuple[str, str]],
    options: list[str],
    source: str,
    target: str,
    used: str,
) -> None:
    texts = SORANI if source == "auto" else sentences_in(source, memorised_pairs)
    args = ["translate", "--from", source, "--to", target, "--json", *options]
    done = run_cli(args, hub_env(hub_mirror.endpoint), stdin="\n".join(texts))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["model"], result["revision"]) == (used, hub_mirror.commits[used])
    got = [segment["translation"] for segment in result["segments"]]
    if used in MEMORISED_MODELS:
        assert got == [english for _, english in memorised_pairs[:3]]
    elif "--dialect" in options:
        dialect = {"iraqi": "acm", "egyptian": "arz"}[options[1]]
        expected = routed_translations(hub_mirror.standin(used), texts, "ar", target, dialect=dialect)
        assert got == expected
        assert expected != routed_translations(
            hub_mirror.standin(used), texts, "ar", target
        )  # the code mattered
    else:
        assert got == local_translations(hub_mirror.standin(used), texts, result["source"], target)


@pytest.mark.parametrize(("model", "lang", "used", "data"), SUMMARISERS)
def test_first_use_downloads_and_summarises(
    hub_mirror: HubMirror, tmp_path: Path, model: str | None, lang: str, used: str, data: str
) -> None:
    text = article(data)
    source = tmp_path / "article.txt"
    source.write_text(text, encoding="utf-8")
    args = ["summarize", str(source), "--method", "abstractive", "--lang", lang, "--sentences", "1", "--json"]
    done = run_cli([*args, *(["--model", model] if model else [])], hub_env(hub_mirror.endpoint))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == used
    assert result["summary"] == local_summary(hub_mirror.standin(used), text, lang)


def test_api_and_page_download_on_first_request(
    hub_mirror: HubMirror, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    arabic, english = sentences_in("ar", memorised_pairs), sentences_in("en", memorised_pairs)
    summary_text = article("cnndm_sample.jsonl")
    best_arabic = local_translations(hub_mirror.standin("opus-mt-tc-big-en-ar"), english, "en", "ar")
    fast_arabic = local_translations(hub_mirror.standin("opus-mt-en-ar"), english, "en", "ar")
    expected_summary = local_summary(hub_mirror.standin("distilbart-cnn-12-6"), summary_text, "en")
    env = {"HF_ENDPOINT": hub_mirror.endpoint, "HF_HUB_OFFLINE": None, "TRANSFORMERS_OFFLINE": None}
    with running_app([], tmp_path, env=env) as base:
        to_english = httpx.post(
            f"{base}/translate", json={"q": arabic, "source": "ar", "target": "en"}, timeout=300
        )
        to_arabic = httpx.post(
            f"{base}/translate", json={"q": english, "source": "en", "target": "ar"}, timeout=300
        )
        loaded_before = httpx.get(f"{base}/health", timeout=30).json()["models_loaded"]
        fast = httpx.post(
            f"{base}/translate",
            json={"q": english, "source": "en", "target": "ar", "quality": "fast"},
            timeout=300,
        )
        loaded_after = httpx.get(f"{base}/health", timeout=30).json()["models_loaded"]
        summary = httpx.post(
            f"{base}/summarize",
            json={"q": summary_text, "source": "en", "method": "abstractive", "sentences": 1},
            timeout=300,
        )
        with httpx.Client(base_url=base, timeout=300) as client:  # the page's Translate button
            page_arabic, *_ = gradio_call(client, "translate", ["\n".join(english), "en-ar", ""])
            page_fast, *_ = gradio_call(client, "translate", ["\n".join(english), "en-ar", "quality:fast"])
    assert page_fast == "\n".join(fast_arabic)
    assert fast.status_code == 200, fast.text
    assert fast.json()["translatedText"] == fast_arabic
    # the defaults are tc-big (quality best) on this CPU; `quality: fast` fetched and loaded OPUS-MT base
    assert sorted(loaded_before) == ["opus-mt-tc-big-ar-en", "opus-mt-tc-big-en-ar"]
    assert "opus-mt-en-ar" in loaded_after  # (the pool may have let an older model go)
    assert page_arabic == "\n".join(best_arabic)
    assert to_english.status_code == 200, to_english.text
    assert to_english.json()["translatedText"] == [e for _, e in memorised_pairs[:3]]
    assert to_arabic.status_code == 200, to_arabic.text
    assert to_arabic.json()["translatedText"] == best_arabic
    assert summary.status_code == 200, summary.text
    assert (summary.json()["summary"], summary.json()["model"]) == (expected_summary, "distilbart-cnn-12-6")
