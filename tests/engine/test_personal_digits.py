"""The personal dataset: round trips, atomic writes, refusal of pickles and damaged files."""

import os
import zipfile

import numpy as np
import pytest

from engine.files.personal_digits import FILE_NAME, PersonalDigits, PersonalDigitsError


def _digit(value=0.5):
    image = np.zeros((28, 28), dtype=np.float32)
    image[8:20, 12:16] = value
    return image


def test_new_folder_is_an_empty_set(tmp_path):
    digits = PersonalDigits(tmp_path / "not-yet")
    assert len(digits) == 0
    assert digits.counts().tolist() == [0] * 10
    X, y = digits.columns()
    assert X.shape == (784, 0) and y.shape == (0,)
    assert not os.path.exists(tmp_path / "not-yet")  # nothing is written until a digit is added


def test_added_digits_survive_a_restart(tmp_path):
    digits = PersonalDigits(tmp_path)
    digits.add(_digit(1.0), 7)
    digits.add(_digit(0.5).reshape(784, 1), 3)
    again = PersonalDigits(tmp_path)
    assert len(again) == 2
    assert again.labels.tolist() == [7, 3]
    assert again.images.dtype == np.uint8
    assert again.images[0, 10, 13] == 255 and again.images[1, 10, 13] == 128
    assert again.counts()[[3, 7]].tolist() == [1, 1]
    X, y = again.columns()
    assert X.shape == (784, 2) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 0].reshape(28, 28), _digit(1.0))
    assert y.tolist() == [7, 3]


def test_file_holds_plain_arrays_only(tmp_path):
    PersonalDigits(tmp_path).add(_digit(), 1)
    with np.load(tmp_path / FILE_NAME, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["images", "labels", "version"]


def test_no_temporary_file_is_left_and_a_failed_write_keeps_the_old_set(tmp_path, monkeypatch):
    digits = PersonalDigits(tmp_path)
    digits.add(_digit(), 4)
    assert os.listdir(tmp_path) == [FILE_NAME]

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        digits.add(_digit(), 5)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == [FILE_NAME]
    assert len(digits) == 1
    assert PersonalDigits(tmp_path).labels.tolist() == [4]


def test_clear_and_remove_last(tmp_path):
    digits = PersonalDigits(tmp_path)
    for label in (1, 2, 3):
        digits.add(_digit(), label)
    digits.remove_last()
    assert PersonalDigits(tmp_path).labels.tolist() == [1, 2]
    digits.clear()
    assert len(digits) == 0
    assert len(PersonalDigits(tmp_path)) == 0
    digits.clear()  # clearing an empty set is fine


@pytest.mark.parametrize("image, label", [(np.zeros((27, 28)), 1), (np.zeros((28, 28)), 10), (np.zeros(784), -1)])
def test_bad_samples_are_refused(tmp_path, image, label):
    with pytest.raises(ValueError):
        PersonalDigits(tmp_path).add(image, label)
    assert not os.path.exists(tmp_path / FILE_NAME)


def test_pickled_file_is_refused(tmp_path):
    objects = np.empty(1, dtype=object)
    objects[0] = {"evil": True}
    np.savez(tmp_path / FILE_NAME, images=objects, labels=np.zeros(1, np.uint8), version=np.int64(1))
    with pytest.raises(PersonalDigitsError, match=FILE_NAME):
        PersonalDigits(tmp_path)


def test_damaged_files_give_clear_errors(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(PersonalDigitsError, match="cannot be read"):
        PersonalDigits(tmp_path)
    with zipfile.ZipFile(tmp_path / FILE_NAME, "w"):
        pass
    with pytest.raises(PersonalDigitsError, match="not a personal digits file"):
        PersonalDigits(tmp_path)
    np.savez(tmp_path / FILE_NAME, images=np.zeros((2, 28, 28), np.uint8), labels=np.array([1, 12], np.uint8),
             version=np.int64(1))
    with pytest.raises(PersonalDigitsError, match="label 12"):
        PersonalDigits(tmp_path)
    np.savez(tmp_path / FILE_NAME, images=np.zeros((1, 28, 28), np.uint8), labels=np.zeros(1, np.uint8),
             version=np.int64(99))
    with pytest.raises(PersonalDigitsError, match="newer version"):
        PersonalDigits(tmp_path)
