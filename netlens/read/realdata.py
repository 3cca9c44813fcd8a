"""Adapters for the real public datasets described in ``shared/data/*/SOURCE.md``.

* :func:`enrich_cordis` adds names, cities and project acronyms to the anonymous H2020 participation
  extract read by :func:`netlens.read.package.read_cordis`;
* :func:`read_fp7` reads the complete FP7 participation graph of the Spaghetti Open Data hackathon
  (``cordis-sod-hackathon/fp7_2016``);
* :func:`read_sod_h2020` reads the H2020 2016 network of the same hackathon (``cordis-sod-hackathon/h2020_2016``);
* :func:`read_urbact` reads the URBACT city networks (``eucicop-interreg-urbact-etmun/urbact``).

All of them return a :class:`~netlens.read.package.RawPackage` of text tables (validated later like any
package) and fill ``package.stats`` with coverage figures. Cities get the id ``gn:<geonameid>`` so that
they never collide with PICs, CORDIS record numbers or other ids of the shared node namespace.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.read.countries import normalise_country
from netlens.read.geocode import Geocoder, match_rate
from netlens.read.package import RawPackage, RawTable

__all__ = [
    "CORDIS_ENRICHMENT_FILES",
    "find_data_dir",
    "city_id",
    "enrich_cordis",
    "read_fp7",
    "read_sod_h2020",
    "read_urbact",
    "fix_mac_roman",
    "geocode_check",
]

#: files used by :func:`enrich_cordis`, relative to the shared data folder (all optional)
CORDIS_ENRICHMENT_FILES = {
    "sod_projects": "cordis-sod-hackathon/h2020_2016/projects.tsv",
    "sod_orgs": "cordis-sod-hackathon/h2020_2016/unique_org.tsv",
    "stacked": "cordis-sod-hackathon/h2020_2017/stacked_dump.csv",
    "h2020_projects": "cordis-h2020-dashboard-extracts/h2020-projects.csv",
    "dashboard_2021": "cordis-h2020-dashboard-extracts/dashboard-export-2021.csv",
    "plus_2023": "cordis-h2020-dashboard-extracts/cordis-plus-2023.csv",
    "plus_2022": "cordis-h2020-dashboard-extracts/cordis-plus-2022.csv",
    "plus_2014": "cordis-h2020-dashboard-extracts/cordis-plus-2014.csv",
    "plus_2007": "cordis-h2020-dashboard-extracts/cordis-plus-2007.csv",
}
GEONAMES_DIR = "geonames-cities"

_MISSING = {"NA", "NaN", "nan", "."}
#: country codes of the FP7 organisation table that are neither ISO nor EU codes
_OLD_COUNTRY_CODES = {"KO": "XK"}  # Kosovo


def city_id(geonameid: int | str) -> str:
    """Node id of a geocoded city.

    >>> city_id(2988507)
    'gn:2988507'
    """
    return f"gn:{geonameid}"


def find_data_dir(start: Path, marker: str = GEONAMES_DIR, levels: int = 3) -> Path | None:
    """The nearest folder at or above ``start`` (a file or folder) that contains ``marker``, or None."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents][: levels + 1]:
        if (candidate / marker).exists():
            return candidate
    return None


def fix_mac_roman(text: str) -> str:
    """Undo UTF-8 text that was decoded as Mac-Roman (``Nantes M√©tropole`` → ``Nantes Métropole``).

    >>> fix_mac_roman("Nantes M√©tropole"), fix_mac_roman("Bilkent √úniversitesi"), fix_mac_roman("√ plain")
    ('Nantes Métropole', 'Bilkent Üniversitesi', '√ plain')
    """
    if not any(c in text for c in "√¬≈ƒ∆"):
        return text
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _read(
    path: Path, columns: Iterable[str], *, sep: str = ",", what: str, encoding: str = "utf-8-sig", optional: Iterable[str] = ()
) -> pd.DataFrame:
    """Read ``columns`` (+ ``optional`` ones when present) of a delimited file as stripped text; ``NA``/``.`` become ''."""
    wanted = set(columns) | set(optional)
    try:
        df = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, encoding=encoding, usecols=lambda c: c.strip() in wanted
        )
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: not valid {encoding} text; expected {what}") from None
    except Exception as exc:  # pandas raises many kinds
        raise InputError(f"{path.name}: cannot parse ({exc}); expected {what}") from None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{path.name}: missing column(s) {', '.join(missing)}; expected {what} with columns {', '.join(columns)}"
        )
    df = df.apply(lambda col: col.str.strip())
    return df.mask(df.isin(_MISSING), "")


