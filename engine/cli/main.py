"""The command line's entry: parse, run one command within its thread limit, and turn every error into one line."""

import signal
import sys
import traceback

from engine.cli.interrupt import Terminated, raise_on_sigterm
from engine.cli.parser import USAGE_ERROR, UsageError, build_parser


def main(argv=None, run_app=None, description=None):
    """Run `train`, `evaluate`, `export`, `download` or `compare`; with no command, ``run_app(argv)`` (the window).

    Returns the exit code.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    old_term = None
    try:
        args = build_parser(description).parse_args(argv)
        if args.command is None:
            if run_app is None:
                raise UsageError("no command given: train, evaluate, export, download or compare")
            return run_app(argv)
        old_term = raise_on_sigterm()  # the window handles its own signals; a command stops like Ctrl+C
        return run_command(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except Terminated:
        print("terminated; nothing half-written was left", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was left", file=sys.stderr)
        return 130
    except (ValueError, OSError) as exc:
        # Errors the engine raises for bad files and data carry a message meant for people.
        if debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback, unless --debug asks for it
        if debug:
            traceback.print_exc()
        print(f"error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)", file=sys.stderr)
        return 1
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)


def run_command(args):
    """The chosen command, with BLAS limited to ``--threads`` for train and evaluate."""
    from engine.cli.compare import cmd_compare
    from engine.cli.download import cmd_download
    from engine.cli.evaluate import cmd_evaluate
    from engine.cli.export import cmd_export
    from engine.cli.train import cmd_train

    command = {"train": cmd_train, "evaluate": cmd_evaluate, "export": cmd_export, "download": cmd_download,
               "compare": cmd_compare}[args.command]
    if not hasattr(args, "threads"):
        return command(args)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads, user_api="blas"):
        return command(args)
