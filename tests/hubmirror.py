"""A real Hugging Face Hub mirror for the tests: olah, serving git repos offline on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama.inference.registry import MODELS
from tests.appserver import free_port
from tests.hub_repos import layout_of

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 120  # olah imports fastapi and friends; a busy 2-core CI machine is slow at that


class HubMirror:
    """olah serving the git repos under ``mirrors``; ``start`` / ``stop`` can be called again (the Hub
    going down and coming back), each start on a new free port."""

    def __init__(
        self, mirrors: Path, work: Path, commits: dict[str, str], standins: Mapping[str, Path]
    ) -> None:
        self.mirrors = mirrors
        self.work = work
        self.commits = commits  # short name -> the commit on main when the mirror was built
        self.standins = standins  # stand-in key (tests/hub_repos.py LAYOUTS) -> its local folder
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The ``HF_ENDPOINT`` clients use."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.work / "olah.log"

    def standin(self, name: str) -> Path:
        """The local folder of the stand-in mirrored as registered model ``name``."""
        return self.standins[layout_of(name).standin]

    def start(self) -> None:
        """Start olah and wait until it serves the first mirrored repo."""
        probe_repo = MODELS[next(iter(self.commits))].repo_id
        self.port = free_port()
        config = self.work / "olah.toml"
        config.write_text(
            "[basic]\n"
            'host = "127.0.0.1"\n'
            f"port = {self.port}\n"
            f'repos-path = "{self.work / "repos"}"\n'
            f'mirrors-path = ["{self.mirrors}"]\n'
            "metadata-cache-ttl = 0\n"  # a new commit on main is seen at once
            "[accessibility]\n"
            "offline = true\n",
            encoding="utf-8",
        )
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "olah.server", "--config", str(config), "--log-path", str(self.work)],
                cwd=self.work,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        probe = f"{self.endpoint}/api/models/{probe_repo}/revision/main"
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"olah exited with {self._process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(probe, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"olah did not answer in {STARTUP_SECONDS} s:\n{self.log.read_text()}")
            time.sleep(0.3)

    def stop(self) -> None:
        """Stop olah (the Hub is down until the next ``start``)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=20)
        self._process = None


@contextmanager
def running_mirror(
    mirrors: Path, work: Path, commits: dict[str, str], standins: Mapping[str, Path]
) -> Iterator[HubMirror]:
    """olah serving ``mirrors`` until the block ends."""
    work.mkdir(parents=True, exist_ok=True)
    mirror = HubMirror(mirrors, work, commits, standins)
    mirror.start()
    try:
        yield mirror
    finally:
        mirror.stop()


def session_standins(memorised_ar_en: Path, marian_en_ara: Path) -> dict[str, Path]:
    """Every stand-in the mirror needs, by the keys of ``tests.hub_repos.LAYOUTS`` (built once, cached)."""
    from tests.standins import build_bart, build_cached, build_m2m100, build_marian, build_nllb, build_t5

    return {
        "memorised_ar_en": memorised_ar_en,
        "marian_en_ara": marian_en_ara,
        "marian_en_arb": build_cached(build_marian, src_lang="en", tgt_lang="ar", target_token=">>arb<<"),
        "nllb": build_cached(build_nllb),
        "m2m100": build_cached(build_m2m100),
        "bart": build_cached(build_bart),
        "t5": build_cached(build_t5),
    }


class RecordingTranslator:
    """Wraps a ``ctranslate2.Translator``: records the source tokens and target prefixes it is handed."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.calls: list[tuple[list[list[str]], Any]] = []

    def translate_batch(self, source: list[list[str]], *args: Any, **kwargs: Any) -> Any:
        self.calls.append((source, kwargs.get("target_prefix")))
        return self.translator.translate_batch(source, *args, **kwargs)


def hub_env(endpoint: str | None, *, offline: bool = False) -> dict[str, str]:
    """The environment of a ``tarjama`` process run as a user would against ``endpoint`` (``HF_ENDPOINT``):
    this test's caches (from the autouse fixture), the Hub online unless ``offline``."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.pop("HF_ENDPOINT", None)
    if endpoint is not None:
        env["HF_ENDPOINT"] = endpoint
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    env["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    env["TARJAMA_THREADS"] = "1"
    return env


def run_cli(
    args: Sequence[str], env: Mapping[str, str], *, stdin: str = "", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``tarjama ARGS`` in a child process, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tarjama", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(env),
        timeout=timeout,
    )


def use_hub_in_process(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Point this process's huggingface_hub at ``endpoint``, online (it read HF_ENDPOINT when imported)."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


def local_translations(folder: Path, sentences: Sequence[str], source: str, target: str) -> list[str]:
    """What the stand-in in ``folder`` gives loaded from the folder itself (one thread, as ``hub_env``)."""
    from tarjama.inference import ModelPool
    from tarjama.translate import Translator

    translator = Translator(str(folder), pool=ModelPool(threads=1), use_cache=False)
    result = translator.translate("\n".join(sentences), source=source, target=target)
    return [segment.translation for segment in result.segments]


def local_summary(folder: Path, text: str, lang: str) -> str:
    """The abstractive one-sentence summary the stand-in in ``folder`` gives, loaded from the folder."""
    from tarjama.inference import ModelPool
    from tarjama.summarize import Summarizer

    summarizer = Summarizer(str(folder), method="abstractive", pool=ModelPool(threads=1), use_cache=False)
    return summarizer.summarize(text, lang=lang, sentences=1).summary
