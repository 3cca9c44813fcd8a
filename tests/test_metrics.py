"""netlens.analysis centrality, communities, brokerage and structure against networkx (to 1e-9), published golden
values, and hand-computed brokerage."""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netlens import pipeline
from netlens.analysis._igraph import to_igraph
from netlens.analysis.brokerage import bridges, brokers
from netlens.analysis.centrality import centrality
from netlens.analysis.communities import communities
from netlens.analysis.structure import structure
from netlens.errors import UsageError
from netlens.validation import empty_tables

TOL = 1e-9


# ------------------------------------------------------------------------------------------ graphs


def _weighted(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    for _, _, d in G.edges(data=True):
        d["weight"] = rng.uniform(0.2, 3.0)
    return G


def karate() -> nx.Graph:
    """Zachary's karate club with seeded random weights (overriding its interaction counts)."""
    return _weighted(nx.karate_club_graph(), 42)


def two_components() -> nx.Graph:
    """String ids, weighted: a 25-node small world, a 7-node cycle with chords, a pendant pair and an isolate."""
    big = nx.connected_watts_strogatz_graph(25, 4, 0.3, seed=3)
    small = nx.cycle_graph(7)
    small.add_edges_from([(0, 3), (1, 5)])
    G = nx.disjoint_union_all([big, small, nx.path_graph(2)])
    G = nx.relabel_nodes(G, {v: f"n{v}" for v in G})
    G.add_node("lonely", name="Lonely", kind="city")
    return _weighted(G, 7)


def path() -> nx.Graph:
    return nx.path_graph(7)


def star() -> nx.Graph:
    return nx.star_graph(6)


GRAPHS = {"karate": karate, "two_components": two_components, "path": path, "star": star}


def nx_reference(G: nx.Graph, weight: str | None) -> dict[str, dict[Hashable, float]]:
    """The same metrics computed with networkx (distance = 1/weight)."""
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d["_distance"] = 1.0 / d.get(weight, 1.0) if weight else 1.0
    dist = "_distance" if weight else None
    if nx.is_connected(G):
        eig = nx.eigenvector_centrality_numpy(G, weight=weight)
    else:  # networkx refuses the numpy variant on disconnected graphs; the power iteration converges here
        eig = nx.eigenvector_centrality(G, weight=weight, tol=1e-15, max_iter=100_000)
    return {
        "degree": dict(G.degree()),
        "strength": dict(G.degree(weight=weight)),
        "betweenness": nx.betweenness_centrality(H, weight=dist),
        "closeness": nx.closeness_centrality(H, distance=dist),
        "harmonic": nx.harmonic_centrality(H, distance=dist),
        "eigenvector": eig,
        "pagerank": nx.pagerank(G, alpha=0.85, weight=weight, tol=1e-14, max_iter=10_000),
        "kcore": nx.core_number(G),
    }


def assert_matches(series: pd.Series, expected: Mapping[Hashable, float], tol: float = TOL) -> None:
    assert set(series.index) == set(expected)
    got = series.astype(float)
    for node, value in expected.items():
        if isinstance(value, float) and np.isnan(value):
            assert np.isnan(got[node]), node
        else:
            assert abs(got[node] - value) <= tol, (series.name, node, got[node], value)


# ------------------------------------------------------------------------------------------ to_igraph


def test_to_igraph_maps_vertices_to_node_ids_and_weights() -> None:
    G = two_components()
    g, nodes = to_igraph(G)
    assert nodes == list(G)
    assert g.vcount() == G.number_of_nodes() and g.ecount() == G.number_of_edges()
    for e in g.es:
        u, v = nodes[e.source], nodes[e.target]
        assert e["weight"] == G[u][v]["weight"]


def test_to_igraph_rejects_directed_and_bad_weights() -> None:
    with pytest.raises(UsageError):
        to_igraph(nx.DiGraph([(1, 2)]))
    with pytest.raises(UsageError, match="finite number > 0"):
        to_igraph(nx.Graph([(1, 2, {"weight": 0.0})]))
    with pytest.raises(UsageError, match="numeric"):
        to_igraph(nx.Graph([(1, 2, {"weight": "strong"})]))


# ------------------------------------------------------------------------------------------ centrality


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("weight", ["weight", None])
def test_centrality_equals_networkx(name: str, weight: str | None) -> None:
    G = GRAPHS[name]()
    df = centrality(G, weight=weight, betweenness="exact", closeness="exact")
    assert list(df.index) == list(G)
    for col, expected in nx_reference(G, weight).items():
        assert_matches(df[col], expected)
    assert df.attrs["betweenness_method"] == "exact" and df.attrs["betweenness_stderr"] == 0.0


def test_centrality_auto_is_exact_on_small_graphs_and_keeps_names() -> None:
    G = two_components()
    df = centrality(G)
    assert df.attrs["betweenness_method"] == "exact" and df.attrs["closeness_method"] == "exact"
    assert df.loc["lonely", ["name", "kind"]].tolist() == ["Lonely", "city"]
    assert df.loc["lonely", ["closeness", "harmonic", "betweenness", "degree"]].tolist() == [0.0, 0.0, 0.0, 0]


def test_betweenness_golden_gds_undirected_example() -> None:
    # Neo4j GDS manual, Betweenness Centrality, "Undirected" example (neo4j/graph-data-science,
    # doc/modules/ROOT/pages/algorithms/betweenness-centrality.adoc): raw scores Carol 9.5, Frank 5.5,
    # Dan 3, Eve 3, others 0. networkx normalisation divides by (n-1)(n-2)/2 = 15.
    G = nx.Graph(
        [
            ("Alice", "Carol"),
            ("Bob", "Carol"),
            ("Carol", "Dan"),
            ("Carol", "Eve"),
            ("Dan", "Frank"),
            ("Eve", "Frank"),
            ("Frank", "Gale"),
        ]
    )
    raw = {"Alice": 0.0, "Bob": 0.0, "Carol": 9.5, "Dan": 3.0, "Eve": 3.0, "Frank": 5.5, "Gale": 0.0}
    assert_matches(centrality(G, weight=None)["betweenness"], {k: v / 15 for k, v in raw.items()})


def test_golden_networkx_docstrings() -> None:
    # nx.betweenness_centrality docstring: undirected 3-path -> {0: 0.0, 1: 1.0, 2: 0.0}
    assert_matches(centrality(nx.path_graph(3))["betweenness"], {0: 0.0, 1: 1.0, 2: 0.0})
    # nx.closeness_centrality docstring
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)])
    assert_matches(centrality(G)["closeness"], {0: 1.0, 1: 1.0, 2: 0.75, 3: 0.75})
    # nx.eigenvector_centrality docstring: path_graph(4) -> 0.37, 0.60, 0.60, 0.37
    ev = centrality(nx.path_graph(4))["eigenvector"]
    assert [f"{x:0.2f}" for x in ev] == ["0.37", "0.60", "0.60", "0.37"]
    # nx.core_number docstring
    H = nx.havel_hakimi_graph([0, 1, 2, 2, 2, 2, 3])
    assert centrality(H)["kcore"].to_dict() == {0: 1, 1: 2, 2: 2, 3: 2, 4: 1, 5: 2, 6: 0}


