"""Example articles, shipped as package data (``tarjama.seeds``): the page offers them as examples. Their
origin and licences are in this folder's README.md."""

from __future__ import annotations

from importlib.resources import files


def seed_text(name: str) -> str | None:
    """The text of the seed article ``name`` (a file name in this folder), or None when it is absent."""
    resource = files(__name__).joinpath(name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None
