"""Engine test fixtures: real pen strokes (UNIPEN digits) found beside the MNIST folder."""

import os

import pytest

from engine.data.mnist_source import MNIST_ENV


@pytest.fixture(scope="session")
def unipen_path():
    """digits.jsonl.gz in ``unipen-dev`` beside $BACKPROP_STUDIO_MNIST; fails (never skips) in CI when missing."""
    folder = os.environ.get(MNIST_ENV)
    path = os.path.join(os.path.dirname(os.path.abspath(folder)), "unipen-dev", "digits.jsonl.gz") if folder else None
    if not path or not os.path.isfile(path):
        message = f"real pen strokes expected at unipen-dev/digits.jsonl.gz beside {MNIST_ENV} (got {path!r})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def unipen_digits(unipen_path):
    """All real digits as (label, strokes), loaded once per session."""
    from engine.data.unipen import load_unipen

    return load_unipen(unipen_path)