def test_sampled_betweenness_is_networkx_k_estimator() -> None:
    # one component: the pivots are those of nx.betweenness_centrality(k, seed), so the estimates are identical
    G = karate()
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d["_distance"] = 1.0 / d["weight"]
    df = centrality(G, betweenness="sampled", samples=10, seed=7)
    assert df.attrs["betweenness_method"] == "sampled" and df.attrs["betweenness_samples"] == 10
    assert_matches(df["betweenness"], nx.betweenness_centrality(H, k=10, seed=7, weight="_distance"))


def test_sampling_keeps_small_components_exact() -> None:
    G = two_components()
    exact = centrality(G, betweenness="exact", closeness="exact")
    sampled = centrality(G, betweenness="sampled", closeness="sampled", samples=10, stderr=True)
    small = [v for v in G if not nx.has_path(G, v, "n0")]
    for col in ("betweenness", "closeness", "harmonic"):
        assert np.allclose(sampled.loc[small, col], exact.loc[small, col], atol=TOL)
        assert (sampled.loc[small, f"{col}_se"] == 0).all()
    assert sampled.attrs["betweenness_sampled_nodes"] == 25


@pytest.fixture(scope="module")
def ba_exact_and_sampled() -> tuple[pd.DataFrame, pd.DataFrame]:
    G = _weighted(nx.barabasi_albert_graph(2000, 3, seed=11), 5)
    exact = centrality(G, betweenness="exact", closeness="exact")
    sampled = centrality(G, betweenness="sampled", closeness="sampled", samples=100, seed=3, stderr=True)
    return exact, sampled


