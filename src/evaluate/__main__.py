"""Run the command line with ``python -m evaluate``."""

from evaluate.cli import main

main()
