"""What a newcomer and a phone need from the page: a swap-direction button, a character counter with the
limit, the result scrolled into view, the controls of the chosen batch job only, and a layout that works at
390 px (each sentence pair stacked below ~700 px, nothing clipped, every tab reachable). Called from
``ui.build_demo``'s tabs; Gradio is imported here and in ``ui.py``/``app.py`` only.
"""

from __future__ import annotations

import gradio as gr

from tarjama.web.handlers import Page, model_choices
from tarjama.web.languages import detect

PHONE_WIDTH_PX = 700  # below this the sentence table stacks each pair and the rows wrap

PAGE_EXTRA_CSS = f"""
.tj-counter {{ font-size: 0.85rem; color: var(--body-text-color-subdued); margin: -0.3em 0 0.2em; }}
.tj-counter .tj-over {{ color: #b3261e; font-weight: 600; }}
#tj-swap {{ align-self: end; min-width: 3.2em; max-width: 4em; }}
@media (max-width: {PHONE_WIDTH_PX}px) {{
  .tj-pairs, .tj-pairs tbody, .tj-pairs tr, .tj-pairs td {{ display: block; width: auto !important; }}
  .tj-pairs thead {{ display: none; }}
  .tj-pairs tr {{ border-top: 1px solid var(--border-color-primary); padding: 0.35em 0; }}
  .tj-pairs tr.tj-para {{ border-top: 2px solid #8a8fa3; }}
  .tj-align.tj-pairs td {{ border-top: none !important; padding: 0.15em 0.5em; }}
  .tj-pairs td.tj-n {{ text-align: start; font-size: 0.8rem; }}
  .tj-pairs td.tj-notes:empty {{ display: none; }}
}}
"""

# After Translate: bring the answer (or the error under it) into view when it is off screen, as on a phone,
# where it lands below the article; a wide screen, where it is beside the article, does not move.
SCROLL_TO_RESULT_JS = """
() => {
  const error = document.querySelector('#tj-status .tj-error');
  const target = error || document.querySelector('#tj-translation');
  if (!target) return;
  const box = target.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) {
    target.scrollIntoView({block: error ? 'center' : 'start'});
  }
}
"""

SWAPPED = {"ar-en": "en-ar", "en-ar": "ar-en"}


def counter_html(characters: int, limit: int) -> str:
    """``1,234 / 100,000 characters``, marked when over the limit (the request would be refused)."""
    over = ' class="tj-over"' if characters > limit else ""
    return f'<p class="tj-counter"><span{over}>{characters:,} / {limit:,} characters</span></p>'


def char_counter(limit: int) -> gr.HTML:
    """The counter under the article; :func:`wire_translate_tab` keeps it up to date."""
    return gr.HTML(counter_html(0, limit), elem_id="tj-counter", padding=False)


def swap_button() -> gr.Button:
    """⇄ beside the Direction dropdown."""
    return gr.Button("⇄", size="sm", elem_id="tj-swap", min_width=48, scale=0)


def swap(article: str, translation: str, direction: str) -> tuple[str, str, str]:
    """The translation becomes the article and the direction turns round (``auto``: the opposite of the
    article's detected language); without a translation the article stays."""
    if direction in SWAPPED:
        turned = SWAPPED[direction]
    else:
        language = detect(article).language if article.strip() else "ar"
        turned = "en-ar" if language == "ar" else "ar-en"
    if translation.strip():
        return translation, "", turned
    return article, translation, turned


def wire_translate_tab(
    page: Page,
    article: gr.Textbox,
    direction: gr.Dropdown,
    output: gr.Textbox,
    button: gr.Button,
    swap_btn: gr.Button,
    counter: gr.HTML,
) -> None:
    """The swap button, the live character counter and the scroll to the result."""
    limit = page.service.limits.request_chars
    count_js = (
        f"(text) => {{ const n = [...(text || '')].length; const over = n > {limit}; "
        f"return `<p class=\"tj-counter\"><span${{over ? ' class=\"tj-over\"' : ''}}>"
        f"${{n.toLocaleString('en')}} / {limit:,} characters</span></p>`; }}"
    )
    article.change(
        None, inputs=[article], outputs=[counter], js=count_js, queue=False, show_progress="hidden"
    )
    swap_btn.click(
        swap, inputs=[article, output, direction], outputs=[article, output, direction], queue=False,
        show_progress="hidden",
    )  # fmt: skip
    button.click(None, js=SCROLL_TO_RESULT_JS, queue=False)


def after_translate(event: gr.events.Dependency) -> None:
    """Scroll the answer into view once it is there."""
    event.then(None, js=SCROLL_TO_RESULT_JS, queue=False, show_progress="hidden")


def keep_shown(outputs: tuple[str, str, list[str], list[str]], request: gr.Request) -> tuple[object, ...]:
    """On the page, an Evaluate run that failed shows its error and leaves the earlier scores, plots and
    report in place (they are an earlier run's) instead of blanking them. Gradio's API
    (``/gradio_api/call/...``) keeps its answer: the error and empty outputs."""
    path = request.request.url.path if request.request is not None else ""
    if not outputs[0] or "/call/" in path:
        return outputs
    return (outputs[0], gr.skip(), gr.skip(), gr.skip())


SUMMARY_TARGETS = (("Same as the article", "same"), ("English", "en"), ("Arabic", "ar"))
TRANSLATION_TARGETS = (("The other language", "other"), ("English", "en"), ("Arabic", "ar"))


def batch_job_controls(page: Page, job: gr.Radio) -> tuple[gr.Radio, gr.Slider, gr.Dropdown, gr.Dropdown]:
    """The Batch tab's options, each shown only for the job it belongs to: method and length for
    summaries, the model for translations; the language dropdown says what it sets ("Summary language" or
    "Translate into"). Returns ``(method, sentences, to, model)``."""
    from tarjama.ui import SUMMARY_METHODS

    with gr.Row():
        with gr.Row(elem_id="tj-batch-summary-options") as summary_row:
            method = gr.Radio(
                list(SUMMARY_METHODS), value="extractive", label="Method", elem_id="tj-batch-method"
            )
            sentences = gr.Slider(
                1, 10, value=3, step=1, label="Length (sentences)", elem_id="tj-batch-length"
            )
        to = gr.Dropdown(list(SUMMARY_TARGETS), value="same", label="Summary language", elem_id="tj-batch-to")
        with gr.Row(visible=False, elem_id="tj-batch-translate-options") as translate_row:
            model = gr.Dropdown(
                model_choices(page.service), value="", label="Model", elem_id="tj-batch-model", min_width=220
            )

    def show(job: str) -> tuple[dict, dict, dict]:
        translating = job == "translate"
        if translating:
            language = gr.update(label="Translate into", choices=list(TRANSLATION_TARGETS), value="other")
        else:
            language = gr.update(label="Summary language", choices=list(SUMMARY_TARGETS), value="same")
        return gr.update(visible=not translating), language, gr.update(visible=translating)

    job.change(
        show, inputs=[job], outputs=[summary_row, to, translate_row], queue=False, show_progress="hidden"
    )
    return method, sentences, to, model
