"""Downloading MNIST from a local server whose mirrors fail on purpose (see tests/data/conftest.py)."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from engine.data import mnist_download
from engine.data.datasets import load_mnist
from engine.data.mnist_download import DownloadCancelled, DownloadError, download_mnist, file_deadline
from engine.data.mnist_source import MNIST_ENV, MNIST_SHA256, MNIST_SIZES, ensure_mnist, file_is_verified, find_mnist

NAMES = list(MNIST_SHA256)
CLIENT_TIMEOUT = 0.5  # seconds; the server's slow pieces pause far less, its stalls far longer
TRICKLE_DEADLINE = 1.5  # seconds a file may take in the trickle tests: three of the server's trickled bytes


class Watcher:
    """A progress callback that records who served what, and checks the folder on every call."""

    def __init__(self, dest):
        self.dest = dest  # the folder being filled
        self.served = {}  # file name → mirror URL of its last progress call (None: already there)
        self.last = {}  # file name → (bytes_done, bytes_total) of its last call
        self.checked = {}  # (name, mtime_ns, size) of real-named files already verified
        self.calls = 0

    def __call__(self, name, done, total, mirror):
        self.calls += 1
        self.served[name] = mirror
        self.last[name] = (done, total)
        assert_only_good_files(self.dest, self.checked)


def assert_only_good_files(dest, checked=None):
    """Every file under an MNIST name in ``dest`` has the published SHA-256 (the subset's, in these tests)."""
    checked = {} if checked is None else checked
    for name in NAMES:
        path = os.path.join(dest, name)
        if os.path.exists(path):
            st = os.stat(path)
            key = (name, st.st_mtime_ns, st.st_size)
            if key not in checked:
                assert file_is_verified(path), f"{name} in {dest} is not the real file"
                checked[key] = True


def leftovers(dest):
    """Temporary files (or anything not an MNIST .gz) in ``dest``."""
    return sorted(f for f in os.listdir(dest) if f not in MNIST_SHA256) if os.path.isdir(dest) else []


def test_download_from_first_good_mirror_loads_as_mnist(server, tmp_path, mnist_subset):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)
    out = download_mnist(dest, progress=watcher, mirrors=[server.url("ok")], timeout=5)
    assert out == os.fspath(dest)
    assert server.log == [("ok", name) for name in NAMES]
    assert watcher.served == {name: server.url("ok") for name in NAMES}
    assert watcher.last == {name: (MNIST_SIZES[name], MNIST_SIZES[name]) for name in NAMES}
    assert watcher.calls > len(NAMES)  # progress per chunk, not once per file
    assert leftovers(dest) == []
    data = load_mnist(out)
    assert np.array_equal(data.x_train, mnist_subset.x_train) and np.array_equal(data.y_test, mnist_subset.y_test)
    assert data.y_train[:5].tolist() == [5, 0, 4, 1, 9]


def test_mirrors_are_tried_in_order(server, tmp_path):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)
    mirrors = [server.url("404"), server.url("500"), server.url("ok"), server.url("flip")]
    download_mnist(dest, progress=watcher, mirrors=mirrors, timeout=5)
    expected = [(b, name) for name in NAMES for b in ("404", "500", "500", "ok")]  # 5xx retried; never "flip"
    assert server.log == expected
    assert set(watcher.served.values()) == {server.url("ok")}
    assert leftovers(dest) == []
    assert_only_good_files(dest)


@pytest.mark.parametrize("bad", ["truncate", "flip", "stallbody", "html", "404", "500"])
def test_a_broken_body_falls_back_and_never_lands_in_the_cache(server, tmp_path, bad):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)  # asserts on every progress call that no bad file has a real name
    download_mnist(dest, progress=watcher, mirrors=[server.url(bad), server.url("ok")], timeout=CLIENT_TIMEOUT)
    assert watcher.served == {name: server.url("ok") for name in NAMES}
    assert ("ok", NAMES[0]) in server.log and (bad, NAMES[0]) in server.log
    assert leftovers(dest) == []
    assert_only_good_files(dest)


def test_a_mirror_that_does_not_answer_is_skipped_for_the_remaining_files(server, tmp_path):
    dest = tmp_path / "cache"
    download_mnist(dest, mirrors=[server.url("stall"), server.url("ok")], timeout=CLIENT_TIMEOUT)
    assert server.log == [("stall", NAMES[0])] + [("ok", name) for name in NAMES]
    assert leftovers(dest) == []
    assert_only_good_files(dest)


def test_a_slow_body_within_the_timeout_succeeds(server, tmp_path):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)
    download_mnist(dest, progress=watcher, mirrors=[server.url("slow"), server.url("ok")], timeout=CLIENT_TIMEOUT)
    assert server.log == [("slow", name) for name in NAMES]
    assert set(watcher.served.values()) == {server.url("slow")}
    assert_only_good_files(dest)


