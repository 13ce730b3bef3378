"""The personal dataset: 28×28 digits a person drew and labelled, kept in one .npz file (no pickle).

The file holds two plain arrays, ``images`` (n, 28, 28) uint8 and ``labels`` (n,) uint8, plus a
``version``. Every change rewrites the whole file atomically (temporary file beside it, then
os.replace), so a crash leaves the old set or the new one, never half of either. The set is small
(a person labels tens or hundreds of digits; 1,000 digits are 785 kB), so rewriting is cheap.
"""

import os

import numpy as np

from engine.files.atomic_file import write_atomic

FILE_NAME = "personal_digits.npz"
VERSION = 1  # bump when the layout changes
SIDE = 28


class PersonalDigitsError(ValueError):
    """The personal dataset file cannot be read; the message names the file and what is wrong."""


class PersonalDigits:
    """Labelled 28×28 digits stored in ``folder``/personal_digits.npz; loaded on creation."""

    def __init__(self, folder):
        self.folder = os.fspath(folder)  # where the file lives (created on the first save)
        self.path = os.path.join(self.folder, FILE_NAME)
        self.images = np.zeros((0, SIDE, SIDE), dtype=np.uint8)  # (n, 28, 28), 0 = background
        self.labels = np.zeros(0, dtype=np.uint8)  # (n,) digits 0–9
        self.reload()

    def __len__(self):
        return len(self.labels)

    def counts(self):
        """How many samples of each digit, shape (10,)."""
        return np.bincount(self.labels, minlength=10)[:10]

    def reload(self):
        """Read the file again (an absent file is an empty set)."""
        if not os.path.exists(self.path):
            self.images = np.zeros((0, SIDE, SIDE), dtype=np.uint8)
            self.labels = np.zeros(0, dtype=np.uint8)
            return
        self.images, self.labels = _read(self.path)

    def add(self, image, label):
        """Append one digit and save: image (28, 28) or (784,) or (784, 1), floats in [0, 1] or uint8."""
        label = int(label)
        if not 0 <= label <= 9:
            raise ValueError(f"a digit's label is 0–9, got {label}")
        image = np.asarray(image)
        if image.size != SIDE * SIDE:
            raise ValueError(f"a digit is a 28×28 image, got shape {image.shape}")
        image = image.reshape(SIDE, SIDE)
        if image.dtype != np.uint8:
            image = np.round(np.clip(image.astype(np.float64), 0.0, 1.0) * 255).astype(np.uint8)
        images = np.concatenate([self.images, image[None]])
        labels = np.append(self.labels, np.uint8(label))
        self._write(images, labels)

    def remove_last(self):
        """Drop the most recently added digit (for an accidental click) and save."""
        if len(self):
            self._write(self.images[:-1], self.labels[:-1])

    def clear(self):
        """Forget every digit: the file is removed."""
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass
        self.reload()

    def columns(self, dtype=np.float32):
        """The set as network input: X of shape (784, n) in [0, 1], and labels (n,) int64."""
        X = self.images.reshape(len(self), SIDE * SIDE).T.astype(dtype) / dtype(255)
        return X, self.labels.astype(np.int64)

    def _write(self, images, labels):
        os.makedirs(self.folder, exist_ok=True)
        write_atomic(self.path, lambda fh: np.savez(fh, images=images, labels=labels, version=np.int64(VERSION)))
        self.images, self.labels = images, labels

    def __repr__(self):
        return f"PersonalDigits({len(self)} digits in {self.path!r})"


def _read(path):
    """(images, labels) from a personal dataset file, checked; PersonalDigitsError when unusable."""
    name = os.path.basename(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except Exception as exc:  # a damaged zip fails in many ways; all mean the same to the user
        raise PersonalDigitsError(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from None
    images, labels, version = arrays.get("images"), arrays.get("labels"), arrays.get("version")
    # np.load gives raw bytes for a member that is no .npy file: only arrays count
    if not all(isinstance(a, np.ndarray) for a in (images, labels, version)):
        raise PersonalDigitsError(f"{name}: not a personal digits file (needs images, labels, version)")
    if version.shape != () or version.dtype.kind not in "iu" or version < 1:
        raise PersonalDigitsError(f"{name}: damaged file (its version is not one whole number ≥ 1)")
    if int(version) > VERSION:
        raise PersonalDigitsError(f"{name}: made by a newer version (format {int(version)}); this one reads {VERSION}")
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise PersonalDigitsError(f"{name}: images are {images.dtype} {images.shape}, expected uint8 (n, 28, 28)")
    if labels.dtype != np.uint8 or labels.shape != (len(images),):
        raise PersonalDigitsError(f"{name}: {labels.shape} {labels.dtype} labels for {len(images)} images")
    if labels.size and labels.max() > 9:
        raise PersonalDigitsError(f"{name}: holds label {labels.max()}; labels are 0–9")
    return images, labels
