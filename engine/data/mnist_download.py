"""Download the four official MNIST files from a list of mirrors, verified by SHA-256.

Each file streams into a hidden ``.<name>.<random>.part`` file beside its destination and is renamed into
place (``os.replace``) only once its size and SHA-256 match, so the loader never sees a partial or corrupt
file. Any failure of a mirror (refused connection, timeout, stalled body, HTTP error, truncated body, wrong
checksum, a body too slow to finish within the file's deadline) moves on to the next mirror, after one retry
when the server answered 5xx; when all fail, DownloadError lists what each one answered.

The network is read in a helper thread while the calling thread watches the clock and ``cancel``: a cancel
(or Ctrl+C in the calling thread) ends the call within CANCEL_POLL seconds whatever the network is doing
(resolving a name, connecting, a silent or trickling server); the abandoned helper stops on its own at its
next byte or read timeout.
"""

import glob
import hashlib
import http.client
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request

from engine.data.mnist_files import (
    HOW_TO_GET_MNIST,
    MNIST_ENV,
    MNIST_SHA256,
    MNIST_SIZES,
    MnistUnavailable,
    cache_dir,
    file_is_verified,
)

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
CHUNK = 64 * 1024  # bytes per read at most (a read returns what has arrived, however little)
USER_AGENT = "backprop-studio (MNIST download)"
PART_SUFFIX = ".part"  # temporary files end with this; the loader looks only for the exact names
STALE_PART_SECONDS = 3600  # leftovers of a killed run older than this are removed on the next run
CANCEL_POLL = 0.1  # seconds between two looks at ``cancel`` and the deadline while the network is busy
# A file's deadline on one mirror: DEADLINE_BASE seconds plus its size at MIN_RATE, so a mirror that trickles
# bytes (each read within ``timeout``, yet hours for the file) is abandoned: 30 s for the 4.5 kB labels,
# 112 s for the 1.6 MB test images, 526 s for the 9.9 MB training images (20 kB/s ≈ a 160 kbit/s line).
DEADLINE_BASE = 30.0
MIN_RATE = 20_000  # bytes per second
RETRY_BACKOFF = 1.0  # seconds before the one retry of a mirror that answered 5xx (a busy or restarting server)


class DownloadError(MnistUnavailable):
    """Every mirror failed for a file; ``attempts`` holds (file, mirror, reason) for each try."""

    def __init__(self, dest, attempts):
        self.dest = dest  # the folder the files were going to
        self.attempts = list(attempts)  # [(file_name, mirror_url, reason), ...] in the order tried
        lines = [f"Could not download MNIST into {dest}; every mirror failed."]
        for name in dict.fromkeys(a[0] for a in self.attempts):
            lines.append(f"  {name}:")
            lines += [f"    {mirror} → {reason}" for n, mirror, reason in self.attempts if n == name]
        first = self.attempts[0][1] if self.attempts else MIRRORS[0]
        lines.append("Check the internet connection (or proxy settings such as HTTPS_PROXY) and run "
                     "`python main.py download` again; or get the four .gz files another way (e.g. from "
                     f"{first}) into a folder and name it with --data DIR or by setting {MNIST_ENV}.")
        super().__init__("\n".join(lines))


class DownloadCancelled(Exception):
    """The download was cancelled; no partial file was left behind."""


class _MirrorFailed(Exception):
    """One mirror could not deliver one file; the message is the reason shown to the user."""

    def __init__(self, reason, unreachable=False, retry=False):
        super().__init__(reason)
        self.unreachable = unreachable  # the mirror itself is down: skip it for the remaining files
        self.retry = retry  # the server said it is in trouble (5xx): worth one more try after RETRY_BACKOFF


def _is_cancelled(cancel):
    """``cancel`` may be None, a threading.Event or a callable returning True to stop."""
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    return bool(is_set() if is_set is not None else cancel())


