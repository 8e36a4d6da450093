"""The inputs each event of the page takes, read from its Gradio components, so that
:class:`web.events.EventCheck` checks requests before Gradio reads them."""

from __future__ import annotations

import gradio as gr

from tarjama.web.events import EventRules, Input, Kind, events_of


def _kind(component: object) -> Kind:
    if isinstance(component, gr.DownloadButton):
        return Kind.FILE
    if isinstance(component, gr.File):
        return Kind.UPLOADS if component.file_count in ("multiple", "directory") else Kind.UPLOAD
    if isinstance(component, (gr.Slider, gr.Number)):
        return Kind.NUMBER
    if (isinstance(component, gr.Dropdown) and not component.multiselect) or isinstance(component, gr.Radio):
        return Kind.CHOICE
    if isinstance(component, gr.Textbox):
        return Kind.TEXT
    return Kind.ANY


def _label(component: object) -> str:
    label = getattr(component, "label", None)
    return str(label) if label else type(component).__name__


def event_rules(demo: gr.Blocks) -> EventRules:
    """The inputs of every event of ``demo``, by its ``fn_index`` and API name."""
    return events_of(
        {
            index: (str(fn.api_name), [Input(_kind(c), _label(c)) for c in fn.inputs])
            for index, fn in demo.fns.items()
        }
    )


__all__ = ["event_rules"]