def _country(values: pd.Series) -> pd.Series:
    return values.map(lambda v: normalise_country(v) or "" if v else "")


def _geocoder(data_dir: Path | None) -> Geocoder | None:
    if data_dir is None or not (data_dir / GEONAMES_DIR).is_dir():
        return None
    try:
        return Geocoder.from_dir(data_dir / GEONAMES_DIR)
    except NotFoundError:
        return None


def _cities_from_geocoding(
    orgs: pd.DataFrame, geocoder: Geocoder, name_col: str, country_col: str, stats: dict[str, Any], label: str
) -> tuple[pd.Series, pd.DataFrame]:
    """Geocode ``orgs[name_col]`` in ``orgs[country_col]``: (city_id per row, '' if unmatched; cities table)."""
    has = orgs[name_col].ne("") & orgs[country_col].ne("")
    sub = orgs[has]
    res = geocoder.geocode_frame(sub, name_col, country_col)
    pairs = pd.concat([sub[[name_col, country_col]], res["geonameid"]], axis=1).drop_duplicates([name_col, country_col])
    ok = res["geonameid"].notna()
    ids = pd.Series("", index=orgs.index, dtype=object)
    ids[res.index[ok]] = [city_id(int(g)) for g in res.loc[ok, "geonameid"]]
    found = res[ok].drop_duplicates("geonameid")
    cities = pd.DataFrame(
        {
            "id": [city_id(int(g)) for g in found["geonameid"]],
            "name": found["gn_name"].to_numpy(),
            "country": found["gn_country"].to_numpy(),
            "lat": [repr(float(x)) for x in found["lat"]],
            "lon": [repr(float(x)) for x in found["lon"]],
            "population": [str(int(x)) for x in found["population"]],
            "geonameid": [str(int(g)) for g in found["geonameid"]],
        },
        dtype=object,
    )
    stats[f"{label} with a city"] = int(has.sum())
    stats[f"{label} geocoded"] = int(ok.sum())
    stats["city names (name, country)"] = len(pairs)
    stats["city names geocoded"] = int(pairs["geonameid"].notna().sum())
    stats["city match rate"] = round(match_rate(pairs), 4)
    stats["cities"] = len(cities)
    return ids, cities


# ------------------------------------------------------------------------------------------ CORDIS H2020


def _first_nonempty(frames: list[pd.DataFrame], key: str, col: str) -> pd.Series:
    """key -> first non-empty ``col`` over ``frames`` in priority order."""
    parts = [f.loc[f[col] != "", [key, col]].drop_duplicates(key) for f in frames if col in f.columns]
    if not parts:
        return pd.Series(dtype=object)
    both = pd.concat(parts, ignore_index=True).drop_duplicates(key, keep="first")
    return pd.Series(both[col].to_numpy(), index=both[key].to_numpy(), dtype=object)


def _organisation_sources(data_dir: Path) -> tuple[list[pd.DataFrame], list[str]]:
    """(pic, name, city, country) frames in priority order: newest and most complete first."""
    frames: list[pd.DataFrame] = []
    used: list[str] = []
    f = data_dir / CORDIS_ENRICHMENT_FILES["dashboard_2021"]
    if f.exists():
        d = _read(f, ("pic", "legal_name", "city", "country_code"), what="a Horizon Dashboard participant export")
        frames.append(d.rename(columns={"legal_name": "name", "country_code": "country"}))
        used.append(f.name)
    for k in ("plus_2023", "plus_2022", "plus_2014", "plus_2007"):
        f = data_dir / CORDIS_ENRICHMENT_FILES[k]
        if f.exists():
            d = _read(f, ("pic", "legal_name", "country_code"), what="a cordis-plus participant extract")
            frames.append(d.rename(columns={"legal_name": "name", "country_code": "country"}).assign(city=""))
            used.append(f.name)
    f = data_dir / CORDIS_ENRICHMENT_FILES["stacked"]
    if f.exists():
        d = _read(f, ("orgId", "name", "city", "country"), what="the SOD 2017 organisation table")
        d["name"] = d["name"].map(fix_mac_roman)
        d["city"] = d["city"].map(fix_mac_roman)
        frames.append(d.rename(columns={"orgId": "pic"}))
        used.append(f.name)
    f = data_dir / CORDIS_ENRICHMENT_FILES["sod_orgs"]
    if f.exists():
        d = _read(f, ("new_org_id", "name", "country"), sep="\t", what="the SOD 2016 organisation table")
        d = d[d["new_org_id"].str.fullmatch(r"\d{9}")]  # the others are md5 surrogates, not PICs
        frames.append(d.rename(columns={"new_org_id": "pic"}).assign(city=""))
        used.append(f.name)
    for fr in frames:
        fr["city"] = fr["city"].str.replace(r"\s+", " ", regex=True)
    return frames, used