@pytest.mark.parametrize("col", ["betweenness", "closeness", "harmonic"])
def test_sampled_error_within_stated_stderr(ba_exact_and_sampled: tuple[pd.DataFrame, pd.DataFrame], col: str) -> None:
    # Over 10 seeds the stated errors are calibrated (RMS error / RMS stated stderr = 0.96-1.02, mean absolute
    # error = 0.8x stated for closeness/harmonic, 1.2x for the heavy-tailed betweenness); one run varies more
    # (0.4-1.6x) because all nodes share the pivots, hence the 3x margins.
    exact, sampled = ba_exact_and_sampled
    err = (sampled[col] - exact[col]).abs()
    stated = sampled.attrs[f"{col}_stderr"]
    assert stated > 0
    assert stated / 3 <= err.mean() <= 3 * stated
    se = sampled[f"{col}_se"]
    assert 1 / 3 <= np.sqrt((err**2).mean() / (se**2).mean()) <= 3


def test_sampled_betweenness_never_claims_zero_error() -> None:
    # issue 12: Les Misérables, 40 pivots: Cosette was shown 0.0133 ± 0 (exact 0.0263): every pivot gave her the
    # same dependency 0.5, the one source that routes ~37 pairs through her was never drawn
    G = nx.les_miserables_graph()
    sampled = centrality(G, betweenness="sampled", samples=40, seed=0, stderr=True)
    exact = nx.betweenness_centrality(G, weight=lambda u, v, d: 1 / d["weight"])
    assert sampled.loc["Cosette", "betweenness"] == pytest.approx(0.0133, abs=1e-4)
    assert exact["Cosette"] == pytest.approx(0.0263, abs=1e-4)
    assert np.isnan(sampled.loc["Cosette", "betweenness_se"])  # unknown, not 0
    se = sampled["betweenness_se"]
    assert not (se == 0).any()  # one component, sampled: no node is claimed exact
    unreached = sampled.index[se.isna() & (sampled["betweenness"] == 0)]
    assert sampled.attrs["betweenness_unreached"] == len(unreached) > 0
    assert sampled.attrs["betweenness_se_unknown"] == int(se.isna().sum())
    bound = sampled.attrs["betweenness_unreached_bound"]
    assert bound == pytest.approx(3 / 40 * 77 / 76)
    assert all(exact[v] < bound for v in unreached)  # 0 is a lower bound, the stated bound holds
    assert np.isfinite(sampled.attrs["betweenness_stderr"])  # the mean is over the nodes with an estimate


def test_sampled_betweenness_note_states_the_unknown_errors() -> None:
    G = nx.les_miserables_graph()
    a = pipeline.analyse(empty_tables(), "centrality", graph=G, betweenness="sampled", samples=40)
    note = next(n for n in a.notes if "no error estimate" in n)
    assert "their 0 is a lower bound" in note and "below 0.076 (95 %)" in note


def test_resolution_modularity_is_labelled_and_the_ordinary_q_given() -> None:
    # issue 12: at resolution != 1 the printed Q was the resolution-adjusted value without saying so
    G = nx.karate_club_graph()
    df = communities(G, resolution=2.0, seed=0)
    parts = [set(g.index) for _, g in df.groupby("community")]
    assert df.attrs["modularity"] == pytest.approx(nx.community.modularity(G, parts, resolution=2.0), abs=TOL)
    assert df.attrs["modularity_standard"] == pytest.approx(nx.community.modularity(G, parts), abs=TOL)
    a = pipeline.analyse(empty_tables(), "communities", graph=G, resolution=2.0)
    q = nx.community.modularity(G, parts)
    assert any(f"ordinary Q at γ = 1 of the same partition is {q:.4f}" in n for n in a.notes)


def test_centrality_rejects_bad_arguments() -> None:
    G = path()
    with pytest.raises(UsageError):
        centrality(G, betweenness="fast")
    with pytest.raises(UsageError):
        centrality(G, samples=1)
    with pytest.raises(UsageError):
        centrality(nx.MultiGraph(G))


