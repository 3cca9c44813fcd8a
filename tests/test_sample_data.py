"""Hand-checked facts about the sample network package in ``data/sample``.

The expected values below were read off the source documents listed in ``data/README.md``
(seed files in ``../shared/seeds`` plus the public pages cited there), not off the CSVs.
Set ``NETLENS_SAMPLE_DIR`` to run the same checks against another copy of the package.
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from .conftest import SHARED_DATA

SAMPLE = Path(os.environ.get("NETLENS_SAMPLE_DIR", Path(__file__).resolve().parents[1] / "data" / "sample"))
GEONAMES = SHARED_DATA / "geonames-cities" / "cities1000_europe.csv"

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXCHANGE_TYPES = {"study_visit", "webinar", "workshop", "mentoring", "conference", "tandem_meeting", "other"}
ORG_TYPES = {"municipality", "company", "university", "research", "ngo", "innovation_hub", "public_agency", "network", "other"}
ATTENDANCE_ROLES = {"host", "speaker", "participant"}


def load(table: str) -> pd.DataFrame:
    """Read one table as strings; empty cells stay empty strings (no NaN)."""
    return pd.read_csv(SAMPLE / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    names = ["cities", "organisations", "projects", "participations", "exchanges", "attendances", "tandems", "transfers"]
    return {n: load(n) for n in names}


# ---------------------------------------------------------------- structure


REQUIRED = {
    "cities": ["id", "name", "country"],
    "organisations": ["id", "name"],
    "projects": ["id", "name"],
    "participations": ["project_id", "member_id"],
    "exchanges": ["id", "type", "date"],
    "attendances": ["exchange_id", "member_id"],
    "tandems": ["a_id", "b_id"],
    "transfers": ["from_id", "to_id", "solution"],
}


@pytest.mark.parametrize("table", sorted(REQUIRED))
def test_required_columns_present_and_filled(t: dict[str, pd.DataFrame], table: str) -> None:
    df = t[table]
    for col in REQUIRED[table]:
        assert col in df.columns, f"{table}.csv lacks required column {col}"
        assert (df[col].str.strip() != "").all(), f"{table}.csv has empty {col}"


@pytest.mark.parametrize("table", ["cities", "organisations", "projects", "exchanges"])
def test_ids_unique_and_slugs(t: dict[str, pd.DataFrame], table: str) -> None:
    ids = t[table]["id"]
    assert ids.is_unique, f"duplicate ids in {table}: {ids[ids.duplicated()].tolist()}"
    bad = [i for i in ids if not ID_RE.match(i)]
    assert not bad, f"non-slug ids in {table}: {bad}"


def test_header_has_no_semicolon_so_delimiter_detection_sees_commas() -> None:
    for f in SAMPLE.glob("*.csv"):
        header = f.read_text(encoding="utf-8").splitlines()[0]
        assert "," in header and ";" not in header, f.name


def test_no_id_is_both_city_and_organisation(t: dict[str, pd.DataFrame]) -> None:
    both = set(t["cities"]["id"]) & set(t["organisations"]["id"])
    assert not both


def test_countries_are_iso_alpha2(t: dict[str, pd.DataFrame]) -> None:
    from netlens.read.countries import COUNTRIES

    for table in ("cities", "organisations"):
        codes = [c for c in t[table]["country"] if c != ""]
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes), (table, codes)
        assert set(codes) <= set(COUNTRIES), (table, set(codes) - set(COUNTRIES))
    assert (t["cities"]["country"] != "").all()


def test_types_and_roles_are_from_the_contract(t: dict[str, pd.DataFrame]) -> None:
    assert set(t["exchanges"]["type"]) <= EXCHANGE_TYPES
    assert set(t["organisations"]["type"]) - {""} <= ORG_TYPES
    assert set(t["attendances"]["role"]) <= ATTENDANCE_ROLES


def test_dates_are_iso_and_valid(t: dict[str, pd.DataFrame]) -> None:
    cols = {"projects": ["start", "end"], "exchanges": ["date", "end_date"], "tandems": ["since", "until"], "transfers": ["date"]}
    for table, names in cols.items():
        for col in names:
            for v in t[table][col]:
                if v:
                    assert ISO_DATE_RE.match(v), (table, col, v)
                    date.fromisoformat(v)
    for _, p in t["projects"].iterrows():
        if p["start"] and p["end"]:
            assert p["start"] <= p["end"], p["id"]


def test_list_columns_are_clean_semicolon_lists(t: dict[str, pd.DataFrame]) -> None:
    for table, col in [("cities", "tags"), ("projects", "topics"), ("exchanges", "topics"), ("tandems", "topic")]:
        for v in t[table][col]:
            if v:
                items = v.split(";")
                assert all(i and i == i.strip() and i == i.lower() for i in items), (table, col, v)


def test_coordinates_four_decimals_inside_europe(t: dict[str, pd.DataFrame]) -> None:
    c = t["cities"]
    for _, r in c.iterrows():
        assert re.fullmatch(r"-?\d+\.\d{4}", r["lat"]) and re.fullmatch(r"-?\d+\.\d{4}", r["lon"]), r["id"]
        assert 34 < float(r["lat"]) < 71 and -11 < float(r["lon"]) < 32, r["id"]
    pops = [int(p) for p in c["population"] if p]
    assert all(p > 0 for p in pops)


@pytest.mark.skipif(not GEONAMES.exists(), reason="shared GeoNames extract not available")
def test_coordinates_match_cited_geonames_rows(t: dict[str, pd.DataFrame]) -> None:
    geo = pd.read_csv(GEONAMES, usecols=["geonameid", "countrycode", "latitude", "longitude"]).set_index("geonameid")
    for _, r in t["cities"].iterrows():
        g = geo.loc[int(r["geonameid"])]
        assert g.countrycode == r["country"], r["id"]
        assert abs(g.latitude - float(r["lat"])) <= 0.00005 + 1e-9, r["id"]
        assert abs(g.longitude - float(r["lon"])) <= 0.00005 + 1e-9, r["id"]


# ---------------------------------------------------------------- references


def test_every_reference_resolves(t: dict[str, pd.DataFrame]) -> None:
    members = set(t["cities"]["id"]) | set(t["organisations"]["id"])
    projects = set(t["projects"]["id"])
    exchanges = set(t["exchanges"]["id"])
    cities = set(t["cities"]["id"])
    problems: list[str] = []

    def check(table: str, col: str, universe: set[str], allow_empty: bool = False) -> None:
        for v in t[table][col]:
            if v == "" and allow_empty:
                continue
            if v not in universe:
                problems.append(f"{table}.{col}={v!r}")

    check("participations", "project_id", projects)
    check("participations", "member_id", members)
    check("attendances", "exchange_id", exchanges)
    check("attendances", "member_id", members)
    check("tandems", "a_id", members)
    check("tandems", "b_id", members)
    check("tandems", "project_id", projects, allow_empty=True)
    check("transfers", "from_id", members)
    check("transfers", "to_id", members)
    check("exchanges", "host_id", members, allow_empty=True)
    check("exchanges", "project_id", projects, allow_empty=True)
    check("exchanges", "place_id", cities, allow_empty=True)
    check("organisations", "city_id", cities, allow_empty=True)
    assert not problems, problems


def test_no_duplicate_relation_rows(t: dict[str, pd.DataFrame]) -> None:
    assert not t["participations"].duplicated(["project_id", "member_id"]).any()
    assert not t["attendances"].duplicated(["exchange_id", "member_id"]).any()


def test_exchange_host_attends_as_host(t: dict[str, pd.DataFrame]) -> None:
    att = t["attendances"]
    for _, x in t["exchanges"].iterrows():
        if x["host_id"]:
            rows = att[(att.exchange_id == x["id"]) & (att.member_id == x["host_id"])]
            assert list(rows["role"]) == ["host"], x["id"]


# ---------------------------------------------------------------- facts: mySMARTLife (seed 000)


def test_mysmartlife_three_lighthouses_three_followers(t: dict[str, pd.DataFrame]) -> None:
    p = t["participations"]
    p = p[p.project_id == "p-mysmartlife"]
    assert set(p[p.role == "lighthouse"]["member_id"]) == {"nantes", "hamburg", "helsinki"}
    assert set(p[p.role == "follower"]["member_id"]) == {"bydgoszcz", "rijeka", "palencia"}
    assert (p.role == "lighthouse").sum() == 3 and (p.role == "follower").sum() == 3


def test_mysmartlife_project_dates(t: dict[str, pd.DataFrame]) -> None:
    p = t["projects"].set_index("id").loc["p-mysmartlife"]
    assert (p["start"], p["end"], p["programme"]) == ("2016-12-01", "2021-11-30", "H2020")


def test_rijeka_study_visit(t: dict[str, pd.DataFrame]) -> None:
    x = t["exchanges"].set_index("id").loc["x-rijeka-2019-05-28"]
    assert (x["type"], x["date"], x["host_id"], x["project_id"]) == ("study_visit", "2019-05-28", "rijeka", "p-mysmartlife")
    assert "ict" in x["topics"].split(";")


def test_capacity_building_webinar(t: dict[str, pd.DataFrame]) -> None:
    x = t["exchanges"].set_index("id").loc["x-mysmartlife-webinar-2019-04-29"]
    assert (x["type"], x["date"], x["title"]) == ("webinar", "2019-04-29", "Capacity Building in Smart Cities")
    att = t["attendances"]
    assert set(att[att.exchange_id == "x-mysmartlife-webinar-2019-04-29"]["member_id"]) == {
        "nantes",
        "hamburg",
        "helsinki",
        "bydgoszcz",
        "rijeka",
        "palencia",
    }


def test_mentoring_sessions_are_numbered_with_the_documented_hosts(t: dict[str, pd.DataFrame]) -> None:
    documented = {1: "nantes", 2: "rijeka", 3: "bydgoszcz", 4: "helsinki", 5: "hamburg"}
    x = t["exchanges"]
    x = x[x.mentoring_session != ""]
    modelled = {int(n): h for n, h in zip(x.mentoring_session, x.host_id)}
    assert modelled == {k: documented[k] for k in modelled}
    # sessions 4 (Helsinki) and 5 (Hamburg) have no known date and are deliberately left out
    assert set(modelled) == {1, 2, 3}
    assert set(modelled.values()) <= set(documented.values()) == {"nantes", "rijeka", "bydgoszcz", "helsinki", "hamburg"}
    nantes = x.set_index("id").loc["x-nantes-2019-03"]
    assert nantes["date"].startswith("2019-03-") and nantes["date_precision"] == "month"


# ---------------------------------------------------------------- facts: Czech Smart Cities Pitch (seed 003)


def test_czech_names_keep_diacritics(t: dict[str, pd.DataFrame]) -> None:
    names = set(t["cities"]["name"])
    for n in [
        "Litoměřice",
        "Třinec",
        "Plzeň",
        "Písek",
        "Kolín",
        "Prostějov",
        "Mladá Boleslav",
        "Hradec Králové",
        "Milevsko",
        "Praha",
    ]:
        assert n in names, n
    raw = (SAMPLE / "cities.csv").read_bytes()
    assert "Litoměřice".encode() in raw and not raw.startswith(b"\xef\xbb\xbf")


def test_czech_names_round_trip(t: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    out = tmp_path / "cities.csv"
    t["cities"].to_csv(out, index=False, encoding="utf-8")
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    pd.testing.assert_frame_equal(back, t["cities"])


def test_czech_pitch_meetings(t: dict[str, pd.DataFrame]) -> None:
    x = t["exchanges"].set_index("id")
    assert x.loc["x-plzen-2018-06-15", "place_id"] == "plzen"
    assert x.loc["x-praha-2018-11-15", "topics"] == "mobility;data"
    assert (x.loc["x-litomerice-2019-02-28", "place_id"], x.loc["x-litomerice-2019-02-28", "status"]) == ("litomerice", "planned")
    att = t["attendances"]
    second = att[(att.exchange_id == "x-praha-2018-11-15") & (att.role == "participant")]
    assert set(second["member_id"]) == {"kolin", "praha", "prostejov", "mlada-boleslav", "litomerice", "pisek"}
    orgs = t["organisations"].set_index("id")
    assert orgs.loc["org-ceska-inovace", "type"] == "ngo"
    p = t["participations"]
    p = p[p.project_id == "p-czech-smart-cities-pitch"]
    assert set(p[p.role == "initiator"]["member_id"]) == {"praha", "plzen"}
    assert set(p[p.role == "observer"]["member_id"]) == {"trinec", "milevsko"}


# ---------------------------------------------------------------- facts: #connectedinEurope (seed 002 + public pages)


def test_connectedineurope_twelve_cities_in_six_tandems(t: dict[str, pd.DataFrame]) -> None:
    c = t["cities"]
    cie = set(c[c.tags.str.split(";").apply(lambda tags: "connectedineurope" in tags)]["id"])
    assert len(cie) == 12
    p = t["participations"]
    assert (
        set(p[(p.project_id == "p-connectedineurope") & (p.role == "partner")]["member_id"])
        - {"org-difu", "org-steinbeis-europa-zentrum"}
        == cie
    )
    tan = t["tandems"]
    tan = tan[tan.kind == "peer-learning-tandem"]
    assert len(tan) == 6
    pairs = {frozenset(x) for x in zip(tan.a_id, tan.b_id)}
    assert frozenset({"utrecht", "muenchen"}) in pairs and frozenset({"boleslawiec", "pirna"}) in pairs
    members = list(tan.a_id) + list(tan.b_id)
    assert sorted(members) == sorted(cie), "every #CIE city is in exactly one tandem"
    german = set(c[c.country == "DE"]["id"])
    assert all((a in german) != (b in german) for a, b in zip(tan.a_id, tan.b_id)), (
        "each tandem pairs a German city with a non-German one"
    )


def test_connectedineurope_organiser_and_funder(t: dict[str, pd.DataFrame]) -> None:
    orgs = t["organisations"].set_index("id")
    assert orgs.loc["org-bmwsb", "name"] == "Federal Ministry for Housing, Urban Development and Building"
    p = t["participations"]
    roles = dict(zip(p[p.project_id == "p-connectedineurope"].member_id, p[p.project_id == "p-connectedineurope"].role))
    assert roles["org-iscn"] == "coordinator" and roles["org-bmwsb"] == "funder"
    x = t["exchanges"].set_index("id")
    assert x.loc["x-cie-paris-2024-09-16", "place_id"] == "paris"


# ---------------------------------------------------------------- facts: DIH webinars (seed 004), Smart City Coaching (seed 001)


def test_dih_webinar_speakers(t: dict[str, pd.DataFrame]) -> None:
    x = t["exchanges"].set_index("id")
    assert x.loc["x-dih-webinar-2020-04-30", "type"] == "webinar"
    assert x.loc["x-dih-webinar-2020-05-25", "date"] == "2020-05-25"
    att = t["attendances"]
    speakers = set(att[(att.exchange_id == "x-dih-webinar-2020-04-30") & (att.role == "speaker")]["member_id"])
    assert len(speakers) == 12
    orgs = t["organisations"].set_index("id")
    assert {i for i in speakers if orgs.loc[i, "type"] == "public_agency"} == {"org-dg-connect", "org-dg-grow", "org-dg-digit"}
    assert orgs.loc["org-demos-helsinki", "city_id"] == "helsinki"
    assert orgs.loc["org-iq-kecskemet", "city_id"] == "kecskemet"


def test_smart_city_coaching_project(t: dict[str, pd.DataFrame]) -> None:
    p = t["projects"].set_index("id").loc["p-smart-city-coaching"]
    assert (p["start"], p["end"], p["programme"]) == ("2014-12-22", "2017-10-21", "Erasmus+")
    assert p["pilot_countries_level1"].split(";") == ["AT", "IT", "NL"]
    assert p["pilot_countries_level2"].split(";") == ["HU", "RS", "GR"]


# ---------------------------------------------------------------- CSV quoting, invented data marked


def test_name_with_comma_and_quotes_survives_csv(t: dict[str, pd.DataFrame]) -> None:
    tricky = [n for n in t["organisations"]["name"] if "," in n and '"' in n]
    assert tricky, "need at least one organisation name with a comma and a double quote"
    with open(SAMPLE / "organisations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    width = len(rows[0])
    assert all(len(r) == width for r in rows), "a comma or quote broke the column count"
    assert 'European Commission, Directorate-General for Communications Networks, Content and Technology ("DG CONNECT")' in tricky


def test_invented_transfers_are_marked(t: dict[str, pd.DataFrame]) -> None:
    tr = t["transfers"]
    assert len(tr) > 0
    assert set(tr["evidence"]) <= {"stated", "illustrative"}
    illustrative = tr[tr.evidence == "illustrative"]
    assert illustrative["solution"].str.endswith("(illustrative)").all()


def test_attendance_evidence_is_declared(t: dict[str, pd.DataFrame]) -> None:
    assert set(t["attendances"]["evidence"]) <= {"stated", "inferred"}
