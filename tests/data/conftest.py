"""Fixtures for the data tests: the loopback mirror server (tests/loopback_mnist_server.py) and MNIST lookup."""

import pytest

from engine.data.mnist_source import MNIST_ENV
from tests.loopback_mnist_server import direct_loopback, mirror_server, quick_retry, refused_url, server  # noqa: F401


@pytest.fixture(autouse=True)
def _direct_loopback(direct_loopback, quick_retry):
    """Requests to 127.0.0.1 go straight to the test server even where a proxy is configured; 5xx retried at once."""


@pytest.fixture
def no_env(monkeypatch):
    """MNIST lookup without ``$BACKPROP_STUDIO_MNIST`` (the test suite itself sets it)."""
    monkeypatch.delenv(MNIST_ENV, raising=False)
