"""Numbers as people read them: 3 significant digits, thousands separators, short durations."""

import math


def sig3(value):
    """A float rounded to 3 significant digits: 0.0123456 → "0.0123", 41234.5 → "41,200"."""
    if value is None or not math.isfinite(value):
        return "–" if value is None else str(value)
    if value == 0:
        return "0"
    value = float(f"{value:.3g}")  # round first, so 999.6 becomes 1,000 and is shown as such
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= 3:
        return f"{value:,.0f}"
    if magnitude < -4:
        return f"{value:.2e}"
    return f"{value:.{max(0, 2 - magnitude)}f}"


def percent(fraction):
    """A fraction as a percentage with 3 significant digits: 0.96123 → "96.1 %"."""
    if fraction is None or not math.isfinite(fraction):
        return "–"
    return f"{sig3(100 * fraction)} %"


def duration(seconds):
    """Seconds as h:mm:ss or m:ss: 12 → "0:12", 3725 → "1:02:05"."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = int(round(max(0.0, seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
