"""Datasets: the IDX reader for MNIST, and the one interface every dataset shares (MNIST, built-in, CSV).

Storage is row-major (one sample per *row*, so a shuffled batch is a cheap row gather); what the
network receives is always columns: ``Dataset.batch`` returns X of shape (features, n).
"""

import gzip
import math
import os
import zlib
from dataclasses import dataclass, field

import numpy as np

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_CHUNK = 1 << 24  # bytes decompressed per read of a .gz IDX file


class DatasetError(ValueError):
    """A dataset file is missing, truncated or not what it claims to be."""


def unreadable(exc, name, path, what):
    """The DatasetError for an OSError met reading the file ``path`` (``what``: "an IDX file", …)."""
    if isinstance(exc, FileNotFoundError):
        return DatasetError(f"{name}: file not found at {path}")
    if isinstance(exc, IsADirectoryError):
        return DatasetError(f"{name}: is a folder, not {what}")
    if isinstance(exc, PermissionError):
        return DatasetError(f"{name}: permission denied reading {path}")
    return DatasetError(f"{name}: cannot be read ({exc.strerror or exc})")


CLASSIFICATION = "classification"  # labels are class indices; the network has one output per class
REGRESSION = "regression"  # labels are real numbers; the network has one identity output trained with MSE
TASKS = (CLASSIFICATION, REGRESSION)


# -- IDX ----------------------------------------------------------------------------------------
def read_idx(path, expect_magic=None):
    """Read an IDX file (raw or .gz) into an array; errors name the file and what is wrong."""
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            if head == b"\x1f\x8b":
                try:
                    data = _gunzip_idx(fh, name)
                except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
                    raise DatasetError(f"{name}: not a valid gzip file ({exc}); delete it and download again")
            else:
                data = fh.read()
    except OSError as exc:
        raise unreadable(exc, name, path, "an IDX file") from None
    return parse_idx(data, name, expect_magic)


def _gunzip_idx(fh, name):
    """The decompressed bytes of a .gz IDX file, never more than its header declares.

    A few hundred kB of gzip can expand to gigabytes: decompressing all of it before looking at the
    header would let a small broken file take that much memory.
    """
    with gzip.GzipFile(fileobj=fh) as gz:
        data = bytearray(gz.read(4))
        if len(data) == 4:
            data += gz.read(4 * data[3])
        size = _declared_size(data)
        if size is None:  # the header itself is broken: parse_idx says how
            return bytes(data)
        while len(data) < size:
            chunk = gz.read(min(size - len(data), _GZIP_CHUNK))
            if not chunk:
                break  # truncated: parse_idx says by how much
            data += chunk
        if len(data) == size and gz.read(1):  # reading on also checks the gzip trailer (CRC, length)
            raise DatasetError(f"{name}: unexpected bytes after the data (its header declares {size} bytes in all)")
    return data


def _declared_size(head):
    """Header plus data bytes that an IDX header declares; None when ``head`` is not a whole valid header."""
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _IDX_TYPES or head[3] == 0:
        return None
    header = 4 + 4 * head[3]
    if len(head) < header:
        return None
    dims = [int.from_bytes(head[4 + 4 * i : 8 + 4 * i], "big") for i in range(head[3])]
    return header + math.prod(dims) * np.dtype(_IDX_TYPES[head[2]]).itemsize


