"""Validate a network package and turn its text tables into typed tables.

Takes a :class:`~netlens.read.package.RawPackage` (text tables with file names and row numbers) and returns a
:class:`~netlens.model.network.Network` plus a list of :class:`Issue`. :func:`validate` reports *every* problem at
once, each naming the file, the spreadsheet row (header = row 1), the column, the value and what was expected.
Errors block a load; warnings (a city without coordinates, an unknown extra file) do not.

The typed tables are what the rest of netlens works with: ids and names as ``str``, dates as
:class:`datetime.date`, numbers as ``float``/``int``, ``;``-lists as ``list[str]``, and ``None`` for an empty cell.
Extra columns are kept (as stripped text) and become node/relationship properties. The table specs live in
:mod:`netlens.validation.specs`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from netlens.errors import ValidationFailed
from netlens.model.network import Network, Tables
from netlens.read.countries import normalise_country
from netlens.read.package import RawPackage, RawTable
from netlens.validation.specs import (
    EXPECT,
    MEMBER_TABLES,
    NODE_TABLES,
    RELATION_TABLES,
    RESERVED_EXTRA,
    SPECS,
    TABLE_NAMES,
    ColumnSpec,
    TableSpec,
)
from netlens.validation.text import FORBIDDEN_XML_RE, INVISIBLE_RE, bad_column_name, forbidden_xml, invisible
from netlens.values import is_missing, parse_date, split_list

__all__ = ["Issue", "Tables", "validate", "validate_or_raise", "empty_tables"]


@dataclass(frozen=True)
class Issue:
    """One problem found in a package."""

    severity: str  # "error" | "warning"
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        value = f" {self.value!r}:" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}:{value} {self.message}"


def empty_tables() -> dict[str, pd.DataFrame]:
    """All eight tables with their spec columns and no rows (a mutable dict, for building a network by hand).

    >>> t = empty_tables()
    >>> list(t) == list(TABLE_NAMES), list(t["tandems"].columns)
    (True, ['a_id', 'b_id', 'topic', 'since', 'until'])
    """
    return {name: pd.DataFrame({c: pd.Series([], dtype=object) for c in SPECS[name].column_names}) for name in TABLE_NAMES}


class _Collector:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, severity: str, table: RawTable | str, row: int | None, column: str | None, value: Any, message: str) -> None:
        file = table.source if isinstance(table, RawTable) else table
        self.issues.append(Issue(severity, file, row, column, None if value is None else str(value), message))


# ------------------------------------------------------------------------------------------ cell values


def _parse_float(v: str) -> float:
    # not values.number: that one returns NaN instead of raising. Python's float() accepts "1_000"; the message
    # says "no thousands separator", so digit separators are refused here
    if "_" in v or " " in v:
        raise ValueError
    f = float(v)
    if not math.isfinite(f):
        raise ValueError
    return f


#: the largest whole number both stores hold (a 64-bit integer)
_MAX_INT = 2**63 - 1


class _OutOfRange(ValueError):
    """A parsed value outside the range of its column; the text is the end of the message."""


def _parse_int(v: str) -> int:
    f = _parse_float(v)
    if f != int(f):
        raise ValueError
    n = int(v) if v.lstrip("+-").isdigit() else int(f)
    if abs(n) > _MAX_INT:
        raise _OutOfRange(f"is too large; expected a whole number the store can hold (at most {_MAX_INT})")
    return n


_PARSERS: dict[str, Callable[[str], Any]] = {
    "date": parse_date,
    "float": _parse_float,
    "int": _parse_int,
    "lat": _parse_float,
    "lon": _parse_float,
}
#: columns whose numbers may not be negative
_NON_NEGATIVE = ("population", "budget_eur")


def _parse(spec: ColumnSpec, v: str) -> Any:
    """``v`` parsed by the parser of ``spec.kind``; ValueError when it fails or is out of range."""
    parsed = _PARSERS[spec.kind](v)
    if spec.kind == "lat" and not -90 <= parsed <= 90:
        raise ValueError
    if spec.kind == "lon" and not -180 <= parsed <= 180:
        raise ValueError
    if spec.kind in ("int", "float") and spec.name in _NON_NEGATIVE and parsed < 0:
        raise _OutOfRange("must be ≥ 0")
    return parsed


def _convert_value(raw: RawTable, spec: ColumnSpec, v: str, row: int, out: _Collector) -> Any:
    """The typed value of the non-empty cell ``v``; a problem is reported to ``out``."""
    if spec.kind in _PARSERS:
        try:
            return _parse(spec, v)
        except _OutOfRange as exc:
            out.add("error", raw, row, spec.name, v, str(exc))
            return None
        except ValueError:
            out.add("error", raw, row, spec.name, v, f"is not {EXPECT[spec.kind]}")
            return None
    if spec.kind == "country":
        code = normalise_country(v)
        if code is None:
            out.add("error", raw, row, spec.name, v, f"is not {EXPECT['country']}")
        return code
    if spec.kind == "list":
        return split_list(v)
    if spec.kind == "enum":
        low = v.lower().replace(" ", "_").replace("-", "_")
        if low not in spec.choices:
            out.add(spec.enum_severity, raw, row, spec.name, v, f"is not one of {', '.join(spec.choices)}")
            return low if spec.enum_severity == "warning" else None
        return low
    return v


def _convert_column(raw: RawTable, spec: ColumnSpec, out: _Collector) -> list[Any]:
    result: list[Any] = []
    for v, row in zip(raw.frame[spec.name].tolist(), raw.rows):
        v = "" if v is None else str(v)
        if v == "":
            if spec.required:
                out.add("error", raw, row, spec.name, None, f"is empty; expected {EXPECT.get(spec.kind, 'text')}")
            result.append(None)
        else:
            result.append(_convert_value(raw, spec, v, row, out))
    return result


# ------------------------------------------------------------------------------------------ one table


def _check_header(raw: RawTable, spec: TableSpec, out: _Collector) -> bool:
    """Report duplicate, empty and missing required column names; True when the table can be typed."""
    cols = [str(c) for c in raw.frame.columns]
    seen: set[str] = set()
    for c in cols:
        if c in seen:
            out.add("error", raw, 1, c, None, "appears twice in the header; expected each column once")
        seen.add(c)
    if "" in cols:
        out.add("error", raw, 1, None, None, "the header has an empty column name")
    missing = [c.name for c in spec.columns if c.required and c.name not in cols]
    needs = ", ".join(c.name for c in spec.columns if c.required)
    for m in missing:
        out.add("error", raw, 1, m, None, f"required column is missing; {raw.name} needs {needs}")
    return not missing and len(seen) == len(cols)


def _extra_columns(raw: RawTable, data: dict[str, list[Any]], out: _Collector) -> None:
    """Columns beyond the spec as stripped text ('' -> None), except the names the graph store reserves."""
    for c in [str(c) for c in raw.frame.columns]:
        if c in data:
            continue
        if c.lower() in RESERVED_EXTRA:
            out.add("warning", raw, 1, c, None, "is reserved by the graph store; the column is ignored")
            continue
        problem = bad_column_name(c)
        if problem is not None:
            out.add("error", raw, 1, c, None, problem)
            continue
        data[c] = [v if v != "" else None for v in raw.frame[c].tolist()]


#: columns whose values are names or ids: invisible characters in them get a warning
_NAME_COLUMNS = ("id", "name", "title")


def _check_characters(raw: RawTable, out: _Collector) -> None:
    """Cells with characters XML 1.0 forbids (errors) and names with bidi or zero-width characters (warnings)."""
    for c in raw.frame.columns:
        col = raw.frame[c].astype(str)
        checks = [("error", FORBIDDEN_XML_RE, forbidden_xml)]
        if str(c) in _NAME_COLUMNS:
            checks.append(("warning", INVISIBLE_RE, invisible))
        for severity, pattern, check in checks:
            hits = col.str.contains(pattern, regex=True)
            for i in hits.to_numpy().nonzero()[0]:
                value = col.iloc[i]
                out.add(severity, raw, raw.rows[i], str(c), value, check(value) or "")


def _typed_table(raw: RawTable, spec: TableSpec, out: _Collector) -> pd.DataFrame | None:
    """The typed table (spec columns, then extras, then ``_row``), or None when its header is unusable."""
    if not _check_header(raw, spec, out):
        return None
    n_cols = len(raw.frame.columns)
    for row, text in raw.overflow:
        message = f"row has more cells than the header has columns ({n_cols}); check quoting of {raw.delimiter!r}"
        out.add("error", raw, row, None, text, message)
    _check_characters(raw, out)
    cols = {str(c) for c in raw.frame.columns}
    data: dict[str, list[Any]] = {}
    for col in spec.columns:
        data[col.name] = _convert_column(raw, col, out) if col.name in cols else [None] * len(raw.frame)
    _extra_columns(raw, data, out)
    if not raw.rows:
        out.add("warning", raw, None, None, None, "has a header but no rows")
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = raw.rows
    return frame


def _key_text(v: Any) -> str:
    return "" if is_missing(v) else str(v)


def _check_keys(raw: RawTable, spec: TableSpec, frame: pd.DataFrame, out: _Collector) -> None:
    key = list(spec.key)
    # missing values (None, NaN) compare as "" so that two rows without a topic are duplicates too
    sub = pd.DataFrame({k: [_key_text(v) for v in frame[k]] for k in key}, index=frame.index)
    dup = sub.duplicated(keep="first")
    if not dup.any():
        return
    what = "id" if key == ["id"] else "(" + ", ".join(key) + ")"
    first_rows: dict[tuple[str, ...], int] = {}
    for vals, row, is_dup in zip(sub.itertuples(index=False, name=None), frame["_row"], dup):
        if not is_dup:
            first_rows.setdefault(vals, row)
            continue
        out.add(
            "error",
            raw,
            row,
            key[0] if len(key) == 1 else None,
            ", ".join(v for v in vals if v),
            f"duplicate {what}; first used in row {first_rows[vals]}; expected each {what} once",
        )


# ------------------------------------------------------------------------------------------ the package

_Typed = dict[str, pd.DataFrame]
_Raws = dict[str, RawTable]


def _typed_tables(package: RawPackage, out: _Collector) -> tuple[_Typed, _Raws]:
    """All eight typed tables (absent or unusable ones empty) and the raw tables that were typed."""
    tables = empty_tables()
    raws: _Raws = {}
    for name in TABLE_NAMES:
        raw = package.tables.get(name)
        if raw is None:
            continue
        frame = _typed_table(raw, SPECS[name], out)
        if frame is None:
            continue
        raws[name] = raw
        _check_keys(raw, SPECS[name], frame, out)
        tables[name] = frame
    return tables, raws


def _check_presence(package: RawPackage, raws: _Raws, out: _Collector) -> None:
    """A package needs a member table and a relation table."""
    present = set(raws) | set(package.tables) | package.unreadable  # an unreadable table is reported already
    where = str(package.path.name)
    if not (set(MEMBER_TABLES) & present):
        out.add("error", where, None, None, None, "no cities or organisations table; a package needs one of them")
    if not (set(RELATION_TABLES) & present):
        message = "no relation table; a package needs one of participations, attendances, tandems, transfers"
        out.add("error", where, None, None, None, message)


def _check_id_namespace(tables: _Typed, raws: _Raws, ids: dict[str, set[str]], out: _Collector) -> None:
    """One id namespace for all nodes: a later table may not reuse an id of an earlier one."""
    for i, name in enumerate(NODE_TABLES[1:], start=1):
        if name not in raws:
            continue
        for oid, row in zip(tables[name]["id"], tables[name]["_row"]):
            for earlier in NODE_TABLES[:i]:
                if oid in ids[earlier]:
                    message = (
                        f"is also an id in {earlier}; ids must be unique across cities, organisations, projects and exchanges"
                    )
                    out.add("error", raws[name], row, "id", oid, message)


def _check_references(tables: _Typed, raws: _Raws, ids: dict[str, set[str]], unusable: set[str], out: _Collector) -> None:
    """Every referencing column points to an id of one of its tables.

    A column referring to a table that was present but ``unusable`` (unreadable, or with a broken header) is not
    checked: its ids are unknown, and one "unknown id" per row would hide the root cause, reported once already.
    """
    for name, raw in raws.items():
        frame = tables[name]
        for col in SPECS[name].columns:
            if not col.ref:
                continue
            broken = [r for r in col.ref if r in unusable]
            if broken:
                message = f"references not checked: {' and '.join(broken)} could not be read (see the error above)"
                out.add("warning", raw, None, col.name, None, message)
                continue
            allowed = set().union(*(ids[r] for r in col.ref))
            targets = " or ".join(col.ref)
            for v, row in zip(frame[col.name], frame["_row"]):
                if v is not None and v not in allowed:
                    out.add("error", raw, row, col.name, v, f"references an unknown id; expected an id from {targets}")


def _check_has_rows(package: RawPackage, raws: _Raws, out: _Collector) -> None:
    """A package whose tables all have a header and no rows has nothing to load: one error says so."""
    if raws and not any(raw.rows for raw in raws.values()):
        message = "the package has no rows: every table has a header only; expected data rows below the headers"
        out.add("error", str(package.path.name), None, None, None, message)


def _check_cross_fields(tables: _Typed, raws: _Raws, out: _Collector) -> None:
    """Ends not before starts; the two members of a tandem or transfer differ."""
    for name, a, b in (("projects", "start", "end"), ("tandems", "since", "until")):
        if name in raws:
            f = tables[name]
            for s, e, row in zip(f[a], f[b], f["_row"]):
                if s is not None and e is not None and e < s:
                    out.add("error", raws[name], row, b, e.isoformat(), f"is before {a} ({s.isoformat()})")
    for name, a, b in (("tandems", "a_id", "b_id"), ("transfers", "from_id", "to_id")):
        if name in raws:
            f = tables[name]
            for x, y, row in zip(f[a], f[b], f["_row"]):
                if x is not None and x == y:
                    out.add("error", raws[name], row, b, y, f"equals {a}; a pair needs two different members")


def _warn_missing_coordinates(tables: _Typed, raws: _Raws, out: _Collector) -> None:
    if "cities" not in raws:
        return
    c = tables["cities"]
    for cid, lat, lon, row in zip(c["id"], c["lat"], c["lon"], c["_row"]):
        if cid is not None and (lat is None or lon is None):
            message = f"city {cid!r} has no coordinates (lat, lon); it is left out of --geo maps"
            out.add("warning", raws["cities"], row, None, None, message)


def _finish(tables: _Typed) -> None:
    """Drop the row numbers; organisations inherit the country of their city when they have none."""
    for name in list(tables):
        if "_row" in tables[name]:
            tables[name] = tables[name].drop(columns="_row")
    if len(tables["organisations"]) and len(tables["cities"]):
        city_country = dict(zip(tables["cities"]["id"], tables["cities"]["country"]))
        org = tables["organisations"]
        org["country"] = [c if c is not None else city_country.get(cid) for c, cid in zip(org["country"], org["city_id"])]


def validate(package: RawPackage) -> tuple[Network, list[Issue]]:
    """Check every table of ``package`` and return ``(typed tables, issues)``.

    Parameters
    ----------
    package : the text tables (:func:`netlens.read.read_source`).

    Returns
    -------
    The network (tables absent from the package come back empty, with their columns) and the issues, errors
    first, then by file and row. Errors do not stop the checking: all problems are collected. Rows with errors
    are still returned; callers must not load a package that has any ``severity == "error"`` issue
    (:func:`validate_or_raise` enforces that).
    """
    out = _Collector()
    for severity, source, message in package.problems:
        out.add(severity, source, None, None, None, message)
    tables, raws = _typed_tables(package, out)
    _check_presence(package, raws, out)
    ids: dict[str, set[str]] = {n: set(tables[n]["id"].dropna()) for n in NODE_TABLES}
    _check_id_namespace(tables, raws, ids, out)
    unusable = set(package.unreadable) | (set(package.tables) - set(raws))
    _check_references(tables, raws, ids, unusable, out)
    _check_has_rows(package, raws, out)
    _check_cross_fields(tables, raws, out)
    _warn_missing_coordinates(tables, raws, out)
    _finish(tables)
    order = {"error": 0, "warning": 1}
    issues = sorted(out.issues, key=lambda i: (order.get(i.severity, 2), i.file, i.row or 0))
    return Network.from_tables(tables), issues


def validate_or_raise(package: RawPackage) -> tuple[Network, list[Issue]]:
    """Like :func:`validate` but raise :class:`ValidationFailed` (with all issues) if any error was found.

    Parameters
    ----------
    package : the text tables.

    Returns
    -------
    ``(network, warnings)`` when there is no error; the message of the exception lists the first 50 errors.
    """
    tables, issues = validate(package)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        shown = "\n".join(str(i) for i in errors[:50])
        more = f"\n… and {len(errors) - 50} more errors" if len(errors) > 50 else ""
        raise ValidationFailed(f"{len(errors)} error(s) in {package.path}:\n{shown}{more}", issues)
    return tables, issues
