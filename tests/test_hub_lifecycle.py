"""A model's life on the Hub, through a real mirror (olah): pull then offline, a pinned revision, an update,
the Hub down or hung, and a pull killed with ``kill -9``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest

from tarjama.inference import ModelPool
from tarjama.inference.registry import MODELS
from tarjama.summarize import Summarizer
from tarjama.translate import Translator
from tests.hub_repos import LAYOUTS, commit_model, layout_of, repo_dir
from tests.hubmirror import (
    ROOT,
    HubMirror,
    hub_env,
    local_summary,
    local_translations,
    run_cli,
    running_mirror,
)
from tests.slowlink import dead_endpoint, silent_server, slow_link
from tests.test_hub_mirror import article, sentences_in

NAME = "opus-mt-ar-en"
DEFAULT_TRANSLATE = ["translate", "--from", "ar", "--to", "en", "--json"]  # the default: opus-mt-tc-big-ar-en
TRANSLATE = [*DEFAULT_TRANSLATE, "--quality", "fast"]  # NAME, OPUS-MT base
OTHER_DIRECTIONS = [
    ("opus-mt-ar-en", "ar", "en"),
    ("opus-mt-en-ar", "en", "ar"),
    ("nllb-200-distilled-600M", "ar", "en"),
    ("nllb-200-distilled-600M", "en", "ar"),
    ("m2m100_418M", "ar", "en"),
    ("m2m100_418M", "en", "ar"),
]
NO_LONG_WAIT = 60  # seconds; with the Hub hung, code without a timeout waits forever


@pytest.fixture
def private_mirror(hub_mirror: HubMirror, tmp_path: Path) -> Iterator[HubMirror]:
    """A mirror of its own holding a copy of opus-mt-ar-en's repo (the memorised stand-in), free to change."""
    mirrors = tmp_path / "mirrors"
    shutil.copytree(repo_dir(hub_mirror.mirrors, NAME), repo_dir(mirrors, NAME))
    commits = {NAME: hub_mirror.commits[NAME]}
    with running_mirror(mirrors, tmp_path / "olah", commits, hub_mirror.standins) as mirror:
        yield mirror


def publish(mirror: HubMirror, folder: Path) -> str:
    """A new commit on main holding ``folder``'s model; returns it."""
    return commit_model(repo_dir(mirror.mirrors, NAME), folder, layout_of(NAME), "Update model")


def repo_cache(name: str) -> Path:
    """A registered model's folder in this test's Hugging Face cache."""
    return Path(os.environ["HF_HUB_CACHE"]) / ("models--" + MODELS[name].repo_id.replace("/", "--"))


def snapshot(name: str, commit: str) -> Path:
    """The Hugging Face cache's snapshot folder of a registered model at ``commit``."""
    return repo_cache(name) / "snapshots" / commit


def translated(done: subprocess.CompletedProcess[str]) -> tuple[str, list[str], int]:
    """The revision, the segment translations and the cached count of a ``translate --json`` run."""
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result["revision"], [s["translation"] for s in result["segments"]], result["stats"]["cached"]


