"""Fuzzing the personal dataset's reader: whatever the file holds, a PersonalDigitsError naming it, or a
set that counts and trains (uint8 28×28 images, labels 0–9, one per image)."""

import zipfile

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine.files.personal_digits import FILE_NAME, PersonalDigits, PersonalDigitsError
from tests.npz_mutations import (
    ANY_DTYPE,
    COMPRESSIONS,
    FILE_STARTS,
    FUZZ,
    flipped,
    flips,
    npy_bytes,
    npz_bytes,
    zip_bytes,
)

VALID_ARRAYS = {
    "images": np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8),
    "labels": np.array([7, 0, 9], dtype=np.uint8),
    "version": np.int64(1),
}


VALID_BYTES = npz_bytes(VALID_ARRAYS)


def open_or_none(folder, data):
    """PersonalDigits over a file holding ``data``: refused with its name, or a set that works."""
    (folder / FILE_NAME).write_bytes(data)
    try:
        digits = PersonalDigits(folder)
    except PersonalDigitsError as exc:
        assert FILE_NAME in str(exc)
        return None
    n = len(digits)
    assert digits.images.dtype == np.uint8 and digits.images.shape == (n, 28, 28)
    assert digits.labels.dtype == np.uint8 and digits.labels.shape == (n,)
    assert digits.counts().sum() == n
    X, y = digits.columns()
    assert X.shape == (784, n) and y.shape == (n,) and (n == 0 or 0 <= y.min() <= y.max() <= 9)
    return digits


@FUZZ
@given(data=st.binary(max_size=400), prefix=FILE_STARTS)
def test_random_bytes_are_refused(tmp_path, data, prefix):
    assert open_or_none(tmp_path, prefix + data) is None


@FUZZ
@given(cut=st.integers(0, len(VALID_BYTES) - 1))
def test_truncated_files_are_refused(tmp_path, cut):
    assert open_or_none(tmp_path, VALID_BYTES[:cut]) is None


@FUZZ
@given(where_masks=flips(VALID_BYTES))
def test_flipped_bytes_are_refused_or_change_nothing_that_is_read(tmp_path, where_masks):
    digits = open_or_none(tmp_path, flipped(VALID_BYTES, where_masks))
    if digits is not None:  # zip CRCs guard the members: only unread bytes (timestamps, say) may differ
        assert np.array_equal(digits.images, VALID_ARRAYS["images"])
        assert np.array_equal(digits.labels, VALID_ARRAYS["labels"])


ANY_DTYPE_OR_UINT8 = ANY_DTYPE | st.just(np.dtype(np.uint8))
ANY_SHAPE = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4) | st.sampled_from([(2, 28, 28), (3,)])


@FUZZ
@pytest.mark.filterwarnings("ignore:Stored array in format 3.0")  # np.savez of a dtype with non-ASCII names
@given(key=st.sampled_from(sorted(VALID_ARRAYS)), array=hnp.arrays(ANY_DTYPE_OR_UINT8, ANY_SHAPE))
@example(key="version", array=np.zeros(3))  # was a TypeError from int()
@example(key="version", array=np.array(np.nan))  # was a ValueError from int()
@example(key="version", array=np.array("1"))
@example(key="labels", array=np.array([7, 0, 10], dtype=np.uint8))
def test_arrays_of_any_dtype_and_shape_are_refused_or_used(tmp_path, key, array):
    digits = open_or_none(tmp_path, npz_bytes({**VALID_ARRAYS, key: array}))
    if digits is not None and key != "version":
        assert np.array_equal(getattr(digits, key), array)


@FUZZ
@given(key=st.sampled_from(sorted(VALID_ARRAYS)))
def test_object_arrays_are_never_unpickled(tmp_path, key):
    objects = np.empty(2, dtype=object)
    objects[0] = {"evil": "pickle"}
    with pytest.raises(PersonalDigitsError, match="cannot be read"):
        (tmp_path / FILE_NAME).write_bytes(npz_bytes({**VALID_ARRAYS, key: objects}))
        PersonalDigits(tmp_path)


MEMBER_NAMES = st.sampled_from(["images", "labels", "version", "images.npy", "labels.npy", "version.npy", "dir/",
                                "images.npy.npy"]) | st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8)  # names zipfile can write
MEMBER_DATA = (st.binary(max_size=64) | st.sampled_from([npy_bytes(a) for a in VALID_ARRAYS.values()])
               | st.builds(npy_bytes, hnp.arrays(hnp.scalar_dtypes(), hnp.array_shapes(min_dims=0, max_dims=3))))


@FUZZ
@pytest.mark.filterwarnings("ignore:Duplicate name")
@given(members=st.lists(st.tuples(MEMBER_NAMES, MEMBER_DATA), max_size=6),
       compress=COMPRESSIONS)
@example(members=[("images", b"x"), ("labels", b"y"), ("version", b"1")], compress=zipfile.ZIP_STORED)
def test_archives_with_the_wrong_members_are_refused_or_used(tmp_path, members, compress):
    open_or_none(tmp_path, zip_bytes(members, compress))  # duplicate names and members that are no .npy file included


def test_a_folder_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / FILE_NAME).mkdir()
    with pytest.raises(PersonalDigitsError, match=FILE_NAME):
        PersonalDigits(tmp_path)