# ----------------------------------------------------------------------------------------- communities


def test_leiden_beats_networkx_louvain_on_karate_and_is_deterministic() -> None:
    G = nx.karate_club_graph()  # its own interaction-count weights
    for weight in ("weight", None):
        best_nx = max(
            nx.community.modularity(G, nx.community.louvain_communities(G, weight=weight, seed=s), weight=weight)
            for s in range(3)
        )
        df = communities(G, weight=weight, seed=1)
        assert df.attrs["modularity"] >= best_nx - 0.02
        again = communities(G, weight=weight, seed=1)
        assert df["community"].tolist() == again["community"].tolist()
        assert df.attrs == again.attrs


@pytest.mark.parametrize("method", ["leiden", "louvain"])
@pytest.mark.parametrize("resolution", [1.0, 0.5])
def test_community_modularity_is_networkx_modularity(method: str, resolution: float) -> None:
    G = two_components()
    df = communities(G, method=method, resolution=resolution)
    parts = [set(idx) for _, idx in df.groupby("community").groups.items()]
    assert df.attrs["modularity"] == pytest.approx(
        nx.community.modularity(G, parts, weight="weight", resolution=resolution), abs=TOL
    )
    sizes = df["community"].value_counts().sort_index().tolist()
    assert sizes == sorted(sizes, reverse=True) and df.attrs["n_communities"] == len(sizes)


def test_communities_golden_gds_modularity_example() -> None:
    # Neo4j GDS manual, Modularity example (doc/modules/ROOT/pages/algorithms/modularity.adoc): communities
    # {Alice, Doug}, {Bridget, Charles}, {Mark, Michael} have modularity 0.293388429752066 on the UNDIRECTED
    # projection, where Mark-Michael appears in both directions (weight 1 + 1 = 2 here).
    G = nx.Graph()
    for u, v, w in [
        ("Alice", "Bridget", 1),
        ("Alice", "Charles", 1),
        ("Charles", "Bridget", 1),
        ("Alice", "Doug", 5),
        ("Mark", "Doug", 1),
        ("Mark", "Michael", 2),
    ]:
        G.add_edge(u, v, weight=w)
    for method in ("leiden", "louvain"):
        df = communities(G, method=method)
        groups = {frozenset(idx) for idx in df.groupby("community").groups.values()}
        assert groups == {frozenset({"Alice", "Doug"}), frozenset({"Bridget", "Charles"}), frozenset({"Mark", "Michael"})}
        assert df.attrs["modularity"] == pytest.approx(0.293388429752066, abs=1e-12)


def test_communities_leaves_global_random_state_alone() -> None:
    state = random.getstate()
    communities(karate(), seed=5)
    assert random.getstate() == state


# --------------------------------------------------------------------------------------------- brokers


@pytest.mark.parametrize("name", [*GRAPHS, "les_miserables"])
@pytest.mark.parametrize("weight", ["weight", None])
def test_constraint_and_effective_size_equal_networkx(name: str, weight: str | None) -> None:
    G = nx.les_miserables_graph() if name == "les_miserables" else GRAPHS[name]()
    df = brokers(G, weight=weight)
    assert_matches(df["constraint"], nx.constraint(G, weight=weight))
    # nodes=list(G): networkx 3.6's vectorised all-nodes path normalises by the wrong row maximum for
    # weighted graphs (networkx PR #8906); the per-node path is Burt's formula.
    assert_matches(df["effective_size"], nx.effective_size(G, nodes=list(G), weight=weight))


def test_effective_size_golden_networkx_docstring() -> None:
    G = nx.path_graph(3)
    G.add_edge(4, 4)
    assert_matches(brokers(G)["effective_size"], {0: 1.0, 1: 2.0, 2: 1.0, 4: float("nan")})


