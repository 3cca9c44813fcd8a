"""Published figures of the real datasets in ../shared/data, recomputed with plain pandas and through netlens.

Every figure below is quoted from the dataset's SOURCE.md (or measured once and stated as a lower bound);
the pandas computations do not use netlens code. Expensive loads are shared per module.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from netlens.model import projection as model
from netlens.read import RawPackage, read_fp7, read_sod_h2020, read_urbact
from netlens.read.geocode import Geocoder, geocode_check
from netlens.validation import Tables, validate_or_raise

from .conftest import Cordis, shared_file

ROOT = Path(__file__).resolve().parent.parent


def _readme_figures() -> ModuleType:
    """bench/readme_figures.py, the script that writes the README's dataset figures (loaded by path: bench is no package)."""
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "bench" / "readme_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_readme_row(fmt: str, package: RawPackage, tables: Tables) -> None:
    """The README's Real-data cell for ``fmt`` is what bench/readme_figures.py computes from these tables now."""
    figures = _readme_figures()
    expected = figures.cell(fmt, figures.figures(fmt, package.stats, tables))
    written = figures.readme_cell(fmt, (ROOT / "README.md").read_text(encoding="utf-8"))
    assert written == expected, f"README figures for {fmt} drifted: run python bench/readme_figures.py --write"


pytestmark = pytest.mark.slow


def _pairs(edges: pd.DataFrame, activity: str, member: str) -> pd.DataFrame:
    """Distinct member pairs (a < b) sharing an activity, with the number of shared activities (plain pandas)."""
    m = edges[[activity, member]].drop_duplicates()
    j = m.merge(m, on=activity)
    j = j[j[f"{member}_x"] < j[f"{member}_y"]]
    return j.groupby([f"{member}_x", f"{member}_y"]).size().rename("count").reset_index()


def _largest_component(pairs: pd.DataFrame, a: str, b: str) -> int:
    codes, _ = pd.factorize(pd.concat([pairs[a], pairs[b]], ignore_index=True))
    n = int(codes.max()) + 1
    u, v = codes[: len(pairs)], codes[len(pairs) :]
    _, labels = connected_components(sp.coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)), directed=False)
    return int(np.bincount(labels).max())


# ------------------------------------------------------------------------------ SOD H2020 2016


@pytest.fixture(scope="module")
def sod_folder() -> Path:
    return shared_file("cordis-sod-hackathon/h2020_2016/edges.tsv").parent


def test_sod_h2020_2016_published_figures(sod_folder: Path) -> None:
    # SOURCE.md: 7,574 projects, 12,326 organisations, 31,868 edges; the hackathon reported 170,120 organisation pairs
    edges = pd.read_csv(sod_folder / "edges.tsv", sep="\t", dtype=str)
    assert edges["projectRcn"].nunique() == 7_574
    assert edges["new_org_id"].nunique() == 12_326
    assert len(edges) == 31_868
    pairs = _pairs(edges, "projectRcn", "new_org_id")
    assert len(pairs) == 170_120

    package = read_sod_h2020(sod_folder)
    tables, issues = validate_or_raise(package)
    assert len(tables["projects"]) == 7_574 and len(tables["organisations"]) == 12_326
    assert len(tables["participations"]) == 31_868
    g = model.projection(tables, level="organisation")
    assert g.number_of_edges() == 170_120
    assert sum(c for _, _, c in g.edges(data="count")) == int(pairs["count"].sum())
    assert g.number_of_nodes() == 12_326  # every organisation takes part in some project (1,246 only alone)
    assert tables["projects"].set_index("id").loc["193159", "name"] == "EUROfusion"


# ------------------------------------------------------------------------------ CORDIS H2020 participations


@pytest.fixture(scope="module")
def h2020_path(cordis_h2020: Cordis) -> Path:
    return cordis_h2020.path


