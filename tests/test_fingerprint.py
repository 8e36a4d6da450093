"""A local model folder's fingerprint: the content hash it always was, remembered by the folder's stat
signature so a repeated CLI run reads no weights (issue #26), and never trusted past a change."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tarjama.inference import fingerprint
from tarjama.inference.fingerprint import folder_fingerprint

GOLDEN = "68dfc20a9621af31"  # the value before the memo existed: caches keyed by it stay valid


def model_folder(folder: Path) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_bytes(b"config")
    (folder / "sub" / "model.bin").write_bytes(b"\x00\x01weights")
    return folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment ago count as settled (not only those two seconds old), so they are memorised."""
    monkeypatch.setattr(fingerprint, "_RACY_NS", -(10**9))


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders whose contents were read, one entry per read."""
    reads: list[Path] = []
    original = fingerprint.content_fingerprint

    def counting(folder: Path, files: list[Path]) -> str:
        reads.append(folder)
        return original(folder, files)

    monkeypatch.setattr(fingerprint, "content_fingerprint", counting)
    return reads


def test_the_fingerprint_is_the_content_hash_first_and_remembered(
    tmp_path: Path, settled: None, hashes: list[Path]
) -> None:
    folder = model_folder(tmp_path / "model")
    assert folder_fingerprint(folder) == GOLDEN
    assert folder_fingerprint(folder) == GOLDEN
    assert hashes == [folder]  # the repeat read no file's contents
    assert fingerprint._memo_path(folder).is_file()


def rewrite(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def rewrite_keeping_mtime(path: Path, data: bytes) -> None:
    before = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def replace_keeping_mtime(path: Path, data: bytes) -> None:
    before = path.stat()
    staged = path.with_name("staged")
    staged.write_bytes(data)
    os.utime(staged, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(staged, path)


@pytest.mark.parametrize("change", [rewrite, rewrite_keeping_mtime, replace_keeping_mtime])
def test_a_changed_file_of_the_same_size_changes_the_fingerprint(
    tmp_path: Path, settled: None, hashes: list[Path], change: Callable[[Path, bytes], None]
) -> None:
    folder = model_folder(tmp_path / "model")
    assert folder_fingerprint(folder) == GOLDEN
    change(folder / "sub" / "model.bin", b"\x00\x02weights")
    changed = folder_fingerprint(folder)
    assert changed != GOLDEN and len(hashes) == 2
    assert changed == fingerprint.content_fingerprint(
        folder, sorted(p for p in folder.rglob("*") if p.is_file())
    )
    assert folder_fingerprint(folder) == changed and len(hashes) == 3  # and the new value is remembered


def test_a_new_file_changes_the_fingerprint(tmp_path: Path, settled: None) -> None:
    folder = model_folder(tmp_path / "model")
    assert folder_fingerprint(folder) == GOLDEN
    (folder / "extra.json").write_bytes(b"")
    assert folder_fingerprint(folder) != GOLDEN


def test_files_changed_just_now_are_not_remembered(tmp_path: Path, hashes: list[Path]) -> None:
    """Within the clock's resolution a file can change again unseen (git's racily clean entries)."""
    folder = model_folder(tmp_path / "model")
    assert folder_fingerprint(folder) == folder_fingerprint(folder) == GOLDEN
    assert len(hashes) == 2
    assert not fingerprint._memo_path(folder).exists()


@pytest.mark.parametrize(
    "memo",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"files": "nope", "fingerprint": "68dfc20a9621af31"}',
        b'{"files": [], "fingerprint": "68dfc20a9621af31"}',  # another folder's signature
        b"null",
    ],
)
def test_a_corrupt_memo_is_recomputed_and_replaced(
    tmp_path: Path, settled: None, hashes: list[Path], memo: bytes
) -> None:
    folder = model_folder(tmp_path / "model")
    path = fingerprint._memo_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(memo)
    assert folder_fingerprint(folder) == GOLDEN
    assert folder_fingerprint(folder) == GOLDEN
    assert len(hashes) == 1  # the memo written over the corrupt one serves the repeat


def test_a_memo_that_cannot_be_read_or_written_is_no_failure(
    tmp_path: Path, settled: None, hashes: list[Path]
) -> None:
    folder = model_folder(tmp_path / "model")
    path = fingerprint._memo_path(folder)
    path.mkdir(parents=True)  # a folder where the memo file should be
    assert folder_fingerprint(folder) == folder_fingerprint(folder) == GOLDEN
    assert len(hashes) == 2
    assert not [p for p in path.parent.iterdir() if p.name.startswith(f".{path.stem}")]  # nothing staged left
