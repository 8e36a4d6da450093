"""The page's Documents tab: upload a document, see its sentences, download it translated. Gradio here."""

from __future__ import annotations

import gradio as gr

from tarjama.translate.documents import FORMATS
from tarjama.ui import DIRECTION_CHOICES, SHARED_BATCHES, _after, _visitor
from tarjama.web.documents import DocumentOutputs, translate_upload
from tarjama.web.handlers import Page, model_choices


def documents_tab(page: Page) -> None:
    """Upload, options, the sentence table and the translated file."""
    limits = page.service.limits
    gr.Markdown(
        f"Translate a document ({' '.join(FORMATS)}, up to {limits.upload_bytes // 2**20} MB) and get it "
        "in the other language with its formatting, tables, headers, notes and images; a PDF comes back as "
        "a Word document. Right-to-left and left-to-right are turned with the language.",
        elem_classes=["tj-help"],
    )
    with gr.Row(equal_height=True):
        with gr.Column():
            file = gr.File(label="Document", file_types=list(FORMATS), elem_id="tj-doc-file")
            with gr.Row():
                direction = gr.Dropdown(
                    [("Detect automatically", "auto"), *DIRECTION_CHOICES], value="auto", label="Direction"
                )
                model = gr.Dropdown(model_choices(page.service), value="", label="Model")
            article_only = gr.Checkbox(
                label="Saved web page: the article only (no menus, dates or site name)",
                elem_id="tj-doc-article-only",
            )
            button = gr.Button("Translate the document", variant="primary", elem_id="tj-doc-translate")
        with gr.Column():
            status = gr.HTML(elem_id="tj-doc-status")
            download = gr.DownloadButton(
                "Download the translated document", interactive=False, elem_id="tj-doc-download"
            )
    table = gr.HTML(elem_id="tj-doc-aligned")

    def translate(
        file: str | None, direction: str, model: str, article_only: bool, request: gr.Request
    ) -> DocumentOutputs:
        return translate_upload(page, file, direction, model, article_only, _visitor(request))

    event = button.click(
        translate,
        inputs=[file, direction, model, article_only],
        outputs=[status, table, download],
        api_name="translate_document",
        concurrency_limit=SHARED_BATCHES,
    )
    _after(event, [download])
