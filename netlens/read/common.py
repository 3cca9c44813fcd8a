"""Helpers shared by the adapters for real data (CORDIS, FP7, SOD, URBACT): reading extracts as text, the data
folder, country codes and geocoded city tables.

Takes delimited files and text frames; returns stripped text frames and :class:`~netlens.read.package.RawTable`
city tables. Cities get the id ``gn:<geonameid>`` (:func:`city_id`) so that they never collide with PICs, CORDIS
record numbers or other ids of the shared node namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from netlens.errors import InputError, NotFoundError
from netlens.read.countries import normalise_country
from netlens.read.geocode import Geocoder, match_rate
from netlens.read.package import RawPackage, RawTable

__all__ = [
    "GEONAMES_DIR",
    "MISSING_MARKERS",
    "city_id",
    "find_data_dir",
    "read_columns",
    "iso_countries",
    "geocoder_for",
    "cities_from_geocoding",
    "add_geocoded_cities",
]

#: folder of the GeoNames extracts inside the shared data folder
GEONAMES_DIR = "geonames-cities"

#: texts the extracts write for a missing value (R's ``NA``, pandas' ``NaN``, Stata's ``.``); they become ''.
#: These are *texts* in a file, not missing objects (:func:`netlens.values.is_missing`), hence a set of their own.
MISSING_MARKERS = {"NA", "NaN", "nan", "."}


def city_id(geonameid: int | str) -> str:
    """Node id of a geocoded city.

    >>> city_id(2988507)
    'gn:2988507'
    """
    return f"gn:{geonameid}"


def find_data_dir(start: Path, marker: str = GEONAMES_DIR, levels: int = 3) -> Path | None:
    """The nearest folder at or above ``start`` (a file or folder) that contains ``marker``, or None.

    Parameters
    ----------
    start : a file or folder inside the shared data folder.
    marker : the entry the data folder holds.
    levels : how many parents to try.
    """
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents][: levels + 1]:
        if (candidate / marker).exists():
            return candidate
    return None


def read_columns(
    path: Path, columns: Iterable[str], *, sep: str = ",", what: str, encoding: str = "utf-8-sig", optional: Iterable[str] = ()
) -> pd.DataFrame:
    """Read ``columns`` (and the ``optional`` ones when present) of a delimited file as stripped text.

    Parameters
    ----------
    path : the file.
    columns : required columns; a missing one raises :class:`InputError` naming them all.
    sep, encoding : the file's dialect.
    what : what the file should be, for messages ("the SOD project table").
    optional : columns read when present.

    Returns
    -------
    A frame of str cells; the texts of :data:`MISSING_MARKERS` become ''.
    """
    columns = tuple(columns)
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
    return df.mask(df.isin(MISSING_MARKERS), "")


def iso_countries(values: pd.Series) -> pd.Series:
    """Country codes as ISO alpha-2 (:func:`netlens.read.countries.normalise_country`); unknown or empty -> ''."""
    return values.map(lambda v: normalise_country(v) or "" if v else "")


def geocoder_for(data_dir: Path | None) -> Geocoder | None:
    """The geocoder of ``data_dir/geonames-cities``, or None when the folder or its extracts are absent."""
    if data_dir is None or not (data_dir / GEONAMES_DIR).is_dir():
        return None
    try:
        return Geocoder.from_dir(data_dir / GEONAMES_DIR)
    except NotFoundError:
        return None


def cities_from_geocoding(
    orgs: pd.DataFrame, geocoder: Geocoder, name_col: str, country_col: str, stats: dict[str, Any], label: str
) -> tuple[pd.Series, pd.DataFrame]:
    """Geocode ``orgs[name_col]`` in ``orgs[country_col]``.

    Returns
    -------
    (city id per row of ``orgs``, '' when unmatched; the text table of the cities found). Coverage figures go
    to ``stats`` (``"<label> with a city"``, ``"<label> geocoded"``, ``"city match rate"``, …).
    """
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


def add_geocoded_cities(package: RawPackage, orgs: pd.DataFrame, geocoder: Geocoder) -> pd.DataFrame:
    """Geocode ``orgs["city_name"]`` (in ``orgs["country"]``), set ``city_id`` and add the ``cities`` table.

    Returns ``orgs`` with a ``city_id`` column (changed in place as well); the table is added only when a city
    was found.
    """
    orgs["_iso"] = iso_countries(orgs["country"])
    ids, table = cities_from_geocoding(orgs, geocoder, "city_name", "_iso", package.stats, "organisations")
    orgs["city_id"] = ids.to_numpy()
    del orgs["_iso"]
    if len(table):
        package.tables["cities"] = RawTable(
            "cities", f"{GEONAMES_DIR} (geocoded organisation cities)", table, list(range(2, len(table) + 2))
        )
    return orgs
