"""Reading a numeric CSV into arrays: feature columns as float32 rows, one target column kept apart.

Two passes over the file: the first hashes it (SHA-256) and counts its lines, so the features can go
straight into one preallocated array; the second parses it in blocks of about 2 MiB. A block is parsed
by NumPy's C reader; only a block it refuses (a missing value, a word where a number belongs, a
ragged row) is read again cell by cell, which finds the first faulty cell and names its line and
column. Between blocks ``progress(fraction)`` is called and ``should_stop()`` asked.
"""

import codecs
import csv
import hashlib
import io
import math
import os
import re
from dataclasses import dataclass

import numpy as np

from engine.data.datasets import DatasetError, unreadable

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # cells read as "no value" (lower case)
FLOAT32_MAX = float(np.finfo(np.float32).max)  # features are kept in float32: larger magnitudes do not fit
_BLOCK = 1 << 21  # bytes of text parsed at a time (NumPy's reader holds ~4× that as UCS-4 text)
_SCAN_BLOCK = 1 << 24  # bytes hashed at a time in the first pass
_SCAN_SHARE = 0.1  # share of ``progress`` the first pass takes (hashing is ~10× faster than parsing)
_QUOTE = '"'
_NON_BLANK = re.compile(r"\S")


@dataclass(eq=False)
class CsvTable:
    """A CSV's columns: features (n, columns − 1) float32 in file order, and the target column.

    target : ndarray of shape (n,), float64 when every target cell is a number, else object (str).
    """

    file: str  # the file's name (no folder)
    sha256: str
    names: list  # every column's name, from the header or "column j" (1-based)
    header: bool  # whether the first line was a header
    delimiter: str
    target_column: int  # 0-based index of the target among ``names``
    features: np.ndarray
    target: np.ndarray
    rows_dropped: int  # rows left out because a value was missing (only with drop_missing)

    @property
    def feature_names(self):
        return [n for j, n in enumerate(self.names) if j != self.target_column]

    @property
    def target_name(self):
        return self.names[self.target_column]


def read_csv_table(path, target=-1, *, header=None, delimiter=None, drop_missing=False, expect_sha256=None,
                   progress=None, should_stop=None):
    """The CsvTable of the CSV file at ``path``, or None when ``should_stop()`` answered True.

    target : the target column, by name or 0-based index (negative counts from the end).
    header : True, False, or None to detect it (a first line with words over a column of numbers).
    delimiter : ",", ";" or a tab, or None to take the first of tab, ";" and "," the first line holds.
        With ";", commas in the data are decimal commas (1,5 is 1.5).
    drop_missing : leave out rows with a missing value (empty, NA, NaN, null, ?) instead of refusing them.
    expect_sha256 : refuse the file unless its SHA-256 is this (hex), before parsing it.
    Every problem with the file raises DatasetError naming it, and the line and column where one is.
    """
    path = os.fspath(path)
    name = os.path.basename(path) or path
    report = progress if progress is not None else (lambda fraction: None)
    stop = should_stop if should_stop is not None else (lambda: False)
    report(0.0)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            scanned = _scan(fh, name, size, report, stop)
            if scanned is None:
                return None
            sha256, line_bound = scanned
            if expect_sha256 is not None and sha256 != expect_sha256:
                raise DatasetError(f"{name} has changed: its SHA-256 is {sha256[:16]}…, expected "
                                   f"{str(expect_sha256)[:16]}…")
            fh.seek(0)
            reader = _BlockReader(fh, name, size, line_bound, header, delimiter, drop_missing, target)
            table = reader.read(report, stop)
    except OSError as exc:
        raise unreadable(exc, name, path, "a CSV file") from None
    if table is None:
        return None
    table.sha256 = sha256
    report(1.0)
    return table


def _scan(fh, name, size, report, stop):
    """(SHA-256 hex, an upper bound on the number of lines) of the open file; None if stopped."""
    if size == 0:
        raise DatasetError(f"{name}: the file is empty")
    digest = hashlib.sha256()
    breaks = 0
    done = 0
    while True:
        if stop():
            return None
        block = fh.read(_SCAN_BLOCK)
        if not block:
            break
        if b"\0" in block:
            raise DatasetError(f"{name}: not a CSV text file (it holds zero bytes: binary data, or text saved "
                               "as UTF-16; save it as UTF-8)")
        digest.update(block)
        breaks += block.count(b"\n") + block.count(b"\r")
        done += len(block)
        report(_SCAN_SHARE * min(done / size, 1.0))
    return digest.hexdigest(), breaks + 1


