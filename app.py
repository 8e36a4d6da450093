"""The tarjama web page (Gradio) and the LibreTranslate-compatible API, served together.

``python app.py [--host 127.0.0.1] [--port 7860] [--mt-model NAME_OR_DIR] [--sum-model NAME_OR_DIR]``

This module only lays out the page and wires its events to ``handlers.Page`` (which calls the library);
the HTML comes from ``presenters`` and the HTTP API from ``api``. It binds to localhost unless ``--host``
says otherwise and never creates a public share link.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI

from eval.testsets import MT_TESTSETS, SUMMARY_TESTSETS
from inference.errors import TarjamaError
from inference.registry import get_spec
from inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_CONCURRENCY,
    DEFAULT_DEVICE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_REQ_LIMIT,
)
from web import presenters
from web.api import ApiAccess, add_api, load_api_keys
from web.handlers import KEEP_SECONDS, Page
from web.metrics import Network, add_metrics, parse_networks
from web.service import TarjamaService

SEEDS = Path(__file__).resolve().parent / "seeds"
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
MODELS_CONCURRENCY = "models"  # one concurrency group: batch and evaluation runs share the same limit
SHARED_BATCHES: None = None  # no limit: translate and summary events share the scheduler's model calls


def _reporter(progress: gr.Progress, desc: str, unit: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        progress((done, total), desc=desc, unit=unit)

    return report


def _model_choices(service: TarjamaService) -> list[tuple[str, str]]:
    choices = [("Default", "")]
    for name in service.allowed_models():
        spec = get_spec(name)
        label = f"{name} — {spec.description}" if spec else f"{presenters.model_label(name)} (this server's)"
        choices.append((label, name))
    return choices


def _examples() -> tuple[list[list[str]], list[str]]:
    texts, labels = [], []
    for name in EXAMPLE_ARTICLES:
        path = SEEDS / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            title = next((line.strip() for line in text.splitlines() if len(line.strip()) > 30), name)
            texts.append([text])
            labels.append(title[:70])
    return texts, labels


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
            with gr.Row():
                direction = gr.Dropdown(
                    [("Detect automatically", "auto"), *DIRECTION_CHOICES], value="auto", label="Direction"
                )
                model = gr.Dropdown(_model_choices(service), value="", label="Model", elem_id="tj-model")
            button = gr.Button("Translate", variant="primary", elem_id="tj-translate")
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
                download_txt = gr.DownloadButton("Download .txt", size="sm")
                download_json = gr.DownloadButton("Download .json (with sentences)", size="sm")
    aligned = gr.HTML(elem_id="tj-aligned")
    texts, labels = _examples()
    if texts:
        gr.Examples(texts, inputs=[article], example_labels=labels, label="Example articles (from seeds/)")

    def translate(
        text: str,
        direction: str,
        model: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, str, str | None, str | None]:
        return page.translate(text, direction, model, _reporter(progress, "Translating", "sentences"))

    button.click(
        translate,
        inputs=[article, direction, model],
        outputs=[output, status, aligned, download_txt, download_json],
        api_name="translate",
        concurrency_limit=SHARED_BATCHES,
    )


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
            download = gr.DownloadButton("Download .txt", size="sm")
    method, sentences, to = _summary_options()
    button = gr.Button("Summarise", variant="primary", elem_id="tj-summarize")
    highlighted = gr.HTML(elem_id="tj-sum-highlight")
    texts, labels = _examples()
    if texts:
        gr.Examples(texts, inputs=[article], example_labels=labels, label="Example articles (from seeds/)")
    button.click(
        page.summarize,
        inputs=[article, method, sentences, to],
        outputs=[summary, status, highlighted, download],
        api_name="summarize",
        concurrency_limit=SHARED_BATCHES,
    )


def _batch_tab(page: Page) -> None:
    limits = page.service.limits
    gr.Markdown(
        f"Summarise many articles at once: upload `.txt` files (one article each), a `.zip` of them, a "
        f'`.jsonl` file (`{{"id": ..., "text": ...}}` per line) or a `.csv` file with the columns `id` '
        f"and `text`. Up to {limits.batch_documents:,} articles and {limits.upload_bytes // 2**20} MB. "
        "Articles that cannot be summarised are listed in the errors file; the rest go on.",
        elem_classes=["tj-help"],
    )
    files = gr.File(
        label="Articles", file_count="multiple", file_types=[".txt", ".zip", ".jsonl", ".csv"],
        elem_id="tj-batch-files",
    )  # fmt: skip
    method, sentences, to = _summary_options()
    button = gr.Button("Summarise all", variant="primary", elem_id="tj-batch-run")
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
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[str]]:
        return page.batch(files, method, sentences, to, _reporter(progress, "Summarising", "articles"))

    button.click(
        run,
        inputs=[files, method, sentences, to],
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
                model = gr.Dropdown(_model_choices(page.service), value="", label="Model (translation)")
            method = gr.Radio(list(SUMMARY_METHODS), value="extractive", label="Method (summary sets)")
            limit = gr.Slider(1, page.service.limits.eval_items, value=50, step=1, label="Items")
            run_button = gr.Button("Run and score", variant="primary", elem_id="tj-run-testset")
    error = gr.HTML(elem_id="tj-eval-error")
    scores = gr.HTML(elem_id="tj-scores")
    plots = gr.Gallery(label="Plots", columns=3, height="auto", object_fit="contain", elem_id="tj-plots")
    report = gr.File(label="Report", file_count="multiple", interactive=False, elem_id="tj-report")
    outputs = [error, scores, plots, report]
    score_button.click(
        page.evaluate_files, inputs=[hypotheses, references, kind], outputs=outputs, api_name="evaluate_files"
    )

    def run_testset(
        testset: str,
        direction: str,
        model: str,
        limit: float,
        method: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str, list[str], list[str]]:
        report = _reporter(progress, "Running the test set", "parts")
        return page.evaluate_testset(testset, direction, model, limit, method, report)

    run_button.click(
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
        with gr.Tabs():
            with gr.Tab("Translate", id="translate"):
                _translate_tab(page)
            with gr.Tab("Summarise", id="summarize"):
                _summarize_tab(page)
            with gr.Tab("Batch", id="batch"):
                _batch_tab(page)
            with gr.Tab("Evaluate", id="evaluate"):
                _evaluate_tab(page)
    return demo


def create_app(
    service: TarjamaService,
    workdir: Path,
    *,
    access: ApiAccess | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    metrics: bool = True,
    metrics_allow: Sequence[Network] = (),
) -> FastAPI:
    """The FastAPI app: the API routes (and ``/metrics`` unless ``metrics`` is off) first, then the page
    mounted at ``/``."""
    app = FastAPI(title="tarjama", description="Arabic ↔ English translation, LibreTranslate-compatible")
    add_api(app, service, access)
    if metrics:
        add_metrics(app, service, metrics_allow)
    demo = build_demo(Page(service, workdir))
    demo.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=presenters.PAGE_CSS,
        theme=gr.themes.Soft(),
        max_file_size=service.limits.upload_bytes,
        show_error=False,
        footer_links=["api"],
        allowed_paths=[str(workdir)],
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of ``python app.py``."""
    parser = argparse.ArgumentParser(description="Serve the tarjama web page and its HTTP API.")
    add = parser.add_argument
    add("--host", default=DEFAULT_HOST, help="address to bind (default %(default)s: this machine only)")
    add("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    add("--mt-model", help="translation model: short name, Hub id or local folder (default: per direction)")
    add("--sum-model", help="abstractive summary model: short name, Hub id or local folder")
    add("--backend", default=DEFAULT_BACKEND, choices=["auto", "ctranslate2", "transformers"])
    add("--device", default=DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    add("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="model calls at once (%(default)s)")
    add("--batch-window-ms", type=float, default=DEFAULT_BATCH_WINDOW_MS,
        help="gather concurrent requests' sentences this long per model call (%(default)s ms)")  # fmt: skip
    add("--no-metrics", action="store_true", help="do not serve GET /metrics")
    add("--metrics-allow", action="append", default=[], metavar="NETWORK",
        help="also serve /metrics to this address or network (repeatable; default: loopback)")  # fmt: skip
    add("--queue-size", type=int, default=DEFAULT_QUEUE_SIZE, help="page requests waiting (%(default)s)")
    add("--req-limit", type=int, default=DEFAULT_REQ_LIMIT, help="API requests/minute per client; 0 = none")
    add("--api-keys", metavar="FILE", help="API keys file, one 'KEY [REQUESTS_PER_MINUTE]' a line")
    add("--require-api-key", action="store_true", help="refuse API requests without a key")
    args = parser.parse_args(argv)
    if args.batch_window_ms < 0:
        parser.error("--batch-window-ms must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted; returns the exit status."""
    args = parse_args(argv)
    try:
        keys = load_api_keys(args.api_keys, args.req_limit) if args.api_keys else {}
        metrics_allow = parse_networks(args.metrics_allow)
    except TarjamaError as exc:
        raise SystemExit(f"app.py: error: {exc}") from None
    access = ApiAccess(req_limit=args.req_limit, keys=keys, require_key=args.require_api_key)
    service = TarjamaService(
        mt_model=args.mt_model,
        sum_model=args.sum_model,
        backend=args.backend,
        device=args.device,
        concurrency=args.concurrency,
        batch_window_ms=args.batch_window_ms,
    )
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-ui-"))
    try:
        app = create_app(
            service, workdir, access=access, concurrency=args.concurrency, queue_size=args.queue_size,
            metrics=not args.no_metrics, metrics_allow=metrics_allow,
        )  # fmt: skip
        print(f"tarjama: serving http://{args.host}:{args.port}/ (API: /translate, /detect, /summarize)")
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
