"""The tarjama page: the Gradio Blocks of its four tabs (Translate, Summarise, Batch, Evaluate), each event
wired to a :class:`web.handlers.Page` call. ``app.py`` serves it beside the HTTP API; the HTML comes from
``web.presenters``. Gradio is imported here and in ``app.py`` only.
"""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from tarjama import ui_firstrun
from tarjama.eval.testsets import MT_TESTSETS, SUMMARY_TESTSETS
from tarjama.seeds import seed_text
from tarjama.ui_glossary import glossary_controls, wire_glossary
from tarjama.web import presenters
from tarjama.web.handlers import KEEP_SECONDS, Page, model_choices
from tarjama.web.routing_page import TRANSLATE_DIRECTION_CHOICES
from tarjama.web.security import client_address

EXAMPLE_ARTICLES = (
    "000_ac9cc5f60d3ec1c9.txt",
    "ant_CN-middleEast-259-20180313.txt",
    "ant_BB-internationalNews-253-20180330.txt",
    "ant_SK-economy-210-20180325.txt",
)
INTRO = (
    "# tarjama · Arabic ↔ English news translation\n"
    "Paste an article and press **Translate**; check the sentence-by-sentence view below it: rows in orange "
    "need a human look (a number went missing, a sentence stayed untranslated). Sentences translated before "
    "come from the cache at once. Programs use the same server through a LibreTranslate-compatible API "
    "(`POST /translate`, [API docs](/docs))."
)
PLACEHOLDER = "الصق نص المقال هنا… / Paste the article here…"
DIRECTION_CHOICES = (("Arabic → English", "ar-en"), ("English → Arabic", "en-ar"))
TESTSET_CHOICES = (
    *((f"{name} (translation)", name) for name in MT_TESTSETS),
    *((f"{name} (summaries)", name) for name in SUMMARY_TESTSETS),
)
EXAMPLE_LABEL_CHARS = 56  # Gradio cuts longer example labels itself, mid-word
MODELS_CONCURRENCY = "models"  # one concurrency group: batch and evaluation runs share the same limit
SHARED_BATCHES: None = None  # no limit: translate and summary events share the scheduler's model calls
SIDE_BY_SIDE: None = None  # no limit: scoring files needs no model; one at a time per visitor (Page)


def _visitor(request: gr.Request) -> str:
    """Who sent a page event: the client's address, as the upload ledger knows it."""
    return client_address(request.request.scope) if request.request is not None else "unknown"


