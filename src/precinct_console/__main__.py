"""`python -m precinct_console`: the console window, or a command-line verb when one is given."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
