"""The query library on real data: CORDIS H2020, where cities take part only through their organisations.

The store is loaded once per module with ``netlens load --format cordis`` (about 15 s); the expected numbers
are computed here from the CSV files with pandas alone. Skipped when the shared data is absent
(``NETLENS_SHARED_DATA``, default ``/work/shared/data``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from netlens.cli import main

DATA = Path(os.environ.get("NETLENS_SHARED_DATA", "/work/shared/data"))
H2020 = DATA / "cordis-h2020-participation" / "h2020.csv"
DASHBOARD = DATA / "cordis-h2020-dashboard-extracts" / "dashboard-export-2021.csv"
STACKED = DATA / "cordis-sod-hackathon" / "h2020_2017" / "stacked_dump.csv"
GEONAMES = DATA / "geonames-cities" / "cities1000_europe.csv"
NEEDED = (H2020, DASHBOARD, STACKED, GEONAMES)

pytestmark = pytest.mark.skipif(
    not all(p.exists() for p in NEEDED),
    reason=f"CORDIS data not found under {DATA} (needs {', '.join(str(p.relative_to(DATA)) for p in NEEDED)})",
)


def netlens(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"NETLENS_PROGRESS": "0"})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cordis") / "q-cordis.kgl")
    r = netlens("load", "--format", "cordis", str(H2020), "--store-path", path)
    assert r.exit_code == 0, r.output
    return path


def query(store: str, *args: str) -> list[dict[str, Any]]:
    r = netlens("query", *args, "--format", "json", "--store-path", store)
    assert r.exit_code == 0, r.output
    rows: list[dict[str, Any]] = json.loads(r.stdout)
    return rows


def _cities(frame: pd.DataFrame, pic: str, city: str, country: str) -> pd.DataFrame:
    d = frame[[pic, city, country]].set_axis(["pic", "city", "country"], axis=1)
    return d[d["city"].str.strip() != ""].drop_duplicates("pic")


@pytest.fixture(scope="module")
def paris() -> dict[str, Any]:
    """Paris' organisations and projects, from the CSVs alone.

    An organisation's city is the first non-empty city text of the 2021 dashboard export, then of the SOD 2017
    table. Paris is "Paris", "Paris NN" or "Paris Cedex …" in France — except a text that GeoNames gives as the
    name of a place of its own ("Paris 16" is the 16th arrondissement, Paris 16 Passy).
    """
    parts = pd.read_csv(H2020, dtype=str, keep_default_na=False)
    dash = pd.read_csv(DASHBOARD, dtype=str, keep_default_na=False)
    stacked = pd.read_csv(STACKED, dtype=str, keep_default_na=False, encoding="latin-1")
    cities = pd.concat([_cities(dash, "pic", "city", "country_code"), _cities(stacked, "orgId", "city", "country")])
    cities = cities.drop_duplicates("pic")
    key = cities["city"].str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    geonames = pd.read_csv(GEONAMES, dtype=str, keep_default_na=False)
    districts = geonames[(geonames["countrycode"] == "FR") & geonames["name"].str.startswith("Paris ")]
    own_places = {a.strip().casefold() for alts in districts["alternatenames"] for a in alts.split("|")}
    is_paris = key.str.fullmatch(r"paris( \d+| cedex.*)?") & (cities["country"] == "FR") & ~key.isin(own_places)
    pics = set(cities.loc[is_paris, "pic"]) & set(parts["pic"])
    projects = set(parts.loc[parts["pic"].isin(pics), "rcn"])
    partners = set(parts.loc[parts["rcn"].isin(projects), "pic"]) - pics
    return {"organisations": pics, "projects": projects, "partners": partners}


def test_paris_counts_from_the_csv(paris: dict[str, Any]) -> None:
    assert (len(paris["organisations"]), len(paris["projects"])) == (319, 3957)


def test_the_store_puts_paris_organisations_in_paris(store: str, paris: dict[str, Any]) -> None:
    rows = query(
        store,
        "--cypher",
        "MATCH (c:City {name: 'Paris', country: 'FR'})<-[:BASED_IN]-(o:Organisation) "
        "OPTIONAL MATCH (o)-[:PARTICIPATES_IN]->(p:Project) "
        "RETURN count(DISTINCT o) AS organisations, count(DISTINCT p) AS projects",
    )
    assert rows == [{"organisations": len(paris["organisations"]), "projects": len(paris["projects"])}]


@pytest.mark.parametrize("city", ["Paris", "PARIS", "gn:2988507"])
def test_city_partners_counts_the_city_organisations(store: str, paris: dict[str, Any], city: str) -> None:
    rows = query(store, "city-partners", "--param", f"city={city}")
    assert {r["partner_id"] for r in rows} == paris["partners"]
    assert all(r["kind"] == "Organisation" and r["projects"] >= 1 for r in rows)


def test_new_partners_counts_each_partner_once(store: str, paris: dict[str, Any]) -> None:
    rows = query(store, "new-partners", "--param", "city=Paris")
    assert sum(r["new_partners"] for r in rows) == len(paris["partners"])
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows) and rows[0]["year"] >= 2014


def test_city_tandems_runs_for_a_city_with_organisations(store: str) -> None:
    assert query(store, "city-tandems", "--param", "city=Paris") == []  # CORDIS declares no tandems


def test_a_misspelt_city_exits_6_with_the_closest_names(store: str) -> None:
    r = netlens("query", "city-partners", "--param", "city=Pariss", "--store-path", store)
    assert r.exit_code == 6
    assert "no city or organisation 'Pariss' in the store; closest: Paris (city gn:2988507, FR)" in r.output
    assert len(re.findall(r"\(city |\(organisation ", r.output)) <= 5


def test_nodes_render_without_engine_ids_or_invented_properties(store: str) -> None:
    r = netlens("query", "--cypher", "MATCH (c:City {id: 'gn:2988507'}) RETURN c", "--store-path", store)
    assert r.exit_code == 0, r.output
    line = r.stdout.splitlines()[1]
    assert line.startswith('(:City {country: "FR", ') and 'name: "Paris"' in line
    assert "'labels'" not in line and "title:" not in line and "type:" not in line
