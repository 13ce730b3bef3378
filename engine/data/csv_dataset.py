"""A person's own table as a Dataset: a numeric CSV, one target column, the rest features.

The target decides the task: words, or whole numbers with at most MAX_AUTO_CLASSES distinct values,
make a classification (the words, or the numbers, name the classes); other numbers a regression.
Features are standardised (mean 0, standard deviation 1 over the training rows), and so is a regression
target; the scaling is kept in ``Dataset.params`` as plain JSON numbers, so a checkpoint carries it, and
``reload_csv`` makes the same dataset again from the same file.
"""

import math
import os

import numpy as np

from engine.data.csv_reader import FLOAT32_MAX, read_csv_table
from engine.data.datasets import CLASSIFICATION, REGRESSION, TASKS, Dataset, DatasetError

MAX_AUTO_CLASSES = 50  # whole-number targets with more distinct values are read as a regression
MAX_CLASSES = 1000  # more classes than this is an identifier column, not labels
_ROWS_AT_ONCE = 1 << 14  # rows standardised per step: float64 temporaries stay a few MB


def load_csv(path, target=None, *, task=None, test_fraction=0.2, seed=0, drop_missing=False, header=None,
             delimiter=None, batch_size=None, progress=None, should_stop=None, expect_sha256=None):
    """The CSV file at ``path`` as a Dataset (name "csv"), or None when ``should_stop()`` answered True.

    target : column name or 0-based index (negative from the end); None for the last column.
    task : "classification", "regression", or None to decide from the target (see the module's doc).
    test_fraction, seed : the share of rows held out for testing, drawn at random with this seed.
    drop_missing : leave out rows with a missing value instead of refusing the file.
    header, delimiter : None to detect them; see engine.data.csv_reader.read_csv_table.
    batch_size : when given, refuse a file with fewer training rows than one batch.
    progress(fraction) is called from 0.0 to 1.0; should_stop() is asked between blocks of rows.
    Every problem raises DatasetError with a message naming the file (and the line and column of a faulty cell).
    """
    if task is not None and task not in TASKS:
        raise DatasetError(f"unknown task {task!r}; choose {' or '.join(TASKS)}")
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise DatasetError(f"the test fraction must be between 0 and 1 (exclusive), got {test_fraction!r}")
    if not (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and 0 <= seed < 2**63):
        raise DatasetError(f"the seed must be a whole number from 0 to 2⁶³ − 1, got {seed!r}")
    read_progress = None if progress is None else (lambda fraction: progress(0.95 * fraction))
    table = read_csv_table(path, -1 if target is None else target, header=header, delimiter=delimiter,
                           drop_missing=drop_missing, expect_sha256=expect_sha256, progress=read_progress,
                           should_stop=should_stop)
    if table is None:
        return None
    name = table.file
    task, y, class_names = _target(table, task)
    n = len(y)
    n_test = round(n * test_fraction)
    if not 0 < n_test < n:
        raise DatasetError(f"{name}: {n} rows cannot be split with a test fraction of {test_fraction:g}: the "
                           f"{'test' if n_test == 0 else 'training'} rows would be none")
    n_train = n - n_test
    if batch_size is not None and n_train < batch_size:
        raise DatasetError(f"{name}: {n_train} training rows, fewer than one batch of {batch_size}; lower the batch "
                           "size or use more rows")
    rng = np.random.default_rng(seed)
    test_rows = np.sort(rng.choice(n, n_test, replace=False))
    train_rows = np.delete(np.arange(n), test_rows)
    x = table.features
    x_test = x[test_rows]
    _keep_rows(x, train_rows)  # in place: no second copy of a large table
    x_train = x[:n_train]
    mean, std = _standardise(x_train, x_test, name, table.feature_names)
    y_train, y_test = y[train_rows], y[test_rows]
    if task == REGRESSION:
        target_scaling = _target_scaling(y_train, name, table.target_name)
        y_train, y_test = (_scaled(v[:, None], *target_scaling, name, [table.target_name])[:, 0]
                           for v in (y_train, y_test))
    params = {
        "file": name, "path": os.path.abspath(os.fspath(path)), "sha256": table.sha256, "rows": n,
        "rows_dropped": table.rows_dropped,
        "header": table.header, "delimiter": table.delimiter, "target": table.target_name,
        "target_column": table.target_column, "task": task, "test_fraction": float(test_fraction),
        "seed": int(seed), "drop_missing": bool(drop_missing), "feature_names": table.feature_names,
        "class_names": class_names, "feature_mean": [float(v) for v in mean], "feature_std": [float(v) for v in std],
    }
    if task == REGRESSION:
        params["target_mean"], params["target_std"] = target_scaling
    dataset = Dataset(
        name="csv", title=name, input_shape=(x.shape[1],), class_names=class_names,
        x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, params=params, task=task,
        feature_names=table.feature_names, description=describe(params),
    )
    if progress is not None:
        progress(1.0)
    return dataset