@pytest.fixture(scope="module")
def h2020(cordis_h2020: Cordis) -> tuple[RawPackage, Tables]:
    return cordis_h2020.package, cordis_h2020.tables  # read_cordis, enriched from the sibling folders when they exist


@pytest.fixture(scope="module")
def h2020_graph(h2020: tuple[RawPackage, Tables]) -> nx.Graph:
    return model.projection(h2020[1], level="organisation")


def test_h2020_co_participation_network(h2020_path: Path, h2020_graph: nx.Graph) -> None:
    # SOURCE.md: 31,665 non-isolated organisations, 796,670 weighted links (1,089,509 pairwise co-participations),
    # largest connected component 31,152 organisations
    df = pd.read_csv(h2020_path, dtype=str, usecols=["rcn", "pic"])
    pairs = _pairs(df, "rcn", "pic")
    assert len(pairs) == 796_670
    assert int(pairs["count"].sum()) == 1_089_509
    assert len(set(pairs["pic_x"]) | set(pairs["pic_y"])) == 31_665
    assert _largest_component(pairs, "pic_x", "pic_y") == 31_152

    g = h2020_graph
    assert g.number_of_nodes() == 35_871  # all organisations; those only in single-organisation projects are isolated
    assert g.number_of_nodes() - nx.number_of_isolates(g) == 31_665
    assert g.number_of_edges() == 796_670
    assert sum(c for _, _, c in g.edges(data="count")) == 1_089_509
    assert max(c for _, _, c in g.edges(data="count")) == 153
    assert max(len(c) for c in nx.connected_components(g)) == 31_152


def test_h2020_enrichment_coverage(h2020: tuple[RawPackage, Tables], h2020_path: Path) -> None:
    package, tables = h2020
    stats = package.stats
    if "organisations named" not in stats:
        pytest.skip("enrichment folders not found next to cordis-h2020-participation")
    data = h2020_path.parents[1]
    pics = pd.read_csv(h2020_path, dtype=str, usecols=["pic"])["pic"]

    def pic_set(rel: str, col: str, name_col: str, *, named: bool = True, sep: str = ",") -> set[str]:
        df = pd.read_csv(data / rel, dtype=str, keep_default_na=False, sep=sep)
        return set(df.loc[~df[name_col].isin(["", "NA"]), col]) if named else set(df[col])

    dash = "cordis-h2020-dashboard-extracts/"
    four = (
        ("cordis-sod-hackathon/h2020_2017/stacked_dump.csv", "orgId", "name"),
        (dash + "dashboard-export-2021.csv", "pic", "legal_name"),
        (dash + "cordis-plus-2014.csv", "pic", "legal_name"),
        (dash + "cordis-plus-2022.csv", "pic", "legal_name"),
    )
    # SOURCE.md: "Union covers 17,509 / 35,871 PICs = 82.6 % of participation rows" (stacked dump + 3 dashboard files).
    # That counts every PIC present, also the 18 whose legal fields are all 'NA' in cordis-plus: 17,491 have a name.
    present4 = set().union(*(pic_set(*f, named=False) for f in four))
    assert len(present4 & set(pics)) == 17_509
    assert round(pics.isin(present4).mean(), 3) == 0.826
    union4 = set().union(*(pic_set(*f) for f in four))
    assert len(union4 & set(pics)) == 17_491
    # netlens also reads cordis-plus-2007/2023 and the PICs of the SOD 2016 organisation table: 26 more names
    union = (
        union4
        | pic_set(dash + "cordis-plus-2007.csv", "pic", "legal_name")
        | pic_set(dash + "cordis-plus-2023.csv", "pic", "legal_name")
        | pic_set("cordis-sod-hackathon/h2020_2016/unique_org.tsv", "new_org_id", "name", sep="\t")
    )
    assert stats["organisations named"] == len(union & set(pics)) == 17_517
    assert stats["participations with a named organisation"] == int(pics.isin(union).sum())

    orgs = tables["organisations"]
    named = orgs["name"] != orgs["id"]
    assert int(named.sum()) == stats["organisations named"]
    assert not set(orgs["country"].dropna()) & {"EL", "UK"}
    # geocoding: measured 15,061 of 16,640 organisations with a city string (90.5 %), 4,656 of 5,993 distinct
    # (city, country) strings (77.7 %); SOURCE.md reports 89 % of European stacked-dump cities matching
    assert stats["organisations geocoded"] / stats["organisations with a city"] >= 0.90
    assert stats["city match rate"] >= 0.77
    assert stats["cities"] == len(tables["cities"]) > 3_500
    with_city = orgs["city_id"].notna()
    assert int(with_city.sum()) == stats["organisations geocoded"]
    assert set(orgs.loc[with_city, "city_id"]) <= set(tables["cities"]["id"])
    check_readme_row("cordis", *h2020)


