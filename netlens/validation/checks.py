"""Validate a network package and turn its text tables into typed tables.

:func:`validate` reports *every* problem at once, each as an :class:`Issue` naming the file, the
spreadsheet row (header = row 1), the column, the value and what was expected. Errors block a load;
warnings (a city without coordinates, an unknown extra file) do not.

The typed tables (:data:`Tables`) are what the rest of netlens works with: ids and names as ``str``,
dates as :class:`datetime.date`, numbers as ``float``/``int``, ``;``-lists as ``list[str]``, and ``None``
for an empty cell. Extra columns are kept (as stripped text) and become node/relationship properties.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from netlens.errors import ValidationFailed
from netlens.model.network import Network, Tables
from netlens.read.countries import normalise_country
from netlens.read.package import TABLE_NAMES, RawPackage, RawTable

__all__ = [
    "Issue",
    "ColumnSpec",
    "TableSpec",
    "SPECS",
    "ORGANISATION_TYPES",
    "EXCHANGE_TYPES",
    "ATTENDANCE_ROLES",
    "Tables",
    "validate",
    "validate_or_raise",
    "empty_tables",
]


ORGANISATION_TYPES = (
    "municipality",
    "company",
    "university",
    "research",
    "ngo",
    "innovation_hub",
    "public_agency",
    "network",
    "other",
)
EXCHANGE_TYPES = ("study_visit", "webinar", "workshop", "mentoring", "conference", "tandem_meeting", "other")
ATTENDANCE_ROLES = ("host", "speaker", "participant")

#: Property names the embedded store (kglite) fills in by itself on every node; extra columns may not use them.
RESERVED_EXTRA = {"title", "type", "id", "labels"}


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


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str = "str"  # str | id | date | float | int | country | list | enum | lat | lon
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: tuple[str, ...] = ()  # tables whose ids this column must reference
    enum_severity: str = "error"


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]  # columns that must be unique together

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


MEMBER = ("cities", "organisations")

SPECS: dict[str, TableSpec] = {
    "cities": TableSpec(
        "cities",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("country", "country", True),
            ColumnSpec("lat", "lat"),
            ColumnSpec("lon", "lon"),
            ColumnSpec("population", "int"),
            ColumnSpec("tags", "list"),
        ),
        ("id",),
    ),
    "organisations": TableSpec(
        "organisations",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("type", "enum", choices=ORGANISATION_TYPES),
            ColumnSpec("city_id", "id", ref=("cities",)),
            ColumnSpec("country", "country"),
        ),
        ("id",),
    ),
    "projects": TableSpec(
        "projects",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("title"),
            ColumnSpec("programme"),
            ColumnSpec("start", "date"),
            ColumnSpec("end", "date"),
            ColumnSpec("budget_eur", "float"),
            ColumnSpec("topics", "list"),
            ColumnSpec("url"),
        ),
        ("id",),
    ),
    "participations": TableSpec(
        "participations",
        (
            ColumnSpec("project_id", "id", True, ref=("projects",)),
            ColumnSpec("member_id", "id", True, ref=MEMBER),
            ColumnSpec("role"),
            ColumnSpec("contribution_eur", "float"),
        ),
        ("project_id", "member_id"),
    ),
    "exchanges": TableSpec(
        "exchanges",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("type", "enum", True, choices=EXCHANGE_TYPES),
            ColumnSpec("date", "date", True),
            ColumnSpec("title"),
            ColumnSpec("host_id", "id", ref=MEMBER),
            ColumnSpec("project_id", "id", ref=("projects",)),
            ColumnSpec("topics", "list"),
        ),
        ("id",),
    ),
    "attendances": TableSpec(
        "attendances",
        (
            ColumnSpec("exchange_id", "id", True, ref=("exchanges",)),
            ColumnSpec("member_id", "id", True, ref=MEMBER),
            ColumnSpec("role", "enum", choices=ATTENDANCE_ROLES, enum_severity="warning"),
        ),
        ("exchange_id", "member_id"),
    ),
    "tandems": TableSpec(
        "tandems",
        (
            ColumnSpec("a_id", "id", True, ref=MEMBER),
            ColumnSpec("b_id", "id", True, ref=MEMBER),
            ColumnSpec("topic"),
            ColumnSpec("since", "date"),
            ColumnSpec("until", "date"),
        ),
        ("a_id", "b_id", "topic"),
    ),
    "transfers": TableSpec(
        "transfers",
        (
            ColumnSpec("from_id", "id", True, ref=MEMBER),
            ColumnSpec("to_id", "id", True, ref=MEMBER),
            ColumnSpec("solution", "str", True),
            ColumnSpec("topic"),
            ColumnSpec("date", "date"),
        ),
        ("from_id", "to_id", "solution"),
    ),
}

RELATION_TABLES = ("participations", "attendances", "tandems", "transfers")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(v: str) -> _dt.date:
    if not _DATE_RE.match(v):
        raise ValueError
    return _dt.date.fromisoformat(v)


def _parse_float(v: str) -> float:
    f = float(v.replace("_", "").replace(" ", ""))
    if not math.isfinite(f):
        raise ValueError
    return f


def _parse_int(v: str) -> int:
    f = _parse_float(v)
    if f != int(f):
        raise ValueError
    return int(f)


def _split_list(v: str) -> list[str]:
    return [x.strip() for x in v.split(";") if x.strip()]


_EXPECT = {
    "id": "an id",
    "str": "text",
    "enum": "one of the listed values",
    "date": "an ISO date YYYY-MM-DD",
    "float": "a number (dot as decimal separator, no thousands separator)",
    "int": "a whole number",
    "lat": "a latitude between -90 and 90",
    "lon": "a longitude between -180 and 180",
    "country": "an ISO 3166 alpha-2 country code such as CZ or FR (EL and UK are accepted)",
}


def empty_tables() -> dict[str, pd.DataFrame]:
    """All eight tables with their spec columns and no rows (a mutable dict, for building a network by hand)."""
    return {name: pd.DataFrame({c: pd.Series([], dtype=object) for c in SPECS[name].column_names}) for name in TABLE_NAMES}


class _Collector:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, severity: str, table: RawTable | str, row: int | None, column: str | None, value: Any, message: str) -> None:
        file = table.source if isinstance(table, RawTable) else table
        self.issues.append(Issue(severity, file, row, column, None if value is None else str(value), message))


def _convert_column(raw: RawTable, spec: ColumnSpec, out: _Collector) -> list[Any]:
    values = raw.frame[spec.name].tolist()
    result: list[Any] = []
    parsers: dict[str, Callable[[str], Any]] = {
        "date": _parse_date,
        "float": _parse_float,
        "int": _parse_int,
        "lat": _parse_float,
        "lon": _parse_float,
    }
    for v, row in zip(values, raw.rows):
        v = "" if v is None else str(v)
        if v == "":
            if spec.required:
                out.add("error", raw, row, spec.name, None, f"is empty; expected {_EXPECT.get(spec.kind, 'text')}")
            result.append(None)
            continue
        if spec.kind in parsers:
            try:
                parsed = parsers[spec.kind](v)
                if spec.kind == "lat" and not -90 <= parsed <= 90:
                    raise ValueError
                if spec.kind == "lon" and not -180 <= parsed <= 180:
                    raise ValueError
                if spec.kind in ("int", "float") and spec.name in ("population", "budget_eur") and parsed < 0:
                    raise ValueError
            except ValueError:
                out.add("error", raw, row, spec.name, v, f"is not {_EXPECT[spec.kind]}")
                parsed = None
            result.append(parsed)
        elif spec.kind == "country":
            code = normalise_country(v)
            if code is None:
                out.add("error", raw, row, spec.name, v, f"is not {_EXPECT['country']}")
            result.append(code)
        elif spec.kind == "list":
            result.append(_split_list(v))
        elif spec.kind == "enum":
            low = v.lower().replace(" ", "_").replace("-", "_")
            if low not in spec.choices:
                out.add(spec.enum_severity, raw, row, spec.name, v, f"is not one of {', '.join(spec.choices)}")
                result.append(low if spec.enum_severity == "warning" else None)
            else:
                result.append(low)
        else:
            result.append(v)
    return result


def _typed_table(raw: RawTable, spec: TableSpec, out: _Collector) -> pd.DataFrame | None:
    cols = [str(c) for c in raw.frame.columns]
    seen: set[str] = set()
    for c in cols:
        if c in seen:
            out.add("error", raw, 1, c, None, "appears twice in the header; expected each column once")
        seen.add(c)
    if "" in cols:
        out.add("error", raw, 1, None, None, "the header has an empty column name")
    missing = [c.name for c in spec.columns if c.required and c.name not in cols]
    for m in missing:
        out.add(
            "error",
            raw,
            1,
            m,
            None,
            f"required column is missing; {raw.name} needs {', '.join(c.name for c in spec.columns if c.required)}",
        )
    if missing or len(seen) != len(cols):
        return None
    for row, text in raw.overflow:
        out.add(
            "error",
            raw,
            row,
            None,
            text,
            f"row has more cells than the header has columns ({len(cols)}); check quoting of {raw.delimiter!r}",
        )
    data: dict[str, list[Any]] = {}
    for col in spec.columns:
        if col.name in cols:
            data[col.name] = _convert_column(raw, col, out)
        else:
            data[col.name] = [None] * len(raw.frame)
    for c in cols:
        if c in data:
            continue
        if c.lower() in RESERVED_EXTRA:
            out.add("warning", raw, 1, c, None, "is reserved by the graph store; the column is ignored")
            continue
        data[c] = [v if v != "" else None for v in raw.frame[c].tolist()]
    if not raw.rows:
        out.add("warning", raw, None, None, None, "has a header but no rows")
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = raw.rows
    return frame


def _key_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _check_keys(raw: RawTable, spec: TableSpec, frame: pd.DataFrame, out: _Collector) -> None:
    key = list(spec.key)
    # missing values (None, NaN) compare as "" so that two rows without a topic are duplicates too
    sub = pd.DataFrame({k: [_key_text(v) for v in frame[k]] for k in key}, index=frame.index)
    dup = sub.duplicated(keep="first")
    if dup.any():
        first_rows: dict[tuple[str, ...], int] = {}
        for vals, row, is_dup in zip(sub.itertuples(index=False, name=None), frame["_row"], dup):
            if not is_dup:
                first_rows.setdefault(vals, row)
            else:
                what = "id" if key == ["id"] else "(" + ", ".join(key) + ")"
                out.add(
                    "error",
                    raw,
                    row,
                    key[0] if len(key) == 1 else None,
                    ", ".join(v for v in vals if v),
                    f"duplicate {what}; first used in row {first_rows[vals]}; expected each {what} once",
                )


def validate(package: RawPackage) -> tuple[Network, list[Issue]]:
    """Check every table of ``package`` and return ``(typed tables, issues)``.

    Tables absent from the package come back empty (with their columns). Errors do not stop the
    checking: all problems are collected. Rows with errors are still returned; callers must not load
    a package that has any ``severity == "error"`` issue (:func:`validate_or_raise` enforces that).
    """
    out = _Collector()
    for severity, source, message in package.problems:
        out.add(severity, source, None, None, None, message)
    tables = empty_tables()
    raws: dict[str, RawTable] = {}
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

    present = set(raws) | {n for n in package.tables}
    if not ({"cities", "organisations"} & present):
        out.add(
            "error", str(package.path.name), None, None, None, "no cities or organisations table; a package needs one of them"
        )
    if not (set(RELATION_TABLES) & present):
        out.add(
            "error",
            str(package.path.name),
            None,
            None,
            None,
            "no relation table; a package needs one of participations, attendances, tandems, transfers",
        )

    ids: dict[str, set[str]] = {n: set(tables[n]["id"].dropna()) for n in ("cities", "organisations", "projects", "exchanges")}
    # one id namespace for all nodes: a later table may not reuse an id of an earlier one
    owners = ("cities", "organisations", "projects", "exchanges")
    for i, name in enumerate(owners[1:], start=1):
        if name not in raws:
            continue
        for oid, row in zip(tables[name]["id"], tables[name]["_row"]):
            for earlier in owners[:i]:
                if oid in ids[earlier]:
                    out.add(
                        "error",
                        raws[name],
                        row,
                        "id",
                        oid,
                        f"is also an id in {earlier}; ids must be unique across cities, organisations, projects and exchanges",
                    )

    for name, raw in raws.items():
        frame = tables[name]
        for col in SPECS[name].columns:
            if not col.ref:
                continue
            allowed = set().union(*(ids[r] for r in col.ref))
            targets = " or ".join(col.ref)
            for v, row in zip(frame[col.name], frame["_row"]):
                if v is not None and v not in allowed:
                    out.add("error", raw, row, col.name, v, f"references an unknown id; expected an id from {targets}")

    # cross-field checks
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

    # warnings that do not block
    if "cities" in raws:
        c = tables["cities"]
        for cid, lat, lon, row in zip(c["id"], c["lat"], c["lon"], c["_row"]):
            if cid is not None and (lat is None or lon is None):
                out.add(
                    "warning",
                    raws["cities"],
                    row,
                    None,
                    None,
                    f"city {cid!r} has no coordinates (lat, lon); it is left out of --geo maps",
                )
    for name in list(tables):
        if "_row" in tables[name]:
            tables[name] = tables[name].drop(columns="_row")
    # organisations inherit the country of their city when they have none
    if len(tables["organisations"]) and len(tables["cities"]):
        city_country = dict(zip(tables["cities"]["id"], tables["cities"]["country"]))
        org = tables["organisations"]
        org["country"] = [c if c is not None else city_country.get(cid) for c, cid in zip(org["country"], org["city_id"])]
    order = {"error": 0, "warning": 1}
    issues = sorted(out.issues, key=lambda i: (order.get(i.severity, 2), i.file, i.row or 0))
    return Network.from_tables(tables), issues


def validate_or_raise(package: RawPackage) -> tuple[Network, list[Issue]]:
    """Like :func:`validate` but raise :class:`ValidationFailed` (with all issues) if any error was found."""
    tables, issues = validate(package)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        shown = "\n".join(str(i) for i in errors[:50])
        more = f"\n… and {len(errors) - 50} more errors" if len(errors) > 50 else ""
        raise ValidationFailed(f"{len(errors)} error(s) in {package.path}:\n{shown}{more}", issues)
    return tables, issues