def _reason(exc, timeout, done):
    """A short human answer for what went wrong with a mirror, and whether the mirror looks down."""
    if isinstance(exc, urllib.error.HTTPError):
        return _MirrorFailed(f"HTTP {exc.code} {exc.reason}", retry=exc.code >= 500)
    if isinstance(exc, urllib.error.URLError):  # the connection itself failed; look at why
        exc = exc.reason if isinstance(exc.reason, BaseException) else OSError(str(exc.reason))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        if done:
            return _MirrorFailed(f"stalled after {done} bytes (no data for {timeout:g} s)", unreachable=True)
        return _MirrorFailed(f"no answer within {timeout:g} s", unreachable=True)
    if isinstance(exc, ConnectionRefusedError):
        return _MirrorFailed("connection refused", unreachable=True)
    if isinstance(exc, socket.gaierror):
        return _MirrorFailed(f"host not found ({exc.strerror or exc})", unreachable=True)
    if isinstance(exc, (ConnectionError, http.client.HTTPException)):
        return _MirrorFailed(f"connection broken after {done} bytes ({type(exc).__name__}: {exc})")
    return _MirrorFailed(f"{type(exc).__name__}: {exc}", unreachable=True)


def file_deadline(name):
    """Seconds one mirror may take to deliver the file ``name`` (DEADLINE_BASE + its size at MIN_RATE)."""
    return DEADLINE_BASE + MNIST_SIZES[name] / MIN_RATE