def csv_columns(path):
    """The column names of the CSV file at ``path`` ("column 3" where it has no header), read from its first lines.

    A dialog offers them as the target before the whole file is read; DatasetError as ``read_csv_table``.
    """
    path = os.fspath(path)
    name = os.path.basename(path) or path
    try:
        with open(path, "rb") as fh:
            reader = _BlockReader(fh, name, os.fstat(fh.fileno()).st_size, 2, None, None, False, -1)
            if reader._first_block() is None:
                raise DatasetError(f"{name}: no rows (the file is empty or holds only blank lines)")
    except OSError as exc:
        raise unreadable(exc, name, path, "a CSV file") from None
    return list(reader.names)


class _BlockReader:
    """The second pass: header, delimiter and target found in the first lines, then blocks of rows."""

    def __init__(self, fh, name, size, line_bound, header, delimiter, drop_missing, target):
        self.fh, self.name, self.size = fh, name, size
        self.line_bound = line_bound
        self.header, self.delimiter = header, delimiter
        self.drop_missing = drop_missing
        self.target_spec = target
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.carry = b""  # bytes after the last line break read so far
        self.line_no = 1  # file line number of the next block's first line
        self.target_text = False  # a block's target held words: read targets as text from now on

    # -- blocks of whole lines -----------------------------------------------------------------
    def _next_block(self):
        """(text of whole lines, its first line number), or None at the end of the file."""
        while True:
            data = self.fh.read(_BLOCK)
            buf = self.carry + data
            if not data:
                self.carry = b""
                if not buf:
                    return None
                cut = len(buf)
            else:
                # a \r as the very last byte may be half of \r\n: leave it for the next read
                cut = max(buf.rfind(b"\n"), buf.rfind(b"\r", 0, len(buf) - 1)) + 1
                if cut == 0:
                    self.carry = buf
                    continue
            self.carry = buf[cut:]
            text = self.decoder.decode(buf[:cut], final=not data)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            first = self.line_no
            self.line_no += text.count("\n")
            return text, first

    def _fraction_read(self):
        return _SCAN_SHARE + (1 - _SCAN_SHARE) * min((self.fh.tell() - len(self.carry)) / self.size, 1.0)

    # -- the whole file --------------------------------------------------------------------------
    def read(self, report, stop):
        first = self._first_block()
        if first is None:
            raise DatasetError(f"{self.name}: no rows (the file holds only blank lines)")
        text, line_no = first
        n_features = self.n_columns - 1
        # every data row has n_columns − 1 delimiters: the file's size bounds the rows as well as its lines do
        capacity = max(1, min(self.line_bound, self.size // n_features + 1))
        self.features = np.empty((capacity, n_features), dtype=np.float32)
        self.rows = 0
        self.dropped = 0
        targets = []
        while text is not None:
            if stop():
                return None
            if text and not text.isspace():
                targets.append(self._parse_block(text, line_no))
            report(self._fraction_read())
            block = self._next_block()
            text, line_no = block if block is not None else (None, None)
        if self.rows == 0:
            below = " below the header" if self.header else ""
            raise DatasetError(f"{self.name}: no data rows{below}")
        if any(t.dtype == object for t in targets):  # words somewhere: numbers become words too ("1.0")
            targets = [t.astype(str).astype(object) for t in targets]
        target = np.concatenate(targets)
        return CsvTable(file=self.name, sha256="", names=self.names, header=self.header, delimiter=self.delimiter,
                        target_column=self.target, features=self.features[: self.rows], target=target,
                        rows_dropped=self.dropped)

    def _first_block(self):
        """The first block's text after the header (and its first line number); sets up the columns."""
        block = self._next_block()
        if block is None:
            return None
        text, line_no = block
        rows = _first_rows(text)
        while len(rows) < 2:  # lines longer than a block, or blank lines: join the next block
            more = self._next_block()
            if more is None:
                rows = _first_rows(text, rows, at_end=True)
                break
            text += more[0]
            rows = _first_rows(text, rows)
        if not rows:
            return None
        (_, end, first_line), *_ = rows
        if self.delimiter is None:
            self.delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
        elif self.delimiter not in (",", ";", "\t"):
            raise DatasetError(f"{self.name}: unknown delimiter {self.delimiter!r}; choose ',', ';' or a tab")
        cells = [self._cells(line, line_no + text.count("\n", 0, at)) for at, _, line in rows]
        if self.header is None:
            as_read = [[c.replace(",", ".") for c in row] if self.delimiter == ";" else row for row in cells]
            self.header = _looks_like_header(as_read[0], as_read[1] if len(as_read) > 1 else None)
        self.n_columns = len(cells[0])
        if self.header:
            self.names = [c.strip() or f"column {j + 1}" for j, c in enumerate(cells[0])]
        else:
            self.names = [f"column {j + 1}" for j in range(self.n_columns)]
        if self.n_columns < 2:
            raise DatasetError(f"{self.name}: one column only ({self.names[0]!r}); a dataset needs feature columns "
                               "and a target column, separated by commas, semicolons or tabs")
        self.target = self._target_index()
        if self.header:
            skipped = end + 1 if end < len(text) else len(text)
            return text[skipped:], line_no + text.count("\n", 0, skipped)
        return text, line_no

    def _cells(self, line, line_no):
        try:
            return next(csv.reader([line], delimiter=self.delimiter, quotechar=_QUOTE))
        except csv.Error as exc:
            raise DatasetError(f"{self.name}, line {line_no}: not CSV ({exc})") from None
        except StopIteration:
            return [""]

    def _target_index(self):
        spec = self.target_spec
        if isinstance(spec, str) and spec not in self.names and spec.strip().lstrip("-").isdigit():
            spec = int(spec)  # "4" from a command line: a column number when no column has that name
        if isinstance(spec, str):
            if spec not in self.names:
                shown = ", ".join(repr(n) for n in self.names[:12]) + (", …" if len(self.names) > 12 else "")
                raise DatasetError(f"{self.name}: no column named {spec!r}; its columns are {shown}")
            return self.names.index(spec)
        if isinstance(spec, bool) or not isinstance(spec, (int, np.integer)):
            raise DatasetError(f"{self.name}: the target column must be a name or an index, not {spec!r}")
        if not -self.n_columns <= spec < self.n_columns:
            raise DatasetError(f"{self.name}: no column {spec} (it has {self.n_columns} columns, numbered from 0)")
        return int(spec) % self.n_columns

    # -- one block -------------------------------------------------------------------------------
    def _parse_block(self, text, line_no):
        """Parse a block of lines into ``features`` (appended at ``rows``); returns the block's targets."""
        if self.delimiter == ";":
            text = text.replace(",", ".")  # semicolons separate cells where a comma marks decimals (1,5)
        before, after, target = self._parse_fast(text) or self._parse_cells(text, line_no)
        rows = slice(self.rows, self.rows + len(target))
        if rows.stop > len(self.features):  # more rows than the first pass counted lines
            raise DatasetError(f"{self.name}: the file changed while it was being read; open it again")
        self.features[rows, : self.target] = before
        self.features[rows, self.target :] = after
        self.rows = rows.stop
        return target

    def _parse_fast(self, text):
        """(features before the target, features after it, target) by NumPy's C reader; None if it refuses."""
        for as_text in ((True,) if self.target_text else (False, True)):
            try:
                arr = np.loadtxt(io.StringIO(text), dtype=self._row_dtype(as_text), delimiter=self.delimiter,
                                 comments=None, quotechar=_QUOTE, ndmin=1)
            except (ValueError, TypeError, OverflowError):
                continue
            feats = [arr[k] if k in arr.dtype.names else np.empty((len(arr), 0), np.float32)
                     for k in ("before", "after")]
            if not all(np.isfinite(f).all() for f in feats):
                return None  # NaN (missing), inf or beyond float32: the cell reader names the cell
            target = arr["target"].copy()  # a view would keep the whole parsed block alive
            if as_text:
                target = np.array([s.strip() for s in target], dtype=object)
                if any(s.lower() in MISSING for s in target):
                    return None
                self.target_text = True
            elif not (np.isfinite(target).all() and np.abs(target).max(initial=0) <= FLOAT32_MAX):
                return None
            return (*feats, target)
        return None

    def _row_dtype(self, target_text):
        t, n = self.target, self.n_columns
        fields = [("before", "f4", (t,))] if t else []
        fields.append(("target", object if target_text else "f8"))
        if n - t - 1:
            fields.append(("after", "f4", (n - t - 1,)))
        return fields

    def _parse_cells(self, text, line_no):
        """As _parse_fast, reading cell by cell; DatasetError names the first faulty cell."""
        t, n = self.target, self.n_columns
        rows, targets = [], []
        reader = csv.reader(io.StringIO(text), delimiter=self.delimiter, quotechar=_QUOTE)
        consumed = 0  # lines of the block read so far
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise DatasetError(f"{self.name}, line {line_no + consumed}: not CSV ({exc})") from None
            line = line_no + consumed
            consumed = reader.line_num
            if not row or len(row) == 1 and not row[0].strip():
                continue  # a blank line
            if len(row) != n:
                raise DatasetError(f"{self.name}, line {line}: {len(row)} cells, expected {n} as in "
                                   f"{'the header' if self.header else 'the first line'}")
            values, missing = [], False
            for j, cell in enumerate(row):
                value = self._cell(cell, line, j, text_ok=j == t)
                if value is None:
                    if not self.drop_missing:
                        raise DatasetError(f"{self.name}, line {line}, {self._column(j)}: missing value; fill it "
                                           "in, or choose to drop rows with missing values")
                    missing = True
                values.append(value)
            if missing:
                self.dropped += 1
                continue
            targets.append(values.pop(t))
            rows.append(values)
        feats = np.array(rows, dtype=np.float32).reshape(len(rows), n - 1)
        if all(isinstance(v, float) for v in targets):
            return feats[:, :t], feats[:, t:], np.array(targets, dtype=np.float64)
        self.target_text = True
        return feats[:, :t], feats[:, t:], np.array([str(v) for v in targets], dtype=object)

    def _cell(self, cell, line, j, text_ok):
        """A cell's number (float), None if missing, or (``text_ok``) its text; DatasetError otherwise."""
        s = cell.strip()
        if s.lower() in MISSING:
            return None
        try:
            value = float(s)
        except ValueError:
            if text_ok:
                return s
            shown = s if len(s) <= 40 else s[:40] + "…"
            raise DatasetError(f"{self.name}, line {line}, {self._column(j)}: {shown!r} is not a number") from None
        if math.isnan(value):
            return None
        if not abs(value) <= FLOAT32_MAX:
            what = "not a finite number" if math.isinf(value) else "too large (beyond ±3.4e38)"
            raise DatasetError(f"{self.name}, line {line}, {self._column(j)}: {s[:40]!r} is {what}")
        return value

    def _column(self, j):
        name = self.names[j]
        return f"column {j + 1}" if name == f"column {j + 1}" else f"column {j + 1} ({name!r})"


def _first_rows(text, rows=(), at_end=False):
    """(start, end, line) of the first two non-blank lines of ``text`` (end: index of its line break).

    ``rows`` found in a shorter prefix of ``text`` are kept; the search goes on after them. Unless
    ``at_end`` (of the file), a last line without a line break is left for when more text is read.
    """
    rows = list(rows)
    pos = rows[-1][1] + 1 if rows else 0
    while len(rows) < 2:
        found = _NON_BLANK.search(text, pos)
        if found is None:
            break
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        if end < 0 and not at_end:  # the line may go on in the next block: find it again then
            break
        end = len(text) if end < 0 else end
        rows.append((start, end, text[start:end]))
        pos = end + 1
    return rows


def _looks_like_header(first, second):
    """A header has a word where the next line has a number (or, alone, any word)."""
    words = [not _is_number_or_missing(c) for c in first]
    if not any(words):
        return False
    if second is None:
        return True
    return any(w and j < len(second) and _is_number_or_missing(second[j]) for j, w in enumerate(words))


def _is_number_or_missing(cell):
    s = cell.strip()
    if s.lower() in MISSING:
        return True
    try:
        float(s)
    except ValueError:
        return False
    return True
