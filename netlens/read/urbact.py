"""URBACT city networks (``shared/data/eucicop-interreg-urbact-etmun/urbact``).

:func:`read_urbact` takes the folder (or its membership CSV) and returns a
:class:`~netlens.read.package.RawPackage`: each network a project ``urbact:<code>``, each member city a city
``gn:<geonameId>`` with the GeoNames coordinates of the file, each membership a participation. Coverage figures
go to ``package.stats``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.read.common import MISSING_MARKERS, read_columns
from netlens.read.package import RawPackage, RawTable, read_csv_text

__all__ = ["URBACT_MEMBERSHIP", "URBACT_NETWORKS", "read_urbact"]

URBACT_MEMBERSHIP = "URBACT_Membership_GNidCorr_complete_V2.csv"
URBACT_NETWORKS = "UrbactNetworks_complete_V2.csv"
_URBACT_REQUIRED = ("Code_Network", "NameCity", "Country", "City.Statut", "geonameId", "lng_GN", "lat_GN")
_U00A0 = re.compile(r"<U\+00A0>")


def _text_table(path: Path, what: str) -> tuple[pd.DataFrame, list[int]]:
    table = read_csv_text(path.read_bytes(), path.name, path.stem)
    if table is None:
        raise InputError(f"{path.name}: file is empty; expected {what}")
    return table.frame, table.rows


def _year(value: str, month_day: str) -> str:
    """``2015`` -> ``2015-<month_day>``; anything else -> '' (the files give years, the tables want dates)."""
    return f"{value}-{month_day}" if re.fullmatch(r"\d{4}", value or "") else ""


def _decimal(value: str) -> str:
    return value.replace(",", ".") if value else ""


def _keywords(text: str) -> str:
    """``/``- or ``;``-separated key words as one ``;``-list, each once (the file writes ``<U+00A0>`` for a space)."""
    return ";".join(dict.fromkeys(w.strip() for w in _U00A0.sub(" ", text).replace(";", "/").split("/") if w.strip()))


def _memberships(m: pd.DataFrame, rows: list[int], stats: dict[str, object]) -> pd.DataFrame:
    """The membership rows with a place: ``member_id``, ``project_id``, ``role`` and the file row ``_row`` added."""
    m = m.mask(m.isin(MISSING_MARKERS), "").assign(_row=rows)
    stats["memberships"] = len(m)
    no_gn = m["geonameId"].isin(["", "NA"])
    stats["memberships without geonameId"] = int(no_gn.sum())
    m = m[~no_gn].copy()
    code = m["CodeCity"] if "CodeCity" in m.columns else m["_row"].astype(str)
    # the file writes the placeholder GN00 for a place it could not geocode: give it an URBACT-based id instead
    m["member_id"] = np.where(m["geonameId"].str.fullmatch(r"\d+"), "gn:" + m["geonameId"], "urbact-city:" + code)
    m["project_id"] = "urbact:" + m["Code_Network"]
    m["role"] = m["City.Statut"].str.lower()
    return m


def _add_gn_info(cities: pd.DataFrame, gid: pd.Series, gn_info: Path) -> None:
    """Populations, and coordinates the membership table lacks, from the GeoNames place table of the databases."""
    info = read_columns(
        gn_info, ("geonameId", "population", "lng_GN", "lat_GN"), what="the GeoNames place table of the EUCICOP databases"
    )
    info = info.drop_duplicates("geonameId").set_index("geonameId")
    cities["population"] = gid.map(info["population"]).fillna("").str.replace(r"\.0$", "", regex=True).to_numpy()
    for dst, src in (("lat", "lat_GN"), ("lon", "lng_GN")):
        known = gid.map(info[src]).fillna("").map(_decimal).to_numpy()
        cities[dst] = np.where(cities[dst] == "", known, cities[dst])


def _cities(m: pd.DataFrame, folder: Path, source: str, stats: dict[str, object]) -> RawTable:
    """One city per member id: its first row with coordinates, else its first row."""
    has_xy = (m["lat_GN"] != "") & (m["lng_GN"] != "")
    first = m.assign(_xy=has_xy).sort_values("_xy", ascending=False, kind="stable").drop_duplicates("member_id")
    first = first.sort_values("_row", kind="stable")
    cities = pd.DataFrame(
        {
            "id": first["member_id"].to_numpy(),
            "name": first["NameCity"].where(first["NameCity"] != "", first.get("asciiName", first["NameCity"])).to_numpy(),
            "country": first["Country"].to_numpy(),
            "lat": first["lat_GN"].map(_decimal).to_numpy(),
            "lon": first["lng_GN"].map(_decimal).to_numpy(),
            "geonameid": first["geonameId"].to_numpy(),
        },
        dtype=object,
    )
    if "CodeCity" in first.columns:
        cities["urbact_code"] = first["CodeCity"].to_numpy()
    gn_info = folder.parent / "cities" / "UniqueGN_info_AllDB_Corr.csv"
    if gn_info.exists():
        _add_gn_info(cities, first["geonameId"], gn_info)
    stats["cities without coordinates"] = int(((cities["lat"] == "") | (cities["lon"] == "")).sum())
    return RawTable("cities", source, cities, first["_row"].tolist())


def _networks_from_table(nfile: Path, codes: list[str], mfile: Path) -> RawTable:
    """Projects from the network table: names, key words, phase and dates."""
    n, nrows = _text_table(nfile, "the URBACT network table")
    need = ("Code_Network", "Name")
    missing = [c for c in need if c not in n.columns]
    if missing:
        raise InputError(f"{nfile.name}: missing column(s) {', '.join(missing)}; expected {', '.join(need)}")
    n = n.assign(_row=nrows).drop_duplicates("Code_Network").set_index("Code_Network")

    def col(c: str) -> pd.Series:
        return n[c] if c in n.columns else pd.Series("", index=n.index, dtype=object)

    net = pd.DataFrame(
        {
            "id": "urbact:" + n.index.to_series(),
            "name": n["Name"].where(n["Name"] != "", n.index.to_series()),
            "title": col("Description"),
            "programme": "URBACT",
            "start": col("Start").map(lambda v: _year(v, "01-01")),
            "end": col("End").map(lambda v: _year(v, "12-31")),
            "topics": (col("Main.Key.Word") + "/" + col("Additionnal.key.words")).map(_keywords),
            "url": col("Url"),
            "phase": col("Phase"),
            "network_type": col("Type"),
            "members": col("Members"),
        },
        dtype=object,
    )
    unknown = [c for c in codes if c not in n.index]
    if unknown:
        raise InputError(f"{mfile.name}: Code_Network {unknown[0]!r} (and {len(unknown) - 1} more) not in {nfile.name}")
    net = net.loc[codes].reset_index(drop=True)
    return RawTable("projects", nfile.name, net, n.loc[codes, "_row"].tolist())


def _networks_from_memberships(m: pd.DataFrame, mfile: Path) -> RawTable:
    """Projects from the membership table alone (no network table): its network name and years, if any."""
    first_net = m.drop_duplicates("Code_Network")
    net = pd.DataFrame(
        {
            "id": first_net["project_id"].to_numpy(),
            "name": first_net["Network"].to_numpy() if "Network" in m.columns else first_net["project_id"].to_numpy(),
            "programme": "URBACT",
            "start": first_net["Start"].map(lambda v: _year(v, "01-01")).to_numpy() if "Start" in m.columns else "",
            "end": first_net["End"].map(lambda v: _year(v, "12-31")).to_numpy() if "End" in m.columns else "",
        },
        dtype=object,
    )
    return RawTable("projects", mfile.name, net, first_net["_row"].tolist())


def _participations(m: pd.DataFrame, source: str, stats: dict[str, object]) -> RawTable:
    """One participation per (network, city), the lead partner row first, in file order."""
    m["_lead"] = m["role"].eq("lead partner")
    m = m.sort_values("_lead", ascending=False, kind="stable")
    dup = m.duplicated(["project_id", "member_id"])
    stats["duplicate memberships dropped"] = int(dup.sum())
    m = m[~dup].sort_values("_row", kind="stable")
    parts = pd.DataFrame(
        {"project_id": m["project_id"].to_numpy(), "member_id": m["member_id"].to_numpy(), "role": m["role"].to_numpy()},
        dtype=object,
    )
    return RawTable("participations", source, parts, m["_row"].tolist())


def _membership_file(p: Path) -> tuple[Path, Path]:
    if not p.exists():
        raise NotFoundError(f"{p}: no such file or folder; expected the urbact folder with {URBACT_MEMBERSHIP}")
    folder = p if p.is_dir() else p.parent
    mfile = folder / URBACT_MEMBERSHIP if p.is_dir() else p
    if not mfile.exists():
        raise NotFoundError(f"{mfile}: not found; expected the URBACT membership table {URBACT_MEMBERSHIP}")
    return folder, mfile


def read_urbact(path: str | Path) -> RawPackage:
    """Read the URBACT city networks (folder ``eucicop-interreg-urbact-etmun/urbact`` or its membership CSV).

    Each network (``Code_Network``) becomes a project ``urbact:<code>`` with programme ``URBACT``; each member
    city a city ``gn:<geonameId>`` with the GeoNames coordinates of the file; each membership a participation with
    role ``lead partner`` or ``partner`` (a city listed twice in one network is kept once, lead role first).
    Network names, key words, phase and dates come from ``UrbactNetworks_complete_V2.csv`` when present;
    populations from ``../cities/UniqueGN_info_AllDB_Corr.csv`` when present.

    Parameters
    ----------
    path : the urbact folder or the membership CSV.

    Returns
    -------
    The ``cities``, ``projects`` and ``participations`` text tables.
    """
    folder, mfile = _membership_file(Path(path))
    raw, rows = _text_table(mfile, "the URBACT membership table")
    missing = [c for c in _URBACT_REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(
            f"{mfile.name}: missing column(s) {', '.join(missing)}; expected the URBACT membership table with "
            f"columns {', '.join(_URBACT_REQUIRED)}"
        )
    package = RawPackage(path=folder)
    stats = package.stats
    m = _memberships(raw, rows, stats)
    package.tables["cities"] = _cities(m, folder, mfile.name, stats)
    stats["cities"] = len(package.tables["cities"].frame)
    nfile = folder / URBACT_NETWORKS
    if nfile.exists():
        package.tables["projects"] = _networks_from_table(nfile, list(pd.unique(m["Code_Network"])), mfile)
    else:
        package.tables["projects"] = _networks_from_memberships(m, mfile)
    stats["networks"] = len(package.tables["projects"].frame)
    package.tables["participations"] = _participations(m, mfile.name, stats)
    stats["participations"] = len(package.tables["participations"].frame)
    return package
