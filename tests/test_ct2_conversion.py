"""CTranslate2 conversions: kept, keyed by the model's revision and compute type, reused, never half-made, and
run in a process of their own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tarjama.inference import ModelUnavailableError
from tarjama.inference.backends import ct2_models
from tarjama.inference.backends.ct2_models import conversion_key, converted_model
from tarjama.inference.backends.ctranslate2_backend import CTranslate2Backend
from tests.appserver import ROOT
from tests.backends import resolved


def test_conversion_is_kept_keyed_and_reused(
    memorised_ar_en: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = resolved(memorised_ar_en)
    root = tmp_path / "models"
    first = converted_model(model, "int8", root=root)
    fingerprint = model.revision.removeprefix("local-")
    assert first == root / f"{fingerprint}-int8"
    assert (first / "model.bin").is_file()
    assert json.loads((first / "tarjama.json").read_text())["revision"] == model.revision
    assert sorted(p.name for p in root.iterdir()) == [first.name]  # no temporary folder left behind

    def no_conversion(*args: Any) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(ct2_models, "_convert", no_conversion)
    assert converted_model(model, "int8", root=root) == first
    backend = CTranslate2Backend(model, device="cpu", quantization="int8", models_root=root)
    assert backend.path == first
    monkeypatch.undo()
    assert converted_model(model, "float32", root=root) == root / f"{fingerprint}-float32"


def test_a_changed_model_gets_its_own_conversion(memorised_ar_en: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(memorised_ar_en, tmp_path / "copy"))
    assert conversion_key(resolved(copy), "int8") == conversion_key(resolved(memorised_ar_en), "int8")
    config = json.loads((copy / "generation_config.json").read_text())
    (copy / "generation_config.json").write_text(json.dumps({**config, "num_beams": 5}))
    assert conversion_key(resolved(copy), "int8") != conversion_key(resolved(memorised_ar_en), "int8")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("truncate-weights", "cannot be converted to CTranslate2"),
        ("no-weights", "cannot be converted to CTranslate2"),
    ],
)
def test_failed_conversion_names_the_model_and_leaves_nothing(
    memorised_ar_en: Path, tmp_path: Path, damage: str, reason: str
) -> None:
    copy = Path(shutil.copytree(memorised_ar_en, tmp_path / "copy"))
    if damage == "truncate-weights":
        weights = copy / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[:1000])
    else:
        (copy / "model.safetensors").unlink()
    root = tmp_path / "models"
    with pytest.raises(ModelUnavailableError, match=reason) as caught:
        converted_model(resolved(copy), "int8", root=root)
    assert str(copy) in str(caught.value)
    assert list(root.iterdir()) == []


def test_conversion_runs_in_another_process(memorised_ar_en: Path, tmp_path: Path) -> None:
    """The converter (transformers, torch, the original weights) never runs in the asking process."""
    probe = (
        "import json, sys; from pathlib import Path; "
        "from inference.backends.ct2_models import converted_model; "
        "from inference.hub import resolve_model; "
        "model = resolve_model(sys.argv[1], task='translate'); "
        "path = converted_model(model, 'int8', root=Path(sys.argv[2])); "
        "print(json.dumps([path.name, [m for m in ('torch', 'transformers') if m in sys.modules]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(memorised_ar_en), str(tmp_path / "models")],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    name, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert (tmp_path / "models" / name / "model.bin").is_file()
    assert imported == []
