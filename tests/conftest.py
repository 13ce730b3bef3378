"""Test configuration: Qt runs offscreen, and MNIST is found through BACKPROP_STUDIO_MNIST."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from engine.data.mnist_source import MNIST_ENV  # noqa: E402


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder of real MNIST files; fails (never skips) in CI when it is missing."""
    folder = os.environ.get(MNIST_ENV)
    if not folder or not os.path.isdir(folder):
        message = f"{MNIST_ENV} must name a folder with the four MNIST IDX files (got {folder!r})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """Real MNIST as a Dataset (loaded once per session)."""
    from engine.data.datasets import load_mnist

    return load_mnist(mnist_dir)