def test_h2020_lighthouse_acronyms_and_cities(h2020: tuple[RawPackage, Tables]) -> None:
    package, tables = h2020
    if "projects with acronym" not in package.stats:
        pytest.skip("h2020-projects.csv not found next to cordis-h2020-participation")
    # SOURCE.md (cordis-h2020-participation): rcn of the 18 lighthouse projects, found there by their EU contribution,
    # and their grant ids from the dashboard SOURCE.md
    lighthouses = {
        "194441": ("GrowSmarter", "646456"),
        "194449": ("REMOURBAN", "646511"),
        "194459": ("Triangulum", "646578"),
        "199963": ("SMARTER TOGETHER", "691876"),
        "200153": ("Sharing Cities", "691895"),
        "200256": ("REPLICATE", "691735"),
        "200259": ("SmartEnCity", "691883"),
        "206235": ("Ruggedised", "731198"),
        "206242": ("mySMARTLife", "731297"),
        "212411": ("IRIS", "774199"),
        "212410": ("STARDUST", "774094"),
        "212418": ("MAtchUP", "774477"),
        "219215": ("MAKING-CITY", "824418"),
        "219210": ("CityxChange", "824260"),
        "225175": ("SPARCs", "864242"),
        "225258": ("ATELIER", "864374"),
        "225261": ("POCITYF", "864400"),
        "231041": ("RESPONSE", "957751"),
    }
    projects = tables["projects"].set_index("id")
    got = {rcn: (projects.loc[rcn, "name"], projects.loc[rcn, "grant_id"]) for rcn in lighthouses}
    assert got == lighthouses
    # SOURCE.md: the acronym join by unique EU contribution agrees with the exact SOD 2016 rcn↔grant table
    agree, total = map(int, package.stats["acronym join 'contribution' agrees with 'sod2016'"].split("/"))
    assert agree == total > 3_500
    assert package.stats["projects with acronym"] > 18_000  # measured 18,895 of 31,451 (bench/readme_figures.py)
    # mySMARTLife: the city partners named in SOURCE.md sit in their geocoded cities
    parts = tables["participations"]
    orgs = tables["organisations"].set_index("id")
    cities = tables["cities"].set_index("id")
    members = orgs.loc[parts.loc[parts["project_id"] == "206242", "member_id"]]
    pub_cities = set(members.loc[members["type"] == "public_agency", "city_id"].dropna().map(cities["name"]))
    assert {"Hamburg", "Nantes", "Rijeka", "Varna", "Bydgoszcz", "Palencia"} <= pub_cities


def test_h2020_city_level_projection(h2020: tuple[RawPackage, Tables]) -> None:
    _, tables = h2020
    if tables["cities"].empty:
        pytest.skip("no geocoded cities (enrichment folders absent)")
    g = model.projection(tables, level="city")
    assert g.number_of_nodes() <= len(tables["cities"])
    hamburg = g.nodes["gn:2911298"]
    assert hamburg["name"] == "Hamburg" and hamburg["country"] == "DE" and hamburg["lat"] == pytest.approx(53.55, abs=0.01)


