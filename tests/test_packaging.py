"""The package as a user gets it: a wheel built from the working tree, installed (not editable) into a fresh
virtual environment, run from outside the repository. Package data that the wheel leaves out fails here.

Nothing is downloaded: the wheel is built without build isolation, and the fresh environment sees the
running environment's installed dependencies through a path file (a plain path entry: the ``.pth`` files
there, such as an editable install of tarjama, are not run, so only the wheel provides tarjama).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

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
sizes = {
    "ntrex": len(load_ntrex("ar", "en").items), "tatoeba": len(load_tatoeba("ar", "en").items),
    "easc": len(load_easc()), "cnndm": len(load_cnndm()), "xsum": len(load_xsum()),
}
from tarjama import cli, eval, inference, summarize, translate, web
modules = [m.__file__ for m in (cli, eval, inference, summarize, translate, web)]
print(json.dumps({"sizes": sizes, "modules": modules}))
"""


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
    (wheel,) = (work / "dist").glob("tarjama-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, env)
    python = venv / "bin" / "python"
    run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], work, env)
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, env)
    shared = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib.stdout.strip()) / "shared-dependencies.pth").write_text("\n".join(sorted(shared)) + "\n")
    return venv / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working folder away from the repository, and an environment without PYTHONPATH."""
    return tmp_path, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_installed_command_runs(installed: Path, outside: tuple[Path, dict[str, str]]) -> None:
    cwd, env = outside
    done = run([str(installed / "tarjama"), "--help"], cwd, env)
    for command in ("translate", "summarize", "segment", "models", "cache", "eval"):
        assert command in done.stdout


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
