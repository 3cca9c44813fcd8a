"""Network packages: a folder of ``<table>.csv`` files or one ``.xlsx`` workbook, read as text into a :class:`RawPackage`.

Takes a path (or CSV bytes, :func:`read_csv_text`) and returns text tables; typing and checking happen in
:mod:`netlens.validation`. A :class:`RawTable` remembers the file it came from and the spreadsheet row number of
each record (header = row 1), so every later message can name file, row and column. :class:`RawTable` and
:class:`RawPackage` are also what the adapters for real data (:mod:`netlens.read.cordis`, :mod:`netlens.read.fp7`,
:mod:`netlens.read.sod`, :mod:`netlens.read.urbact`) return.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.model.network import TABLE_NAMES
from netlens.values import is_missing

__all__ = [
    "TABLE_NAMES",
    "RawTable",
    "RawPackage",
    "read_package",
    "read_csv_text",
    "cell_text",
]


@dataclass
class RawTable:
    """One table as text: ``frame`` has str cells ('' for empty), ``rows`` the spreadsheet row numbers."""

    name: str
    source: str  # file name (or "book.xlsx:sheet") used in messages
    frame: pd.DataFrame
    rows: list[int]
    delimiter: str = ","
    #: (row, text) of records with more cells than the header has columns
    overflow: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class RawPackage:
    """The tables found in a package plus problems met while reading (file-level)."""

    path: Path
    tables: dict[str, RawTable] = field(default_factory=dict)
    #: (source, message) pairs for files that could not be used (empty, unknown name, …)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (severity, source, message)
    #: coverage figures of adapters for real data (e.g. ``{"organisations named": 30123, "organisations": 35871}``)
    stats: dict[str, Any] = field(default_factory=dict)


def _detect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source}: not valid UTF-8 at line {line} (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "expected a UTF-8 encoded CSV file (re-save it as 'CSV UTF-8')"
        ) from None


_Records = tuple[list[str] | None, list[list[str]], list[int], list[tuple[int, str]]]


def _records(text: str, delimiter: str, source: str) -> _Records:
    """(header, padded body rows, their line numbers, overflowing cells) of CSV ``text``; blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    body: list[list[str]] = []
    rows: list[int] = []
    overflow: list[tuple[int, str]] = []
    line_no = 1
    try:
        for rec in reader:
            start, line_no = line_no, reader.line_num + 1
            if header is None:
                header = [h.strip() for h in rec]
                continue
            if not any(cell.strip() for cell in rec):
                continue  # blank line
            cells = [c.strip() for c in rec]
            if len(cells) > len(header):
                extra = [c for c in cells[len(header) :] if c]
                if extra:
                    overflow.append((start, delimiter.join(extra)))
                cells = cells[: len(header)]
            body.append(cells + [""] * (len(header) - len(cells)))
            rows.append(start)
    except csv.Error as exc:
        raise InputError(
            f"{source}: cannot parse CSV at line {line_no} ({exc}); expected {delimiter!r}-separated values"
        ) from None
    return header, body, rows, overflow


def read_csv_text(data: bytes, source: str, name: str) -> RawTable | None:
    """Parse CSV bytes (UTF-8, BOM tolerated, ``,`` ``;`` or tab detected) into a :class:`RawTable`.

    Parameters
    ----------
    data : the file's bytes.
    source : the file name used in messages.
    name : the table name given to the result.

    Returns
    -------
    The table (cells stripped, blank lines skipped, short rows padded with ''), or None for a file without a
    header line. Raises :class:`InputError` for bytes that are not UTF-8, naming the line and byte offset.

    Examples
    --------
    >>> t = read_csv_text("\\ufeffid;name\\nlitomerice;Litoměřice\\n".encode(), "cities.csv", "cities")
    >>> t.delimiter, list(t.frame.columns), t.frame.iloc[0]["name"], t.rows
    (';', ['id', 'name'], 'Litoměřice', [2])
    """
    text = _decode(data, source)
    if not text.strip():
        return None
    delimiter = _detect_delimiter(text.splitlines()[0])
    header, body, rows, overflow = _records(text, delimiter, source)
    if header is None:
        return None
    frame = (
        pd.DataFrame(body, columns=header, dtype=object)
        if body
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    )
    return RawTable(name=name, source=source, frame=frame, rows=rows, delimiter=delimiter, overflow=overflow)


