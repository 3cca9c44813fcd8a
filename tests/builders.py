"""Shared test builders: typed network tables from short literals, weights without decay, a tiny gazetteer, and the
hand-counted TINY package.

Test modules import these from here (never from another test module).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from netlens.analysis.weights import load_weights
from netlens.validation import SPECS, empty_tables

__all__ = ["GAZETTEER", "NO_DECAY", "TINY", "build"]


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


# A small network whose every answer below was counted by hand.
#   activities and their members (hosts attend with role host):
#     p-alpha (H2020, 2018-01-01): brno L, wien L, plzen F, graz F, org-uni     p-beta (H2020, 2018-06-01): plzen, org-hub
#     p-gamma (Interreg, 2021-03-01): wien, graz                                 p-delta (no programme, no start): org-hub
#     x1 2019-04-10 energy, host brno: plzen, graz     x2 2019-09-01 energy;data: brno, wien, org-hub
#     x3 2021-05-05 data, host wien: plzen             x4 2022-02-02 mobility, host org-solo, nobody else
#   koper and org-lonely take part in nothing.
TINY = {
    "cities.csv": """\
        id,name,country,lat,lon,population,tags
        brno,Brno,CZ,49.195,16.608,382405,lighthouse
        plzen,Plzeň,CZ,49.747,13.378,168733,follower
        wien,Wien,AT,48.208,16.372,1982097,lighthouse
        graz,Graz,AT,47.071,15.439,291072,follower
        koper,Koper,SI,45.548,13.730,25753,
        """,
    "organisations.csv": """\
        id,name,type,city_id,country
        org-uni,Masaryk University,university,brno,CZ
        org-hub,Urban Innovation Hub,innovation_hub,wien,AT
        org-lonely,Lonely NGO,,,SK
        org-solo,Solo Company,company,graz,AT
        """,
    "projects.csv": """\
        id,name,title,programme,start,end,budget_eur,topics
        p-alpha,Alpha,Alpha lighthouse project,H2020,2018-01-01,2020-12-31,1000000,energy;mobility
        p-beta,Beta,,H2020,2018-06-01,,500000,mobility
        p-gamma,Gamma,,Interreg,2021-03-01,,,data
        p-delta,Delta,,,,,,
        """,
    "participations.csv": """\
        project_id,member_id,role,contribution_eur
        p-alpha,brno,lighthouse,300000
        p-alpha,wien,lighthouse,300000
        p-alpha,plzen,follower,100000
        p-alpha,graz,follower,100000
        p-alpha,org-uni,partner,
        p-beta,plzen,coordinator,
        p-beta,org-hub,partner,
        p-gamma,wien,partner,
        p-gamma,graz,partner,
        p-delta,org-hub,partner,
        """,
    "exchanges.csv": """\
        id,type,date,title,host_id,project_id,topics
        x1,study_visit,2019-04-10,Brno study visit,brno,p-alpha,energy
        x2,webinar,2019-09-01,Energy data webinar,,p-alpha,energy;data
        x3,workshop,2021-05-05,Vienna data workshop,wien,,data
        x4,conference,2022-02-02,Solo conference,org-solo,,mobility
        """,
    "attendances.csv": """\
        exchange_id,member_id,role
        x1,plzen,participant
        x1,graz,participant
        x2,brno,speaker
        x2,wien,participant
        x2,org-hub,participant
        x3,plzen,participant
        """,
    "tandems.csv": """\
        a_id,b_id,topic,since,until
        brno,plzen,energy,2019-01-01,
        wien,brno,,,
        """,
    "transfers.csv": """\
        from_id,to_id,solution,topic,date
        brno,plzen,Smart meters,energy,2020-02-01
        wien,graz,Open data portal,data;open-data,2021-07-01
        plzen,graz,Car sharing,mobility,2022-01-01
        """,
}
