"""need(): an optional package for a test, skipped when missing but failing under CI, which installs it."""

import importlib
import os

import pytest


def need(name, install):
    """The module ``name``; without it the test skips (fails when CI is set: ``install`` says what CI installs)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; CI installs it ({install})")
        pytest.skip(f"{name} is not installed ({install})")