def reload_csv(path, params, *, progress=None, should_stop=None):
    """The dataset ``params`` (a CSV Dataset's, e.g. from a checkpoint) describe, made again from ``path``.

    Refuses (DatasetError) a file whose SHA-256 differs, or params that are not a CSV dataset's.
    """
    try:
        options = {
            "target": _checked(params, "target_column", int), "task": _checked(params, "task", str),
            "test_fraction": _checked(params, "test_fraction", float), "seed": _checked(params, "seed", int),
            "drop_missing": _checked(params, "drop_missing", bool), "header": _checked(params, "header", bool),
            "delimiter": _checked(params, "delimiter", str), "expect_sha256": _checked(params, "sha256", str),
        }
    except (TypeError, KeyError) as exc:
        raise DatasetError(f"the dataset description is damaged ({exc.args[0]})") from None
    return load_csv(path, **options, progress=progress, should_stop=should_stop)


def describe(params):
    """One line for people: file, SHA-256, rows, target and task."""
    rows = f"{params['rows']:,} rows" + (f" ({params['rows_dropped']:,} with missing values left out)"
                                         if params["rows_dropped"] else "")
    if params["task"] == REGRESSION:
        task = "regression"
    else:
        task = f"classification into {len(params['class_names'])} classes"
    return (f"{params['file']} (SHA-256 {params['sha256'][:12]}…): {rows}, {len(params['feature_names'])} "
            f"features, target {params['target']!r} ({task})")


def _target(table, task):
    """(task, y, class names) from the table's target column; DatasetError when it cannot be used."""
    name, column, values = table.file, table.target_name, table.target
    if values.dtype == object:
        numbers = _as_numbers(values)
        if numbers is None:
            if task == REGRESSION:
                word = next(v for v in values if _number(v) is None)
                raise DatasetError(f"{name}: the target {column!r} holds words ({word!r}); a regression needs "
                                   "numbers — choose another target, or classification")
            return (CLASSIFICATION, *_classes(values, name, column))
        values = numbers
    whole = bool(np.all(values == np.round(values)))
    if task is None:
        task = CLASSIFICATION if whole and len(np.unique(values)) <= MAX_AUTO_CLASSES else REGRESSION
    if task == REGRESSION:
        return REGRESSION, values, []
    return (CLASSIFICATION, *_classes(values, name, column))