def _wait(seconds, cancel):
    """Sleep ``seconds``, looking at ``cancel`` every CANCEL_POLL; raise DownloadCancelled when it is set."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if _is_cancelled(cancel):
            raise DownloadCancelled("download cancelled")
        time.sleep(min(left, CANCEL_POLL))


def _stream(url, name, mirror, out, progress, stop, timeout, state):
    """Stream ``url`` into the open file ``out`` until ``stop`` is set (helper thread); raise _MirrorFailed.

    ``state["done"]`` counts the bytes received, for the reason given when the deadline passes.
    """
    expected_size, expected_sha = MNIST_SIZES[name], MNIST_SHA256[name]
    digest = hashlib.sha256()
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) != expected_size:
                raise _MirrorFailed(f"wrong size: server announces {length} bytes, expected {expected_size}")
            while not stop.is_set():
                block = response.read1(CHUNK)  # what has arrived: read(CHUNK) would wait for 64 KiB of a trickle
                if not block:
                    break
                state["done"] += len(block)
                if state["done"] > expected_size:
                    raise _MirrorFailed(f"longer than the expected {expected_size} bytes")
                digest.update(block)
                try:
                    out.write(block)
                except OSError as exc:  # the disk, not the mirror: no point trying another one
                    raise MnistUnavailable(f"Could not write {out.name}: {exc}") from exc
                if progress is not None and not stop.is_set():
                    progress(name, state["done"], expected_size, mirror)
    except (_MirrorFailed, MnistUnavailable):
        raise
    except (OSError, http.client.HTTPException) as exc:
        raise _reason(exc, timeout, state["done"]) from exc
    if stop.is_set():
        return
    if state["done"] < expected_size:
        raise _MirrorFailed(f"truncated: received {state['done']} of {expected_size} bytes")
    got = digest.hexdigest()
    if got != expected_sha:
        raise _MirrorFailed(f"checksum mismatch: SHA-256 {got[:16]}…, expected {expected_sha[:16]}…")


def _fetch(url, name, mirror, out, progress, cancel, timeout, deadline):
    """Fetch ``url`` into ``out`` in a helper thread, returning as soon as it is done, cancelled or past
    ``deadline`` seconds; raise _MirrorFailed or DownloadCancelled."""
    stop = threading.Event()  # set when this call no longer wants the helper's bytes
    finished = threading.Event()
    state = {"done": 0, "error": None}

    def transfer():
        try:
            _stream(url, name, mirror, out, progress, stop, timeout, state)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, which raises it
            state["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=transfer, name=f"download {name}", daemon=True).start()
    started = time.monotonic()
    try:
        while not finished.wait(CANCEL_POLL):
            if _is_cancelled(cancel):
                raise DownloadCancelled(f"download of {name} cancelled")
            if time.monotonic() - started > deadline:
                raise _MirrorFailed(f"too slow: {state['done']} of {MNIST_SIZES[name]} bytes after the "
                                    f"{deadline:g} s allowed for this file", unreachable=True)
    finally:
        stop.set()  # on every way out (cancel, deadline, Ctrl+C): the helper stops at its next byte
    if _is_cancelled(cancel):  # a cancel that came while the last bytes arrived still wins
        raise DownloadCancelled(f"download of {name} cancelled")
    if state["error"] is not None:
        raise state["error"]


def _try_mirror(name, dest, mirror, progress, cancel, timeout, deadline):
    """Fetch one file from one mirror into a temporary file renamed into place once verified."""
    fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=PART_SUFFIX, dir=dest)
    try:
        with os.fdopen(fd, "wb") as out:
            _fetch(mirror + name, name, mirror, out, progress, cancel, timeout, deadline)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, os.path.join(dest, name))  # only a complete file with the right SHA-256 gets the name
    finally:
        if os.path.exists(part):  # every path but success: cancel, failure, any exception
            os.remove(part)


def _download_one(name, dest, mirrors, down, attempts, progress, cancel, timeout, deadline):
    """Fetch one file from the first mirror that delivers it intact (a 5xx is tried once more); True on success."""
    for mirror in mirrors:
        if mirror in down:
            attempts.append((name, mirror, "skipped: " + down[mirror]))
            continue
        for retry in (False, True):
            if _is_cancelled(cancel):
                raise DownloadCancelled(f"download of {name} cancelled")
            try:
                _try_mirror(name, dest, mirror, progress, cancel, timeout, deadline)
                return True
            except _MirrorFailed as failed:
                if failed.retry and not retry:
                    _wait(RETRY_BACKOFF, cancel)
                    continue
                attempts.append((name, mirror, f"{failed} (also on a retry)" if retry else str(failed)))
                if failed.unreachable:
                    down[mirror] = f"{failed} for an earlier file"
                break
    return False


def _remove_stale_parts(dest):
    """Remove temporary files a killed run left behind (older than STALE_PART_SECONDS)."""
    now = time.time()
    for name in MNIST_SHA256:
        for part in glob.glob(os.path.join(glob.escape(dest), f".{name}.*{PART_SUFFIX}")):
            try:
                if now - os.path.getmtime(part) > STALE_PART_SECONDS:
                    os.remove(part)
            except OSError:
                pass  # another process may be finishing it; harmless either way


def download_mnist(dest_dir=None, progress=None, cancel=None, mirrors=MIRRORS, timeout=15.0, deadline=None):
    """Make ``dest_dir`` (default: the user cache) hold the four verified MNIST .gz files; return it.

    Files already present with the right SHA-256 are kept (no network request when all four are).
    progress : called as progress(file_name, bytes_done, bytes_total, mirror_url) after each chunk, from the
        helper thread that reads the network; mirror_url is None for a file that was already there.
    cancel : threading.Event or callable, looked at every CANCEL_POLL seconds by the calling thread;
        raises DownloadCancelled within that time, whatever the network is doing.
    mirrors : base URLs ending in "/", tried in order for each file; one answering 5xx is retried once
        after RETRY_BACKOFF seconds.
    timeout : seconds for the connection and for each read, so a stalled body fails too.
    deadline : seconds one mirror may take for one file (a trickling body fails too); None: file_deadline.
    Raises DownloadError (listing each mirror's answer) when a file could not be fetched from any.
    """
    mirrors = [m if m.endswith("/") else m + "/" for m in mirrors]
    if not mirrors:
        raise ValueError("download_mnist needs at least one mirror URL")
    dest = os.fspath(dest_dir) if dest_dir is not None else cache_dir()
    try:
        os.makedirs(dest, exist_ok=True)
    except OSError as exc:
        raise MnistUnavailable(f"Could not create the folder {dest}: {exc}. {HOW_TO_GET_MNIST}") from exc
    _remove_stale_parts(dest)
    attempts = []  # (file, mirror, reason) for every failed try, for the error message
    down = {}  # mirror → why it is skipped for the remaining files (it did not answer at all)
    for name in MNIST_SHA256:
        path = os.path.join(dest, name)
        if file_is_verified(path):
            if progress is not None:
                progress(name, MNIST_SIZES[name], MNIST_SIZES[name], None)
            continue
        if os.path.lexists(path):
            os.remove(path)  # wrong size or checksum: never leave it where the loader would trust it
        limit = file_deadline(name) if deadline is None else deadline
        if not _download_one(name, dest, mirrors, down, attempts, progress, cancel, timeout, limit):
            raise DownloadError(dest, [a for a in attempts if a[0] == name])
    return dest