def _grant_for_rcn(parts: pd.DataFrame, data_dir: Path, h2020: pd.DataFrame | None, stats: dict[str, Any]) -> pd.DataFrame:
    """rcn -> grant id (``Project Nbr``) and how it was found.

    1. ``sod2016``: the SOD 2016 project table lists rcn and grant id (``reference``) side by side;
    2. ``contribution``: ``max_contribution`` equals ``H2020 EU Contribution (EUR)`` and the amount is unique on both
       sides (SOURCE.md: reliable for collaborative projects; agrees with join 1 for 99.9 % of the projects both reach).
    A grant is used for one rcn only; earlier rules win.
    """
    found: list[pd.DataFrame] = []
    f = data_dir / CORDIS_ENRICHMENT_FILES["sod_projects"]
    if f.exists():
        sod = _read(f, ("rcn", "reference"), sep="\t", what="the SOD 2016 project table")
        sod = sod[(sod["rcn"] != "") & (sod["reference"] != "")].drop_duplicates("rcn")
        found.append(pd.DataFrame({"rcn": sod["rcn"], "grant": sod["reference"], "how": "sod2016"}))

    # 2. unique EU contribution
    if h2020 is not None and "max_contribution" in parts.columns:
        amount = pd.to_numeric(h2020["H2020 EU Contribution (EUR)"], errors="coerce").round(2)
        g = pd.DataFrame({"grant": h2020["Project Nbr"], "amount": amount}).dropna()
        g = g[~g["amount"].duplicated(keep=False)]
        r = parts.drop_duplicates("rcn")
        r = pd.DataFrame({"rcn": r["rcn"], "amount": pd.to_numeric(r["max_contribution"], errors="coerce").round(2)}).dropna()
        r = r[~r["amount"].duplicated(keep=False)]
        j = r.merge(g, on="amount")
        found.append(pd.DataFrame({"rcn": j["rcn"], "grant": j["grant"], "how": "contribution"}))

    if not found:
        return pd.DataFrame({"rcn": [], "grant": [], "how": []}, dtype=object)
    allj = pd.concat(found, ignore_index=True)
    allj = allj[allj["rcn"].isin(set(parts["rcn"]))]
    # agreement of the heuristics with the exact table, where both apply
    exact = allj[allj["how"] == "sod2016"].set_index("rcn")["grant"]
    for how in ("contribution",):
        h = allj[allj["how"] == how]
        both = h[h["rcn"].isin(exact.index)]
        if len(both):
            agree = int((both["grant"].to_numpy() == exact.loc[both["rcn"]].to_numpy()).sum())
            stats[f"acronym join '{how}' agrees with 'sod2016'"] = f"{agree}/{len(both)}"
    allj = allj.drop_duplicates("rcn", keep="first").drop_duplicates("grant", keep="first")
    return allj


