"""Git repositories laid out as the Hugging Face Hub holds the registered models, built from the stand-ins.

Each registered model gets a stand-in of its family (tokenizer files, special and language tokens, generation
config as ``tests/standins`` writes them after the real checkpoints) committed into a git repository named
after the real repo id, ``<root>/models/<org>/<repo>``: the layout olah serves as a Hub mirror. As on the Hub,
the weights are Git LFS objects (a pointer in git, the bytes under ``.git/lfs/objects``), the repo has a
``README.md`` model card and ``.gitattributes``, and files for other frameworks (``tf_model.h5``,
``flax_model.msgpack``, ``rust_model.ot``) sit next to the PyTorch weights: tarjama must not download them.
Some repos ship ``model.safetensors``, others only ``pytorch_model.bin`` (as many older repos do), one both,
so every download path runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tarjama.inference.registry import MODELS

Weights = Literal["safetensors", "bin", "both"]
LFS_SUFFIXES = (".safetensors", ".bin", ".h5", ".msgpack", ".ot")
SKIPPED_FILES = ("standin.json",)
FIXED_DATE = "2024-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class RepoLayout:
    """How one registered model's repo is laid out: its stand-in, weight format and other-framework files."""

    name: str  # tarjama's short name
    standin: str  # key into the stand-in folders handed to build_mirror
    weights: Weights
    other_frameworks: tuple[str, ...] = ()


LAYOUTS: tuple[RepoLayout, ...] = (
    RepoLayout("opus-mt-ar-en", "memorised_ar_en", "bin", ("tf_model.h5", "rust_model.ot")),
    RepoLayout("opus-mt-en-ar", "marian_en_ara", "bin", ("tf_model.h5",)),
    RepoLayout("opus-mt-tc-big-ar-en", "memorised_ar_en", "safetensors", ("tf_model.h5",)),
    RepoLayout("opus-mt-tc-big-en-ar", "marian_en_arb", "safetensors"),
    RepoLayout("nllb-200-distilled-600M", "nllb", "bin"),
    RepoLayout("nllb-200-distilled-1.3B", "nllb", "safetensors"),
    RepoLayout("m2m100_418M", "m2m100", "bin", ("rust_model.ot",)),
    RepoLayout("distilbart-cnn-12-6", "bart", "bin", ("flax_model.msgpack", "rust_model.ot", "tf_model.h5")),
    RepoLayout("bart-large-cnn", "bart", "both", ("flax_model.msgpack", "tf_model.h5")),
    RepoLayout("mt5-xlsum", "t5", "bin", ("tf_model.h5",)),
)


def repo_dir(root: Path, name: str) -> Path:
    """The git work tree of a registered model's mirror repo under ``root``."""
    return root / "models" / MODELS[name].repo_id


def build_mirror(root: Path, standins: Mapping[str, Path]) -> dict[str, str]:
    """Write one git repo per registered model under ``root``; returns each short name's commit."""
    missing = set(MODELS) - {layout.name for layout in LAYOUTS}
    if missing:
        raise ValueError(f"no mirror layout for registered models {sorted(missing)}")
    commits: dict[str, str] = {}
    for layout in LAYOUTS:
        work = repo_dir(root, layout.name)
        work.mkdir(parents=True)
        git(work, "init", "-q", "-b", "main")
        commits[layout.name] = commit_model(work, standins[layout.standin], layout, "Upload model")
    return commits


def commit_model(work: Path, standin: Path, layout: RepoLayout, message: str) -> str:
    """Replace the repo's files by ``standin``'s in ``layout``'s format and commit; returns the commit."""
    for old in work.iterdir():
        if old.name != ".git":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for file in standin.iterdir():
        if file.is_file() and file.name not in SKIPPED_FILES:
            shutil.copyfile(file, work / file.name)
    _set_weights(work, layout.weights)
    for index, other in enumerate(layout.other_frameworks):
        (work / other).write_bytes(hashlib.sha256(f"{other}-{index}".encode()).digest() * 2048)
    spec = MODELS[layout.name]
    card = f"---\nlicense: apache-2.0\ntags:\n- {spec.task}\n---\n\n# {spec.repo_id}\n\nA test stand-in.\n"
    (work / "README.md").write_text(card, encoding="utf-8")
    (work / ".gitattributes").write_text(
        "".join(f"*{suffix} filter=lfs diff=lfs merge=lfs -text\n" for suffix in LFS_SUFFIXES),
        encoding="utf-8",
    )
    for file in work.iterdir():
        if file.suffix in LFS_SUFFIXES:
            _to_lfs(work, file)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", message)
    return git(work, "rev-parse", "HEAD")


def _set_weights(work: Path, weights: Weights) -> None:
    """Save the stand-in's weights as ``model.safetensors``, ``pytorch_model.bin`` or both."""
    if weights == "safetensors":
        return
    import torch
    from safetensors.torch import load_file

    state = load_file(work / "model.safetensors")
    torch.save(state, work / "pytorch_model.bin")
    if weights == "bin":
        (work / "model.safetensors").unlink()


def _to_lfs(work: Path, file: Path) -> None:
    """Move ``file``'s bytes into the repo's LFS store and leave the pointer git commits in its place."""
    data = file.read_bytes()
    oid = hashlib.sha256(data).hexdigest()
    store = work / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4]
    store.mkdir(parents=True, exist_ok=True)
    (store / oid).write_bytes(data)
    file.write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n")


def git(work: Path, *args: str) -> str:
    """Run git in ``work`` with a fixed identity and date (same content → same commit id)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "tarjama tests",
        "GIT_AUTHOR_EMAIL": "tests@tarjama.invalid",
        "GIT_COMMITTER_NAME": "tarjama tests",
        "GIT_COMMITTER_EMAIL": "tests@tarjama.invalid",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(work),
    }
    done = subprocess.run(["git", *args], cwd=work, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def layout_of(name: str) -> RepoLayout:
    """The layout of registered model ``name``."""
    return next(layout for layout in LAYOUTS if layout.name == name)
