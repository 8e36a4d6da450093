"""``python app.py``: the checkout's way to serve the tarjama page and its HTTP API (``tarjama serve`` when
installed). The server itself is :mod:`tarjama.app`."""

from tarjama.app import main

if __name__ == "__main__":
    raise SystemExit(main())