def enrich_cordis(package: RawPackage, parts: pd.DataFrame, data_dir: Path) -> None:
    """Add names, cities and acronyms from the files of :data:`CORDIS_ENRICHMENT_FILES` found under ``data_dir``.

    ``parts`` is the participation table as read by :func:`netlens.read.package.read_cordis` (text columns
    ``rcn, pic, country, max_contribution``). Files that are absent are skipped; the figures go to ``package.stats``.
    """
    stats = package.stats
    orgs = package.tables["organisations"].frame
    projects = package.tables["projects"].frame
    stats["organisations"] = len(orgs)
    stats["projects"] = len(projects)

    # ---- organisations: legal name and city by PIC
    frames, used = _organisation_sources(data_dir)
    if frames:
        names = _first_nonempty(frames, "pic", "name")
        cities = _first_nonempty(frames, "pic", "city")
        countries = _first_nonempty(frames, "pic", "country")
        named = orgs["id"].map(names)
        orgs["name"] = named.fillna(orgs["id"]).to_numpy()
        orgs["city_name"] = orgs["id"].map(cities).fillna("").to_numpy()
        country = orgs["country"].where(orgs["country"] != "", orgs["id"].map(countries).fillna(""))
        orgs["country"] = country.to_numpy()
        stats["organisations named"] = int(named.notna().sum())
        stats["participations with a named organisation"] = int(parts["pic"].isin(names.index).sum())
        stats["participations"] = len(parts)
        geocoder = _geocoder(data_dir)
        if geocoder is not None:
            orgs["_iso"] = _country(orgs["country"])
            ids, table = _cities_from_geocoding(orgs, geocoder, "city_name", "_iso", stats, "organisations")
            orgs["city_id"] = ids.to_numpy()
            del orgs["_iso"]
            if len(table):
                package.tables["cities"] = RawTable(
                    "cities", f"{GEONAMES_DIR} (geocoded organisation cities)", table, list(range(2, len(table) + 2))
                )
        else:
            stats["organisations with a city"] = int((orgs["city_name"] != "").sum())

    # ---- projects: acronym, title, topic by grant id
    f = data_dir / CORDIS_ENRICHMENT_FILES["h2020_projects"]
    h2020 = None
    if f.exists():
        h2020 = _read(
            f,
            ("Project Nbr", "Project Acronym", "Project Title", "H2020 EU Contribution (EUR)"),
            what="the H2020 project list (Horizon Dashboard)",
            optional=("Topic Code", "CORDIS link", "Thema", "ToA"),
        )
        used.append(f.name)
    joins = _grant_for_rcn(parts, data_dir, h2020, stats)
    if len(joins):
        grant = projects["id"].map(joins.set_index("rcn")["grant"])
        how = projects["id"].map(joins.set_index("rcn")["how"])
        projects["grant_id"] = grant.fillna("").to_numpy()
        projects["acronym_join"] = how.fillna("").to_numpy()
        for h in ("sod2016", "contribution"):
            stats[f"projects matched by {h}"] = int((how == h).sum())
        if h2020 is not None:
            info = h2020.drop_duplicates("Project Nbr").set_index("Project Nbr")
            acronym = grant.map(info["Project Acronym"]).fillna("")
            projects["name"] = acronym.where(acronym != "", projects["id"]).to_numpy()
            projects["title"] = grant.map(info["Project Title"]).fillna("").to_numpy()
            for src, dst in (("Topic Code", "topics"), ("CORDIS link", "url"), ("Thema", "thema"), ("ToA", "type_of_action")):
                if src in info.columns:
                    projects[dst] = grant.map(info[src]).fillna("").str.replace(";", ",").to_numpy()
            stats["projects with acronym"] = int((acronym != "").sum())
    stats["enrichment files"] = ", ".join(used)


# ------------------------------------------------------------------------------------------ SOD / FP7


def _read_conflicted_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a ';'-separated CSV whose first lines may hold an unresolved git merge conflict in the header.

    The header between ``=======`` and ``>>>>>>>`` (the incoming side) is kept; rows are numbered as in the file.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not valid UTF-8 (byte {exc.start}); expected a UTF-8 CSV") from None
    lines = text.splitlines(keepends=True)
    skip = 0
    if lines and lines[0].startswith("<<<<<<<"):
        try:
            mid = next(i for i, ln in enumerate(lines) if ln.startswith("======="))
            end = next(i for i, ln in enumerate(lines) if ln.startswith(">>>>>>>"))
        except StopIteration:
            raise InputError(
                f"{path.name}: line 1 starts a git merge conflict that is never closed; expected one header line"
            ) from None
        header = "".join(lines[mid + 1 : end])
        body_start = end + 1
        text = header + "".join(lines[body_start:])
        skip = body_start - 1  # file lines dropped before the body, beyond the one header line
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


