"""Readers: network packages (a folder of CSVs or one .xlsx workbook) and CORDIS participation tables.

Everything is read as text; typing and checking happen in :mod:`netlens.validation.checks`.
A :class:`RawTable` remembers the file it came from and the spreadsheet row number of each
record (header = row 1), so every later message can name file, row and column.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netlens.errors import InputError, NotFoundError, UsageError

__all__ = [
    "TABLE_NAMES",
    "RawTable",
    "RawPackage",
    "read_package",
    "read_csv_text",
    "read_cordis",
    "read_source",
    "SOURCE_FORMATS",
]

#: The tables of a network package, in load order (see DESIGN.md "Input contract").
TABLE_NAMES = (
    "cities",
    "organisations",
    "projects",
    "participations",
    "exchanges",
    "attendances",
    "tandems",
    "transfers",
)


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


def _detect_delimiter(header: str, source: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv_text(data: bytes, source: str, name: str) -> RawTable | None:
    """Parse CSV bytes (UTF-8, BOM tolerated, ``,`` ``;`` or tab detected) into a :class:`RawTable`.

    Returns None for a file without a header line. Raises :class:`InputError` for bytes that are
    not UTF-8, naming the line and byte offset.

    Examples
    --------
    >>> t = read_csv_text("\\ufeffid;name\\nlitomerice;Litoměřice\\n".encode(), "cities.csv", "cities")
    >>> t.delimiter, list(t.frame.columns), t.frame.iloc[0]["name"], t.rows
    (';', ['id', 'name'], 'Litoměřice', [2])
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source}: not valid UTF-8 at line {line} (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "expected a UTF-8 encoded CSV file (re-save it as 'CSV UTF-8')"
        ) from None
    if not text.strip():
        return None
    delimiter = _detect_delimiter(text.splitlines()[0], source)
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
    if header is None:
        return None
    frame = (
        pd.DataFrame(body, columns=header, dtype=object)
        if body
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    )
    return RawTable(name=name, source=source, frame=frame, rows=rows, delimiter=delimiter, overflow=overflow)


def _cell_text(v: object) -> str:
    """A spreadsheet cell as text: real Excel dates become ISO dates (``2020-01-01``), whole numbers lose ``.0``.

    >>> import datetime as dt
    >>> _cell_text(dt.datetime(2020, 1, 1)), _cell_text(dt.datetime(2020, 1, 1, 9, 30)), _cell_text(12.0), _cell_text(None)
    ('2020-01-01', '2020-01-01T09:30:00', '12', '')
    """
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
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
        frame = frame.map(_cell_text)
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


