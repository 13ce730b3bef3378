"""A progress bar for a terminal: one line that redraws itself; on a pipe it draws nothing."""

import sys
import time


class ProgressBar:
    """One line that redraws itself on a terminal; on a pipe, nothing until the line is done."""

    def __init__(self, stream="stderr", width=28):
        stream = sys.stderr if stream == "stderr" else stream  # looked up now: tests swap sys.stderr
        self.stream, self.width = stream, width  # stream None: draw nothing
        self.tty = stream is not None and stream.isatty()
        self._last = 0.0

    def update(self, fraction, text, force=False):
        now = time.perf_counter()
        if not self.tty or (not force and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * min(max(fraction, 0.0), 1.0))
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{bar} {text}\x1b[K")
        self.stream.flush()

    def clear(self):
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def fmt_bytes(n):
    """1234567 → '1.2 MB'; small sizes in kB."""
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"
