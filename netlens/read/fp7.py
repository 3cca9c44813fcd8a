"""FP7: the complete participation graph of the Spaghetti Open Data hackathon (``cordis-sod-hackathon/fp7_2016``).

:func:`read_fp7` takes the folder holding ``fp7orgs.csv`` (organisations; its header may carry an unresolved git
merge conflict, :func:`read_conflicted_csv`) and ``fp7edges.tsv`` (participations) and returns a
:class:`~netlens.read.package.RawPackage` built by :func:`netlens.read.sod.sod_package`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.read.common import find_data_dir
from netlens.read.package import RawPackage
from netlens.read.sod import sod_package

__all__ = ["read_fp7", "read_conflicted_csv"]

#: country codes of the FP7 organisation table that are neither ISO nor EU codes
_OLD_COUNTRY_CODES = {"KO": "XK"}  # Kosovo


def _resolve_conflict(path: Path, text: str) -> tuple[str, int]:
    """(text with the incoming header of a merge conflict in line 1, file lines dropped beyond one header line)."""
    lines = text.splitlines(keepends=True)
    if not (lines and lines[0].startswith("<<<<<<<")):
        return text, 0
    try:
        mid = next(i for i, ln in enumerate(lines) if ln.startswith("======="))
        end = next(i for i, ln in enumerate(lines) if ln.startswith(">>>>>>>"))
    except StopIteration:
        raise InputError(
            f"{path.name}: line 1 starts a git merge conflict that is never closed; expected one header line"
        ) from None
    header = "".join(lines[mid + 1 : end])
    body_start = end + 1
    return header + "".join(lines[body_start:]), body_start - 1


def read_conflicted_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a ';'-separated CSV whose first lines may hold an unresolved git merge conflict in the header.

    The header between ``=======`` and ``>>>>>>>`` (the incoming side) is kept; rows are numbered as in the file.

    Returns
    -------
    (text frame with stripped cells, short rows padded with '' and long ones cut; file row of each record).
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not valid UTF-8 (byte {exc.start}); expected a UTF-8 CSV") from None
    text, skip = _resolve_conflict(path, text)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header_row: list[str] | None = None
    body: list[list[str]] = []
    rows: list[int] = []
    for rec in reader:
        if header_row is None:
            header_row = [h.strip() for h in rec]
            continue
        if not any(c.strip() for c in rec):
            continue
        cells = [c.strip() for c in rec][: len(header_row)]
        body.append(cells + [""] * (len(header_row) - len(cells)))
        rows.append(reader.line_num + skip)
    if header_row is None:
        raise InputError(f"{path.name}: file is empty; expected a header row")
    return pd.DataFrame(body, columns=header_row, dtype=object), rows


def _fp7_organisations(orgs_file: Path) -> tuple[pd.DataFrame, list[int]]:
    raw, rows = read_conflicted_csv(orgs_file)
    need = ("new_org_id", "name", "country", "city")
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise InputError(f"{orgs_file.name}: missing column(s) {', '.join(missing)}; expected {', '.join(need)}")
    orgs = pd.DataFrame(
        {
            "id": raw["new_org_id"].to_numpy(),
            "name": raw["name"].where(raw["name"] != "", raw["new_org_id"]).to_numpy(),
            "country": raw["country"].str.upper().replace(_OLD_COUNTRY_CODES).to_numpy(),
            "city_name": raw["city"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        },
        dtype=object,
    )
    if "shortName" in raw.columns:
        orgs["short_name"] = raw["shortName"].to_numpy()
    return orgs, rows


def read_fp7(path: str | Path, *, data_dir: str | Path | None = None, geocode: bool = True) -> RawPackage:
    """Read the complete FP7 participation graph (``cordis-sod-hackathon/fp7_2016``: ``fp7orgs.csv`` + ``fp7edges.tsv``).

    ``fp7edges.tsv`` lists one (projectRcn, new_org_id) pair per participation, so it *is* the participation
    table; ``fp7orgs.csv`` gives organisation name, city and country (ids are md5 surrogates, not PICs).
    Projects are named ``FP7 RCN <record number>`` (no acronyms, titles or dates exist for them in the shared data) and get
    programme ``FP7``.

    Parameters
    ----------
    path : the folder, or a file inside it.
    data_dir : the shared data folder (default: searched upwards from ``path``).
    geocode : geocode organisation cities with GeoNames when ``geonames-cities`` is in ``data_dir``.
    """
    folder = Path(path)
    if not folder.exists():
        raise NotFoundError(f"{folder}: no such folder; expected cordis-sod-hackathon/fp7_2016 with fp7orgs.csv and fp7edges.tsv")
    if folder.is_file():
        folder = folder.parent
    orgs_file, edges_file = folder / "fp7orgs.csv", folder / "fp7edges.tsv"
    for f in (orgs_file, edges_file):
        if not f.exists():
            raise NotFoundError(f"{f}: not found; an FP7 folder needs fp7orgs.csv and fp7edges.tsv")
    orgs, rows = _fp7_organisations(orgs_file)
    dd = Path(data_dir) if data_dir is not None else find_data_dir(folder)
    return sod_package(folder, edges_file, orgs, rows, orgs_file.name, "FP7", dd if geocode else None)
