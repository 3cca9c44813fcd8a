"""Tables -> graphs: Newman weights (networkx golden values), levels, time windows."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pandas as pd
import pytest
from networkx.algorithms import bipartite

from netlens.errors import UsageError
from netlens.model.projection import bipartite_graph, memberships, projection, projection_edges
from netlens.validation import empty_tables


def package(
    members: dict[str, str | None], activities: dict[str, list[str]], dates: dict[str, tuple[str, str]] | None = None
) -> dict[str, pd.DataFrame]:
    """members: id -> city_id (organisations) ; activities: project id -> member ids."""
    t = empty_tables()
    cities = sorted({c for c in members.values() if c})
    t["cities"] = pd.DataFrame(
        {
            "id": cities,
            "name": [c.title() for c in cities],
            "country": "FR",
            "lat": None,
            "lon": None,
            "population": None,
            "tags": None,
        },
        dtype=object,
    )
    orgs = [m for m in members if m not in cities]
    t["organisations"] = pd.DataFrame(
        {
            "id": orgs,
            "name": [o.upper() for o in orgs],
            "type": "company",
            "city_id": [members[o] for o in orgs],
            "country": "FR",
        },
        dtype=object,
    )
    dates = dates or {}
    ids = sorted(activities)
    t["projects"] = pd.DataFrame(
        {
            "id": ids,
            "name": ids,
            "title": None,
            "programme": None,
            "start": [dt.date.fromisoformat(dates[i][0]) if i in dates else None for i in ids],
            "end": [dt.date.fromisoformat(dates[i][1]) if i in dates else None for i in ids],
            "budget_eur": None,
            "topics": None,
            "url": None,
        },
        dtype=object,
    )
    rows = [(p, m) for p in ids for m in activities[p]]
    t["participations"] = pd.DataFrame(
        {"project_id": [r[0] for r in rows], "member_id": [r[1] for r in rows], "role": None, "contribution_eur": None},
        dtype=object,
    )
    return t


def test_newman_golden_values_from_networkx_docstring() -> None:
    # networkx collaboration_weighted_projected_graph docstring: B = path_graph(5) + edge (1, 5), projected on [0, 2, 4, 5]
    # activity "1" has members {0, 2, 5}, activity "3" has {2, 4}.
    t = package({"m0": None, "m2": None, "m4": None, "m5": None}, {"a1": ["m0", "m2", "m5"], "a3": ["m2", "m4"]})
    g = projection(t)
    got = sorted((u, v, d["weight"]) for u, v, d in g.edges(data=True))
    assert got == [("m0", "m2", 0.5), ("m0", "m5", 0.5), ("m2", "m4", 1.0), ("m2", "m5", 0.5)]


def test_projection_matches_networkx_on_random_bipartite_graphs() -> None:
    rng = random.Random(7)
    for _ in range(5):
        members = [f"o{i}" for i in range(30)]
        acts = {f"p{j}": rng.sample(members, rng.randint(1, 8)) for j in range(25)}
        t = package({m: None for m in members}, acts)
        b = nx.Graph()
        b.add_nodes_from(members)
        b.add_edges_from((m, p) for p, ms in acts.items() for m in ms)
        used = [m for m in members if m in b and b.degree(m) > 0]
        expected = bipartite.collaboration_weighted_projected_graph(b, used)
        got = projection(t)
        assert set(got.nodes) == set(used)
        assert {frozenset(e) for e in got.edges} == {frozenset(e) for e in expected.edges}
        for u, v, d in expected.edges(data=True):
            assert got[u][v]["weight"] == pytest.approx(d["weight"], abs=1e-12)
            assert got[u][v]["count"] == len(set(b[u]) & set(b[v]))


def test_city_level_maps_organisations_to_their_city_without_double_counting() -> None:
    t = package(
        {"nantes": "nantes", "hamburg": "hamburg", "org-nm": "nantes", "org-hh": "hamburg", "org-x": None},
        {"p1": ["nantes", "org-nm", "org-hh"], "p2": ["org-nm", "hamburg", "org-x"]},
    )
    # city level: p1 -> {nantes, hamburg}; p2 -> {nantes, hamburg} (org-x has no city and is left out)
    g = projection(t, level="city")
    assert sorted(g.nodes) == ["hamburg", "nantes"]
    assert g["nantes"]["hamburg"]["weight"] == 2.0 and g["nantes"]["hamburg"]["count"] == 2
    assert g.nodes["nantes"]["kind"] == "city"
    org = projection(t, level="organisation")
    assert org["org-nm"]["org-hh"]["weight"] == 0.5  # p1 has 3 members: 1/(3-1)


def test_time_window_keeps_overlapping_activities() -> None:
    t = package(
        {"a": None, "b": None, "c": None},
        {"old": ["a", "b"], "new": ["b", "c"], "undated": ["a", "c"]},
        dates={"old": ("2010-01-01", "2012-12-31"), "new": ("2019-01-01", "2021-12-31")},
    )
    assert sorted(memberships(t, since=dt.date(2015, 1, 1))["activity_id"].unique()) == ["new"]
    assert sorted(memberships(t, until=dt.date(2012, 12, 31))["activity_id"].unique()) == ["old"]
    assert len(memberships(t)) == 6
    with pytest.raises(UsageError, match="before --since"):
        memberships(t, since=dt.date(2020, 1, 1), until=dt.date(2019, 1, 1))


def test_bipartite_graph_has_both_sides() -> None:
    t = package({"a": None, "b": None}, {"p": ["a", "b"]})
    g = bipartite_graph(t)
    assert {n: d["bipartite"] for n, d in g.nodes(data=True)} == {"a": 0, "b": 0, "p": 1}
    assert g.nodes["p"]["kind"] == "project"


def test_projection_edges_empty() -> None:
    assert projection_edges(pd.DataFrame({"member_id": [], "activity_id": []})).empty


def test_unknown_level() -> None:
    with pytest.raises(UsageError, match="expected one of city, organisation"):
        memberships(empty_tables(), level="country")
