"""Ctrl+C and SIGTERM: the batch in progress completes, the run is saved, and resuming continues it exactly."""

import os
import selectors
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import main
from engine.files.atomic_file import write_atomic
from engine.files.checkpoint import load_checkpoint

MAIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "main.py")
RUN = ["--dataset", "spirals", "--samples", "20000", "--arch", "2-16-16-2", "--act", "tanh", "--batch", "16",
       "--seed", "3", "--lr-decay", "0.9", "--quiet"]


def _wait_for_line(proc, starts, timeout=120):
    """The first stdout line of ``proc`` that starts with ``starts``, read for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=deadline - time.monotonic()):
                line = proc.stdout.readline()
                if not line:
                    break
                if line.startswith(starts):
                    return line
    proc.kill()
    pytest.fail(f"no line starting {starts!r} within {timeout} s")


def _weights_equal(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a.weights(), b.weights()))


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_after_the_batch_saves_and_resume_is_exact(tmp_path, sig, code):
    stopped = tmp_path / "stopped.npz"
    proc = subprocess.Popen([sys.executable, MAIN, "train", *RUN, "--epochs", "1000", "--out", str(stopped)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_line(proc, "epoch 1/")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "interrupted: stopped after batch" in err and f"saved to {stopped}" in err
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    net, extra = load_checkpoint(stopped)
    state = extra["trainer"]
    # the saved position agrees with the counters, and the optimiser took exactly one step per batch
    assert state["position"] == 16 * state["batch_in_epoch"] and net.optimizer.t == state["steps"]

    epochs = state["epoch"] + 1
    straight, resumed = tmp_path / "straight.npz", tmp_path / "resumed.npz"
    assert main.main(["train", *RUN, "--epochs", str(epochs), "--out", str(straight)]) == 0
    assert main.main(["train", "--resume", str(stopped), "--epochs", str(epochs), "--quiet", "--out",
                      str(resumed)]) == 0
    (a, extra_a), (b, extra_b) = load_checkpoint(straight), load_checkpoint(resumed)
    assert _weights_equal(a, b)
    for key in extra_a["history"]:
        assert np.array_equal(extra_a["history"][key], extra_b["history"][key])


def test_a_signal_at_start_up_leaves_no_traceback_and_no_file(tmp_path):
    out = tmp_path / "m.npz"
    proc = subprocess.Popen([sys.executable, MAIN, "train", *RUN, "--epochs", "1000", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGINT)  # wherever start-up is: the interpreter, imports, the data, training
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (130, -signal.SIGINT) and "Traceback" not in err
    assert [name for name in os.listdir(tmp_path) if name != "m.npz"] == []


def test_a_killed_save_leaves_the_old_file_and_the_next_save_removes_its_temporary_file(tmp_path):
    path = tmp_path / "m.npz"
    assert main.main(["train", "--dataset", "blobs", "--arch", "2-4-3", "--epochs", "1", "--quiet", "--out",
                      str(path)]) == 0
    old = path.read_bytes()
    killer = ("import os, signal, sys\n"
              "from engine.files.atomic_file import write_atomic\n"
              "def half(fh):\n"
              "    fh.write(b'PK half a file')\n"
              "    fh.flush()\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n"
              f"write_atomic({str(path)!r}, half)\n")
    killed = subprocess.run([sys.executable, "-c", killer], check=False, cwd=os.path.dirname(MAIN), timeout=60)
    assert killed.returncode == -signal.SIGKILL
    stale = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(stale) == 1 and stale[0].startswith(".m.npz.")
    assert path.read_bytes() == old and load_checkpoint(path)[0].sizes == [2, 4, 3]
    write_atomic(path, lambda fh: fh.write(old))
    assert os.listdir(tmp_path) == ["m.npz"]


def test_training_in_process_gives_the_signal_handlers_back():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main.main(["train", "--dataset", "blobs", "--epochs", "1", "--quiet"]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
