"""``python -m netlens …`` runs the command line."""

from netlens.cli import main

main()