def _read_edges(path: Path) -> pd.DataFrame:
    e = _read(path, ("projectRcn", "new_org_id"), sep="\t", what="a project–organisation edge list (tab-separated)")
    e = e[(e["projectRcn"] != "") & (e["new_org_id"] != "")]
    return e


def _sod_package(
    folder: Path,
    edges_file: Path,
    orgs: pd.DataFrame,
    org_rows: list[int],
    org_source: str,
    programme: str,
    data_dir: Path | None,
    projects: pd.DataFrame | None = None,
) -> RawPackage:
    package = RawPackage(path=folder)
    stats = package.stats
    edges = _read_edges(edges_file)
    stats["edges"] = len(edges)
    dup = edges.duplicated(["projectRcn", "new_org_id"])
    stats["duplicate edges dropped"] = int(dup.sum())
    edges = edges[~dup]
    dup_org = orgs["id"].duplicated()
    stats["duplicate organisation ids dropped"] = int(dup_org.sum())
    keep = ~dup_org.to_numpy()
    orgs = orgs[keep].reset_index(drop=True)
    org_rows = [r for r, k in zip(org_rows, keep, strict=True) if k]
    stats["organisations"] = len(orgs)
    stats["organisations in edges"] = int(edges["new_org_id"].nunique())
    if "city_name" in orgs.columns:
        geocoder = _geocoder(data_dir)
        if geocoder is not None:
            orgs["_iso"] = _country(orgs["country"])
            ids, table = _cities_from_geocoding(orgs, geocoder, "city_name", "_iso", stats, "organisations")
            orgs["city_id"] = ids.to_numpy()
            orgs = orgs.drop(columns="_iso")
            if len(table):
                package.tables["cities"] = RawTable(
                    "cities", f"{GEONAMES_DIR} (geocoded organisation cities)", table, list(range(2, len(table) + 2))
                )
    package.tables["organisations"] = RawTable("organisations", org_source, orgs, org_rows)
    if projects is None:
        rcn = pd.unique(edges["projectRcn"])
        projects = pd.DataFrame({"id": rcn, "name": rcn, "programme": programme}, dtype=object)
        prow = list(range(2, len(projects) + 2))
        psource = f"{edges_file.name} (distinct projectRcn)"
    else:
        prow = list(range(2, len(projects) + 2))
        psource = "projects.tsv"
    stats["projects"] = len(projects)
    package.tables["projects"] = RawTable("projects", psource, projects, prow)
    parts = pd.DataFrame(
        {"project_id": edges["projectRcn"].to_numpy(), "member_id": edges["new_org_id"].to_numpy()}, dtype=object
    )
    stats["participations"] = len(parts)
    package.tables["participations"] = RawTable("participations", edges_file.name, parts, [i + 2 for i in edges.index])
    return package


def read_fp7(path: str | Path, *, data_dir: str | Path | None = None, geocode: bool = True) -> RawPackage:
    """Read the complete FP7 participation graph (``cordis-sod-hackathon/fp7_2016``: ``fp7orgs.csv`` + ``fp7edges.tsv``).

    ``fp7edges.tsv`` lists one (projectRcn, new_org_id) pair per participation, so it *is* the participation
    table; ``fp7orgs.csv`` gives organisation name, city and country (ids are md5 surrogates, not PICs).
    Projects are named by their record number (no acronyms or dates exist for them in the shared data) and get
    programme ``FP7``. Organisation cities are geocoded with GeoNames when ``geonames-cities`` is found in
    ``data_dir`` (default: searched upwards from ``path``).
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
    raw, rows = _read_conflicted_csv(orgs_file)
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
    dd = Path(data_dir) if data_dir is not None else find_data_dir(folder)
    return _sod_package(folder, edges_file, orgs, rows, orgs_file.name, "FP7", dd if geocode else None)


def read_sod_h2020(path: str | Path) -> RawPackage:
    """Read the Spaghetti Open Data H2020 2016 network (``cordis-sod-hackathon/h2020_2016``).

    ``edges.tsv`` (projectRcn, new_org_id) is the participation table, ``unique_org.tsv`` the organisations
    (PIC or md5 surrogate, name, country), ``projects.tsv`` the projects (rcn, acronym, dates, topics).
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    files = {n: folder / n for n in ("edges.tsv", "unique_org.tsv", "projects.tsv")}
    for f in files.values():
        if not f.exists():
            raise NotFoundError(f"{f}: not found; the SOD H2020 folder needs edges.tsv, unique_org.tsv and projects.tsv")
    o = _read(files["unique_org.tsv"], ("new_org_id", "name", "country"), sep="\t", what="the SOD organisation table")
    orgs = pd.DataFrame(
        {"id": o["new_org_id"], "name": o["name"].where(o["name"] != "", o["new_org_id"]), "country": o["country"]}, dtype=object
    )
    p = _read(
        files["projects.tsv"],
        ("rcn", "acronym", "startDate", "endDate"),
        sep="\t",
        what="the SOD project table",
        optional=("reference", "topics", "programme", "ecMaxContribution"),
    )
    projects = pd.DataFrame(
        {
            "id": p["rcn"],
            "name": p["acronym"].where(p["acronym"] != "", p["rcn"]),
            "programme": p["programme"] if "programme" in p.columns else "H2020",
            "start": p["startDate"],
            "end": p["endDate"],
            "topics": p["topics"].str.replace(",", ";") if "topics" in p.columns else "",
            "grant_id": p["reference"] if "reference" in p.columns else "",
        },
        dtype=object,
    ).reset_index(drop=True)
    return _sod_package(
        folder,
        files["edges.tsv"],
        orgs.reset_index(drop=True),
        [i + 2 for i in o.index],
        files["unique_org.tsv"].name,
        "H2020",
        None,
        projects,
    )


