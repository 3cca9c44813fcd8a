"""Hypothesis round trip: typed tables -> embedded store -> typed tables gives the (normalised) input back."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlens.store import normalise_tables
from netlens.store.embedded import EmbeddedStore
from netlens.validation import empty_tables

names = st.one_of(
    st.sampled_from(["Litoměřice", "Třinec", "<script>alert(1)</script>", "Nantes Métropole", 'O\'Brien & "Co"', "Αθήνα"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12),
)
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
tags = st.one_of(
    st.none(), st.lists(st.sampled_from(["lighthouse", "follower", "pitch", "energie"]), min_size=1, max_size=3, unique=True)
)


@st.composite
def packages(draw):  # type: ignore[no-untyped-def]
    n_c = draw(st.integers(1, 6))
    n_o = draw(st.integers(0, 4))
    n_p = draw(st.integers(1, 4))
    cities = [f"c{i}" for i in range(n_c)]
    orgs = [f"o{i}" for i in range(n_o)]
    projects = [f"p{i}" for i in range(n_p)]
    t = empty_tables()
    t["cities"] = pd.DataFrame(
        {
            "id": cities,
            "name": [draw(names) for _ in cities],
            "country": [draw(st.sampled_from(["CZ", "FR", "GR", "HR"])) for _ in cities],
            "lat": [draw(st.one_of(st.none(), st.floats(-90, 90))) for _ in cities],
            "lon": [draw(st.one_of(st.none(), st.floats(-180, 180))) for _ in cities],
            "population": [draw(st.one_of(st.none(), st.integers(0, 10**7))) for _ in cities],
            "tags": [draw(tags) for _ in cities],
        },
        dtype=object,
    )
    t["organisations"] = pd.DataFrame(
        {
            "id": orgs,
            "name": [draw(names) for _ in orgs],
            "type": [draw(st.sampled_from(["company", "ngo", None])) for _ in orgs],
            "city_id": [draw(st.one_of(st.none(), st.sampled_from(cities))) for _ in orgs],
            "country": [draw(st.sampled_from(["DE", None])) for _ in orgs],
        },
        dtype=object,
    )
    starts = [draw(dates) for _ in projects]
    t["projects"] = pd.DataFrame(
        {
            "id": projects,
            "name": [draw(names) for _ in projects],
            "title": [draw(st.one_of(st.none(), names)) for _ in projects],
            "programme": [draw(st.sampled_from(["H2020", None])) for _ in projects],
            "start": starts,
            "end": [None if s is None else s + dt.timedelta(days=draw(st.integers(0, 2000))) for s in starts],
            "budget_eur": [draw(st.one_of(st.none(), st.floats(0, 1e8))) for _ in projects],
            "topics": [draw(tags) for _ in projects],
            "url": None,
        },
        dtype=object,
    )
    members = cities + orgs
    pairs = draw(st.lists(st.tuples(st.sampled_from(projects), st.sampled_from(members)), unique=True, max_size=12))
    t["participations"] = pd.DataFrame(
        {
            "project_id": [p for p, _ in pairs],
            "member_id": [m for _, m in pairs],
            "role": [draw(st.sampled_from(["partner", "lighthouse", None])) for _ in pairs],
            "contribution_eur": [draw(st.one_of(st.none(), st.floats(0, 1e7))) for _ in pairs],
        },
        dtype=object,
    )
    if len(members) >= 2:
        tand = draw(
            st.lists(
                st.tuples(st.sampled_from(members), st.sampled_from(members), st.sampled_from([None, "energy"])),
                unique=True,
                max_size=4,
            )
        )
        tand = [x for x in tand if x[0] != x[1]]
        t["tandems"] = pd.DataFrame(
            {
                "a_id": [a for a, _, _ in tand],
                "b_id": [b for _, b, _ in tand],
                "topic": [c for _, _, c in tand],
                "since": [draw(dates) for _ in tand],
                "until": None,
            },
            dtype=object,
        )
    return t


def canonical(frame: pd.DataFrame) -> list[dict[str, Any]]:
    key = [c for c in frame.columns[:3]]
    records: list[dict[str, Any]] = frame.sort_values(key, key=lambda s: s.astype(str)).to_dict("records")
    return records


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packages())
def test_tables_store_tables(t) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "g.kgl"
        EmbeddedStore(path).load(t)
        back = EmbeddedStore(path).read_tables()
        expected = normalise_tables(t)
        for name in ("cities", "organisations", "projects", "participations", "tandems"):
            assert canonical(back[name]) == canonical(expected[name]), name
        again = EmbeddedStore(path).load(t)
        assert again.nodes_created == 0 and again.relationships_created == 0
