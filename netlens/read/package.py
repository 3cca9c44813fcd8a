"""Network packages: a folder of ``<table>.csv`` files or one ``.xlsx`` workbook, read as text into a :class:`RawPackage`.

Takes a path (or CSV bytes, :func:`read_csv_text`) and returns text tables; typing and checking happen in
:mod:`netlens.validation`. A :class:`RawTable` remembers the file it came from and the spreadsheet row number of
each record (header = row 1), so every later message can name file, row and column. :class:`RawTable` and
:class:`RawPackage` are also what the adapters for real data (:mod:`netlens.read.cordis`, :mod:`netlens.read.fp7`,
:mod:`netlens.read.sod`, :mod:`netlens.read.urbact`) return.

Limits (hostile or damaged files get a clear error, never a hang): a table has at most :data:`MAX_COLUMNS` (1000)
columns; a workbook sheet at most :data:`MAX_CELLS` (20 million) cells, counted while reading it in openpyxl's
read-only mode without trusting the sheet's stored dimension (a 6 kB file may claim A1:XFD1048576). Files are
UTF-8 (a UTF-16 file is named as such); an ``.xlsx`` that is not a zip file, two sheets or files for one table, a
workbook without a netlens sheet, formulas without a saved value and merged cells are reported as errors.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
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
    "MAX_COLUMNS",
    "MAX_CELLS",
]

#: the widest table a package may have (its columns plus extra columns); a wider header is refused when read
MAX_COLUMNS = 1000
#: the most cells a workbook sheet may hold (rows × columns, counted while reading, so memory stays bounded)
MAX_CELLS = 20_000_000


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
    #: tables whose file or sheet was present but could not be read (their ids are unknown, not absent)
    unreadable: set[str] = field(default_factory=set)


def _detect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(data) > 1 and b"\x00" in data[:200] and data[:200].count(b"\x00") * 4 >= len(data[:200])
    ):
        raise InputError(
            f"{source}: the file is UTF-16 encoded (Excel's 'Unicode Text'); expected a UTF-8 encoded CSV file "
            "(re-save it as 'CSV UTF-8')"
        )
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
                _check_width(len(header), source)
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
    if body and text.count('"') % 2 == 1 and any("\n" in c for c in body[-1]):
        raise InputError(
            f'{source}: line {rows[-1]}: a quote (") opened in this row is never closed, so the rest of the file was '
            'read as one cell; close the quote or double it ("") inside a quoted cell'
        )
    return header, body, rows, overflow


def _check_width(n_columns: int, source: str) -> None:
    if n_columns > MAX_COLUMNS:
        raise InputError(
            f"{source}: the header has {n_columns} columns; a netlens table has at most {MAX_COLUMNS} "
            "(remove the empty or unused columns)"
        )


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


def _sheet_rows(ws: Any, source: str) -> list[list[object]]:
    """The rows of a read-only sheet as cell values (trailing empty cells cut), missing rows as ``[]``.

    The sheet's stored dimension is not trusted (a 6 kB file may claim 17 billion cells): rows are read as stored and
    the cells counted; more than :data:`MAX_CELLS` (or a header wider than :data:`MAX_COLUMNS`) raise InputError.
    """
    ws.reset_dimensions()
    rows: list[list[object]] = []
    cells = 0
    width = 0
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        if not rows:
            width = max(len(values), 1)
            _check_width(len(values), source)
        cells += max(len(values), width)
        if cells > MAX_CELLS:
            raise InputError(
                f"{source}: the sheet holds more than {MAX_CELLS:,} cells (rows × columns) by row {len(rows) + 1}; "
                "a netlens sheet is smaller — delete stray cells far from the table"
            )
        rows.append(values)
    return rows


def _xlsx_table(name: str, source: str, grid: list[list[object]], package: RawPackage) -> None:
    texts = [[cell_text(v) for v in r] for r in grid]
    while texts and not any(t.strip() for t in texts[-1]):
        texts.pop()
    if not texts:
        package.problems.append(("error", source, "sheet is empty; expected a header row"))
        package.unreadable.add(name)
        return
    header = [h.strip() for h in texts[0]]
    n = len(header)
    body: list[list[str]] = []
    rows: list[int] = []
    overflow: list[tuple[int, str]] = []
    for i, r in enumerate(texts[1:], start=2):
        cells = [c.strip() for c in r]
        if not any(cells):
            continue
        if len(cells) > n:
            overflow.append((i, ",".join(c for c in cells[n:] if c)))
            cells = cells[:n]
        body.append(cells + [""] * (n - len(cells)))
        rows.append(i)
    frame = (
        pd.DataFrame(body, columns=header, dtype=object)
        if body
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    )
    package.tables[name] = RawTable(name=name, source=source, frame=frame, rows=rows, overflow=overflow)


_CELL_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?<!/)>(.*?)</c>', re.DOTALL)
_MERGE_RE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_VALUE_RE = re.compile(rb"<v>[^<]+</v>")
#: sheet XML larger than this is not scanned for formulas and merged cells (the cell limit still applies)
_SCAN_BYTES = 200_000_000


def _sheet_xml_problems(path: Path, ws: Any) -> list[str]:
    """Formulas without a saved value and merged cells of one sheet: both read as empty cells, silently.

    Read from the sheet's XML: openpyxl's read-only mode reports neither (a formula without a cached value is
    ``None``, a merged range has its value in the first cell only).
    """
    member = getattr(ws, "_worksheet_path", None)  # where openpyxl found the sheet in the zip; absent: no scan
    if not isinstance(member, str):
        return []
    with zipfile.ZipFile(path) as archive:
        if archive.getinfo(member).file_size > _SCAN_BYTES:
            return []
        xml = archive.read(member)
    problems = []
    if b"<f" in xml:
        for ref, body in _CELL_RE.findall(xml):
            if b"<f" in body and not _VALUE_RE.search(body):
                problems.append(
                    f"cell {ref.decode()} holds a formula without a saved value (the program that wrote the workbook "
                    "did not calculate it), so it reads as empty; open and save the workbook in Excel or LibreOffice, "
                    "or paste the values"
                )
    for ref in _MERGE_RE.findall(xml):
        first = ref.decode().split(":")[0]
        problems.append(
            f"cells {ref.decode()} are merged: only {first} holds a value and the others read as empty; unmerge them "
            "and fill every cell"
        )
    return problems


def _read_xlsx(path: Path, package: RawPackage) -> None:
    import openpyxl  # heavy optional reader of workbooks; only needed for .xlsx packages

    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{path.name}: is not an .xlsx workbook (not a zip file: an old .xls, or a CSV file renamed?); "
            "save it as 'Excel Workbook (.xlsx)' or use a folder of CSV files"
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds
        raise InputError(f"{path.name}: cannot read workbook ({exc}); expected an .xlsx file") from None
    try:
        _read_sheets(path, book, package)
    finally:
        book.close()


def _read_sheets(path: Path, book: Any, package: RawPackage) -> None:
    first_sheet: dict[str, str] = {}
    for ws in book.worksheets:
        sheet = ws.title
        name = str(sheet).strip().lower()
        source = f"{path.name}:{sheet}"
        if name not in TABLE_NAMES:
            package.problems.append(("warning", source, f"sheet {sheet!r} is not a netlens table; ignored"))
            continue
        if name in first_sheet:
            message = (
                f"two sheets for table {name!r} ({first_sheet[name]!r} and {sheet!r}); expected one, rename or delete the other"
            )
            package.problems.append(("error", source, message))
            continue
        first_sheet[name] = sheet
        try:
            grid = _sheet_rows(ws, source)
        except InputError as exc:
            package.problems.append(("error", source, str(exc).removeprefix(f"{source}: ")))
            package.unreadable.add(name)
            continue
        except Exception as exc:  # openpyxl raises many kinds on a damaged sheet
            package.problems.append(("error", source, f"cannot read the sheet ({exc})"))
            package.unreadable.add(name)
            continue
        package.problems += [("error", source, message) for message in _sheet_xml_problems(path, ws)]
        _xlsx_table(name, source, grid, package)
    if not first_sheet:
        found = ", ".join(repr(ws.title) for ws in book.worksheets)
        message = f"no sheet is a netlens table (found {found}); expected sheets named {', '.join(TABLE_NAMES)}"
        package.problems.append(("error", path.name, message))


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
            package.unreadable.add(name)
            continue
        if table is None:
            package.problems.append(("error", f.name, "file is empty; expected a header row and data rows"))
            package.unreadable.add(name)
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