def test_when_every_mirror_fails_the_error_says_what_each_answered(server, tmp_path, refused_url):
    dest = tmp_path / "cache"
    mirrors = [server.url("404"), server.url("500"), server.url("flip"), server.url("truncate"),
               server.url("stallbody"), server.url("html"), refused_url]
    with pytest.raises(DownloadError) as info:
        download_mnist(dest, mirrors=mirrors, timeout=CLIENT_TIMEOUT)
    message = str(info.value)
    first = NAMES[0]
    reasons = {
        server.url("404"): "HTTP 404",
        server.url("500"): "HTTP 500",
        server.url("flip"): "checksum mismatch",
        server.url("truncate"): f"truncated: received {MNIST_SIZES[first] // 2} of {MNIST_SIZES[first]} bytes",
        server.url("stallbody"): f"stalled after {64 * 1024} bytes",
        server.url("html"): "wrong size",
        refused_url: "connection refused",
    }
    for mirror, reason in reasons.items():
        assert f"{mirror} → {reason}" in message
    assert [(name, mirror) for name, mirror, _ in info.value.attempts] == [(first, m) for m in mirrors]
    assert all(reason.startswith(reasons[mirror]) for _, mirror, reason in info.value.attempts)
    assert first in message and os.fspath(dest) in message
    assert "--data" in message and MNIST_ENV in message and "python main.py download" in message
    assert leftovers(dest) == []
    assert not any(os.path.exists(dest / name) for name in NAMES)


def test_cancel_from_an_event_mid_file_leaves_no_partial_file(server, tmp_path):
    dest = tmp_path / "cache"
    stop = threading.Event()

    def progress(name, done, total, mirror):
        if name == NAMES[0] and done >= 3 * 64 * 1024:
            stop.set()

    with pytest.raises(DownloadCancelled):
        download_mnist(dest, progress=progress, cancel=stop, mirrors=[server.url("ok")], timeout=5)
    assert leftovers(dest) == []
    assert not any(os.path.exists(dest / name) for name in NAMES)
    assert server.log == [("ok", NAMES[0])]  # stopped at once: no other mirror, no other file


def test_cancel_from_a_callable_keeps_only_finished_verified_files(server, tmp_path):
    dest = tmp_path / "cache"
    seen = []

    def progress(name, done, total, mirror):
        seen.append(name)

    with pytest.raises(DownloadCancelled):
        download_mnist(dest, progress=progress, cancel=lambda: NAMES[2] in seen, mirrors=[server.url("ok")])
    assert leftovers(dest) == []
    assert sorted(os.listdir(dest)) == sorted(NAMES[:2])
    assert_only_good_files(dest)
    download_mnist(dest, mirrors=[server.url("ok")])  # a later run fetches only what is missing
    assert [name for _, name in server.log] == NAMES[:3] + NAMES[2:]


def test_an_exception_in_the_callback_removes_the_temporary_file(server, tmp_path):
    dest = tmp_path / "cache"

    def progress(name, done, total, mirror):
        raise RuntimeError("callback broke")

    with pytest.raises(RuntimeError, match="callback broke"):
        download_mnist(dest, progress=progress, mirrors=[server.url("ok")])
    assert leftovers(dest) == []
    assert os.listdir(dest) == []


def test_a_second_run_uses_the_cache_without_the_network(server, tmp_path, no_env):
    cache = tmp_path / "cache"
    assert find_mnist(cache=cache) is None
    assert ensure_mnist(cache=cache, mirrors=[server.url("ok")]) == os.fspath(cache)
    requests = len(server.log)
    assert requests == len(NAMES)
    assert find_mnist(cache=cache) == os.fspath(cache)
    assert ensure_mnist(cache=cache, mirrors=[server.url("ok")]) == os.fspath(cache)
    watcher = Watcher(cache)
    download_mnist(cache, progress=watcher, mirrors=[server.url("ok")])
    assert len(server.log) == requests
    assert watcher.served == {name: None for name in NAMES}  # None: already there


def test_a_corrupt_cached_file_is_fetched_again(server, tmp_path, no_env):
    cache = tmp_path / "cache"
    download_mnist(cache, mirrors=[server.url("ok")])
    path = cache / NAMES[1]
    body = bytearray(path.read_bytes())
    body[10] ^= 1
    path.write_bytes(bytes(body))
    assert find_mnist(cache=cache) is None  # the cache is trusted only when every checksum matches
    server.log.clear()
    with pytest.raises(DownloadError):
        ensure_mnist(cache=cache, mirrors=[server.url("flip")], timeout=CLIENT_TIMEOUT)
    assert not path.exists()  # the corrupt file was removed, not left for the loader
    assert ensure_mnist(cache=cache, mirrors=[server.url("ok")]) == os.fspath(cache)
    assert server.log == [("flip", NAMES[1]), ("ok", NAMES[1])]
    assert_only_good_files(cache)


