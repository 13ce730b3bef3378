"""`train --out`: checked before training; a save that still fails goes to a fallback the message names."""

import errno
import os

import pytest

import engine.cli.saving
import engine.files.trainer_state
import main
from engine.files.checkpoint import load_checkpoint

BLOBS = ["train", "--dataset", "blobs", "--arch", "2-4-3", "--epochs", "1", "--quiet"]


def _refused(args, capsys):
    assert main.main([*BLOBS, *args]) == main.USAGE_ERROR
    out, err = capsys.readouterr()
    assert "epoch" not in out and err.count("\n") == 1 and ".tmp" not in err
    return err


def test_a_missing_folder_is_refused_before_training(tmp_path, capsys):
    err = _refused(["--out", str(tmp_path / "no-such-folder" / "m.npz")], capsys)
    assert "no-such-folder does not exist" in err and not (tmp_path / "no-such-folder").exists()


def test_a_folder_is_refused(tmp_path, capsys):
    assert "is a folder" in _refused(["--out", str(tmp_path)], capsys)


def test_a_symlink_is_refused_and_left_alone(tmp_path, capsys):
    target = tmp_path / "real.npz"
    target.write_bytes(b"keep")
    (tmp_path / "link.npz").symlink_to(target)
    assert "symbolic link; not replaced" in _refused(["--out", str(tmp_path / "link.npz")], capsys)
    assert (tmp_path / "link.npz").is_symlink() and target.read_bytes() == b"keep"


def test_a_device_node_is_refused(capsys):
    assert "not a regular file" in _refused(["--out", os.devnull], capsys)


def test_a_name_whose_temporary_name_passes_255_bytes_is_refused(tmp_path, capsys):
    err = _refused(["--out", str(tmp_path / ("é" * 120 + ".npz"))], capsys)  # 244 bytes: the temporary name 257
    assert "the file name is 244 bytes long; at most 241 bytes fit here" in err
    assert os.listdir(tmp_path) == []


def test_a_read_only_location_is_refused(capsys):
    probe = "/sys/backprop-studio-probe"
    if not os.path.isdir("/sys") or os.access("/sys", os.W_OK) and _can_create(probe):
        pytest.skip("no read-only folder on this system")
    assert "cannot write in /sys" in _refused(["--out", "/sys/m.npz"], capsys)


def _can_create(path):
    try:
        open(path, "xb").close()
    except OSError:
        return False
    os.remove(path)
    return True


def test_a_save_that_still_fails_names_the_users_path_and_a_fallback_that_holds_the_model(tmp_path, monkeypatch,
                                                                                          capsys):
    real_save, wanted = engine.files.trainer_state.save_training, tmp_path / "m.npz"

    def disk_full(path, trainer, *, extra=None):
        if os.path.abspath(path) == str(wanted):
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".m.npz.f40b6c1c.tmp"))
        real_save(path, trainer, extra=extra)

    monkeypatch.setattr(engine.files.trainer_state, "save_training", disk_full)
    monkeypatch.setattr(engine.cli.saving.tempfile, "gettempdir", lambda: str(tmp_path / "fallback"))
    (tmp_path / "fallback").mkdir()
    assert main.main([*BLOBS, "--out", str(wanted)]) == 1
    out, err = capsys.readouterr()
    fallback = os.listdir(tmp_path / "fallback")
    assert len(fallback) == 1 and not wanted.exists()
    path = str(tmp_path / "fallback" / fallback[0])
    assert err == f"error: could not save {wanted} (No space left on device); the model was saved to {path} instead\n"
    assert f'"model": "{path}"' in out.splitlines()[-1]
    net, extra = load_checkpoint(path)
    assert extra["trainer"]["epoch"] == 1 and net.sizes == [2, 4, 3]
