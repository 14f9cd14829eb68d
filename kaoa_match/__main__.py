"""``python -m kaoa_match`` runs the command-line tool."""

from kaoa_match.cli import main

raise SystemExit(main())