def parse_idx(data, name="IDX data", expect_magic=None):
    """Parse the bytes of an IDX file: magic (0, 0, type, ndim), ndim big-endian sizes, then data."""
    if len(data) < 4:
        raise DatasetError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    magic = int.from_bytes(data[:4], "big")
    if expect_magic is not None and magic != expect_magic:
        raise DatasetError(f"{name}: magic number {magic}, expected {expect_magic}; is this the right file?")
    if data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES or data[3] == 0:
        raise DatasetError(f"{name}: not an IDX file (magic bytes {data[:4].hex()})")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"{name}: truncated header ({len(data)} bytes, {ndim} dimensions need {header})")
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = math.prod(dims) * dtype.itemsize  # Python ints: sizes near 2³² each never wrap
    body = len(data) - header
    if body < expected:
        raise DatasetError(f"{name}: truncated: dimensions {dims} need {expected} bytes of data, found {body}")
    if body > expected:
        raise DatasetError(f"{name}: {body - expected} unexpected bytes after the data (dimensions {dims})")
    if math.prod(d for d in dims if d) * dtype.itemsize > np.iinfo(np.intp).max:
        # NumPy refuses such a shape even when another size is 0 (and so no data is needed)
        raise DatasetError(f"{name}: dimensions {dims} are too large for an array")
    arr = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header)
    return arr.reshape(dims).astype(dtype.newbyteorder("="), copy=True)


# -- the shared interface ---------------------------------------------------------------------
@dataclass(eq=False)
class Dataset:
    """Train/test samples (rows) with their labels, and what a view needs to show them.

    x_train : ndarray of shape (n_train, features), uint8 (images) or float32 (points, table rows)
    y_train : ndarray of shape (n_train,): int class indices (classification) or float32 targets in
              network units (regression; ``target_units`` gives them back in the data's own units).
    Likewise x_test, y_test.
    """

    name: str  # an id such as "mnist" or "spirals"
    title: str  # what people read
    input_shape: tuple  # (28, 28) for images, (2,) for points
    class_names: list
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    scale: float = 1.0  # stored value × scale = network input (1/255 for uint8 images)
    params: dict = field(default_factory=dict)  # how it was made (for 2-D sets: n, noise, seed); JSON values
    task: str = CLASSIFICATION
    feature_names: list = field(default_factory=list)  # one per feature, or empty when features have no names
    description: str = ""  # where the data came from, for people (a CSV's file name, SHA-256, target, task)

    def __post_init__(self):
        if self.task not in TASKS:
            raise DatasetError(f"{self.name}: unknown task {self.task!r}; choose {' or '.join(TASKS)}")
        for split in ("train", "test"):
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            if x.ndim != 2 or x.shape[1] != self.features:
                raise DatasetError(f"{self.name}: {split} samples have shape {x.shape}, expected (n, {self.features})")
            if y.shape != (x.shape[0],):
                raise DatasetError(f"{self.name}: {len(y)} {split} labels for {x.shape[0]} samples")
            if self.is_regression and y.dtype.kind != "f":
                raise DatasetError(f"{self.name}: regression targets must be real numbers, not {y.dtype}")

    @property
    def features(self):
        return int(math.prod(self.input_shape))  # not np.prod: this is read per batch, and np.prod costs µs

    @property
    def n_classes(self):
        return len(self.class_names)

    @property
    def is_regression(self):
        return self.task == REGRESSION

    @property
    def n_outputs(self):
        """Outputs a network needs for this dataset: one per class, or one for a regression target."""
        return 1 if self.is_regression else self.n_classes

    @property
    def target_scaling(self):
        """(mean, std): a regression target in its own units = network units × std + mean."""
        return float(self.params.get("target_mean", 0.0)), float(self.params.get("target_std", 1.0))

    def target_units(self, values):
        """Regression targets or predictions in network units → the data's own units (undoes the scaling)."""
        mean, std = self.target_scaling
        return np.asarray(values, dtype=np.float64) * std + mean

    @property
    def is_image(self):
        return len(self.input_shape) == 2

    def split(self, which):
        """(x, y) of ``"train"`` or ``"test"``."""
        if which not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {which!r}")
        return getattr(self, f"x_{which}"), getattr(self, f"y_{which}")

    def batch(self, which, idx, dtype=np.float32, out=None):
        """Samples ``idx`` of a split as network input: X of shape (features, len(idx)), and labels.

        ``out`` (shape (len(idx), features), C order) is reused when given: no allocation per batch.
        The returned X is a transposed view of it, so columns are samples.
        """
        x = self.split(which)[0]
        n = len(idx)
        if out is None or out.shape != (n, x.shape[1]) or out.dtype != dtype:
            out = np.empty((n, x.shape[1]), dtype=dtype)
        return self.gatherer(which, out)(idx)

    def gatherer(self, which, rows, *, in_range=False):
        """``gather(idx)`` → (X, labels): ``batch(which, idx, out=rows[:len(idx)])`` with its look-ups done once.

        rows : ndarray of shape (capacity, features); batches of up to ``capacity`` samples are
        gathered into its first rows, and X is a transposed view of them. A training loop calls ``gather``
        per batch, where every Python step counts. ``in_range`` says every index will lie in 0 … n − 1
        (e.g. taken from a permutation): the gather then skips its bounds check.
        """
        x, y = self.split(which)
        if rows.ndim != 2 or rows.shape[1] != x.shape[1]:
            raise ValueError(f"rows must have shape (n, {x.shape[1]}), got {rows.shape}")
        capacity, X_full, same_dtype = len(rows), rows.T, x.dtype == rows.dtype
        scale = self.scale if self.scale != 1.0 else None  # a Python float multiplies in the rows' dtype (NEP 50)
        take, copyto = x.take, np.copyto  # the method: np.take's Python wrapper costs as much as a small gather

        def gather(idx):
            n = len(idx)
            if n == capacity:
                out, X = rows, X_full
            else:
                out = rows[:n]
                X = out.T
            if same_dtype:
                take(idx, axis=0, out=out, mode="clip" if in_range else "raise")
            elif in_range:  # "clip" writes without checking (and "raise" with ``out`` would copy twice)
                copyto(out, take(idx, axis=0, mode="clip"))  # the small uint8 gather, then one cast
            else:
                out[...] = x[idx]  # the uint8 gather is small; the cast writes straight into ``out``
            if scale is not None:
                out *= scale
            return X, y[idx]

        return gather

    def columns(self, which, start=0, stop=None, dtype=np.float32):
        """A contiguous range of a split as network input (features, n) and labels."""
        x, y = self.split(which)
        xs = x[start:stop].astype(dtype)
        if self.scale != 1.0:
            xs *= np.dtype(dtype).type(self.scale)
        return xs.T, y[start:stop]

    def __repr__(self):
        what = "regression" if self.is_regression else f"{self.n_classes} classes"
        return (f"Dataset({self.name!r}, input {self.input_shape}, {what}, "
                f"{len(self.y_train)} train / {len(self.y_test)} test)")


