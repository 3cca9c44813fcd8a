"""Offline geocoding of (place name, country) pairs against the GeoNames city extracts.

The gazetteer is the GeoNames ``cities1000`` extract for Europe (with alternate names) plus the worldwide
``cities15000`` extract (see ``shared/data/geonames-cities/SOURCE.md``). Names are compared after
:func:`fold`: Unicode NFKD decomposition, combining marks stripped, case folded, letters without a
decomposition (ø, æ, ł, đ, ß, …) transliterated, punctuation and hyphens turned into spaces and the
abbreviations ``St.``/``Ste``/``Sankt`` written out. The lookup key (:func:`match_key`) also drops the
spaces, so ``Saint-Étienne``, ``ST ETIENNE`` and ``SAINTETIENNE`` meet.

When several places of one country share a key (GeoNames has many ``Neustadt`` in Germany), the most
populous one wins. Countries may be given as ISO alpha-2 codes or the EU codes ``EL``/``UK``.

Building the index from the two extracts (about 1.3 million names with the alternates) takes ~3 s, so
:meth:`Geocoder.from_files` keeps it in ``$XDG_CACHE_HOME/netlens`` (default ``~/.cache/netlens``), keyed by
the files' paths, sizes and modification times and by this module's source; ``NETLENS_CACHE=0`` turns the
cache off. A cache that cannot be read or written is ignored (the index is simply rebuilt).

>>> g = Geocoder(pd.DataFrame({"geonameid": [1, 2], "name": ["München", "Saint-Étienne"], "countrycode": ["DE", "FR"],
...                            "latitude": [48.1, 45.4], "longitude": [11.6, 4.4], "population": [1_500_000, 170_000],
...                            "alternatenames": ["Muenchen|Munich", ""]}))
>>> g.lookup("MUENCHEN", "DE").name, g.lookup("st etienne", "fr").geonameid, g.lookup("Munich", "AT")
('München', 2, None)
"""

from __future__ import annotations

import contextlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlens import cache
from netlens.errors import InputError, NotFoundError
from netlens.read.countries import normalise_country

__all__ = ["Match", "Geocoder", "fold", "match_key", "bulk_keys", "match_rate", "geocode_check", "GEONAMES_FILES"]

#: file names of the GeoNames extracts inside ``shared/data/geonames-cities``, in priority order
GEONAMES_FILES = ("cities1000_europe.csv", "cities15000_world.csv")

_REQUIRED = ("geonameid", "name", "countrycode", "latitude", "longitude", "population")

# letters that NFKD does not decompose into ASCII + combining marks
_TRANSLIT = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ß": "ss",
        "ŀ": "l",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "k",
        "’": "'",
        "‘": "'",
        "´": "'",
        "`": "'",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
#: abbreviations written out (whole words, after folding)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sankt": "saint"}
_ABBREV_RE = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b")
#: names in other scripts (Cyrillic, Greek, CJK, …) fold to nothing; skipping them early saves time
_LATIN = re.compile(r"^[\x00-\u024f\u1e00-\u1eff\u2018-\u201f]*$")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DIGITS = re.compile(r"\d+")
_SPLIT = re.compile(r"\s*(?:,|/|;|\s-\s|\s–\s)\s*")
_UMLAUT = re.compile(r"(?<=[a-z])(ae|oe|ue)")
#: postal words that are not part of a place name
_NOISE = re.compile(r"\b(cedex|bp|cs)\b")


