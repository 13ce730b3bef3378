"""Backprop Studio: with no subcommand, the app; `train`, `evaluate` and `download` run headless."""

import sys

from engine.cli import USAGE_ERROR, UsageError  # noqa: F401 - part of main's surface (tests, scripts)
from engine.cli import main as cli_main


def run_app(argv):
    """The window; imported only when it is asked for, so the headless commands never load Qt."""
    from gui.shell.app import run_app as launch

    return launch(argv)


def main(argv=None):
    return cli_main(argv, run_app=run_app, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
