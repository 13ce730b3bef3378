"""How the GUI thread's requests reach the training worker: a call run between batches, and the pending count.

``TrainingWorker._post`` counts a request as pending; the slot that handles it is wrapped by
``answers_a_request``, which uncounts it when done. ``Call`` carries a function to run in the worker thread
(``call_between_batches``) and brings back what it returned or raised.
"""

import functools


class WalkInProgress(RuntimeError):
    """A batch is being walked phase by phase: the trainer is half way through a step."""


class Call:
    """A function to run in the worker thread, and what it returned or raised."""

    def __init__(self, fn):
        self.fn, self.result, self.error = fn, None, None

    def outcome(self):
        """The result, or raise the error (once: neither this object nor a local keeps it, so its traceback,
        which holds the callers' frames and their windows, forms no reference cycle)."""
        error, self.error = self.error, None
        if error is None:
            return self.result
        try:
            raise error
        finally:
            del error


def answers_a_request(slot):
    """``slot`` handles one request posted by ``TrainingWorker._post``: that request is no longer pending after it."""

    @functools.wraps(slot)
    def answer(self, *args):
        try:
            return slot(self, *args)
        finally:
            with self._lock:
                self._pending -= 1

    return answer
