"""The document formats tarjama translates, by file name ending: a leaf module, so that telling a document
from plain text (the CLI, on every run) does not load the readers and writers (``translate.documents``)."""

from __future__ import annotations

MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "xhtml": "application/xhtml+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
}
FORMATS = tuple(f".{extension}" for extension in MEDIA_TYPES)
"""The file name endings tarjama translates (a .pdf comes back as .docx or .txt)."""