# ------------------------------------------------------------------------------------------ URBACT

URBACT_MEMBERSHIP = "URBACT_Membership_GNidCorr_complete_V2.csv"
URBACT_NETWORKS = "UrbactNetworks_complete_V2.csv"
_URBACT_REQUIRED = ("Code_Network", "NameCity", "Country", "City.Statut", "geonameId", "lng_GN", "lat_GN")
_U00A0 = re.compile(r"<U\+00A0>")


def _text_table(path: Path, what: str) -> tuple[pd.DataFrame, list[int]]:
    from netlens.read.package import read_csv_text

    table = read_csv_text(path.read_bytes(), path.name, path.stem)
    if table is None:
        raise InputError(f"{path.name}: file is empty; expected {what}")
    return table.frame, table.rows


def _year(value: str, month_day: str) -> str:
    return f"{value}-{month_day}" if re.fullmatch(r"\d{4}", value or "") else ""


def _decimal(value: str) -> str:
    return value.replace(",", ".") if value else ""


def read_urbact(path: str | Path) -> RawPackage:
    """Read the URBACT city networks (folder ``eucicop-interreg-urbact-etmun/urbact`` or its membership CSV).

    Each network (``Code_Network``) becomes a project ``urbact:<code>`` with programme ``URBACT``; each member
    city a city ``gn:<geonameId>`` with the GeoNames coordinates of the file; each membership a participation with
    role ``lead partner`` or ``partner`` (a city listed twice in one network is kept once, lead role first).
    Network names, key words, phase and dates come from ``UrbactNetworks_complete_V2.csv`` when present;
    populations from ``../cities/UniqueGN_info_AllDB_Corr.csv`` when present.
    """
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"{p}: no such file or folder; expected the urbact folder with {URBACT_MEMBERSHIP}")
    folder = p if p.is_dir() else p.parent
    mfile = folder / URBACT_MEMBERSHIP if p.is_dir() else p
    if not mfile.exists():
        raise NotFoundError(f"{mfile}: not found; expected the URBACT membership table {URBACT_MEMBERSHIP}")
    m, rows = _text_table(mfile, "the URBACT membership table")
    missing = [c for c in _URBACT_REQUIRED if c not in m.columns]
    if missing:
        raise InputError(
            f"{mfile.name}: missing column(s) {', '.join(missing)}; expected the URBACT membership table with "
            f"columns {', '.join(_URBACT_REQUIRED)}"
        )
    package = RawPackage(path=folder)
    stats = package.stats
    m = m.mask(m.isin(_MISSING), "").assign(_row=rows)
    stats["memberships"] = len(m)
    no_gn = m["geonameId"].isin(["", "NA"])
    stats["memberships without geonameId"] = int(no_gn.sum())
    m = m[~no_gn].copy()
    code = m["CodeCity"] if "CodeCity" in m.columns else m["_row"].astype(str)
    # the file writes the placeholder GN00 for a place it could not geocode: give it an URBACT-based id instead
    m["member_id"] = np.where(m["geonameId"].str.fullmatch(r"\d+"), "gn:" + m["geonameId"], "urbact-city:" + code)
    m["project_id"] = "urbact:" + m["Code_Network"]
    m["role"] = m["City.Statut"].str.lower()

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
        info = _read(
            gn_info, ("geonameId", "population", "lng_GN", "lat_GN"), what="the GeoNames place table of the EUCICOP databases"
        )
        info = info.drop_duplicates("geonameId").set_index("geonameId")
        gid = first["geonameId"]
        cities["population"] = gid.map(info["population"]).fillna("").str.replace(r"\.0$", "", regex=True).to_numpy()
        for dst, src in (("lat", "lat_GN"), ("lon", "lng_GN")):
            known = gid.map(info[src]).fillna("").map(_decimal).to_numpy()
            cities[dst] = np.where(cities[dst] == "", known, cities[dst])
    stats["cities without coordinates"] = int(((cities["lat"] == "") | (cities["lon"] == "")).sum())
    package.tables["cities"] = RawTable("cities", mfile.name, cities, first["_row"].tolist())
    stats["cities"] = len(cities)

    nfile = folder / URBACT_NETWORKS
    codes = pd.unique(m["Code_Network"])
    if nfile.exists():
        n, nrows = _text_table(nfile, "the URBACT network table")
        need = ("Code_Network", "Name")
        missing = [c for c in need if c not in n.columns]
        if missing:
            raise InputError(f"{nfile.name}: missing column(s) {', '.join(missing)}; expected {', '.join(need)}")
        n = n.assign(_row=nrows).drop_duplicates("Code_Network").set_index("Code_Network")

        def col(c: str) -> pd.Series:
            return n[c] if c in n.columns else pd.Series("", index=n.index, dtype=object)

        keywords = (col("Main.Key.Word") + "/" + col("Additionnal.key.words")).map(
            lambda s: ";".join(dict.fromkeys(w.strip() for w in _U00A0.sub(" ", s).replace(";", "/").split("/") if w.strip()))
        )
        net = pd.DataFrame(
            {
                "id": "urbact:" + n.index.to_series(),
                "name": n["Name"].where(n["Name"] != "", n.index.to_series()),
                "title": col("Description"),
                "programme": "URBACT",
                "start": col("Start").map(lambda v: _year(v, "01-01")),
                "end": col("End").map(lambda v: _year(v, "12-31")),
                "topics": keywords,
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
        net = net.loc[list(codes)].reset_index(drop=True)
        prow = n.loc[list(codes), "_row"].tolist()
        psource = nfile.name
    else:
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
        prow = first_net["_row"].tolist()
        psource = mfile.name
    package.tables["projects"] = RawTable("projects", psource, net, prow)
    stats["networks"] = len(net)

    m["_lead"] = m["role"].eq("lead partner")
    m = m.sort_values("_lead", ascending=False, kind="stable")
    dup = m.duplicated(["project_id", "member_id"])
    stats["duplicate memberships dropped"] = int(dup.sum())
    m = m[~dup].sort_values("_row", kind="stable")
    parts = pd.DataFrame(
        {"project_id": m["project_id"].to_numpy(), "member_id": m["member_id"].to_numpy(), "role": m["role"].to_numpy()},
        dtype=object,
    )
    package.tables["participations"] = RawTable("participations", mfile.name, parts, m["_row"].tolist())
    stats["participations"] = len(parts)
    return package


def geocode_check(
    cities: pd.DataFrame, geocoder: Geocoder, name_col: str = "name", country_col: str = "country", id_col: str = "geonameid"
) -> dict[str, float]:
    """Geocode ``cities`` independently and compare with the GeoNames ids they already carry.

    Returns ``{"match rate": …, "same place": …}`` (shares of rows; ``same place`` among matched rows).
    """
    res = geocoder.geocode_frame(cities, name_col, country_col)
    ok = res["geonameid"].notna()
    same = res.loc[ok, "geonameid"].astype("int64").to_numpy() == pd.to_numeric(cities.loc[ok, id_col]).to_numpy()
    return {"match rate": match_rate(res), "same place": float(np.mean(same)) if len(same) else 0.0}
