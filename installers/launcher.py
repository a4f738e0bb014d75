"""Entry script of the frozen build: the console window, or a command-line verb when one is given."""

import multiprocessing
import sys

from precinct_console.cli import main

if __name__ == "__main__":
    # A frozen executable re-runs itself for child processes; this keeps them from
    # starting a second console window.
    multiprocessing.freeze_support()
    sys.exit(main())
