"""The package as a user gets it: a wheel built from the working tree, installed (not editable) into a fresh
virtual environment, run from outside the repository. Package data that the wheel leaves out fails here, and
so does any import name besides ``tarjama``: PyPI's ``translate`` (3.8.1, a test dependency) is installed
beside it and must stay PyPI's.

Nothing is downloaded: the wheel is built without build isolation, and the fresh environment sees the
running environment's installed dependencies through a path file (plain path entries: the ``.pth`` files
there, such as an editable install of tarjama, are not run, so only the wheel provides tarjama).
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tarjama import __version__
from tarjama.seeds import seed_text
from tarjama.ui import EXAMPLE_ARTICLES
from tests.appserver import running_app

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = (
    ".git",
    ".venv",
    ".standins",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".*_cache",
    "reports",
)

BUNDLED_LOOKUPS = """
import json
from tarjama.eval.testsets import load_cnndm, load_easc, load_ntrex, load_tatoeba, load_xsum
from tarjama.seeds import seed_text
from tarjama.summarize import stop_words
sizes = {
    "ntrex": len(load_ntrex("ar", "en").items), "tatoeba": len(load_tatoeba("ar", "en").items),
    "easc": len(load_easc()), "cnndm": len(load_cnndm()), "xsum": len(load_xsum()),
    "seed": len(seed_text("000_ac9cc5f60d3ec1c9.txt") or ""),
    "stopwords_ar": len(stop_words("ar")), "stopwords_en": len(stop_words("en")),
}
from tarjama import cli, eval, inference, summarize, translate, web
modules = [m.__file__ for m in (cli, eval, inference, summarize, translate, web)]
print(json.dumps({"sizes": sizes, "modules": modules}))
"""
PYPI_TRANSLATE = """
import json, translate, translate.version
print(json.dumps({"file": translate.__file__, "version": translate.version.__version__,
                  "translator": hasattr(translate, "Translator")}))
"""


def strings_in(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in strings_in(item)] if isinstance(value, list) else []


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with tarjama installed from a freshly built wheel; its ``bin`` folder."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(work / "dist"), "."],
        source,
        env,
    )
    (wheel,) = (work / "dist").glob(f"tarjama-{__version__}-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, env)
    python = venv / "bin" / "python"
    run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], work, env)
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, env)
    shared = [path for path in sys.path if Path(path).is_dir() and path.endswith("site-packages")]
    shared += [p for p in site.getsitepackages() if p not in shared]
    (Path(purelib.stdout.strip()) / "shared-dependencies.pth").write_text("\n".join(shared) + "\n")
    return venv / "bin"


@pytest.fixture(scope="module")
def wheel_names(installed: Path) -> list[str]:
    """The names in the wheel that ``installed`` was made from."""
    (wheel,) = (installed.parent.parent / "dist").glob("tarjama-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working folder away from the repository, and an environment without PYTHONPATH."""
    return tmp_path, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_the_wheel_installs_one_import_name(wheel_names: list[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_names}
    assert top == {"tarjama", f"tarjama-{__version__}.dist-info"}, top
    (top_level,) = [name for name in wheel_names if name.endswith(".dist-info/top_level.txt")] or [""]
    assert not top_level or top_level.endswith("top_level.txt")


@pytest.mark.parametrize("command", [["tarjama"], ["python", "-m", "tarjama"]], ids=["script", "module"])
def test_installed_command_runs(
    command: list[str], installed: Path, outside: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = outside
    program = [str(installed / command[0]), *command[1:]]
    done = run([*program, "--help"], cwd, env)
    for name in ("translate", "summarize", "segment", "models", "cache", "eval", "serve"):
        assert name in done.stdout
    assert run([*program, "--version"], cwd, env).stdout.strip() == f"tarjama {__version__}"


def test_pypi_translate_stays_pypis_beside_tarjama(
    installed: Path, outside: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = outside
    found = json.loads(run([str(installed / "python"), "-c", PYPI_TRANSLATE], cwd, env).stdout)
    assert found["version"] == "3.8.1" and found["translator"], found
    assert "tarjama" not in Path(found["file"]).parts, found


def test_tarjama_serve_answers_with_the_example_articles(
    installed: Path, outside: tuple[Path, dict[str, str]]
) -> None:
    cwd, _ = outside
    with running_app(
        [], cwd, {"PYTHONPATH": None}, command=[str(installed / "tarjama"), "serve"], cwd=cwd
    ) as base:
        languages = httpx.get(f"{base}/languages", timeout=30).json()
        health = httpx.get(f"{base}/health", timeout=30).json()
        config = "\n".join(strings_in(httpx.get(f"{base}/config", timeout=30).json()))
    assert {language["code"] for language in languages} >= {"ar", "en"}
    assert health["version"] == __version__
    for name in EXAMPLE_ARTICLES:  # each example article is offered, read from the installed package
        title = next(line.strip() for line in (seed_text(name) or "").splitlines() if len(line.strip()) > 30)
        assert title in config, name


def test_bundled_data_is_in_the_wheel(installed: Path, outside: tuple[Path, dict[str, str]]) -> None:
    cwd, env = outside
    found = json.loads(run([str(installed / "python"), "-c", BUNDLED_LOOKUPS], cwd, env).stdout)
    assert all(size > 0 for size in found["sizes"].values()), found["sizes"]
    venv = installed.parent.resolve()
    assert all(Path(module).resolve().is_relative_to(venv) for module in found["modules"]), found["modules"]


def test_installed_eval_run_on_a_bundled_test_set(
    installed: Path, outside: tuple[Path, dict[str, str]], memorised_ar_en: Path
) -> None:
    cwd, env = outside
    args = ["eval", "run", "--testset", "ntrex", "--limit", "2", "--model", str(memorised_ar_en), "--json"]
    done = run([str(installed / "tarjama"), *args, "--beam", "1", "--bootstrap", "10"], cwd, env)
    report = json.loads(done.stdout)
    assert (report["testset"], report["items"], report["model"]) == ("ntrex", 2, str(memorised_ar_en))
    assert {"bleu", "chrf", "ter"} <= set(report["systems"][0])