def read_package(path: str | Path) -> RawPackage:
    """Read a network package: a folder of ``<table>.csv`` files, or one ``.xlsx`` workbook.

    File names are matched case-insensitively; files that are not netlens tables are reported as
    warnings and ignored. Raises :class:`NotFoundError` if ``path`` does not exist.
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
    return package


# --------------------------------------------------------------------------------------------- CORDIS

#: CORDIS activityType -> netlens organisation type
CORDIS_TYPES = {
    "HES": "university",
    "REC": "research",
    "PRC": "company",
    "PUB": "public_agency",
    "OTH": "other",
}

_CORDIS_REQUIRED = ("rcn", "pic", "role", "type", "country", "start_date", "end_date")


def read_cordis(path: str | Path, *, enrich: bool = True, data_dir: str | Path | None = None) -> RawPackage:
    """Read a CORDIS participation table (one row per project × organisation) into a :class:`RawPackage`.

    The table is the H2020 participation extract described in ``shared/data/cordis-h2020-participation``
    (columns ``rcn, role, pic, type, contribution, country, start_date, end_date, max_contribution, …``).
    If ``programme_parts.csv`` lies beside it, each project gets its programme part(s).
    Without enrichment, organisations are named by their PIC (the file has no names) and projects by their ``rcn``.

    With ``enrich`` (the default), names, cities and acronyms are joined from the other CORDIS extracts found under
    ``data_dir`` (default: the nearest folder above ``path`` holding ``geonames-cities``; see
    :func:`netlens.read.realdata.enrich_cordis`): organisations get their legal name, ``city_name`` and a ``city_id``
    pointing to a geocoded ``cities`` table; projects their acronym, title, topic code and CORDIS link. Absent files
    are skipped silently; ``package.stats`` tells what was found. The result is validated like any network package.
    """
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"{p}: no such file; expected a CORDIS participation CSV")
    if p.is_dir():
        candidates = [f for f in p.iterdir() if f.suffix == ".csv" and f.name != "programme_parts.csv"]
        if len(candidates) != 1:
            raise InputError(f"{p}: expected exactly one participation CSV in the folder, found {len(candidates)}")
        p = candidates[0]
    wanted = set(_CORDIS_REQUIRED) | {"contribution", "total_cost", "max_contribution"}
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=lambda c: c in wanted)
    except UnicodeDecodeError:
        raise InputError(f"{p.name}: not valid UTF-8; expected a UTF-8 CSV") from None
    except Exception as exc:
        raise InputError(f"{p.name}: cannot parse CSV ({exc})") from None
    missing = [c for c in _CORDIS_REQUIRED if c not in df.columns]
    if missing:
        raise InputError(
            f"{p.name}: missing column(s) {', '.join(missing)}; expected a CORDIS participation table "
            f"with columns {', '.join(_CORDIS_REQUIRED)}"
        )
    rows = list(range(2, len(df) + 2))
    df = df.apply(lambda col: col.str.strip())
    df = df.replace({"NA": "", "NaN": "", "nan": ""})  # the extract writes R's NA for missing values
    src = p.name
    package = RawPackage(path=p)

    first = df.drop_duplicates("pic")
    orgs = pd.DataFrame(
        {
            "id": first["pic"].to_numpy(),
            "name": first["pic"].to_numpy(),
            "type": first["type"].map(CORDIS_TYPES).fillna("other").to_numpy(),
            "country": first["country"].to_numpy(),
            "cordis_type": first["type"].to_numpy(),
        },
        dtype=object,
    )
    package.tables["organisations"] = RawTable("organisations", src, orgs, [rows[i] for i in first.index])

    proj_first = df.drop_duplicates("rcn")
    programme = pd.Series("H2020", index=proj_first.index, dtype=object)
    parts_file = p.with_name("programme_parts.csv")
    if parts_file.exists():
        parts = pd.read_csv(parts_file, dtype=str, keep_default_na=False)
        joined = parts.groupby("rcn")["programme_part"].agg(lambda s: "H2020 " + "/".join(sorted(set(s))))
        programme = proj_first["rcn"].map(joined).fillna("H2020")
    budget = proj_first["total_cost"] if "total_cost" in df.columns else pd.Series("", index=proj_first.index)
    projects = pd.DataFrame(
        {
            "id": proj_first["rcn"].to_numpy(),
            "name": proj_first["rcn"].to_numpy(),
            "programme": programme.to_numpy(),
            "start": proj_first["start_date"].to_numpy(),
            "end": proj_first["end_date"].to_numpy(),
            "budget_eur": budget.to_numpy(),
        },
        dtype=object,
    )
    package.tables["projects"] = RawTable("projects", src, projects, [rows[i] for i in proj_first.index])

    contribution = df["contribution"] if "contribution" in df.columns else pd.Series("", index=df.index)
    parts_df = pd.DataFrame(
        {
            "project_id": df["rcn"].to_numpy(),
            "member_id": df["pic"].to_numpy(),
            "role": df["role"].to_numpy(),
            "contribution_eur": contribution.to_numpy(),
        },
        dtype=object,
    )
    package.tables["participations"] = RawTable("participations", src, parts_df, rows)
    if enrich:
        from netlens.read.realdata import enrich_cordis, find_data_dir

        folder = Path(data_dir) if data_dir is not None else find_data_dir(p)
        if folder is not None and folder.is_dir():
            enrich_cordis(package, df, folder)
    return package


#: formats understood by :func:`read_source`
SOURCE_FORMATS = ("package", "cordis", "fp7", "urbact")


def read_source(path: str | Path, fmt: str = "package", *, data_dir: str | Path | None = None, enrich: bool = True) -> RawPackage:
    """Read ``path`` in format ``fmt`` (one of :data:`SOURCE_FORMATS`) into a :class:`RawPackage`.

    - ``package``: a folder of netlens CSV tables or one .xlsx workbook (:func:`read_package`);
    - ``cordis``: the H2020 participation CSV (``cordis-h2020-participation/h2020.csv``) (:func:`read_cordis`);
    - ``fp7``: the folder ``cordis-sod-hackathon/fp7_2016`` (:func:`netlens.read.realdata.read_fp7`);
    - ``urbact``: the folder ``eucicop-interreg-urbact-etmun/urbact`` (:func:`netlens.read.realdata.read_urbact`).

    ``data_dir`` (the folder holding ``geonames-cities`` and the other extracts) and ``enrich`` apply to
    ``cordis`` and ``fp7``; by default the data folder is searched upwards from ``path``.

    >>> read_source(".", "xml")
    Traceback (most recent call last):
    ...
    netlens.errors.UsageError: unknown format 'xml'; expected one of package, cordis, fp7, urbact
    """
    key = fmt.strip().lower()
    if key == "package":
        return read_package(path)
    if key == "cordis":
        return read_cordis(path, enrich=enrich, data_dir=data_dir)
    if key == "fp7":
        from netlens.read.realdata import read_fp7

        return read_fp7(path, data_dir=data_dir, geocode=enrich)
    if key == "urbact":
        from netlens.read.realdata import read_urbact

        return read_urbact(path)
    raise UsageError(f"unknown format {fmt!r}; expected one of {', '.join(SOURCE_FORMATS)}")
