"""Shared fixtures: isolated caches for every test, and the stand-in models (built once, cached on disk).

The stand-in fixtures import ``tests.standins`` (torch, transformers) only when a test asks for one, so tests
that need no model do not pay for those imports, and the offline variables below are set before the Hugging
Face libraries read them at import time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tarjama.inference.settings import ENV_CACHE, ENV_MODELS_DIR

if TYPE_CHECKING:
    from tests.hubmirror import HubMirror
    from tests.redisserver import RedisServer

OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def pytest_configure(config: pytest.Config) -> None:
    """The whole test session is offline: no test may reach the Hugging Face Hub."""
    for name in OFFLINE_VARIABLES:
        os.environ[name] = "1"


# Marked `slow` (deselect with `-m "not slow"`): the modules whose tests start real servers (app.py, a Hub
# mirror, Redis-backed replicas), drive a browser, build a wheel or train the en→ar stand-in.
SLOW_MODULES = frozenset({
    "test_api", "test_batch_failure_files", "test_disconnects", "test_en_ar", "test_health",
    "test_hub_lifecycle", "test_hub_mirror", "test_limits_redis", "test_models_import", "test_packaging",
    "test_readiness", "test_security_files", "test_security_gates", "test_security_requests",
    "test_security_resources", "test_serving", "test_ui_browser", "test_ui_phone",
})  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`SLOW_MODULES` ``slow``."""
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Build the stand-ins the selected tests need once, before the first test, the independent ones in
    parallel processes (``tests/standins/recipes.py``); a warm cache makes this a look-up."""
    if session.config.option.collectonly:
        return
    from tests.standins.recipes import RECIPE_NAMES, prebuild

    needed = {n for item in session.items for n in getattr(item, "fixturenames", ()) if n in RECIPE_NAMES}
    if needed:
        prebuild(sorted(needed))


@pytest.fixture(scope="session")
def session_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CTranslate2 conversions shared by the session: keyed by model fingerprint and quantisation, so each
    stand-in is converted once (seconds) instead of once per test."""
    return tmp_path_factory.mktemp("tarjama-models")


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, session_models_dir: Path) -> None:
    """Point the sentence cache and the Hugging Face cache at this test's tmp dir, converted models at the
    session's."""
    hf_home = tmp_path / "hf-home"
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "tarjama-cache" / "cache.sqlite3"))
    monkeypatch.setenv(ENV_MODELS_DIR, str(session_models_dir))
    monkeypatch.setenv("HF_HOME", str(hf_home))
    monkeypatch.setenv("HF_HUB_CACHE", str(hf_home / "hub"))
    for name in OFFLINE_VARIABLES:
        monkeypatch.setenv(name, "1")
    # huggingface_hub copies these variables into constants when first imported; follow the test's values.
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)


@pytest.fixture(scope="session")
def memorised_pairs() -> list[tuple[str, str]]:
    """The 41 (Arabic, English) Tatoeba pairs that ``memorised_ar_en`` translates exactly."""
    from tests.standins import load_memorised_pairs

    return load_memorised_pairs()


@pytest.fixture(scope="session")
def marian_ar_en() -> Path:
    """Folder of a tiny random ar->en Marian (opus-mt-ar-en conventions)."""
    from tests.standins.recipes import build

    return build("marian_ar_en")


@pytest.fixture(scope="session")
def marian_en_ar() -> Path:
    """Folder of a tiny random en->ar Marian whose vocabulary has ``>>ara<<`` (like opus-mt-en-ar)."""
    from tests.standins.recipes import build

    return build("marian_en_ar")


@pytest.fixture(scope="session")
def memorised_ar_en(memorised_pairs: list[tuple[str, str]]) -> Path:
    """Folder of a tiny ar->en Marian trained to reproduce ``memorised_pairs`` exactly (greedy and beam 4)."""
    from tests.standins.recipes import build

    return build("memorised_ar_en")


@pytest.fixture(scope="session")
def m2m100_tiny() -> Path:
    """Folder of a tiny random M2M100 (m2m100_418M layout: ``__ar__``-style language tokens)."""
    from tests.standins.recipes import build

    return build("m2m100_tiny")


@pytest.fixture(scope="session")
def nllb_tiny() -> Path:
    """Folder of a tiny random NLLB (nllb-200-distilled-600M layout: ``arb_Arab``-style language codes)."""
    from tests.standins.recipes import build

    return build("nllb_tiny")


@pytest.fixture(scope="session")
def memorised_en_ar_pairs(memorised_pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The 41 Tatoeba pairs the other way round, (English, Arabic): what ``memorised_en_ar`` translates."""
    return [(english, arabic) for arabic, english in memorised_pairs]


@pytest.fixture(scope="session")
def memorised_en_ar(memorised_en_ar_pairs: list[tuple[str, str]]) -> Path:
    """Folder of a tiny en->ar Marian with opus-mt-en-ar's conventions: a multi-target vocabulary
    (``>>ara<<`` and the other ``>>xxx<<`` tokens) and the target token required at the start of the source.
    Trained so that ``>>ara<< ENGLISH`` gives exactly the Arabic of ``memorised_en_ar_pairs`` (greedy and
    beam 4), and the same English without ``>>ara<<``, or after another target token, gives nothing.
    """
    from tests.standins.recipes import build

    return build("memorised_en_ar")


@pytest.fixture(scope="session")
def bart_en() -> Path:
    """Folder of a tiny random English BART summariser (distilbart-cnn layout)."""
    from tests.standins.recipes import build

    return build("bart_en")


@pytest.fixture(scope="session")
def t5_multi() -> Path:
    """Folder of a tiny random multilingual mT5 summariser (mT5_multilingual_XLSum layout)."""
    from tests.standins.recipes import build

    return build("t5_multi")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium for the browser tests (one per test module)."""
    from playwright.sync_api import sync_playwright

    from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real ``redis-server`` for the session (loopback, a free port, no persistence)."""
    from tests.redisserver import running_redis

    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The session's Redis, emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    yield redis_server.url


@pytest.fixture(scope="session")
def hub_mirror(
    tmp_path_factory: pytest.TempPathFactory, memorised_ar_en: Path, marian_en_ar: Path
) -> Iterator[HubMirror]:
    """olah serving, under their real repo ids, a stand-in of every registered model (tests/hub_repos.py)."""
    from tests.hub_repos import build_mirror
    from tests.hubmirror import running_mirror, session_standins

    root = tmp_path_factory.mktemp("hub-mirror")
    standins = session_standins(memorised_ar_en, marian_en_ar)
    commits = build_mirror(root / "mirrors", standins)
    with running_mirror(root / "mirrors", root / "olah", commits, standins) as mirror:
        yield mirror