def one_line_error(done: subprocess.CompletedProcess[str], name: str) -> str:
    """The error of a failed run: one line, no traceback, naming the model and the fix."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert name in line and (f"tarjama models pull {name}" in line or "tarjama models import" in line)
    return line


def test_pull_then_offline_everything_works(
    hub_mirror: HubMirror, memorised_pairs: list[tuple[str, str]]
) -> None:
    online = hub_env(hub_mirror.endpoint)
    for layout in LAYOUTS:
        done = run_cli(["models", "pull", layout.name], online)
        assert done.returncode == 0, done.stderr
        assert hub_mirror.commits[layout.name] in done.stdout
        assert f"{layout.name}: converted to CTranslate2 int8" in done.stdout  # not on first use
        files = {p.name for p in snapshot(layout.name, hub_mirror.commits[layout.name]).iterdir()}
        assert "config.json" in files and not files & set(layout.other_frameworks)
        weights = "pytorch_model.bin" if layout.weights == "bin" else "model.safetensors"
        assert files & {"model.safetensors", "pytorch_model.bin"} == {weights}
    offline = hub_env(dead_endpoint(), offline=True)  # and no Hub to reach anyway
    arabic, english = sentences_in("ar", memorised_pairs), sentences_in("en", memorised_pairs)
    assert translated(run_cli(DEFAULT_TRANSLATE, offline, stdin="\n".join(arabic)))[1] == sentences_in(
        "en", memorised_pairs
    )
    to_arabic = run_cli(
        ["translate", "--from", "en", "--to", "ar", "--json"], offline, stdin="\n".join(english)
    )
    assert translated(to_arabic)[1] == local_translations(
        hub_mirror.standin("opus-mt-tc-big-en-ar"), english, "en", "ar"
    )
    for lang, data in (("en", "cnndm_sample.jsonl"), ("ar", "ant_one_sentence.jsonl")):
        args = ["summarize", "-", "--method", "abstractive", "--lang", lang, "--sentences", "1"]
        done = run_cli(args, offline, stdin=article(data))
        assert done.returncode == 0, done.stderr
        default = "distilbart-cnn-12-6" if lang == "en" else "mt5-xlsum"
        assert done.stdout.strip() == local_summary(hub_mirror.standin(default), article(data), lang)
    # the other models, in this process (HF_HUB_OFFLINE=1 from conftest)
    pool = ModelPool(threads=1)
    for name, source, target in OTHER_DIRECTIONS:
        texts = arabic if source == "ar" else english
        translator = Translator(name, pool=pool, use_cache=False)
        result = translator.translate("\n".join(texts), source=source, target=target)
        expected = local_translations(hub_mirror.standin(name), texts, source, target)
        assert [segment.translation for segment in result.segments] == expected, name
    summary = Summarizer("bart-large-cnn", method="abstractive", pool=pool, use_cache=False)
    text = article("cnndm_sample.jsonl")
    expected_summary = local_summary(hub_mirror.standin("bart-large-cnn"), text, "en")
    assert summary.summarize(text, lang="en", sentences=1).summary == expected_summary


def test_revision_pins_an_older_commit(
    private_mirror: HubMirror, marian_ar_en: Path, memorised_pairs: list[tuple[str, str]]
) -> None:
    old = private_mirror.commits[NAME]
    new = publish(private_mirror, marian_ar_en)
    arabic = "\n".join(sentences_in("ar", memorised_pairs))
    online = hub_env(private_mirror.endpoint)
    pinned = translated(run_cli([*TRANSLATE, "--revision", old], online, stdin=arabic))
    assert pinned[:2] == (old, sentences_in("en", memorised_pairs))
    latest = translated(run_cli(TRANSLATE, online, stdin=arabic))
    assert latest[:2] == (
        new,
        local_translations(marian_ar_en, sentences_in("ar", memorised_pairs), "ar", "en"),
    )
    offline = hub_env(dead_endpoint(), offline=True)
    again = translated(run_cli([*TRANSLATE, "--revision", old, "--no-cache"], offline, stdin=arabic))
    assert again[:2] == pinned[:2]


def test_update_is_used_at_once_and_converted_once(
    private_mirror: HubMirror, marian_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    converted = tmp_path / "converted"
    online = {**hub_env(private_mirror.endpoint), "TARJAMA_MODELS_DIR": str(converted)}
    arabic = sentences_in("ar", memorised_pairs)
    old = private_mirror.commits[NAME]
    first = translated(run_cli(TRANSLATE, online, stdin="\n".join(arabic)))
    assert first[:2] == (old, sentences_in("en", memorised_pairs))
    new = publish(private_mirror, marian_ar_en)
    expected = local_translations(marian_ar_en, arabic, "ar", "en")
    assert translated(run_cli(TRANSLATE, online, stdin="\n".join(arabic))) == (new, expected, 0)
    conversions = sorted(p.name for p in converted.iterdir())
    assert [name.split("-")[0] for name in conversions] == sorted([old, new])
    stamps = {p: p.stat().st_mtime_ns for p in converted.rglob("*")}
    third = run_cli([*TRANSLATE, "--no-cache"], online, stdin="\n".join(arabic))
    assert translated(third)[:2] == (new, expected)
    assert {p: p.stat().st_mtime_ns for p in converted.rglob("*")} == stamps  # not converted again


@pytest.mark.parametrize("hub", ["stopped", "hung"])
def test_hub_down_uses_the_local_copy(
    private_mirror: HubMirror, memorised_pairs: list[tuple[str, str]], tmp_path: Path, hub: str
) -> None:
    assert run_cli(["models", "pull", NAME], hub_env(private_mirror.endpoint)).returncode == 0
    private_mirror.stop()
    arabic = "\n".join(sentences_in("ar", memorised_pairs))
    fresh = {"HF_HOME": str(tmp_path / "fresh"), "HF_HUB_CACHE": str(tmp_path / "fresh" / "hub")}
    with silent_server() if hub == "hung" else nullcontext(private_mirror.endpoint) as endpoint:
        started = time.monotonic()
        done = run_cli([*TRANSLATE, "--no-cache"], hub_env(endpoint), stdin=arabic, timeout=NO_LONG_WAIT * 3)
        assert time.monotonic() - started < NO_LONG_WAIT
        assert translated(done)[:2] == (private_mirror.commits[NAME], sentences_in("en", memorised_pairs))
        started = time.monotonic()
        missing = run_cli(TRANSLATE, {**hub_env(endpoint), **fresh}, stdin=arabic, timeout=NO_LONG_WAIT * 3)
        assert time.monotonic() - started < NO_LONG_WAIT
    line = one_line_error(missing, NAME)
    assert "cannot be reached" in line and "tarjama models import" in line and "models pull" not in line


def test_pull_killed_mid_download_then_run_again(
    private_mirror: HubMirror, memorised_pairs: list[tuple[str, str]]
) -> None:
    cache = repo_cache(NAME)
    with slow_link(private_mirror.port, 256 * 1024) as slow:
        pull = subprocess.Popen(
            [sys.executable, "-m", "tarjama", "models", "pull", NAME],
            cwd=ROOT,
            env=hub_env(slow),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:  # killed once the small files are in and the weights (seconds over the slow link) are on the way
            deadline = time.monotonic() + 240
            while not (any(cache.glob("snapshots/*/config.json")) and any(cache.glob("blobs/*.incomplete"))):
                assert pull.poll() is None, "the pull ended before it was killed"
                assert time.monotonic() < deadline, "the download never started"
                time.sleep(0.05)
        finally:
            pull.send_signal(signal.SIGKILL)
            pull.wait(timeout=30)
    assert pull.returncode == -signal.SIGKILL
    assert not any(cache.glob("snapshots/*/pytorch_model.bin"))
    arabic = "\n".join(sentences_in("ar", memorised_pairs))
    offline = hub_env(dead_endpoint(), offline=True)
    assert "incomplete" in one_line_error(run_cli(TRANSLATE, offline, stdin=arabic), NAME)
    again = run_cli(["models", "pull", NAME], hub_env(private_mirror.endpoint))
    assert again.returncode == 0, again.stderr
    folder = snapshot(NAME, private_mirror.commits[NAME])
    repo = repo_dir(private_mirror.mirrors, NAME)
    for file in folder.iterdir():
        assert digest(file.read_bytes()) == digest(repo_bytes(repo, file.name)), file.name
    assert translated(run_cli(TRANSLATE, offline, stdin=arabic))[1] == sentences_in("en", memorised_pairs)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def repo_bytes(repo: Path, name: str) -> bytes:
    """A file's content in the mirror's work tree, read through its LFS pointer if it is one."""
    data = (repo / name).read_bytes()
    if not data.startswith(b"version https://git-lfs"):
        return data
    oid = data.split(b"oid sha256:")[1][:64].decode()
    return (repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid).read_bytes()


@pytest.mark.parametrize(
    ("args", "named", "reason"),
    [
        (
            ["--revision", "no-such-branch"],
            NAME,
            "has no model Helsinki-NLP/opus-mt-ar-en at revision 'no-such-branch'",
        ),
        (
            ["--model", "no-such-org/no-such-model"],
            "no-such-org/no-such-model",
            "has no model no-such-org/no-such-model",
        ),
    ],
)
def test_what_the_hub_does_not_have_is_one_line(
    hub_mirror: HubMirror, args: list[str], named: str, reason: str
) -> None:
    done = run_cli([*TRANSLATE, *args], hub_env(hub_mirror.endpoint), stdin="مرحبا.")
    assert reason in one_line_error(done, named)