def cell_text(v: object) -> str:
    """A spreadsheet cell as text: real Excel dates become ISO dates (``2020-01-01``), whole numbers lose ``.0``.

    Missing cells (:func:`netlens.values.is_missing`) become ''. Dates keep their time of day when it is not
    midnight, so they fail the date check instead of being cut silently.

    >>> import datetime as dt
    >>> cell_text(dt.datetime(2020, 1, 1)), cell_text(dt.datetime(2020, 1, 1, 9, 30)), cell_text(12.0), cell_text(None)
    ('2020-01-01', '2020-01-01T09:30:00', '12', '')
    """
    if is_missing(v):
        return ""
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_xlsx(path: Path, package: RawPackage) -> None:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False, header=None)
    except Exception as exc:  # openpyxl raises many kinds
        raise InputError(f"{path.name}: cannot read workbook ({exc}); expected an .xlsx file") from None
    for sheet, frame in sheets.items():
        name = str(sheet).strip().lower()
        source = f"{path.name}:{sheet}"
        if name not in TABLE_NAMES:
            package.problems.append(("warning", source, f"sheet {sheet!r} is not a netlens table; ignored"))
            continue
        frame = frame.map(cell_text)
        if frame.empty:
            package.problems.append(("error", source, "sheet is empty; expected a header row"))
            continue
        header = [str(h).strip() for h in frame.iloc[0].tolist()]
        body = frame.iloc[1:].astype(str).apply(lambda col: col.str.strip())
        body.columns = header
        keep = [i for i, row in enumerate(body.itertuples(index=False)) if any(row)]
        body = body.iloc[keep].reset_index(drop=True)
        rows = [i + 2 for i in keep]
        package.tables[name] = RawTable(name=name, source=source, frame=body.astype(object), rows=rows)


def _read_csv_folder(p: Path, package: RawPackage) -> None:
    files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".csv")
    for f in files:
        name = f.stem.strip().lower()
        if name not in TABLE_NAMES:
            package.problems.append(("warning", f.name, f"{f.name} is not a netlens table ({', '.join(TABLE_NAMES)}); ignored"))
            continue
        if name in package.tables:
            package.problems.append(("error", f.name, f"two files for table {name!r}"))
            continue
        try:
            table = read_csv_text(f.read_bytes(), f.name, name)
        except InputError as exc:  # report with the other problems instead of stopping
            package.problems.append(("error", f.name, str(exc).removeprefix(f"{f.name}: ")))
            continue
        if table is None:
            package.problems.append(("error", f.name, "file is empty; expected a header row and data rows"))
            continue
        package.tables[name] = table
    if not files:
        package.problems.append(
            ("error", p.name, "no CSV files found; expected cities.csv or organisations.csv plus a relation table")
        )


def read_package(path: str | Path) -> RawPackage:
    """Read a network package: a folder of ``<table>.csv`` files, or one ``.xlsx`` workbook.

    Parameters
    ----------
    path : the folder or the workbook.

    Returns
    -------
    The text tables found. File names are matched case-insensitively; files that are not netlens tables are
    reported as warnings in ``problems`` and ignored. Raises :class:`NotFoundError` if ``path`` does not exist and
    :class:`InputError` for a single CSV file or an unsupported file type.
    """
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"{p}: no such file or folder; expected a folder of CSV files or an .xlsx workbook")
    package = RawPackage(path=p)
    if p.is_file():
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            _read_xlsx(p, package)
            return package
        if p.suffix.lower() == ".csv":
            raise InputError(
                f"{p}: a network package is a folder of CSV files (cities.csv, participations.csv, …) "
                "or one .xlsx workbook; for a CORDIS participation table use --format cordis"
            )
        raise InputError(f"{p}: unsupported file type {p.suffix!r}; expected a folder of CSV files or an .xlsx workbook")
    _read_csv_folder(p, package)
    return package
