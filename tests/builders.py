"""Shared test builders: typed network tables from short literals, weights without decay, a tiny gazetteer.

Test modules import these from here (never from another test module).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from netlens.analysis.weights import load_weights
from netlens.validation import SPECS, empty_tables

__all__ = ["GAZETTEER", "NO_DECAY", "build"]


def _frame(table: str, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    cols = list(SPECS[table].column_names)
    extra = [c for r in rows for c in r if c not in cols]
    cols += list(dict.fromkeys(extra))
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols, dtype=object)


def build(
    cities: Sequence[str | Mapping[str, Any]] = (),
    orgs: Sequence[Mapping[str, Any]] = (),
    projects: Sequence[Mapping[str, Any]] = (),
    parts: Sequence[tuple[str, str]] = (),
    exchanges: Sequence[Mapping[str, Any]] = (),
    attend: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
    tandems: Sequence[Mapping[str, Any]] = (),
    transfers: Sequence[Mapping[str, Any]] = (),
) -> dict[str, pd.DataFrame]:
    """Typed tables from short literals: cities as ids (name = id capitalised, country FR) or dicts;
    participations as (project, member); attendances as (exchange, member[, role])."""
    t = empty_tables()
    crow = [{"id": c, "name": c.capitalize(), "country": "FR"} if isinstance(c, str) else c for c in cities]
    t["cities"] = _frame("cities", crow)
    t["organisations"] = _frame("organisations", list(orgs))
    t["projects"] = _frame("projects", [{"name": p["id"], **p} for p in projects])
    t["participations"] = _frame("participations", [{"project_id": p, "member_id": m} for p, m in parts])
    t["exchanges"] = _frame("exchanges", [{"type": "study_visit", "date": date(2019, 1, 1), **x} for x in exchanges])
    t["attendances"] = _frame(
        "attendances", [{"exchange_id": a[0], "member_id": a[1], "role": a[2] if len(a) > 2 else "participant"} for a in attend]
    )
    t["tandems"] = _frame("tandems", list(tandems))
    t["transfers"] = _frame("transfers", [{"solution": f"s{i}", **x} for i, x in enumerate(transfers)])
    return t


NO_DECAY = load_weights(overrides={"decay": {"lambda": 0.0}})


#: a tiny GeoNames ``cities1000`` extract: alternate names, a tie (two Neustadt), abbreviations, other scripts
GAZETTEER = (
    "geonameid,name,countrycode,continentcode,admin1code,latitude,longitude,population,timezone,alternatenames\n"
    "2867714,Munich,DE,EU,02,48.13743,11.57549,1505005,Europe/Berlin,München|Muenchen|Monaco di Baviera|Мюнхен\n"
    "2886242,Köln,DE,EU,07,50.93333,6.95,1024621,Europe/Berlin,Cologne|Koeln|Koln\n"
    "2864435,Neustadt,DE,EU,01,49.35,8.14,53000,Europe/Berlin,\n"
    "2864436,Neustadt,DE,EU,02,50.0,10.0,2000,Europe/Berlin,\n"
    "2980291,Saint-Étienne,FR,EU,84,45.43389,4.39,176280,Europe/Paris,St-Etienne\n"
    "2658822,Sankt Gallen,CH,EU,SG,47.42391,9.37477,75833,Europe/Zurich,St. Gallen|Saint-Gall\n"
    "3093133,Łódź,PL,EU,74,51.75,19.46667,768755,Europe/Warsaw,Lodz\n"
    "2618425,Copenhagen,DK,EU,17,55.67594,12.56553,1153615,Europe/Copenhagen,København|Kobenhavn\n"
    "264371,Athens,GR,EU,ESYE31,37.98376,23.72784,664046,Europe/Athens,Athina|Athen\n"
    "2643743,London,GB,EU,ENG,51.50853,-0.12574,8961989,Europe/London,Londres\n"
    "2988507,Paris,FR,EU,11,48.85341,2.3488,2138551,Europe/Paris,Lutece\n"
)
