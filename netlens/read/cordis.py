"""CORDIS H2020: the participation extract (one row per project × organisation) and its enrichment.

:func:`read_cordis` takes the participation CSV of ``shared/data/cordis-h2020-participation`` and returns a
:class:`~netlens.read.package.RawPackage` with ``organisations``, ``projects`` and ``participations`` text tables;
:func:`enrich_cordis` adds legal names, cities (geocoded, with a ``cities`` table) and project acronyms from the
dashboard and hackathon extracts of :data:`CORDIS_ENRICHMENT_FILES`. Coverage figures go to ``package.stats``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.read.common import add_geocoded_cities, find_data_dir, geocoder_for, read_columns
from netlens.read.package import RawPackage, RawTable

__all__ = ["CORDIS_TYPES", "CORDIS_ENRICHMENT_FILES", "read_cordis", "enrich_cordis", "fix_mac_roman"]

#: CORDIS activityType -> netlens organisation type
CORDIS_TYPES = {
    "HES": "university",
    "REC": "research",
    "PRC": "company",
    "PUB": "public_agency",
    "OTH": "other",
}

_CORDIS_REQUIRED = ("rcn", "pic", "role", "type", "country", "start_date", "end_date")
#: texts the participation extract writes for a missing value (R's NA). Unlike
#: :data:`netlens.read.common.MISSING_MARKERS` the dot is kept: this file never uses it as a marker.
_CORDIS_NA = {"NA": "", "NaN": "", "nan": ""}

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


# ------------------------------------------------------------------------------------------ participation table


def _participation_file(p: Path) -> Path:
    if not p.exists():
        raise NotFoundError(f"{p}: no such file; expected a CORDIS participation CSV")
    if p.is_dir():
        candidates = [f for f in p.iterdir() if f.suffix == ".csv" and f.name != "programme_parts.csv"]
        if len(candidates) != 1:
            raise InputError(f"{p}: expected exactly one participation CSV in the folder, found {len(candidates)}")
        p = candidates[0]
    return p


def _read_participations(p: Path) -> pd.DataFrame:
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
    df = df.apply(lambda col: col.str.strip())
    return df.replace(_CORDIS_NA)


def _organisations(df: pd.DataFrame, src: str, rows: list[int]) -> RawTable:
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
    return RawTable("organisations", src, orgs, [rows[i] for i in first.index])


def _projects(df: pd.DataFrame, p: Path, rows: list[int]) -> RawTable:
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
    return RawTable("projects", p.name, projects, [rows[i] for i in proj_first.index])


def _participations(df: pd.DataFrame, src: str, rows: list[int]) -> RawTable:
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
    return RawTable("participations", src, parts_df, rows)


def read_cordis(path: str | Path, *, enrich: bool = True, data_dir: str | Path | None = None) -> RawPackage:
    """Read a CORDIS participation table (one row per project × organisation) into a :class:`RawPackage`.

    The table is the H2020 participation extract described in ``shared/data/cordis-h2020-participation``
    (columns ``rcn, role, pic, type, contribution, country, start_date, end_date, max_contribution, …``).
    If ``programme_parts.csv`` lies beside it, each project gets its programme part(s).
    Without enrichment, organisations are named by their PIC (the file has no names) and projects by their ``rcn``.

    Parameters
    ----------
    path : the participation CSV, or a folder holding exactly one (besides ``programme_parts.csv``).
    enrich : join names, cities and acronyms (:func:`enrich_cordis`).
    data_dir : the shared data folder (default: the nearest folder above ``path`` holding ``geonames-cities``).

    Returns
    -------
    The text tables, validated later like any network package. With ``enrich``, organisations get their legal
    name, ``city_name`` and a ``city_id`` pointing to a geocoded ``cities`` table; projects their acronym, title,
    topic code and CORDIS link. Absent files are skipped silently; ``package.stats`` tells what was found.
    """
    p = _participation_file(Path(path))
    df = _read_participations(p)
    rows = list(range(2, len(df) + 2))
    package = RawPackage(path=p)
    package.tables["organisations"] = _organisations(df, p.name, rows)
    package.tables["projects"] = _projects(df, p, rows)
    package.tables["participations"] = _participations(df, p.name, rows)
    if enrich:
        folder = Path(data_dir) if data_dir is not None else find_data_dir(p)
        if folder is not None and folder.is_dir():
            enrich_cordis(package, df, folder)
    return package


# ------------------------------------------------------------------------------------------ enrichment


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
        d = read_columns(f, ("pic", "legal_name", "city", "country_code"), what="a Horizon Dashboard participant export")
        frames.append(d.rename(columns={"legal_name": "name", "country_code": "country"}))
        used.append(f.name)
    for k in ("plus_2023", "plus_2022", "plus_2014", "plus_2007"):
        f = data_dir / CORDIS_ENRICHMENT_FILES[k]
        if f.exists():
            d = read_columns(f, ("pic", "legal_name", "country_code"), what="a cordis-plus participant extract")
            frames.append(d.rename(columns={"legal_name": "name", "country_code": "country"}).assign(city=""))
            used.append(f.name)
    f = data_dir / CORDIS_ENRICHMENT_FILES["stacked"]
    if f.exists():
        d = read_columns(f, ("orgId", "name", "city", "country"), what="the SOD 2017 organisation table")
        d["name"] = d["name"].map(fix_mac_roman)
        d["city"] = d["city"].map(fix_mac_roman)
        frames.append(d.rename(columns={"orgId": "pic"}))
        used.append(f.name)
    f = data_dir / CORDIS_ENRICHMENT_FILES["sod_orgs"]
    if f.exists():
        d = read_columns(f, ("new_org_id", "name", "country"), sep="\t", what="the SOD 2016 organisation table")
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
        sod = read_columns(f, ("rcn", "reference"), sep="\t", what="the SOD 2016 project table")
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


def _name_organisations(package: RawPackage, parts: pd.DataFrame, data_dir: Path, used: list[str]) -> None:
    """Legal name, city and country by PIC; cities geocoded when ``geonames-cities`` is in ``data_dir``."""
    stats = package.stats
    orgs = package.tables["organisations"].frame
    frames, found = _organisation_sources(data_dir)
    used.extend(found)
    if not frames:
        return
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
    geocoder = geocoder_for(data_dir)
    if geocoder is not None:
        add_geocoded_cities(package, orgs, geocoder)
    else:
        stats["organisations with a city"] = int((orgs["city_name"] != "").sum())


def _h2020_projects(data_dir: Path, used: list[str]) -> pd.DataFrame | None:
    f = data_dir / CORDIS_ENRICHMENT_FILES["h2020_projects"]
    if not f.exists():
        return None
    used.append(f.name)
    return read_columns(
        f,
        ("Project Nbr", "Project Acronym", "Project Title", "H2020 EU Contribution (EUR)"),
        what="the H2020 project list (Horizon Dashboard)",
        optional=("Topic Code", "CORDIS link", "Thema", "ToA"),
    )


def _describe_projects(package: RawPackage, parts: pd.DataFrame, data_dir: Path, used: list[str]) -> None:
    """Grant id, acronym, title, topic code and link by grant id (:func:`_grant_for_rcn`)."""
    stats = package.stats
    projects = package.tables["projects"].frame
    h2020 = _h2020_projects(data_dir, used)
    joins = _grant_for_rcn(parts, data_dir, h2020, stats)
    if not len(joins):
        return
    grant = projects["id"].map(joins.set_index("rcn")["grant"])
    how = projects["id"].map(joins.set_index("rcn")["how"])
    projects["grant_id"] = grant.fillna("").to_numpy()
    projects["acronym_join"] = how.fillna("").to_numpy()
    for h in ("sod2016", "contribution"):
        stats[f"projects matched by {h}"] = int((how == h).sum())
    if h2020 is None:
        return
    info = h2020.drop_duplicates("Project Nbr").set_index("Project Nbr")
    acronym = grant.map(info["Project Acronym"]).fillna("")
    projects["name"] = acronym.where(acronym != "", projects["id"]).to_numpy()
    projects["title"] = grant.map(info["Project Title"]).fillna("").to_numpy()
    for src, dst in (("Topic Code", "topics"), ("CORDIS link", "url"), ("Thema", "thema"), ("ToA", "type_of_action")):
        if src in info.columns:
            projects[dst] = grant.map(info[src]).fillna("").str.replace(";", ",").to_numpy()
    stats["projects with acronym"] = int((acronym != "").sum())


def enrich_cordis(package: RawPackage, parts: pd.DataFrame, data_dir: Path) -> None:
    """Add names, cities and acronyms from the files of :data:`CORDIS_ENRICHMENT_FILES` found under ``data_dir``.

    Parameters
    ----------
    package : as returned by :func:`read_cordis` without enrichment; its tables are changed in place.
    parts : the participation table as read by :func:`read_cordis` (text columns ``rcn, pic, country,
        max_contribution``).
    data_dir : the shared data folder. Files that are absent are skipped; the figures go to ``package.stats``.
    """
    stats = package.stats
    stats["organisations"] = len(package.tables["organisations"].frame)
    stats["projects"] = len(package.tables["projects"].frame)
    used: list[str] = []
    _name_organisations(package, parts, data_dir, used)
    _describe_projects(package, parts, data_dir, used)
    stats["enrichment files"] = ", ".join(used)
