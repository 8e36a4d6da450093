"""`python -m cli` runs the `tarjama` command."""

from cli import main

raise SystemExit(main())