def load_mnist(folder):
    """MNIST from a folder holding the four IDX files (.gz or raw); uint8 pixels, scale 1/255."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise DatasetError(f"MNIST folder {folder} does not exist")
    arrays = {}
    for key, base in MNIST_FILES.items():
        candidates = [os.path.join(folder, base + ext) for ext in (".gz", "")]
        path = next((p for p in candidates if os.path.isfile(p)), None)
        if path is None:
            raise DatasetError(f"MNIST folder {folder} has no {base}.gz (nor {base})")
        arrays[key] = read_idx(path, expect_magic=2051 if key.endswith("images") else 2049)
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DatasetError(f"MNIST {split} images have shape {images.shape}, expected (n, 28, 28)")
        if images.shape[0] != labels.shape[0]:
            raise DatasetError(f"MNIST {split}: {images.shape[0]} images but {labels.shape[0]} labels")
        if labels.size and labels.max() > 9:
            raise DatasetError(f"MNIST {split} labels hold {labels.max()}; labels must be 0–9")
    return Dataset(
        name="mnist",
        title="MNIST digits",
        input_shape=(28, 28),
        class_names=[str(d) for d in range(10)],
        x_train=arrays["train_images"].reshape(-1, 784),
        y_train=arrays["train_labels"].astype(np.int64),
        x_test=arrays["test_images"].reshape(-1, 784),
        y_test=arrays["test_labels"].astype(np.int64),
        scale=1 / 255,
        params={"folder": folder},
    )
