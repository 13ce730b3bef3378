"""A real HTTP server on 127.0.0.1 whose path prefixes behave like good and broken MNIST mirrors.

Shared by tests/data and tests/gui: their conftest.py files import the fixtures from here.
``http://127.0.0.1:PORT/<behaviour>/<file>`` serves the MNIST subset's file ``<file>`` (tests/fixtures/mnist_subset,
whose SHA-256 values stand in for the published ones while the server is in use) as:
ok (as is), 404, 500, stall (no answer at all), stallbody (headers and 64 KiB, then silence),
truncate (announces the full length, sends half, closes), flip (one byte flipped), slow (pauses
shorter than the client's timeout between pieces), html (a small error page with status 200),
trickle (announces the full length, then one byte every TRICKLE_PAUSE: each read is answered in time,
the file would take days; it stops when the client leaves, at shutdown, or after TRICKLE_LIMIT seconds),
busy (503 for the first request of each file, the file for the next ones).
"""

import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from engine.data.mnist_source import MNIST_SHA256

SLOW_PAUSE = 0.05  # seconds between pieces of a slow body: well under the tests' 0.5 s client timeout
TRICKLE_PAUSE = 0.5  # seconds between two bytes of a trickling body
TRICKLE_LIMIT = 60.0  # seconds a trickling response lasts at most, whoever is (or is not) listening


class _MirrorHandler(BaseHTTPRequestHandler):
    """Serves one request according to the behaviour named by the first path segment."""

    def log_message(self, *args):
        pass  # keep test output clean

    def _head(self, length, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self):
        behaviour, _, name = self.path.strip("/").partition("/")
        self.server.record(behaviour, name)
        data = self.server.files.get(name)
        try:
            if data is None or behaviour == "404":
                self.send_error(404)
            elif behaviour == "500":
                self.send_error(500)
            elif behaviour == "stall":
                self.server.released.wait(30)
            elif behaviour == "stallbody":
                self._head(len(data))
                self.wfile.write(data[: 64 * 1024])
                self.wfile.flush()
                self.server.released.wait(30)
            elif behaviour == "truncate":
                self._head(len(data))
                self.wfile.write(data[: len(data) // 2])
            elif behaviour == "flip":
                body = bytearray(data)
                body[len(body) // 2] ^= 0xFF
                self._head(len(body))
                self.wfile.write(body)
            elif behaviour == "slow":
                self._head(len(data))
                step = -(-len(data) // 4)
                for start in range(0, len(data), step):
                    self.wfile.write(data[start : start + step])
                    self.wfile.flush()
                    time.sleep(SLOW_PAUSE)
            elif behaviour == "trickle":
                self._head(len(data))
                end = time.monotonic() + TRICKLE_LIMIT
                for byte in data:
                    if time.monotonic() > end or self.server.released.wait(TRICKLE_PAUSE):
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            elif behaviour == "busy":
                if self.server.count(behaviour, name) == 1:
                    self.send_error(503)
                else:
                    self._head(len(data))
                    self.wfile.write(data)
            elif behaviour == "html":
                page = b"<html><body>Service temporarily unavailable</body></html>"
                self._head(len(page))
                self.wfile.write(page)
            elif behaviour == "ok":
                self._head(len(data))
                self.wfile.write(data)
            else:
                self.send_error(400, f"unknown behaviour {behaviour}")
        except (ConnectionError, TimeoutError):
            pass  # the client gave up first, as it should against a broken mirror


class MirrorServer(ThreadingHTTPServer):
    """The test server: ``url(behaviour)`` is a mirror base URL; ``log`` lists (behaviour, file) served."""

    daemon_threads = True

    def __init__(self, files):
        super().__init__(("127.0.0.1", 0), _MirrorHandler)
        self.files = files  # file name → bytes
        self.released = threading.Event()  # set at shutdown to end the stalled responses
        self.log = []  # (behaviour, file name) per request, in arrival order
        self._lock = threading.Lock()

    def record(self, behaviour, name):
        with self._lock:
            self.log.append((behaviour, name))

    def count(self, behaviour, name):
        """How many requests for ``name`` under ``behaviour`` have arrived (this one included)."""
        with self._lock:
            return self.log.count((behaviour, name))

    def url(self, behaviour):
        return f"http://127.0.0.1:{self.server_address[1]}/{behaviour}/"

    def __repr__(self):
        return f"MirrorServer(port {self.server_address[1]}, {len(self.log)} requests)"


def serve(mnist_dir):
    """A running MirrorServer for the real .gz files in ``mnist_dir``; ``stop(server)`` ends it."""
    files = {}
    for name in MNIST_SHA256:
        with open(os.path.join(mnist_dir, name), "rb") as fh:
            files[name] = fh.read()
    server = MirrorServer(files)
    server.thread = threading.Thread(target=server.serve_forever, daemon=True)
    server.thread.start()
    return server


def stop(server):
    """End the stalled and trickling responses, then the server."""
    server.released.set()
    server.shutdown()
    server.server_close()
    server.thread.join(5)


@pytest.fixture(scope="session")
def mirror_server(mnist_subset_dir):
    """One server for the session, serving the subset's .gz files."""
    server = serve(mnist_subset_dir)
    yield server
    stop(server)


@pytest.fixture
def server(mirror_server, mnist_subset_published):
    """The session's mirror server with an empty request log; the files it serves count as the published ones."""
    with mirror_server._lock:
        mirror_server.log.clear()
    return mirror_server


@pytest.fixture
def quick_retry(monkeypatch):
    """The back-off before a 5xx mirror is retried is cut to 10 ms so the tests stay quick."""
    from engine.data import mnist_download

    monkeypatch.setattr(mnist_download, "RETRY_BACKOFF", 0.01)


@pytest.fixture
def refused_url():
    """A mirror URL on a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture
def direct_loopback(monkeypatch):
    """Requests to 127.0.0.1 go straight to the test server even where a proxy is configured."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