def _roles(df: pd.DataFrame, node: str) -> list[int]:
    return [int(df.loc[node, r]) for r in ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")]


def test_gould_fernandez_hand_drawn_five_nodes() -> None:
    # B (group x) is tied to A (x), C (y), D (y), E (z); C-D is the only tie among them.
    # Unconnected neighbour pairs of B: {A,C} {A,D} {A,E}: one end in B's group -> each one gatekeeper path
    # (C->B->A) and one representative path (A->B->C); {C,E} {D,E}: three groups -> liaison, 2 paths each;
    # {C,D} would be itinerant but is tied. C and D broker nothing (their only neighbour pair is tied).
    G = nx.Graph([("B", "A"), ("B", "C"), ("B", "D"), ("B", "E"), ("C", "D")])
    groups: dict[Hashable, str] = {"A": "x", "B": "x", "C": "y", "D": "y", "E": "z"}
    df = brokers(G, partition=groups)
    assert _roles(df, "B") == [0, 0, 3, 3, 4] and df.loc["B", "brokerage"] == 10
    for v in "ACDE":
        assert _roles(df, v) == [0, 0, 0, 0, 0]
    assert df.loc["B", "articulation"] and df.loc["B", "split_size"] == 2  # A and E are cut off from {C, D}


def test_gould_fernandez_hand_drawn_coordinator_itinerant() -> None:
    # Star around B (x) with leaves A, C (x) and D, E (y), no other ties: {A,C} coordinator (2 paths),
    # {D,E} itinerant (2 paths), {A,D} {A,E} {C,D} {C,E} gatekeeper/representative (4 + 4 paths).
    G = nx.star_graph(["B", "A", "C", "D", "E"])
    df = brokers(G, partition={"A": "x", "B": "x", "C": "x", "D": "y", "E": "y"})
    assert _roles(df, "B") == [2, 2, 4, 4, 0]


def _brute_force_roles(G: nx.Graph, groups: Mapping[Hashable, str | None]) -> dict[Hashable, dict[str, int]]:
    """Ordered two-paths a->b->c (every tie reciprocal), a and c not tied, classified by Gould & Fernandez."""
    out: dict[Hashable, dict[str, int]] = {}
    for b in G:
        counts = dict.fromkeys(("coordinator", "itinerant", "gatekeeper", "representative", "liaison"), 0)
        for a, c in itertools.permutations(G[b], 2):
            if G.has_edge(a, c) or None in (groups.get(a), groups.get(b), groups.get(c)):
                continue
            ga, gb, gc = groups[a], groups[b], groups[c]
            if ga == gb == gc:
                counts["coordinator"] += 1
            elif ga == gc:
                counts["itinerant"] += 1
            elif gb == gc:
                counts["gatekeeper"] += 1
            elif ga == gb:
                counts["representative"] += 1
            else:
                counts["liaison"] += 1
        out[b] = counts
    return out


def test_gould_fernandez_matches_brute_force_with_unknown_groups() -> None:
    G = nx.les_miserables_graph()
    rng = random.Random(1)
    groups = {v: rng.choice(["a", "b", "c", None]) for v in G}
    df = brokers(G, partition=groups)
    expected = _brute_force_roles(G, groups)
    for v in G:
        if groups[v] is None:
            assert df.loc[[v], "coordinator"].isna().all()
        else:
            assert {r: int(df.loc[v, r]) for r in expected[v]} == expected[v], v


def test_brokers_partition_from_node_attribute() -> None:
    G = nx.karate_club_graph()  # node attribute "club"
    df = brokers(G, partition="club")
    expected = _brute_force_roles(G, nx.get_node_attributes(G, "club"))
    assert all({r: int(df.loc[v, r]) for r in expected[v]} == expected[v] for v in G)
    assert df.loc[0, "group"] == "Mr. Hi"
    with pytest.raises(UsageError, match="no node has"):
        brokers(G, partition="country")


@pytest.mark.parametrize("name", ["karate", "two_components", "path", "star", "tree"])
def test_articulation_and_split_size_brute_force(name: str) -> None:
    G = nx.random_labeled_tree(40, seed=2) if name == "tree" else GRAPHS[name]()
    if name == "two_components":
        G.add_edges_from([("n1", "t1"), ("t1", "t2"), ("t1", "t3")])  # a tail hanging off the big component
    df = brokers(G)
    cuts = set(nx.articulation_points(G))
    for v in G:
        comp = nx.node_connected_component(G, v)
        rest = G.subgraph(comp - {v})
        largest = max((len(c) for c in nx.connected_components(rest)), default=0)
        assert df.loc[v, "articulation"] == (v in cuts)
        assert df.loc[v, "split_size"] == len(comp) - 1 - largest, v


@pytest.mark.parametrize("name", ["karate", "two_components", "path", "star", "tree"])
def test_bridges_brute_force(name: str) -> None:
    G = nx.random_labeled_tree(30, seed=4) if name == "tree" else GRAPHS[name]()
    df = bridges(G)
    assert {frozenset(e) for e in zip(df["u"], df["v"])} == {frozenset(e) for e in nx.bridges(G)}
    for row in df.itertuples():
        H = G.copy()
        H.remove_edge(row.u, row.v)
        assert (row.size_u, row.size_v) == (
            len(nx.node_connected_component(H, row.u)),
            len(nx.node_connected_component(H, row.v)),
        )
    smaller = np.minimum(df["size_u"], df["size_v"]).tolist()
    assert smaller == sorted(smaller, reverse=True)


# ------------------------------------------------------------------------------------------- structure


@pytest.mark.parametrize("name", list(GRAPHS))
def test_structure_equals_networkx(name: str) -> None:
    G = GRAPHS[name]()
    s = structure(G)
    lcc = G.subgraph(max(nx.connected_components(G), key=len))
    assert s["components"] == nx.number_connected_components(G)
    assert s["largest_component"] == len(lcc)
    assert s["density"] == pytest.approx(nx.density(G), abs=TOL)
    assert s["average_clustering"] == pytest.approx(nx.average_clustering(G), abs=TOL)
    assert s["transitivity"] == pytest.approx(nx.transitivity(G), abs=TOL)
    assert s["diameter"] == nx.diameter(lcc) and s["diameter_exact"]
    hist = nx.degree_histogram(G)
    assert s["degree_distribution"]["count"].to_dict() == {d: c for d, c in enumerate(hist) if c}


def test_structure_diameter_bounds_when_not_exact() -> None:
    G = nx.connected_watts_strogatz_graph(300, 4, 0.05, seed=1)
    true = nx.diameter(G)
    s = structure(G, exact_limit=0)
    assert s["diameter"] <= true <= s["diameter_upper_bound"]
    assert s["diameter_exact"] == (s["diameter"] == s["diameter_upper_bound"])
    assert structure(nx.path_graph(50), exact_limit=0)["diameter"] == 49  # the double sweep is exact on trees


# ------------------------------------------------------------------------------------------- contract


def test_inputs_are_not_mutated() -> None:
    G = two_components()
    nx.set_node_attributes(G, {v: "FR" if i % 2 else "DE" for i, v in enumerate(G)}, "country")
    before = copy.deepcopy(G)
    centrality(G)
    communities(G)
    brokers(G, partition="country")
    bridges(G)
    structure(G)
    assert nx.utils.graphs_equal(G, before)
    assert list(G.nodes(data=True)) == list(before.nodes(data=True))


def test_empty_graph() -> None:
    G = nx.Graph()
    assert centrality(G).empty and communities(G).empty and brokers(G).empty and bridges(G).empty
    assert structure(G)["nodes"] == 0


def test_pivot_batches_on_two_processes_give_the_same_values() -> None:
    """Issue 16 item 4: the pivot batches of a large sampled component run in forked workers; each batch is the
    same computation and the batches are summed in the same order, so every path metric and its error is equal."""
    G = nx.barabasi_albert_graph(2500, 3, seed=1)  # one component over PARALLEL_MIN_NODES
    nx.set_edge_attributes(G, {e: 1.0 + (hash(e) % 5) for e in G.edges}, "weight")
    calls: list[tuple[int, int]] = []
    kw = {"betweenness": "sampled", "closeness": "sampled", "samples": 40, "stderr": True}
    one = centrality(G, workers=1, **kw)  # type: ignore[arg-type]
    two = centrality(G, workers=2, on_progress=lambda d, t: calls.append((d, t)), **kw)  # type: ignore[arg-type]
    for col in ("betweenness", "closeness", "harmonic", "betweenness_se", "closeness_se", "harmonic_se"):
        assert np.array_equal(one[col].to_numpy(), two[col].to_numpy(), equal_nan=True), col
    assert calls[-1] == (40, 40) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from netlens.analysis._pathsums import default_workers

    monkeypatch.setenv("NETLENS_WORKERS", "1")
    assert default_workers() == 1
    monkeypatch.setenv("NETLENS_WORKERS", "two")
    with pytest.raises(UsageError, match="NETLENS_WORKERS"):
        default_workers()
