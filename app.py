"""The tarjama web page (Gradio) and the LibreTranslate-compatible API, served together.

``python app.py [--host 127.0.0.1] [--port 7860] [--mt-model NAME_OR_DIR ...] [--sum-model NAME_OR_DIR]``

This module only lays out the page and wires its events to ``handlers.Page`` (which calls the library);
the HTML comes from ``presenters`` and the HTTP API from ``api``. It binds to localhost unless ``--host``
says otherwise and never creates a public share link. Keys, rate limits, body limits and upload checks
(``web.limits``, ``web.security``, ``web.uploads``) cover the API routes, Gradio's API and the page alike.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI

from eval.testsets import MT_TESTSETS, SUMMARY_TESTSETS
from inference.errors import TarjamaError
from inference.settings import (
    BODY_IDLE_SECONDS,
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
from web.api import add_api
from web.guard import guard
from web.handlers import KEEP_SECONDS, Page, model_choices, model_line
from web.health import add_health
from web.limits import MEMORY_STORAGE, ApiAccess, Gate, RateLimiter, load_api_keys, open_rate_store
from web.metrics import Network, add_metrics, parse_networks
from web.security import client_address
from web.service import TarjamaService
from web.uploads import UploadLedger

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
EXAMPLE_LABEL_CHARS = 56  # Gradio cuts longer example labels itself, mid-word
MODELS_CONCURRENCY = "models"  # one concurrency group: batch and evaluation runs share the same limit
SHARED_BATCHES: None = None  # no limit: translate and summary events share the scheduler's model calls


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


def _examples() -> tuple[list[list[str]], list[str]]:
    texts, labels = [], []
    for name in EXAMPLE_ARTICLES:
        path = SEEDS / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            title = next((line.strip() for line in text.splitlines() if len(line.strip()) > 30), name)
            texts.append([text])
            labels.append(presenters.shorten(title, EXAMPLE_LABEL_CHARS))
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
                model = gr.Dropdown(model_choices(service), value="", label="Model", elem_id="tj-model")
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
                download_txt = gr.DownloadButton(
                    "Download .txt", size="sm", interactive=False, elem_id="tj-txt"
                )
                download_json = gr.DownloadButton(
                    "Download .json (with sentences)", size="sm", interactive=False, elem_id="tj-json"
                )
    aligned = gr.HTML(elem_id="tj-aligned")
    texts, labels = _examples()
    if texts:
        gr.Examples(
            texts, inputs=[article], example_labels=labels, label="Example articles (from seeds/)",
            elem_id="tj-examples",
        )  # fmt: skip

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
    texts, labels = _examples()
    if texts:
        gr.Examples(
            texts, inputs=[article], example_labels=labels, label="Example articles (from seeds/)",
            elem_id="tj-sum-examples",
        )  # fmt: skip

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
    method, sentences, to = _summary_options()
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
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[str]]:
        doing = "Translating" if job == "translate" else "Summarising"
        report = _reporter(progress, doing, "articles")
        return page.batch(files, method, sentences, to, report, job=job, visitor=_visitor(request))

    button.click(
        run,
        inputs=[files, method, sentences, to, job],
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
    ) -> tuple[str, str, list[str], list[str]]:
        return page.evaluate_files(hypotheses, references, kind, visitor=_visitor(request))

    score_button.click(
        score_files, inputs=[hypotheses, references, kind], outputs=outputs, api_name="evaluate_files"
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

    run_button.click(lambda: ("", ""), outputs=[error, scores], queue=False, show_progress="hidden").then(
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
    limits_storage: str = MEMORY_STORAGE,
    body_timeout: float = BODY_IDLE_SECONDS,
    metrics: bool = True,
    metrics_allow: Sequence[Network] = (),
) -> FastAPI:
    """The FastAPI app: the API routes (and ``/metrics`` unless ``metrics`` is off) first, then the page
    mounted at ``/``; one gate (keys and rate limits) for both, request bodies within limits, and page jobs
    that open only the visitor's uploads."""
    app = FastAPI(title="tarjama", description="Arabic ↔ English translation, LibreTranslate-compatible")
    gate = Gate(access, RateLimiter(open_rate_store(limits_storage)))
    add_api(app, service, gate)
    add_health(app, service)
    if metrics:
        add_metrics(app, service, metrics_allow)
    uploads = UploadLedger(gr.utils.get_upload_folder(), keep_seconds=KEEP_SECONDS)
    demo = build_demo(Page(service, workdir, uploads))
    demo.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    guard(
        app, gate=gate, uploads=uploads, upload_bytes=service.limits.upload_bytes, body_timeout=body_timeout
    )
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
    add(
        "--mt-model",
        action="append",
        metavar="NAME_OR_DIR",
        help="translation model: short name, Hub id or local folder, ar-en=DIR / en-ar=DIR to state a "
        "folder's direction; repeat for one model per direction (default: per direction)",
    )
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
    add("--limits-storage", default=MEMORY_STORAGE, help="where rate limits are counted (%(default)s)")
    add("--forwarded-allow-ips", default="", metavar="IPS", help="proxies whose X-Forwarded-For is trusted")
    add(
        "--body-timeout", type=float, default=BODY_IDLE_SECONDS, help="seconds a body may stall (%(default)s)"
    )
    args = parser.parse_args(argv)
    if args.batch_window_ms < 0:
        parser.error("--batch-window-ms must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted; returns the exit status."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="tarjama: %(levelname)s: %(message)s")
    logging.getLogger("inference").setLevel(logging.INFO)  # the cache failing and working again
    try:
        keys = load_api_keys(args.api_keys, args.req_limit) if args.api_keys else {}
        open_rate_store(args.limits_storage)
        metrics_allow = parse_networks(args.metrics_allow)
        service = TarjamaService(
            mt_model=args.mt_model,
            sum_model=args.sum_model,
            backend=args.backend,
            device=args.device,
            concurrency=args.concurrency,
            batch_window_ms=args.batch_window_ms,
        )
    except TarjamaError as exc:
        raise SystemExit(f"app.py: error: {exc}") from None
    access = ApiAccess(req_limit=args.req_limit, keys=keys, require_key=args.require_api_key)
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-ui-"))
    try:
        app = create_app(
            service,
            workdir,
            access=access,
            concurrency=args.concurrency,
            queue_size=args.queue_size,
            limits_storage=args.limits_storage,
            body_timeout=args.body_timeout,
            metrics=not args.no_metrics,
            metrics_allow=metrics_allow,
        )
        for name in service.allowed_models():
            print(f"tarjama: model {model_line(service, name)}")
        print(f"tarjama: serving http://{args.host}:{args.port}/ (API: /translate, /detect, /summarize)")
        proxies = [ip.strip() for ip in args.forwarded_allow_ips.split(",") if ip.strip()]
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