def _reporter(progress: gr.Progress, desc: str, unit: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        progress((done, total), desc=desc, unit=unit)

    return report


def _enable_downloads(*files: object) -> gr.DownloadButton | tuple[gr.DownloadButton, ...]:
    """Download buttons clickable only while they hold a file (after an error they hold none)."""
    buttons = tuple(gr.DownloadButton(interactive=file is not None) for file in files)
    return buttons[0] if len(buttons) == 1 else buttons  # Gradio reads one output's tuple as its value


def _after(event: gr.events.Dependency, downloads: list[gr.DownloadButton]) -> None:
    event.then(_enable_downloads, inputs=downloads, outputs=downloads, queue=False, show_progress="hidden")


def _add_examples(article: gr.Textbox, elem_id: str) -> None:
    """The seed articles (``seeds/``) as examples that fill ``article``; none when the folder is absent."""
    texts, labels = [], []
    for name in EXAMPLE_ARTICLES:
        text = seed_text(name)
        if text is not None:
            title = next((line.strip() for line in text.splitlines() if len(line.strip()) > 30), name)
            texts.append([text])
            labels.append(presenters.shorten(title, EXAMPLE_LABEL_CHARS))
    if texts:
        gr.Examples(
            texts, inputs=[article], example_labels=labels, label="Example articles (from seeds/)",
            elem_id=elem_id,
        )  # fmt: skip


def _translate_tab(page: Page) -> None:
    service = page.service
    with gr.Row(equal_height=True):
        with gr.Column():
            article = gr.Textbox(
                label="Article (Arabic or English)",
                placeholder=PLACEHOLDER,
                lines=12,
                max_lines=30,
                rtl=True,
                elem_id="tj-article",
                elem_classes=["tj-bidi"],
            )
            counter = ui_firstrun.char_counter(service.limits.request_chars)
            with gr.Row():
                direction = gr.Dropdown(
                    [("Detect automatically", "auto"), *TRANSLATE_DIRECTION_CHOICES], value="auto",
                    label="Direction (detected, or chosen: the dialect too)", elem_id="tj-direction",
                    min_width=200,
                )  # fmt: skip
                swap = ui_firstrun.swap_button()
                model = gr.Dropdown(
                    model_choices(service, qualities=True),
                    value="",
                    label="Model",
                    elem_id="tj-model",
                    min_width=200,
                )
            button = gr.Button("Translate", variant="primary", elem_id="tj-translate")
            glossary = glossary_controls(page)
        with gr.Column():
            output = gr.Textbox(
                label="Translation",
                lines=12,
                max_lines=30,
                interactive=False,
                buttons=["copy"],
                elem_id="tj-translation",
                elem_classes=["tj-bidi"],
            )
            status = gr.HTML(elem_id="tj-status")
            with gr.Row():
                download_txt = gr.DownloadButton(
                    "Download .txt", size="sm", interactive=False, elem_id="tj-txt"
                )
                download_json = gr.DownloadButton(
                    "Download .json (with sentences)", size="sm", interactive=False, elem_id="tj-json"
                )
    aligned = gr.HTML(elem_id="tj-aligned")
    _add_examples(article, "tj-examples")

    def translate(
        text: str,
        direction: str,
        model: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, str, str | None, str | None]:
        return page.translate(text, direction, model, _reporter(progress, "Translating", "sentences"))

    event = button.click(
        translate,
        inputs=[article, direction, model],
        outputs=[output, status, aligned, download_txt, download_json],
        api_name="translate",
        concurrency_limit=SHARED_BATCHES,
    )
    _after(event, [download_txt, download_json])
    outputs = [output, status, aligned, download_txt, download_json]
    with_glossary = wire_glossary(page, glossary, [article, direction, model], outputs, _reporter)
    _after(with_glossary, outputs[3:])
    ui_firstrun.wire_translate_tab(page, article, direction, output, button, swap, counter)
    ui_firstrun.after_translate(event)
    ui_firstrun.after_translate(with_glossary)


SUMMARY_LANGUAGES = (("Same as the article", "same"), ("English", "en"), ("Arabic", "ar"))
SUMMARY_METHODS = (
    ("Extractive: picks the key sentences (no model)", "extractive"),
    ("Abstractive: a model writes it", "abstractive"),
)


def _summary_options() -> tuple[gr.Radio, gr.Slider, gr.Dropdown]:
    with gr.Row():
        method = gr.Radio(list(SUMMARY_METHODS), value="extractive", label="Method")
        sentences = gr.Slider(1, 10, value=3, step=1, label="Length (sentences)")
        to = gr.Dropdown(list(SUMMARY_LANGUAGES), value="same", label="Summary language")
    return method, sentences, to


def _summarize_tab(page: Page) -> None:
    with gr.Row(equal_height=True):
        with gr.Column():
            article = gr.Textbox(
                label="Article (Arabic or English)", lines=10, max_lines=30, rtl=True,
                elem_id="tj-sum-article", elem_classes=["tj-bidi"], placeholder=PLACEHOLDER,
            )  # fmt: skip
        with gr.Column():
            summary = gr.Textbox(
                label="Summary", lines=10, max_lines=30, interactive=False, buttons=["copy"],
                elem_id="tj-summary", elem_classes=["tj-bidi"],
            )  # fmt: skip
            status = gr.HTML(elem_id="tj-sum-status")
            with gr.Row():
                download = gr.DownloadButton(
                    "Download .txt", size="sm", interactive=False, elem_id="tj-sum-txt"
                )
    method, sentences, to = _summary_options()
    button = gr.Button("Summarise", variant="primary", elem_id="tj-summarize")
    highlighted = gr.HTML(elem_id="tj-sum-highlight")
    _add_examples(article, "tj-sum-examples")

    event = button.click(
        page.summarize,
        inputs=[article, method, sentences, to],
        outputs=[summary, status, highlighted, download],
        api_name="summarize",
        concurrency_limit=SHARED_BATCHES,
    )
    _after(event, [download])


def _batch_tab(page: Page) -> None:
    limits = page.service.limits
    gr.Markdown(
        "Summarise or translate many articles at once: upload `.txt` files (one article each), a `.zip` of "
        f'them, a `.jsonl` file (`{{"id": ..., "text": ...}}` per line) or a `.csv` file with the columns '
        f"`id` and `text`. Up to {limits.batch_documents:,} articles and {limits.upload_bytes // 2**20} MB. "
        "Articles that cannot be done are listed in the errors file; the rest go on. A translation goes "
        "into the chosen language (by default the other one).",
        elem_classes=["tj-help"],
    )
    files = gr.File(
        label="Articles", file_count="multiple", file_types=[".txt", ".zip", ".jsonl", ".csv"],
        elem_id="tj-batch-files",
    )  # fmt: skip
    job = gr.Radio(
        [("Summarise", "summarize"), ("Translate", "translate")], value="summarize", label="Job",
        elem_id="tj-batch-job",
    )  # fmt: skip
    method, sentences, to, model = ui_firstrun.batch_job_controls(page, job)
    button = gr.Button("Run on all", variant="primary", elem_id="tj-batch-run")
    status = gr.HTML(elem_id="tj-batch-status")
    results = gr.File(
        label="Results: JSONL, CSV and the errors file",
        file_count="multiple",
        interactive=False,
        elem_id="tj-batch-results",
    )

    def run(
        files: list[str] | None,
        method: str,
        sentences: float,
        to: str,
        job: str,
        model: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[str]]:
        doing = "Translating" if job == "translate" else "Summarising"
        report = _reporter(progress, doing, "articles")
        return page.batch(
            files, method, sentences, to, report, job=job, visitor=_visitor(request), model=model or None
        )

    button.click(
        run,
        inputs=[files, method, sentences, to, job, model],
        outputs=[status, results],
        api_name="batch",
        concurrency_id=MODELS_CONCURRENCY,
    )


def _evaluate_tab(page: Page) -> None:
    gr.Markdown(
        "Score a system against human references: upload line-aligned files (one item per line), or let "
        "tarjama translate part of a bundled test set. Scores come with 95% confidence intervals and the "
        "sacrebleu/ROUGE signature; the report (HTML, Markdown, JSON) and plots can be downloaded.",
        elem_classes=["tj-help"],
    )
    with gr.Row():
        with gr.Column(variant="panel"):
            gr.Markdown("**Your files**")
            hypotheses = gr.File(
                label="System outputs (one file per system)", file_count="multiple",
                file_types=[".txt", ".jsonl"], elem_id="tj-hyps",
            )  # fmt: skip
            references = gr.File(
                label="References", file_count="multiple", file_types=[".txt", ".jsonl"], elem_id="tj-refs"
            )
            kind = gr.Radio(
                [("Translations (BLEU, chrF++, TER)", "mt"), ("Summaries (ROUGE)", "summary")],
                value="mt",
                label="What is scored",
            )
            score_button = gr.Button("Score the files", variant="primary", elem_id="tj-score")
        with gr.Column(variant="panel"):
            gr.Markdown("**A bundled test set**")
            testset = gr.Dropdown(list(TESTSET_CHOICES), value=MT_TESTSETS[0], label="Test set")
            with gr.Row():
                direction = gr.Dropdown(
                    list(DIRECTION_CHOICES), value="ar-en", label="Direction (translation)"
                )
                model = gr.Dropdown(
                    model_choices(page.service),
                    value="",
                    label="Model (translation)",
                    elem_id="tj-evaluate-model",
                )
            method = gr.Radio(list(SUMMARY_METHODS), value="extractive", label="Method (summary sets)")
            limit = gr.Slider(1, page.service.limits.eval_items, value=50, step=1, label="Items")
            run_button = gr.Button("Run and score", variant="primary", elem_id="tj-run-testset")
    error = gr.HTML(elem_id="tj-eval-error")
    scores = gr.HTML(elem_id="tj-scores")
    plots = gr.Gallery(label="Plots", columns=3, height="auto", object_fit="contain", elem_id="tj-plots")
    report = gr.File(label="Report", file_count="multiple", interactive=False, elem_id="tj-report")
    outputs = [error, scores, plots, report]

    def score_files(
        hypotheses: list[str] | None, references: list[str] | None, kind: str, request: gr.Request
    ) -> tuple[object, ...]:
        outputs = page.evaluate_files(hypotheses, references, kind, visitor=_visitor(request))
        return ui_firstrun.keep_shown(outputs, request)

    score_button.click(
        score_files, inputs=[hypotheses, references, kind], outputs=outputs, api_name="evaluate_files",
        concurrency_limit=SIDE_BY_SIDE,
    )  # fmt: skip

    def run_testset(
        testset: str,
        direction: str,
        model: str,
        limit: float,
        method: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[object, ...]:
        report = _reporter(progress, "Running the test set", "parts")
        outputs = page.evaluate_testset(testset, direction, model, limit, method, report)
        return ui_firstrun.keep_shown(outputs, request)

    run_button.click(lambda: "", outputs=[error], queue=False, show_progress="hidden").then(
        run_testset,
        inputs=[testset, direction, model, limit, method],
        outputs=outputs,
        api_name="evaluate_testset",
        concurrency_id=MODELS_CONCURRENCY,
    )


def build_demo(page: Page) -> gr.Blocks:
    """The page: one tab per task, all on the shared service behind ``page``."""
    with gr.Blocks(
        title="tarjama · Arabic ↔ English news",
        analytics_enabled=False,
        delete_cache=(KEEP_SECONDS, KEEP_SECONDS),  # Gradio's copies of uploads and downloads
    ) as demo:
        gr.Markdown(INTRO)
        with gr.Tabs(overflow_behavior="wrap"):  # on a phone every tab stays in the bar
            with gr.Tab("Translate", id="translate"):
                _translate_tab(page)
            with gr.Tab("Documents", id="documents"):
                from tarjama.ui_documents import documents_tab  # it imports this module's helpers

                documents_tab(page)
            with gr.Tab("Summarise", id="summarize"):
                _summarize_tab(page)
            with gr.Tab("Batch", id="batch"):
                _batch_tab(page)
            with gr.Tab("Evaluate", id="evaluate"):
                _evaluate_tab(page)
    return demo