def test_temporary_files_of_a_killed_run_are_removed_when_old(server, tmp_path):
    dest = tmp_path / "cache"
    dest.mkdir()
    old = dest / f".{NAMES[0]}.abc123.part"
    fresh = dest / f".{NAMES[1]}.def456.part"
    other = dest / "notes.part"
    for p in (old, fresh, other):
        p.write_bytes(b"partial")
    past = time.time() - 2 * 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    download_mnist(dest, mirrors=[server.url("ok")])
    assert not old.exists()
    assert fresh.exists() and other.exists()  # another run may still be writing; not ours to touch


def test_a_busy_mirror_is_retried_once_and_then_delivers(server, tmp_path):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)
    download_mnist(dest, progress=watcher, mirrors=[server.url("busy"), server.url("ok")], timeout=5)
    assert server.log == [("busy", name) for name in NAMES for _ in range(2)]  # 503, then the file
    assert watcher.served == {name: server.url("busy") for name in NAMES}
    assert leftovers(dest) == []
    assert_only_good_files(dest)


def test_a_mirror_failing_its_retry_too_is_reported_once(server, tmp_path):
    dest = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        download_mnist(dest, mirrors=[server.url("500")], timeout=5)
    assert info.value.attempts == [(NAMES[0], server.url("500"), "HTTP 500 Internal Server Error (also on a retry)")]
    assert server.log == [("500", NAMES[0])] * 2


def test_a_trickling_mirror_is_abandoned_at_the_deadline_for_the_next(server, tmp_path):
    dest = tmp_path / "cache"
    watcher = Watcher(dest)
    download_mnist(dest, progress=watcher, mirrors=[server.url("trickle"), server.url("ok")], timeout=5,
                   deadline=TRICKLE_DEADLINE)
    assert server.log == [("trickle", NAMES[0])] + [("ok", name) for name in NAMES]  # skipped after one file
    assert watcher.served == {name: server.url("ok") for name in NAMES}
    assert leftovers(dest) == []
    assert_only_good_files(dest)


def test_a_trickling_mirror_alone_fails_saying_how_far_it_got(server, tmp_path):
    dest = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        download_mnist(dest, mirrors=[server.url("trickle")], timeout=5, deadline=TRICKLE_DEADLINE)
    [(name, mirror, reason)] = info.value.attempts
    assert (name, mirror) == (NAMES[0], server.url("trickle"))
    assert reason.startswith("too slow: ") and reason.endswith(
        f" of {MNIST_SIZES[NAMES[0]]} bytes after the {TRICKLE_DEADLINE:g} s allowed for this file")
    assert leftovers(dest) == []


def test_the_default_deadline_grows_with_the_file():
    deadlines = [file_deadline(name) for name in sorted(NAMES, key=MNIST_SIZES.get)]
    assert deadlines == sorted(deadlines) and len(set(deadlines)) == len(NAMES)
    assert deadlines[0] >= mnist_download.DEADLINE_BASE
    assert file_deadline(NAMES[0]) > MNIST_SIZES[NAMES[0]] / mnist_download.MIN_RATE


def first_byte_sets(event):
    """A progress callback that sets ``event`` once the first byte of a file has arrived."""
    def progress(name, done, total, mirror):
        if done:
            event.set()
    return progress


def test_cancel_stops_a_trickling_download_before_its_deadline(server, tmp_path):
    dest = tmp_path / "cache"
    arrived, stop = threading.Event(), threading.Event()
    threading.Thread(target=lambda: arrived.wait(30) and stop.set(), daemon=True).start()
    with pytest.raises(DownloadCancelled):
        download_mnist(dest, progress=first_byte_sets(arrived), cancel=stop,
                       mirrors=[server.url("trickle"), server.url("ok")], timeout=5)  # default deadline: minutes
    assert arrived.is_set() and stop.is_set()
    assert server.log == [("trickle", NAMES[0])]
    assert leftovers(dest) == []


def test_ctrl_c_interrupts_a_trickling_download_and_leaves_nothing(server, tmp_path):
    dest = tmp_path / "cache"
    arrived = threading.Event()
    main = threading.main_thread().ident

    def press_ctrl_c():
        if arrived.wait(30):
            signal.pthread_kill(main, signal.SIGINT)  # delivered to the thread running the download, as in a terminal

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        download_mnist(dest, progress=first_byte_sets(arrived), mirrors=[server.url("trickle")], timeout=5)
    assert server.log == [("trickle", NAMES[0])]
    assert leftovers(dest) == []
