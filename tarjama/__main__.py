"""``python -m tarjama`` runs the ``tarjama`` command (``python -m tarjama serve`` serves the page)."""

from tarjama.cli import main

raise SystemExit(main())
