"""The networks of the Spaghetti Open Data hackathon (``shared/data/cordis-sod-hackathon``).

:func:`read_sod_h2020` takes the folder ``h2020_2016`` (``edges.tsv``, ``unique_org.tsv``, ``projects.tsv``) and
returns a :class:`~netlens.read.package.RawPackage`; :func:`sod_package` builds the package shared by it and the
FP7 reader (:mod:`netlens.read.fp7`) from an edge list (one ``projectRcn, new_org_id`` pair per participation)
and an organisation table. Coverage figures go to ``package.stats``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from netlens.errors import NotFoundError
from netlens.read.common import add_geocoded_cities, geocoder_for, read_columns
from netlens.read.package import RawPackage, RawTable

__all__ = ["read_edges", "sod_package", "read_sod_h2020"]


def read_edges(path: Path) -> pd.DataFrame:
    """The (projectRcn, new_org_id) pairs of a tab-separated edge list, rows with an empty side dropped."""
    e = read_columns(path, ("projectRcn", "new_org_id"), sep="\t", what="a project–organisation edge list (tab-separated)")
    e = e[(e["projectRcn"] != "") & (e["new_org_id"] != "")]
    return e


def _unique_organisations(orgs: pd.DataFrame, org_rows: list[int], stats: dict[str, Any]) -> tuple[pd.DataFrame, list[int]]:
    dup_org = orgs["id"].duplicated()
    stats["duplicate organisation ids dropped"] = int(dup_org.sum())
    keep = ~dup_org.to_numpy()
    orgs = orgs[keep].reset_index(drop=True)
    org_rows = [r for r, k in zip(org_rows, keep, strict=True) if k]
    return orgs, org_rows


def sod_package(
    folder: Path,
    edges_file: Path,
    orgs: pd.DataFrame,
    org_rows: list[int],
    org_source: str,
    programme: str,
    data_dir: Path | None,
    projects: pd.DataFrame | None = None,
) -> RawPackage:
    """The package of an SOD network: organisations, projects and the participations of ``edges_file``.

    Parameters
    ----------
    folder : the package path.
    edges_file : the edge list (:func:`read_edges`); duplicate pairs are dropped.
    orgs, org_rows, org_source : the organisation text table (``id``, ``name``, ``country``, maybe ``city_name``),
        its file rows and file name; duplicate ids are dropped (first kept).
    programme : the programme of projects made from the edge list when ``projects`` is None.
    data_dir : the shared data folder; organisation cities are geocoded when it holds ``geonames-cities``.
    projects : the project text table, when the network has one.
    """
    package = RawPackage(path=folder)
    stats = package.stats
    edges = read_edges(edges_file)
    stats["edges"] = len(edges)
    dup = edges.duplicated(["projectRcn", "new_org_id"])
    stats["duplicate edges dropped"] = int(dup.sum())
    edges = edges[~dup]
    orgs, org_rows = _unique_organisations(orgs, org_rows, stats)
    stats["organisations"] = len(orgs)
    stats["organisations in edges"] = int(edges["new_org_id"].nunique())
    if "city_name" in orgs.columns:
        geocoder = geocoder_for(data_dir)
        if geocoder is not None:
            orgs = add_geocoded_cities(package, orgs, geocoder)
    package.tables["organisations"] = RawTable("organisations", org_source, orgs, org_rows)
    if projects is None:
        rcn = pd.unique(edges["projectRcn"])
        # no acronym or title exists for these record numbers in the shared data: say what the number is
        names = [f"{programme} RCN {r}" for r in rcn]
        projects = pd.DataFrame({"id": rcn, "name": names, "programme": programme}, dtype=object)
        psource = f"{edges_file.name} (distinct projectRcn)"
    else:
        psource = "projects.tsv"
    stats["projects"] = len(projects)
    package.tables["projects"] = RawTable("projects", psource, projects, list(range(2, len(projects) + 2)))
    parts = pd.DataFrame(
        {"project_id": edges["projectRcn"].to_numpy(), "member_id": edges["new_org_id"].to_numpy()}, dtype=object
    )
    stats["participations"] = len(parts)
    package.tables["participations"] = RawTable("participations", edges_file.name, parts, [i + 2 for i in edges.index])
    return package


def _sod_projects(path: Path) -> pd.DataFrame:
    p = read_columns(
        path,
        ("rcn", "acronym", "startDate", "endDate"),
        sep="\t",
        what="the SOD project table",
        optional=("reference", "topics", "programme", "ecMaxContribution"),
    )
    return pd.DataFrame(
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


def read_sod_h2020(path: str | Path) -> RawPackage:
    """Read the Spaghetti Open Data H2020 2016 network (``cordis-sod-hackathon/h2020_2016``).

    ``edges.tsv`` (projectRcn, new_org_id) is the participation table, ``unique_org.tsv`` the organisations
    (PIC or md5 surrogate, name, country), ``projects.tsv`` the projects (rcn, acronym, dates, topics).

    Parameters
    ----------
    path : the folder, or a file inside it.

    Returns
    -------
    The text tables; raises :class:`NotFoundError` when one of the three files is absent.
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    files = {n: folder / n for n in ("edges.tsv", "unique_org.tsv", "projects.tsv")}
    for f in files.values():
        if not f.exists():
            raise NotFoundError(f"{f}: not found; the SOD H2020 folder needs edges.tsv, unique_org.tsv and projects.tsv")
    o = read_columns(files["unique_org.tsv"], ("new_org_id", "name", "country"), sep="\t", what="the SOD organisation table")
    orgs = pd.DataFrame(
        {"id": o["new_org_id"], "name": o["name"].where(o["name"] != "", o["new_org_id"]), "country": o["country"]}, dtype=object
    )
    projects = _sod_projects(files["projects.tsv"])
    return sod_package(
        folder,
        files["edges.tsv"],
        orgs.reset_index(drop=True),
        [i + 2 for i in o.index],
        files["unique_org.tsv"].name,
        "H2020",
        None,
        projects,
    )