def _abbrev(m: re.Match[str]) -> str:
    return _ABBREVIATIONS[m.group(1)]


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a place name (words separated by one space).

    >>> fold("  Saint-Étienne "), fold("ST. ETIENNE"), fold("Łódź"), fold("København"), fold("Sankt Pölten")
    ('saint etienne', 'saint etienne', 'lodz', 'kobenhavn', 'saint polten')
    >>> fold("Москва")  # non-Latin scripts fold to nothing
    ''
    """
    s = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    s = _NON_ALNUM.sub(" ", s).strip()
    return _ABBREV_RE.sub(_abbrev, s)


def match_key(text: str) -> str:
    """The lookup key: :func:`fold` without spaces.

    >>> match_key("Frankfurt am Main") == match_key("FRANKFURT-AM-MAIN") == "frankfurtammain"
    True
    """
    return fold(text).replace(" ", "")


def bulk_keys(texts: Iterable[str]) -> dict[str, str]:
    """:func:`match_key` of many distinct strings at once, as ``{text: key}``; names in non-Latin scripts are skipped.

    >>> bulk_keys(["St. Gallen", "Москва", "St. Gallen"])
    {'St. Gallen': 'saintgallen'}
    """
    norm, tr, sub, abbrev, latin = unicodedata.normalize, _TRANSLIT, _NON_ALNUM.sub, _ABBREV_RE.sub, _LATIN.match
    out: dict[str, str] = {}
    for t in texts:
        if t in out or not latin(t):
            continue
        k = sub(" ", norm("NFKD", t.casefold().translate(tr)).encode("ascii", "ignore").decode("ascii"))
        if "st" in k or "sankt" in k:
            k = abbrev(_abbrev, k)
        out[t] = k.replace(" ", "")
    return out


def _query_variants(name: str) -> list[str]:
    """Keys to try for a raw name, most literal first (parentheses, digits, list separators, ue→u)."""
    keys: list[str] = []

    def add(k: str) -> None:
        if k and k not in keys:
            keys.append(k)

    add(match_key(name))
    bare = _DIGITS.sub(" ", _PAREN.sub(" ", name))
    add(match_key(bare))
    add(_NOISE.sub(" ", fold(bare)).replace(" ", ""))
    for part in _SPLIT.split(bare):
        add(match_key(part))
    for k in list(keys):
        add(_UMLAUT.sub(lambda m: m.group(1)[0], k))
    return keys


@dataclass(frozen=True)
class Match:
    """One gazetteer place."""

    geonameid: int
    name: str
    country: str
    lat: float
    lon: float
    population: int


class Geocoder:
    """Dictionary geocoder over a GeoNames-like table.

    ``places`` needs columns ``geonameid, name, countrycode, latitude, longitude, population`` and may
    have ``alternatenames`` (``|``-separated). Each (country, :func:`match_key`) pair points to the most
    populous place having that name or alternate name.
    """

    def __init__(self, places: pd.DataFrame) -> None:
        missing = [c for c in _REQUIRED if c not in places.columns]
        if missing:
            raise InputError(f"gazetteer table: missing column(s) {', '.join(missing)}; expected {', '.join(_REQUIRED)}")
        p = places.drop_duplicates("geonameid").reset_index(drop=True)
        self._id = pd.to_numeric(p["geonameid"], errors="coerce").fillna(-1).astype(np.int64).to_numpy()
        self._name = p["name"].astype(str).to_numpy()
        self._country = p["countrycode"].astype(str).str.upper().to_numpy()
        self._lat = pd.to_numeric(p["latitude"], errors="coerce").to_numpy(dtype=float)
        self._lon = pd.to_numeric(p["longitude"], errors="coerce").to_numpy(dtype=float)
        self._pop = pd.to_numeric(p["population"], errors="coerce").fillna(0).astype(np.int64).to_numpy()
        rows = np.arange(len(p))
        texts = p["name"].astype(str).to_numpy()
        if "alternatenames" in p.columns:
            alt = p["alternatenames"].fillna("").astype(str).str.split("|").explode()
            alt = alt[alt != ""]
            rows = np.concatenate([rows, alt.index.to_numpy()])
            texts = np.concatenate([texts, alt.to_numpy(dtype=object)])
        keys = bulk_keys(texts.tolist())
        order = np.lexsort((rows, -self._pop[rows]))  # most populous first, then file order
        self._index: dict[tuple[str, str], int] = {}
        index, country = self._index, self._country
        for i in order.tolist():
            key = keys.get(texts[i])
            if key:
                r = int(rows[i])
                index.setdefault((country[r], key), r)

    @classmethod
    def from_files(cls, *paths: str | Path) -> Geocoder:
        """Load one or more GeoNames CSV extracts; a place in several files is taken from the first.

        Parameters
        ----------
        *paths : GeoNames CSV extracts with the columns of a cities table (``geonameid, name, countrycode, …``).

        Returns
        -------
        The geocoder. The built index is cached (see the module docstring). Raises :class:`NotFoundError` for a
        missing file and :class:`InputError` for a file that is not a GeoNames extract.
        """
        if not paths:
            raise InputError("no gazetteer files given; expected e.g. geonames-cities/cities1000_europe.csv")
        for path in paths:
            if not Path(path).exists():
                raise NotFoundError(f"{Path(path)}: no such gazetteer file; expected a GeoNames cities CSV")
        slot = "|".join(str(Path(x).resolve()) for x in paths)
        key = "|".join([cache.source_digest(sys.modules[__name__]), *(cache.file_stamp(x) or "" for x in paths)])
        found = cache.get("geonames", slot, key)
        if isinstance(found, dict):
            with contextlib.suppress(KeyError, TypeError, ValueError):  # a foreign entry: rebuilt
                return cls._from_state(found)
        built = cls._build(paths)
        cache.put("geonames", slot, key, built._state(), sources=paths)
        return built

    def _state(self) -> dict[str, Any]:
        """The built index as plain lists (what :mod:`netlens.cache` stores; it runs no code when read)."""
        cols = {n: getattr(self, f"_{n}").tolist() for n in ("id", "name", "country", "lat", "lon", "pop")}
        return {**cols, "index": [[c, k, r] for (c, k), r in self._index.items()]}

    @classmethod
    def _from_state(cls, state: dict[str, Any]) -> Geocoder:
        self = cls.__new__(cls)
        self._id, self._pop = np.array(state["id"], dtype=np.int64), np.array(state["pop"], dtype=np.int64)
        self._name, self._country = np.array(state["name"], dtype=object), np.array(state["country"], dtype=object)
        self._lat, self._lon = np.array(state["lat"], dtype=float), np.array(state["lon"], dtype=float)
        self._index = {(str(c), str(k)): int(r) for c, k, r in state["index"]}
        return self

    @classmethod
    def _build(cls, paths: tuple[str | Path, ...]) -> Geocoder:
        frames = []
        for path in paths:
            p = Path(path)
            if not p.exists():
                raise NotFoundError(f"{p}: no such gazetteer file; expected a GeoNames cities CSV")
            try:
                df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
            except Exception as exc:  # pandas raises several kinds
                raise InputError(f"{p.name}: cannot read gazetteer CSV ({exc})") from None
            missing = [c for c in _REQUIRED if c not in df.columns]
            if missing:
                raise InputError(
                    f"{p.name}: missing column(s) {', '.join(missing)}; expected a GeoNames cities CSV with "
                    f"{', '.join(_REQUIRED)}"
                )
            frames.append(df)
        return cls(pd.concat(frames, ignore_index=True))

    @classmethod
    def from_dir(cls, folder: str | Path) -> Geocoder:
        """Load the extracts of :data:`GEONAMES_FILES` present in ``folder`` (at least one must be).

        Parameters
        ----------
        folder : the ``geonames-cities`` folder; raises :class:`NotFoundError` when it holds none of the extracts.
        """
        f = Path(folder)
        paths = [f / n for n in GEONAMES_FILES if (f / n).exists()]
        if not paths:
            raise NotFoundError(f"{f}: none of {', '.join(GEONAMES_FILES)} found; expected the geonames-cities folder")
        return cls.from_files(*paths)

    def __len__(self) -> int:
        return len(self._id)

    def _match(self, row: int) -> Match:
        return Match(
            int(self._id[row]),
            str(self._name[row]),
            str(self._country[row]),
            float(self._lat[row]),
            float(self._lon[row]),
            int(self._pop[row]),
        )

    def _row(self, name: str, country: str) -> int | None:
        code = normalise_country(country) if country else None
        if code is None or not name.strip():
            return None
        for key in _query_variants(name):
            row = self._index.get((code, key))
            if row is not None:
                return row
        return None

    def lookup(self, name: str, country: str) -> Match | None:
        """The place called ``name`` in ``country`` (ISO or EU code), or None.

        Parameters
        ----------
        name : a place name as written anywhere (case, accents, ``St.``, parentheses and postal words ignored).
        country : an ISO alpha-2 or EU country code.
        """
        row = self._row(name, country)
        return None if row is None else self._match(row)

    def geocode_frame(self, df: pd.DataFrame, name_col: str, country_col: str) -> pd.DataFrame:
        """Geocode every row of ``df``; each distinct (name, country) pair is looked up once.

        Parameters
        ----------
        df : the rows to geocode.
        name_col, country_col : the columns of ``df`` holding the place name and the country code.

        Returns
        -------
        A frame with the index of ``df`` and columns ``geonameid`` (Int64, <NA> when unmatched), ``gn_name``,
        ``gn_country``, ``lat``, ``lon``, ``population``.
        """
        for col in (name_col, country_col):
            if col not in df.columns:
                raise InputError(f"geocode: column {col!r} not found; columns are {', '.join(map(str, df.columns))}")
        names = df[name_col].fillna("").astype(str)
        countries = df[country_col].fillna("").astype(str)
        pairs = pd.unique(pd.Series(list(zip(names, countries, strict=True)), dtype=object))
        rows = {pair: self._row(pair[0], pair[1]) for pair in pairs}
        idx = np.array([-1 if (r := rows[pair]) is None else r for pair in zip(names, countries, strict=True)], dtype=np.int64)
        ok = idx >= 0
        safe = np.where(ok, idx, 0)

        def pick(values: np.ndarray, fill: object) -> np.ndarray:
            out = values[safe].astype(object)
            out[~ok] = fill
            return out

        out = pd.DataFrame(
            {
                "geonameid": pd.array(np.where(ok, self._id[safe], 0), dtype="Int64", copy=True),
                "gn_name": pick(self._name, None),
                "gn_country": pick(self._country, None),
                "lat": np.where(ok, self._lat[safe], np.nan),
                "lon": np.where(ok, self._lon[safe], np.nan),
                "population": pd.array(np.where(ok, self._pop[safe], 0), dtype="Int64", copy=True),
            },
            index=df.index,
        )
        out.loc[~ok, ["geonameid", "population"]] = pd.NA
        return out


def match_rate(result: pd.DataFrame) -> float:
    """Share of rows of a :meth:`Geocoder.geocode_frame` result that found a place (0.0 for no rows)."""
    return float(result["geonameid"].notna().mean()) if len(result) else 0.0


def geocode_check(
    cities: pd.DataFrame, geocoder: Geocoder, name_col: str = "name", country_col: str = "country", id_col: str = "geonameid"
) -> dict[str, float]:
    """Geocode ``cities`` independently and compare with the GeoNames ids they already carry.

    Parameters
    ----------
    cities : a table with a place name, a country and a GeoNames id per row.
    geocoder : the gazetteer to check against.
    name_col, country_col, id_col : the columns of ``cities`` to use.

    Returns
    -------
    ``{"match rate": …, "same place": …}`` (shares of rows; ``same place`` among matched rows).
    """
    res = geocoder.geocode_frame(cities, name_col, country_col)
    ok = res["geonameid"].notna()
    same = res.loc[ok, "geonameid"].astype("int64").to_numpy() == pd.to_numeric(cities.loc[ok, id_col]).to_numpy()
    return {"match rate": match_rate(res), "same place": float(np.mean(same)) if len(same) else 0.0}
