"""Backprop Studio: with no subcommand, the app; `train`, `evaluate` and `download` run headless."""

import sys


def run_app(argv):
    """The window; imported only when it is asked for, so the headless commands never load Qt."""
    from gui.shell.app import run_app as launch

    return launch(argv)


def main(argv=None):
    try:  # Ctrl+C while NumPy loads: one line, no traceback
        from engine.cli import main as cli_main
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return cli_main(argv, run_app=run_app, description=__doc__)


def __getattr__(name):
    """``main.USAGE_ERROR`` and ``main.UsageError``, from engine/cli, loaded when first asked for."""
    if name in ("USAGE_ERROR", "UsageError"):
        import engine.cli

        return getattr(engine.cli, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    sys.exit(main())
