"""Ctrl+C and SIGTERM during training: finish the batch in progress, then stop (and save) cleanly."""

import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM outside training: ends the command like Ctrl+C, with exit code 143."""


class StopOnSignal:
    """While active, SIGINT and SIGTERM call ``stop`` (e.g. Trainer.request_stop) instead of interrupting.

    The batch in progress completes and a save in progress finishes, so counters, weights and the
    optimiser's step count agree and an interrupted run resumes exactly. The old handlers come back on exit.
    """

    def __init__(self, stop):
        self.stop = stop
        self.received = None  # the first signal's number
        self._old = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():  # only there may handlers change
            self._old = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}
        return self

    def __exit__(self, *exc):
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        return False

    def _handle(self, signum, frame):
        self.received = self.received or signum
        self.stop()

    @property
    def exit_code(self):
        """128 + the signal's number (130 for Ctrl+C, 143 for SIGTERM), as shells report them."""
        return 128 + int(self.received)


def raise_on_sigterm():
    """Make SIGTERM raise Terminated (a KeyboardInterrupt) in the main thread; returns the old handler or None."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handle(signum, frame):
        raise Terminated()

    return signal.signal(signal.SIGTERM, handle)
