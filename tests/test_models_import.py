"""Without the Hub: the error names what works, and `tarjama models import` makes the default model work.

Every run is the real console entry point in a child process, offline (``HF_HUB_OFFLINE=1``, conftest) or
with ``HF_ENDPOINT`` pointing at a port nobody listens on (the Hub out of reach)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.appserver import free_port, running_app, server_env

ROOT = Path(__file__).resolve().parents[1]
MODEL_FILES = ("config.json", "model.safetensors", "source.spm", "target.spm", "tokenizer_config.json",
               "vocab.json")  # fmt: skip
DEFAULT = "opus-mt-tc-big-ar-en"  # the ar→en default (quality best), on a CPU as on CUDA


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tarjama", *args],
        capture_output=True,
        cwd=ROOT,
        env=env or os.environ.copy(),
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    return line


def hub_out_of_reach() -> dict[str, str]:
    env = os.environ.copy()
    env.update({"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"})
    return env


@pytest.fixture
def article(tmp_path: Path, memorised_pairs: list[tuple[str, str]]) -> Path:
    path = tmp_path / "article.txt"
    path.write_text("\n".join(a for a, _ in memorised_pairs[:3]), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("command", "hub", "model"),
    [
        (("models", "pull", "opus-mt-ar-en"), "out of reach", "opus-mt-ar-en"),
        (("translate", "ARTICLE", "--from", "ar", "--to", "en"), "out of reach", DEFAULT),
        (("translate", "ARTICLE", "--from", "ar", "--to", "en"), "HF_HUB_OFFLINE", DEFAULT),
        (("models", "pull", "opus-mt-ar-en"), "HF_HUB_OFFLINE", "opus-mt-ar-en"),
    ],
)
def test_the_error_names_the_ways_that_work_without_the_hub(
    command: tuple[str, ...], hub: str, model: str, article: Path
) -> None:
    args = [str(article) if arg == "ARTICLE" else arg for arg in command]
    line = one_line(run(*args, env=hub_out_of_reach() if hub == "out of reach" else None))
    assert f"Model '{model}' is not available" in line
    assert "tarjama models import" in line and "HF_ENDPOINT" in line and "--mt-model ar-en=DIR" in line
    pull_suggested = "tarjama models pull" in line
    # pulling is a way forward only where HF_HUB_OFFLINE was chosen and `translate` ran, never from `pull`
    # itself nor while the Hub cannot be reached
    assert pull_suggested == (hub == "HF_HUB_OFFLINE" and command[0] == "translate")


def _archive(model: Path, where: Path, kind: str, top: str = "opus-mt-ar-en") -> Path:
    if kind == "folder":
        folder = where / top
        shutil.copytree(model, folder)
        return folder
    if kind == "zip":
        path = where / f"{top}.zip"
        with zipfile.ZipFile(path, "w") as zipped:
            for name in MODEL_FILES:
                zipped.write(model / name, f"{top}/{name}")
        return path
    path = where / f"{top}.{kind}"
    with tarfile.open(path, "w:gz" if kind == "tar.gz" else "w") as tarred:
        for name in MODEL_FILES:
            tarred.add(model / name, name)  # files at the top level
    return path


@pytest.mark.parametrize("kind", ["folder", "tar", "tar.gz", "zip"])
def test_an_imported_model_is_the_default_offline(
    kind: str, memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], article: Path, tmp_path: Path
) -> None:
    assert run("translate", str(article), "--from", "ar", "--to", "en").returncode != 0
    source = _archive(memorised_ar_en, tmp_path, kind, top=DEFAULT)
    done = run("models", "import", str(source))  # the name read from the folder / archive name
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{DEFAULT}: imported as Helsinki-NLP/{DEFAULT} ")
    translated = run("translate", str(article), "--from", "ar", "--to", "en", "--beam", "1")
    assert translated.returncode == 0, translated.stderr
    assert translated.stdout.split("\n")[:3] == [e for _, e in memorised_pairs[:3]]
    listed = run("models", "list")
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(f"{DEFAULT} ")]
    assert "downloaded" in row


def _tar_with(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w") as tarred:
        for info, data in members:
            info.size = len(data)
            tarred.addfile(info, io.BytesIO(data))
    return path


def _symlink(name: str, target: str) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info, b""


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "tar ../": lambda d: _tar_with(d / "opus-mt-ar-en.tar", [(tarfile.TarInfo("../escaped.txt"), b"x")]),
    "tar /abs": lambda d: _tar_with(
        d / "opus-mt-ar-en.tar", [(tarfile.TarInfo(str(d / "escaped.txt")), b"x")]
    ),
    "tar link": lambda d: _tar_with(d / "opus-mt-ar-en.tar", [_symlink("config.json", "/etc/passwd")]),
    "zip ../": lambda d: _zip_with(d / "opus-mt-ar-en.zip", "../escaped.txt"),
    "zip /abs": lambda d: _zip_with(d / "opus-mt-ar-en.zip", str(d / "escaped.txt")),
}


def _zip_with(path: Path, name: str) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo(name), b"x")
    return path


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_archive_is_refused_and_nothing_escapes(case: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = HOSTILE[case](work)
    line = one_line(run("models", "import", str(archive)))
    assert "refused" in line
    assert not (tmp_path / "escaped.txt").exists() and not (work / "escaped.txt").exists()
    hub = Path(os.environ["HF_HUB_CACHE"])
    assert not hub.exists() or not list(hub.glob("models--*"))


@pytest.mark.parametrize("limit", ["bytes", "files"])
def test_an_archive_over_the_limits_is_refused(limit: str, memorised_ar_en: Path, tmp_path: Path) -> None:
    from tarjama.inference.errors import InvalidInputError
    from tarjama.inference.importer import import_model

    archive = _archive(memorised_ar_en, tmp_path, "tar")
    size = sum((memorised_ar_en / name).stat().st_size for name in MODEL_FILES)
    limits = {"max_bytes": size - 1} if limit == "bytes" else {"max_files": len(MODEL_FILES) - 1}
    with pytest.raises(InvalidInputError, match=f"refused: more than .* {limit}"):
        import_model(archive, **limits)
    assert import_model(archive).name == "opus-mt-ar-en"  # the same archive within the limits


BROKEN: dict[str, Callable[[Path], None]] = {
    "no weights": lambda d: (d / "model.safetensors").unlink(),
    "damaged weights": lambda d: (d / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}"),
    "no tokenizer": lambda d: [
        (d / n).unlink() for n in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
    ],
    "damaged tokenizer": lambda d: (d / "source.spm").write_bytes(b"not a sentencepiece model"),
    "no config": lambda d: (d / "config.json").unlink(),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_model_is_not_registered(case: str, memorised_ar_en: Path, tmp_path: Path) -> None:
    folder = _archive(memorised_ar_en, tmp_path, "folder")
    BROKEN[case](folder)
    line = one_line(run("models", "import", str(folder), "--as", "opus-mt-ar-en"))
    assert "opus-mt-ar-en" in line or "config.json" in line
    assert not (Path(os.environ["HF_HUB_CACHE"]) / "models--Helsinki-NLP--opus-mt-ar-en").exists()


def test_a_model_it_cannot_name_asks_for_a_name(memorised_ar_en: Path, tmp_path: Path) -> None:
    folder = _archive(memorised_ar_en, tmp_path, "folder", top="my-model")
    assert "--as" in one_line(run("models", "import", str(folder)))
    done = run("models", "import", str(folder), "--as", "Helsinki-NLP/opus-mt-ar-en")
    assert done.returncode == 0, done.stderr


def test_a_running_server_serves_a_model_imported_on_its_machine(
    memorised_ar_en: Path, memorised_pairs: list[tuple[str, str]], tmp_path: Path
) -> None:
    """The admin's way for the page: `tarjama models import` on the server's machine, no restart."""
    source, expected = memorised_pairs[0]
    with running_app([], tmp_path) as base:
        before = httpx.post(
            f"{base}/translate", json={"q": source, "source": "ar", "target": "en"}, timeout=60
        )
        assert before.status_code == 503 and "tarjama models import" in before.json()["error"]
        done = run("models", "import", str(memorised_ar_en), "--as", DEFAULT, env=server_env(tmp_path))
        assert done.returncode == 0, done.stderr
        after = httpx.post(
            f"{base}/translate", json={"q": source, "source": "ar", "target": "en"}, timeout=120
        )
        assert after.status_code == 200, after.text
        assert after.json()["translatedText"] == expected


@pytest.mark.parametrize("dereference", [True, False], ids=["tar -h", "tar"])
def test_an_archive_of_a_hub_cache_snapshot(
    dereference: bool,
    memorised_ar_en: Path,
    memorised_pairs: list[tuple[str, str]],
    tmp_path: Path,
    article: Path,
) -> None:
    """The README's way: archive the snapshot folder `models pull` printed, whose files link to blobs."""
    snapshot = tmp_path / "elsewhere" / f"models--Helsinki-NLP--{DEFAULT}" / "snapshots" / ("a" * 40)
    blobs = snapshot.parents[1] / "blobs"
    snapshot.mkdir(parents=True)
    blobs.mkdir()
    for name in MODEL_FILES:
        shutil.copyfile(memorised_ar_en / name, blobs / name)
        (snapshot / name).symlink_to(Path("../../blobs") / name)
    archive = tmp_path / f"{DEFAULT}.tar.gz"
    flags = "-chzf" if dereference else "-czf"
    subprocess.run(["tar", flags, str(archive), "-C", str(snapshot), "."], check=True)
    done = run("models", "import", str(archive))
    if not dereference:
        assert "tar -h" in one_line(done)
        return
    assert done.returncode == 0, done.stderr
    translated = run("translate", str(article), "--from", "ar", "--to", "en", "--beam", "1")
    assert translated.stdout.split("\n")[:3] == [e for _, e in memorised_pairs[:3]]
