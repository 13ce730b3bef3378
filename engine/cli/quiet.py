"""Numbers for people and for JSON: no NumPy RuntimeWarnings on the terminal, no NaN in the JSON line."""

import contextlib
import math
import warnings


@contextlib.contextmanager
def quiet_numpy():
    """No RuntimeWarnings from NumPy while a run may overflow: divergence is detected and told in words."""
    import numpy as np

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def finite(value, digits=6):
    """``value`` rounded, or None when it is missing, NaN or infinite (JSON has no such numbers)."""
    return round(value, digits) if value is not None and math.isfinite(value) else None
