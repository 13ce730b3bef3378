"""Test configuration: Qt runs offscreen; real data comes from the subsets in tests/fixtures, the full sets from
BACKPROP_STUDIO_MNIST.

Every test that needs *some* real MNIST digits or pen strokes uses the subsets shipped with the tests, so the
suite runs the same on a fresh clone. Only the tests that need a whole set (its label counts, accuracy
targets) read it from the folder named by BACKPROP_STUDIO_MNIST (and ``unipen-dev/digits.jsonl.gz`` beside
it): without it they are skipped, and under CI (``CI`` set) they fail instead.
"""

import os
import tempfile

from gui.common.offscreen import offscreen_platform

# A 1920 × 1080 screen: the window lays itself out for the screen it is on (the default one is 800 × 800).
os.environ.setdefault("QT_QPA_PLATFORM", offscreen_platform(1920, 1080, tempfile.mkdtemp(prefix="qt-screen-")))

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from engine.data.mnist_source import MNIST_ENV  # noqa: E402
from tests.shipped_data import MNIST_SUBSET_DIR, UNIPEN_SUBSET_PATH, read_sha256sums  # noqa: E402

FULL_MNIST_DIR = os.environ.get(MNIST_ENV) or None  # as the run began: tests may point the variable elsewhere

# No per-example deadline by default (Hypothesis' is 200 ms): on a busy machine a slow example is no failure,
# and every test's time is bounded by pytest-timeout (pyproject.toml). A test's own settings still apply.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


def in_ci():
    """True when the run is CI's (``CI`` set to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def full_set(path, exists, what):
    """``path`` when ``exists(path)``; else skip the test, or fail it under CI, saying ``what`` is missing."""
    if path and exists(path):
        return path
    message = f"{what} (got {path!r})"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


# -- MNIST ----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def mnist_subset_dir():
    """The folder of the MNIST subset shipped with the tests: 2,000 training and 1,000 test images, IDX .gz."""
    return MNIST_SUBSET_DIR


@pytest.fixture(scope="session")
def mnist_subset(mnist_subset_dir):
    """The MNIST subset as a Dataset (loaded once per session)."""
    from engine.data.datasets import load_mnist

    return load_mnist(mnist_subset_dir)


@pytest.fixture
def mnist_subset_in_env(mnist_subset_dir, monkeypatch):
    """$BACKPROP_STUDIO_MNIST names the subset for this test: the app and the CLI find it as they find MNIST."""
    monkeypatch.setenv(MNIST_ENV, mnist_subset_dir)
    return mnist_subset_dir


@pytest.fixture
def mnist_subset_published(mnist_subset_dir, monkeypatch):
    """The subset's SHA-256 values and sizes stand in for the published ones during this test.

    The downloader, the cache check and the download dialog then accept the subset's files as the real
    ones, so they are tested on 0.5 MB instead of 11.6 MB and without the full set.
    """
    import sys

    from engine.data import mnist_source

    for name, digest in read_sha256sums(mnist_subset_dir).items():
        monkeypatch.setitem(mnist_source.MNIST_SHA256, name, digest)
        monkeypatch.setitem(mnist_source.MNIST_SIZES, name, os.path.getsize(os.path.join(mnist_subset_dir, name)))
    dialog = sys.modules.get("gui.datasets.download_dialog")  # its total is taken when it is imported
    if dialog is not None:
        monkeypatch.setattr(dialog, "TOTAL_BYTES", sum(mnist_source.MNIST_SIZES.values()))
    return mnist_subset_dir


@pytest.fixture(scope="session")
def mnist_full_dir():
    """The folder of the whole MNIST set named by $BACKPROP_STUDIO_MNIST; skipped without it, failed under CI."""
    return full_set(FULL_MNIST_DIR, os.path.isdir, f"{MNIST_ENV} must name a folder with the four MNIST IDX files")


@pytest.fixture(scope="session")
def mnist_full(mnist_full_dir):
    """The whole MNIST set as a Dataset (loaded once per session)."""
    from engine.data.datasets import load_mnist

    return load_mnist(mnist_full_dir)


@pytest.fixture(scope="session")
def mnist_dir(mnist_full_dir):
    """The whole MNIST set's folder (the same as ``mnist_full_dir``)."""
    return mnist_full_dir


@pytest.fixture(scope="session")
def mnist(mnist_full):
    """The whole MNIST set (the same as ``mnist_full``)."""
    return mnist_full


# -- pen strokes (UNIPEN digits) ------------------------------------------------------------------
@pytest.fixture(scope="session")
def unipen_subset_path():
    """The 400 real pen-stroke digits shipped with the tests (digits.jsonl.gz)."""
    return UNIPEN_SUBSET_PATH


@pytest.fixture(scope="session")
def unipen_subset(unipen_subset_path):
    """Those digits as (label, strokes), loaded once per session."""
    from engine.data.unipen import load_unipen

    return load_unipen(unipen_subset_path)


@pytest.fixture(scope="session")
def unipen_full_path():
    """The whole dev set: unipen-dev/digits.jsonl.gz beside $BACKPROP_STUDIO_MNIST (skipped without; CI fails)."""
    path = None
    if FULL_MNIST_DIR:
        path = os.path.join(os.path.dirname(os.path.abspath(FULL_MNIST_DIR)), "unipen-dev", "digits.jsonl.gz")
    return full_set(path, os.path.isfile,
                    f"real pen strokes are expected at unipen-dev/digits.jsonl.gz beside {MNIST_ENV}")


@pytest.fixture(scope="session")
def unipen_path(unipen_full_path):
    """The whole dev set's path (the same as ``unipen_full_path``)."""
    return unipen_full_path


@pytest.fixture(scope="session")
def unipen_digits(unipen_full_path):
    """The whole dev set as (label, strokes), loaded once per session."""
    from engine.data.unipen import load_unipen

    return load_unipen(unipen_full_path)
