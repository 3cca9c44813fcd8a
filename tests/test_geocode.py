"""Offline geocoder: folding rules, alternate names, ties, countries, bad gazetteer files (tiny hand-made tables)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netlens.errors import InputError, NotFoundError
from netlens.read.geocode import Geocoder, Match, bulk_keys, fold, match_key, match_rate

from .builders import GAZETTEER

WORLD = (
    "geonameid,name,countrycode,continentcode,admin1code,latitude,longitude,population,timezone\n"
    "4930956,Boston,US,NA,MA,42.35843,-71.05977,653833,America/New_York\n"
    "2643743,London,GB,EU,ENG,51.5,-0.1,1,Europe/London\n"
)


@pytest.fixture
def geocoder(tmp_path: Path) -> Geocoder:
    (tmp_path / "cities1000_europe.csv").write_text(GAZETTEER, encoding="utf-8")
    (tmp_path / "cities15000_world.csv").write_text(WORLD, encoding="utf-8")
    return Geocoder.from_dir(tmp_path)


def found(geocoder: Geocoder, name: str, country: str) -> Match:
    """The match for ``name`` in ``country``; fails the test when there is none."""
    match = geocoder.lookup(name, country)
    assert match is not None, (name, country)
    return match


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("ST. ETIENNE", "saint etienne"),
        ("Ste-Foy", "sainte foy"),
        ("Sankt Pölten", "saint polten"),
        ("ŁÓDŹ", "lodz"),
        ("Ærøskøbing", "aeroskobing"),
        ("Gießen", "giessen"),
        ("L'Aquila", "l aquila"),
        ("  Frankfurt  (Oder) ", "frankfurt oder"),
        ("Αθήνα", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_bulk_keys_equal_scalar_keys() -> None:
    names = ["Saint-Étienne", "ST. ETIENNE", "Sankt Gallen", "Łódź", "København", "Ærøskøbing", "Gießen", "Mestre"]
    assert bulk_keys(names) == {n: match_key(n) for n in names}
    assert bulk_keys(["Мюнхен"]) == {}  # other scripts are skipped


def test_lookup_rules(geocoder: Geocoder) -> None:
    # alternate names, transliterations, EU country codes, postal noise, lower-case codes
    assert found(geocoder, "MUENCHEN", "DE").geonameid == 2867714
    assert found(geocoder, "münchen", "de").name == "Munich"
    assert found(geocoder, "KOLN", "DE").geonameid == 2886242
    assert found(geocoder, "ST ETIENNE CEDEX 2", "FR").geonameid == 2980291
    assert found(geocoder, "St. Gallen", "CH").geonameid == 2658822
    assert found(geocoder, "LODZ", "PL").geonameid == 3093133
    assert found(geocoder, "ATHINA", "EL").country == "GR"
    assert found(geocoder, "LONDON", "UK").country == "GB"
    assert geocoder.lookup("KOBENHAVN V", "DK") is None  # trailing district letters are not guessed away
    assert found(geocoder, "Paris 15", "FR").geonameid == 2988507
    assert found(geocoder, "DONOSTIA/PARIS", "FR").geonameid == 2988507
    # country decides; unknown or empty country gives no match
    assert geocoder.lookup("Munich", "AT") is None
    assert geocoder.lookup("Munich", "") is None
    assert geocoder.lookup("Munich", "XX") is None
    assert geocoder.lookup("", "DE") is None


def test_most_populous_wins_and_first_file_wins(geocoder: Geocoder) -> None:
    m = geocoder.lookup("NEUSTADT", "DE")
    assert m is not None and m.geonameid == 2864435 and m.population == 53000
    london = geocoder.lookup("London", "GB")
    assert london is not None and london.population == 8961989  # from the Europe file, not the world one
    boston = geocoder.lookup("boston", "US")
    assert boston is not None and (boston.lat, boston.lon) == (42.35843, -71.05977)


def test_geocode_frame_and_match_rate(geocoder: Geocoder) -> None:
    df = pd.DataFrame(
        {"city": ["KOELN", "Koeln", "nowhere", None, "PARIS"], "cc": ["DE", "DE", "DE", "FR", "FR"]}, index=[10, 11, 12, 13, 14]
    )
    res = geocoder.geocode_frame(df, "city", "cc")
    assert list(res.index) == [10, 11, 12, 13, 14]
    assert res["geonameid"].tolist()[:2] == [2886242, 2886242]
    assert res["geonameid"].isna().tolist() == [False, False, True, True, False]
    assert res.loc[14, "gn_name"] == "Paris" and res.loc[14, "lat"] == 48.85341 and res.loc[14, "population"] == 2138551
    assert match_rate(res) == 3 / 5
    assert match_rate(res.iloc[:0]) == 0.0
    with pytest.raises(InputError, match="column 'town' not found"):
        geocoder.geocode_frame(df, "town", "cc")


def test_bad_gazetteer_files(tmp_path: Path) -> None:
    bad = tmp_path / "cities.csv"
    bad.write_text("geonameid,name,countrycode,lat,lon\n1,A,FR,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cities\.csv: missing column\(s\) latitude, longitude, population"):
        Geocoder.from_files(bad)
    with pytest.raises(NotFoundError, match="no such gazetteer file"):
        Geocoder.from_files(tmp_path / "absent.csv")
    with pytest.raises(NotFoundError, match="cities1000_europe.csv"):
        Geocoder.from_dir(tmp_path / "empty")


def test_index_is_cached_and_a_bad_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv = tmp_path / "places.csv"
    csv.write_text(
        "geonameid,name,countrycode,latitude,longitude,population,alternatenames\n"
        "1,München,DE,48.1,11.6,1500000,Muenchen|Munich\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = Geocoder.from_files(csv)
    files = list((tmp_path / "cache" / "netlens").glob("geonames-*.json"))
    assert len(files) == 1
    assert Geocoder.from_files(csv).lookup("munich", "DE") == first.lookup("Munich", "DE")
    files[0].write_bytes(b"not a cache entry")
    assert found(Geocoder.from_files(csv), "muenchen", "DE").geonameid == 1  # rebuilt
    csv.write_text(csv.read_text(encoding="utf-8").replace("München", "Munchen City"), encoding="utf-8")
    assert found(Geocoder.from_files(csv), "Munchen City", "DE").geonameid == 1  # changed file: new index
    monkeypatch.setenv("NETLENS_CACHE", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "off"))
    Geocoder.from_files(csv)
    assert not (tmp_path / "off").exists()