def _classes(values, name, column):
    """(class index per row int64, class names): numbers in order of value, then words in alphabetical order."""
    unique, codes = np.unique(values, return_inverse=True)
    if values.dtype == object:
        # "1" and "1.0" are one class; numbers first, by value, then words
        words = [str(v) if _number(v) is None else _number_name(_number(v)) for v in unique]
        names = sorted(set(words), key=lambda w: (_number(w) is None, _number(w) or 0, w))
        position = {w: i for i, w in enumerate(names)}
        codes = np.array([position[w] for w in words], dtype=np.int64)[codes]
    else:
        names = [_number_name(v) for v in unique]
    if len(names) < 2:
        raise DatasetError(f"{name}: the target {column!r} holds a single class ({names[0]!r}); a classification "
                           "needs at least two")
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"{name}: the target {column!r} holds {len(names):,} different values, too many classes "
                           f"(at most {MAX_CLASSES}); is it an identifier? Choose another target, or regression")
    return codes.astype(np.int64).reshape(-1), names


def _as_numbers(words):
    """The words as float64 if every one is a number, else None."""
    numbers = np.empty(len(words), dtype=np.float64)
    for i, word in enumerate(words):
        value = _number(word)
        if value is None:
            return None
        numbers[i] = value
    return numbers


def _number(word):
    try:
        value = float(word)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= FLOAT32_MAX else None


def _number_name(value):
    return str(int(value)) if value == round(value) and abs(value) < 2**53 else f"{value:g}"


def _target_scaling(y, name, column):
    """(mean, std) of the training targets, as plain floats; DatasetError when they are all the same."""
    mean = float(np.mean(y))
    std = float(np.std(y))
    if not std > 0:
        raise DatasetError(f"{name}: the target {column!r} is {mean:g} on every training row: nothing to fit")
    return mean, std


def _keep_rows(x, rows):
    """Move rows ``rows`` (sorted, distinct) of ``x`` to its top, in place, in order."""
    for lo in range(0, len(rows), _ROWS_AT_ONCE):
        chunk = rows[lo : lo + _ROWS_AT_ONCE]
        # rows[k] ≥ k, so the rows read here are never ones already overwritten
        x[lo : lo + len(chunk)] = x[chunk]


def _standardise(x_train, x_test, name, columns):
    """Scale every column to mean 0, std 1 over ``x_train`` (both arrays in place); returns (mean, std).

    A constant column keeps std 1 (it becomes zeros). Statistics are summed in float64 a few thousand rows
    at a time, so a large table needs no float64 copy.
    """
    n, k = x_train.shape
    total = np.zeros(k)
    for lo in range(0, n, _ROWS_AT_ONCE):
        total += x_train[lo : lo + _ROWS_AT_ONCE].sum(axis=0, dtype=np.float64)
    mean = total / max(n, 1)
    squares = np.zeros(k)
    for lo in range(0, n, _ROWS_AT_ONCE):
        squares += ((x_train[lo : lo + _ROWS_AT_ONCE] - mean) ** 2).sum(axis=0)
    std = np.sqrt(squares / max(n, 1))
    std[~(std > 0)] = 1.0
    for x in (x_train, x_test):
        for lo in range(0, len(x), _ROWS_AT_ONCE):
            x[lo : lo + _ROWS_AT_ONCE] = _scaled(x[lo : lo + _ROWS_AT_ONCE], mean, std, name, columns)
    return mean, std


def _scaled(rows, mean, std, name, columns):
    """(rows − mean) / std as float32, computed in float64; DatasetError if a value leaves float32's range.

    That happens only to a test row far outside a column that barely varies over the training rows.
    """
    with np.errstate(over="ignore"):
        out = ((rows - mean) / std).astype(np.float32)
    bad = np.argwhere(~np.isfinite(out))
    if len(bad):
        i, j = bad[0]
        raise DatasetError(f"{name}: {columns[j]!r} varies so little over the training rows (standard deviation "
                           f"{np.broadcast_to(std, out.shape[1:])[j]:.3g}) that the value {float(rows[i, j]):g} is "
                           "out of range once scaled")
    return out


def _checked(params, key, kind):
    value = params[key]
    ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool)) or (
        kind is float and isinstance(value, int) and not isinstance(value, bool))
    if not ok:
        raise TypeError(f"{key} is {value!r}")
    return value
