"""netlens.pipeline: graphs per level, annotations, partitions, what is written back (hand-checked on small cases)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netlens import pipeline
from netlens.errors import UsageError
from netlens.model.network import Network
from netlens.read import read_package
from netlens.validation import validate_or_raise

from .conftest import SAMPLE, write_package


@pytest.fixture(scope="module")
def sample() -> Network:
    return validate_or_raise(read_package(SAMPLE))[0]


def tables_of(folder: Path) -> Network:
    return validate_or_raise(read_package(folder))[0]


def test_labels_cover_every_node_table(mini: Path) -> None:
    kinds = pipeline.labels(tables_of(mini))
    assert kinds == {
        "nantes": "City",
        "hamburg": "City",
        "rijeka": "City",
        "org-cartif": "Organisation",
        "p-msl": "Project",
        "x-rijeka": "Exchange",
    }


def test_levels_give_the_expected_nodes(mini: Path) -> None:
    t = tables_of(mini)
    # city level: CARTIF has no city, so only the three cities; organisation level adds it; bipartite adds activities
    assert sorted(pipeline.build_graph(t, "city")) == ["hamburg", "nantes", "rijeka"]
    assert sorted(pipeline.build_graph(t, "organisation")) == ["hamburg", "nantes", "org-cartif", "rijeka"]
    assert sorted(pipeline.build_graph(t, "bipartite")) == ["hamburg", "nantes", "org-cartif", "p-msl", "rijeka", "x-rijeka"]
    with pytest.raises(UsageError, match="unknown level 'region'"):
        pipeline.build_graph(t, "region")


def test_annotate_topics_programme_and_years(mini: Path) -> None:
    t = tables_of(mini)
    G = pipeline.annotate(pipeline.build_graph(t, "city"), t, "city")
    # Nantes: mySMARTLife (energy, mobility; 2016-12-01..2021-11-30) and the 2019 Rijeka study visit (ict)
    assert G.nodes["nantes"]["topics"] == ["energy", "ict", "mobility"]
    assert G.nodes["nantes"]["programme"] == "H2020"
    assert (G.nodes["nantes"]["first_year"], G.nodes["nantes"]["last_year"]) == (2016, 2021)


def test_partitions(sample: Network) -> None:
    G = pipeline.build_graph(sample, "city")
    assert pipeline.partition(G, sample, "country")["nantes"] == "FR"
    # the sample's lighthouse cities are tagged 'lighthouse' and take part in mySMARTLife as lighthouses
    roles = pipeline.partition(G, sample, "role")
    assert roles["nantes"] == roles["hamburg"] == roles["helsinki"] == "lighthouse"
    assert "lighthouse" in pipeline.partition(G, sample, "tags")["nantes"].split(";")
    with pytest.raises(UsageError, match="unknown partition"):
        pipeline.partition(G, sample, "colour")


def test_ties_to_write_modes(sample: Network) -> None:
    a = pipeline.analyse(sample, "tandems", level="city")
    assert a.ties is not None
    n, sig = len(a.ties), int(a.ties["significant"].sum())
    assert (n, sig) == (159, 6)  # README: 159 pairs, 6 significant ties
    every, _ = pipeline.ties_to_write(a, "all")
    assert every is not None and len(every) == n
    significant, _ = pipeline.ties_to_write(a, "significant")
    assert significant is not None and len(significant) == sig
    assert pipeline.ties_to_write(a, "none") == (None, "")
    assert pipeline.ties_to_write(a, "auto")[1] == "all 159 ties"
    with pytest.raises(UsageError, match="unknown --ties"):
        pipeline.ties_to_write(a, "some")


def test_results_for_store_carry_their_scope(sample: Network) -> None:
    a = pipeline.analyse(sample, "communities", level="city", until=dt.date(2019, 12, 31))
    out = pipeline.results_for_store(a)
    assert out is not None and list(out.columns) == ["community", "communities_scope"]
    assert set(out["communities_scope"]) == {"city; activities overlapping … – 2019-12-31"}
    assert pipeline.results_for_store(pipeline.analyse(sample, "structure")) is None


def test_empty_graph_messages(tmp_path: Path) -> None:
    orgs = write_package(
        tmp_path / "o",
        {
            "organisations.csv": "id,name,country\no1,A,FR\no2,B,DE\n",
            "projects.csv": "id,name,start,end\np1,P,2016-01-01,2017-12-31\n",
            "participations.csv": "project_id,member_id\np1,o1\np1,o2\n",
        },
    )
    t = tables_of(orgs)
    with pytest.raises(UsageError, match=r"\(try --level organisation\)"):
        pipeline.check_not_empty(pipeline.build_graph(t, "city"), t, "city")
    since = dt.date(2020, 1, 1)
    with pytest.raises(UsageError, match="no activity overlaps 2020-01-01 – …"):
        pipeline.check_not_empty(pipeline.build_graph(t, "organisation", since=since), t, "organisation", since)


def test_map_graph_path_and_backbone(sample: Network) -> None:
    G, route = pipeline.map_graph(sample, "city", path=("Nantes", "Palencia"), backbone=True)
    assert route is not None and route.nodes[0] == "nantes" and route.nodes[-1] == "palencia"
    for a, b in zip(route.nodes, route.nodes[1:]):
        assert G.has_edge(a, b)  # the route survives the backbone cut
    full = pipeline.build_graph(sample, "city")
    assert G.number_of_edges() < full.number_of_edges()
    assert all(G.degree(n) > 0 for n in G)
    assert {"pagerank", "degree", "topics"} <= set(G.nodes["nantes"])
    with pytest.raises(UsageError, match="--path needs --level city or organisation"):
        pipeline.map_graph(sample, "bipartite", path=("Nantes", "Palencia"))


def test_map_backbone_is_the_tandems_backbone(sample: Network) -> None:
    # issue 12: `map --backbone` drew 2 ties on the sample while `tandems --significant-only` kept 6
    a = pipeline.analyse(sample, "tandems", level="city", significant_only=True)
    listed = {frozenset((u, v)) for u, v in zip(a.ties["u"], a.ties["v"])} if a.ties is not None else set()
    G, _ = pipeline.map_graph(sample, "city", backbone=True)
    drawn = {frozenset(e) for e in G.edges}
    assert len(listed) == len(a.table) > 2
    assert drawn == listed
    assert any("shows and writes only the" in n for n in a.notes)
    every = pipeline.analyse(sample, "tandems", level="city")
    assert a.ties is not None and every.ties is not None and len(a.ties) < len(every.ties)  # writes only what it shows
    with pytest.raises(UsageError, match="--backbone needs --level city or organisation"):
        pipeline.map_graph(sample, "bipartite", backbone=True)


def test_partition_by_role_follows_the_time_window(tmp_path: Path) -> None:
    # a is coordinator of P (2016) and partner of Q and R (2020): all-time role 'partner', in 2016 'coordinator'
    pkg = write_package(
        tmp_path / "w",
        {
            "cities.csv": "id,name,country,lat,lon\na,A,FR,1,1\nb,B,DE,2,2\n",
            "projects.csv": "id,name,start,end,programme\n"
            "p,P,2016-01-01,2016-12-31,H2020\nq,Q,2020-01-01,2020-12-31,Interreg\nr,R,2020-01-01,2020-12-31,Interreg\n",
            "participations.csv": "project_id,member_id,role\np,a,coordinator\np,b,partner\nq,a,partner\nq,b,partner\n"
            "r,a,partner\nr,b,partner\n",
        },
    )
    t = tables_of(pkg)
    G = pipeline.build_graph(t, "city")
    assert pipeline.partition(G, t, "role")["a"] == "partner"
    assert pipeline.partition(G, t, "programme")["a"] == "Interreg"
    until = dt.date(2016, 12, 31)
    G16 = pipeline.build_graph(t, "city", until=until)
    assert pipeline.partition(G16, t, "role", until=until)["a"] == "coordinator"
    assert pipeline.partition(G16, t, "programme", until=until)["a"] == "H2020"
