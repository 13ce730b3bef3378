"""need(): an optional package for a test, skipped when missing but failing under CI, which installs it."""

import importlib
import os

import pytest


def need(name, install):
    """The module ``name``; without it the test skips, or fails when CI is set (``install``: how to get it)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; CI must install it: {install}")
        pytest.skip(f"{name} is not installed ({install})")
