"""Test configuration: Qt runs offscreen, and MNIST is found through BACKPROP_STUDIO_MNIST."""

import os
import tempfile

from gui.common.offscreen import offscreen_platform

# A 1920 × 1080 screen: the window lays itself out for the screen it is on (the default one is 800 × 800).
os.environ.setdefault("QT_QPA_PLATFORM", offscreen_platform(1920, 1080, tempfile.mkdtemp(prefix="qt-screen-")))

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
