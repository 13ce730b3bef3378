"""The runs compared so far: one JSON line per run (set-up and result) in the user data folder, exportable as CSV.

The file is ``compare_history.jsonl`` in engine/user_data.py's folder. Each save rewrites it
atomically with the new lines added; a line that cannot be read (edited by hand, another version) is
skipped when reading, never fatal.
"""

import csv
import io
import json
import math
import os
import time

from engine.files.atomic_file import write_atomic
from engine.user_data import user_data_dir

HISTORY_NAME = "compare_history.jsonl"
CSV_COLUMNS = ("time", "name", "dataset", "raw_pixels", "hidden", "activations", "out_act", "loss", "optimizer",
               "init", "lr", "batch_size", "seed", "epochs", "test_accuracy", "best_test_accuracy", "test_loss",
               "train_loss", "samples_per_second", "train_seconds", "diverged")


def history_path(folder=None):
    """The history file (it may not exist yet)."""
    return os.path.join(folder or user_data_dir(), HISTORY_NAME)


def read_history(path=None):
    """Every readable record in the history, oldest first; [] when there is none."""
    path = path or history_path()
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return []
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("config"), dict):
            records.append(record)
    return records


def append_history(records, path=None):
    """Add ``records`` (dicts from engine.compare.result_record) to the history, stamped with the time; the path."""
    path = path or history_path()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        with open(path, "rb") as fh:
            old = fh.read()
    except FileNotFoundError:
        old = b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    new = "".join(json.dumps({"time": stamp, **record}, allow_nan=False) + "\n"
                  for record in map(_finite, records))
    write_atomic(path, lambda fh: fh.write(old + new.encode("utf-8")))
    return path


def history_csv_text(records):
    """The records as CSV text: one row per run, the columns of CSV_COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = {**record.get("config", {}), **{k: v for k, v in record.items() if k != "config"}}
        writer.writerow(["-".join(map(str, v)) if k == "hidden" and isinstance(v, list)
                         else ",".join(map(str, v)) if isinstance(v, list) else "" if v is None else v
                         for k, v in ((k, row.get(k)) for k in CSV_COLUMNS)])
    return out.getvalue()


def write_history_csv(path, records):
    """Write ``records`` as a CSV file, atomically."""
    text = history_csv_text(records)
    write_atomic(os.fspath(path), lambda fh: fh.write(text.encode("utf-8")))


def _finite(value):
    """``value`` with NaN and infinities as None, at any depth (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
