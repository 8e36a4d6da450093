"""The web server below `app.py`: shared service, HTTP API, jobs and presenters (no gradio here)."""

from tarjama.web.api import ApiAccess, add_api, load_api_keys
from tarjama.web.handlers import Page
from tarjama.web.service import Limits, TarjamaService

__all__ = ["ApiAccess", "Limits", "Page", "TarjamaService", "add_api", "load_api_keys"]
