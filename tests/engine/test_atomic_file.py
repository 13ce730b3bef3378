"""write_atomic: the file appears complete or not at all, and no temporary file is ever left behind."""

import os

import pytest

from engine.files.atomic_file import write_atomic


def test_the_new_content_replaces_the_old_and_nothing_else_is_left(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    write_atomic(path, lambda fh: fh.write(b"new content"))
    assert path.read_bytes() == b"new content" and os.listdir(tmp_path) == ["f.bin"]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path, error):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")

    def half_then_fail(fh):
        fh.write(b"half")
        raise error

    with pytest.raises(type(error)):
        write_atomic(path, half_then_fail)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.bin"]


def test_a_missing_folder_is_an_os_error_naming_nothing_written(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "f.bin", lambda fh: fh.write(b"x"))
    assert os.listdir(tmp_path) == []
