"""The Translate tab's glossary: pick one of the server's glossaries or upload a TSV/CSV file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from tarjama.web.handlers import GlossaryChoice, Page
from tarjama.web.security import client_address

GLOSSARY_SUFFIXES = [".tsv", ".csv", ".txt"]
Reporter = Callable[[gr.Progress, str, str], Callable[[int, int], None]]


def _choices(page: Page) -> list[tuple[str, str]]:
    rows = page.service.glossaries.describe()
    named = [
        (f"{r['name']} ({r['source']}→{r['target']}, {r['entries']} entries)", str(r["name"])) for r in rows
    ]
    return [("No glossary", ""), *named]


@dataclass(frozen=True)
class GlossaryControls:
    """The glossary part of the Translate tab."""

    name: gr.Dropdown
    upload: gr.File
    button: gr.Button


def glossary_controls(page: Page) -> GlossaryControls:
    """The glossary controls (put them under the article): a server glossary, an upload, and their own
    "Translate with glossary" button."""
    with gr.Accordion("Glossary (terms translated your way)", open=False, elem_id="tj-glossary"):
        gr.Markdown(
            "One entry a line: source term, then target term (tab- or comma-separated, DeepL's format). "
            "A sentence whose translation still lacks a term is marked *glossary term missing*. "
            "Write `{{…}}` around text that must stay as it is."
        )
        with gr.Row():
            name = gr.Dropdown(_choices(page), value="", label="Server glossary", elem_id="tj-glossary-name")
            upload = gr.File(label="Or upload one", file_types=GLOSSARY_SUFFIXES, elem_id="tj-glossary-file")
        button = gr.Button("Translate with glossary", elem_id="tj-translate-glossary")
    return GlossaryControls(name, upload, button)


def wire_glossary(
    page: Page, controls: GlossaryControls, inputs: list[Any], outputs: list[Any], reporter: Reporter
) -> gr.events.Dependency:
    """The button's event (API name ``translate_glossary``): the tab's ``inputs`` (article, direction,
    model) and the chosen glossary into the tab's ``outputs``; the plain ``translate`` API is unchanged."""

    def translate(
        text: str,
        direction: str,
        model: str,
        chosen: str,
        uploaded: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, str, str | None, str | None]:
        visitor = client_address(request.request.scope) if request.request is not None else "unknown"
        choice = GlossaryChoice(chosen or "", uploaded, visitor)
        report = reporter(progress, "Translating", "sentences")
        return page.translate(text, direction, model, report, glossary=choice)

    return controls.button.click(
        translate,
        inputs=[*inputs, controls.name, controls.upload],
        outputs=outputs,
        api_name="translate_glossary",
        concurrency_limit=None,  # like the Translate button: the scheduler shares the model calls
    )