# ------------------------------------------------------------------------------ FP7 and URBACT


def test_fp7_participations() -> None:
    folder = shared_file("cordis-sod-hackathon/fp7_2016/fp7edges.tsv").parent
    # SOURCE.md: 135,670 edges, 25,788 projects, 31,055 organisation rows; all 30,973 edge org ids resolve
    edges = pd.read_csv(folder / "fp7edges.tsv", sep="\t", dtype=str)
    assert len(edges) == 135_670 and edges["projectRcn"].nunique() == 25_788
    assert edges["new_org_id"].nunique() == 30_973
    package = read_fp7(folder)
    tables, _ = validate_or_raise(package)
    assert len(tables["projects"]) == 25_788
    assert len(tables["participations"]) == len(edges.drop_duplicates()) == 135_667  # 3 repeated edges
    assert len(tables["organisations"]) == 30_973  # 31,055 rows, 82 repeat an id (other address): first kept
    stats = package.stats
    if "organisations geocoded" in stats:
        # measured: 27,390 of 30,719 organisations with a city (89.2 %); 7,766 of 10,533 distinct city strings (73.7 %)
        assert stats["organisations geocoded"] / stats["organisations with a city"] >= 0.89
        assert stats["city match rate"] >= 0.73
    check_readme_row("fp7", package, tables)


@pytest.fixture(scope="module")
def urbact() -> tuple[RawPackage, Tables]:
    package = read_urbact(shared_file("eucicop-interreg-urbact-etmun/urbact/URBACT_Membership_GNidCorr_complete_V2.csv").parent)
    tables, _ = validate_or_raise(package)
    return package, tables


def test_urbact_published_figures(urbact: tuple[RawPackage, Tables]) -> None:
    # SOURCE.md: 172 networks, 1,510 memberships (172 lead partners), 591 cities in 31 countries;
    # city–city co-membership graph 591 nodes, 5,826 edges, one connected component
    folder = shared_file("eucicop-interreg-urbact-etmun/urbact/URBACT_Membership_GNidCorr_complete_V2.csv").parent
    raw = pd.read_csv(folder / "URBACT_Membership_GNidCorr_complete_V2.csv", sep=";", dtype=str)
    assert len(raw) == 1_510 and raw["Code_Network"].nunique() == 172 and raw["geonameId"].nunique() == 591
    assert (raw["City.Statut"] == "Lead Partner").sum() == 172
    pairs = _pairs(raw, "Code_Network", "geonameId")
    assert len(pairs) == 5_826 and _largest_component(pairs, "geonameId_x", "geonameId_y") == 591

    package, tables = urbact
    assert len(tables["projects"]) == 172 and len(tables["cities"]) == 591
    assert len(tables["participations"]) == 1_509  # Berlin is listed twice in network 28 (partner and lead partner)
    assert tables["cities"]["country"].nunique() == 31
    assert set(tables["projects"]["programme"]) == {"URBACT"}
    g = model.projection(tables, level="city")
    assert g.number_of_nodes() == 591 and g.number_of_edges() == 5_826
    assert nx.is_connected(g)
    assert tables["cities"]["lat"].notna().sum() == 590  # Morne-à-l'Eau (GN00) has no coordinates in the file
    check_readme_row("urbact", package, tables)


def test_urbact_geocoding_match_rate(urbact: tuple[RawPackage, Tables]) -> None:
    geocoder = Geocoder.from_dir(shared_file("geonames-cities/cities1000_europe.csv").parent)
    package, _ = urbact
    cities = package.tables["cities"].frame
    cities = cities[cities["geonameid"].str.fullmatch(r"\d+")]
    check = geocode_check(cities, geocoder)
    # measured: 97.3 % of the 590 URBACT city names found by (name, country); 97.4 % of those are the very place
    # the author geocoded (the rest are homonyms or districts, e.g. Mestre for Venezia)
    assert check["match rate"] >= 0.97
    assert check["same place"] >= 0.97
