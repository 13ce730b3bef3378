"""Where MNIST is looked for: named folder, then $BACKPROP_STUDIO_MNIST, then the verified cache."""

import gzip
import os
import shutil

import pytest

from engine.data import mnist_source
from engine.data.datasets import MNIST_FILES, load_mnist
from engine.data.mnist_source import (
    MNIST_ENV,
    MNIST_SHA256,
    MnistUnavailable,
    ensure_mnist,
    find_mnist,
    has_mnist,
    missing_files,
)


def placeholder_folder(path, skip=()):
    """A folder with files under the four MNIST names (empty; lookup of named folders checks names only)."""
    path.mkdir(parents=True)
    for base in MNIST_FILES.values():
        if base not in skip:
            (path / (base + ".gz")).write_bytes(b"")
    return path


@pytest.fixture
def real_cache(mnist_subset_published, tmp_path):
    """A cache folder holding copies of the subset's .gz files, which count as the published ones here."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in MNIST_SHA256:
        shutil.copyfile(os.path.join(mnist_subset_published, name), cache / name)
    return cache


def test_a_named_folder_comes_first(tmp_path, monkeypatch, real_cache):
    named = placeholder_folder(tmp_path / "named")
    monkeypatch.setenv(MNIST_ENV, os.fspath(placeholder_folder(tmp_path / "env")))
    assert find_mnist(named, cache=real_cache) == os.fspath(named)


def test_the_environment_comes_before_the_cache(tmp_path, monkeypatch, real_cache):
    env = placeholder_folder(tmp_path / "env")
    monkeypatch.setenv(MNIST_ENV, os.fspath(env))
    assert find_mnist(cache=real_cache) == os.fspath(env)
    assert find_mnist("", cache=real_cache) == os.fspath(env)  # an empty setting means "not set"


def test_the_verified_cache_comes_last_and_loads(real_cache, no_env, mnist_subset):
    assert find_mnist(cache=real_cache) == os.fspath(real_cache)
    data = load_mnist(find_mnist(cache=real_cache))
    assert data.x_train.shape == mnist_subset.x_train.shape and data.y_test.shape == mnist_subset.y_test.shape


def test_the_default_cache_is_the_user_cache_folder(real_cache, monkeypatch, no_env):
    monkeypatch.setattr(mnist_source, "cache_dir", lambda: os.fspath(real_cache))
    assert find_mnist() == os.fspath(real_cache)
    assert ensure_mnist(mirrors=["http://127.0.0.1:9/never/"]) == os.fspath(real_cache)


def test_cache_dir_is_under_the_platform_cache(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda app: os.fspath(tmp_path / app))
    assert mnist_source.cache_dir() == os.path.join(tmp_path, "backprop-studio", "mnist")


def test_nothing_found_is_none(tmp_path, no_env):
    assert find_mnist(cache=tmp_path / "absent") is None
    assert find_mnist(cache=placeholder_folder(tmp_path / "cache")) is None  # names alone do not count


def test_a_cache_with_a_corrupt_or_missing_file_is_not_trusted(real_cache, no_env):
    (real_cache / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b not the real file")
    assert find_mnist(cache=real_cache) is None
    os.remove(real_cache / "t10k-labels-idx1-ubyte.gz")
    assert find_mnist(cache=real_cache) is None


def test_an_incomplete_named_folder_is_an_error_not_a_fallback(tmp_path, real_cache, no_env):
    named = placeholder_folder(tmp_path / "named", skip=("t10k-labels-idx1-ubyte",))
    with pytest.raises(MnistUnavailable) as info:
        find_mnist(named, cache=real_cache)
    message = str(info.value)
    assert os.fspath(named) in message and "t10k-labels-idx1-ubyte.gz" in message
    assert "train-images" not in message  # only what is missing
    assert "--data" in message and MNIST_ENV in message and "python main.py download" in message
    with pytest.raises(MnistUnavailable, match="not a folder"):
        find_mnist(tmp_path / "nowhere", cache=real_cache)
    with pytest.raises(MnistUnavailable):  # and no download is attempted for it
        ensure_mnist(named, cache=real_cache, mirrors=["http://127.0.0.1:9/never/"])


def test_an_incomplete_environment_folder_is_an_error_naming_the_variable(tmp_path, monkeypatch, real_cache):
    monkeypatch.setenv(MNIST_ENV, os.fspath(tmp_path / "gone"))
    with pytest.raises(MnistUnavailable, match=MNIST_ENV):
        find_mnist(cache=real_cache)


def test_uncompressed_files_count_in_a_named_folder(mnist_subset_dir, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for base in MNIST_FILES.values():
        with gzip.open(os.path.join(mnist_subset_dir, base + ".gz")) as src:
            (raw / base).write_bytes(src.read())
    assert missing_files(raw) == [] and has_mnist(raw)
    assert not has_mnist(raw, verify=True)  # the cache accepts only the published .gz files
    assert find_mnist(raw) == os.fspath(raw)
    assert load_mnist(raw).y_train[:3].tolist() == [5, 0, 4]


def test_missing_files_lists_what_is_absent(tmp_path):
    folder = placeholder_folder(tmp_path / "f", skip=("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"))
    assert missing_files(folder) == ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"]
    assert not has_mnist(folder) and not has_mnist(tmp_path / "absent") and not has_mnist(None)
