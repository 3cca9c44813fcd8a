"""Issue 16: the projection as arrays (``projection_arrays``) equals the networkx projection, and the analyses
that take it (centrality, communities, the ``analyse`` hot path) give the same results as on the networkx graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netlens import pipeline
from netlens.analysis._igraph import convert
from netlens.analysis.centrality import centrality
from netlens.analysis.communities import communities
from netlens.model import projection as model
from netlens.model.network import Network
from netlens.read import read_cordis, read_package
from netlens.validation import validate_or_raise

from .conftest import SAMPLE, shared_file


@pytest.fixture(scope="module")
def sample() -> Network:
    return validate_or_raise(read_package(SAMPLE))[0]


@pytest.fixture(scope="module")
def cordis_subset(tmp_path_factory: pytest.TempPathFactory) -> Network:
    csv = shared_file("cordis-h2020-participation/h2020.csv")
    folder = tmp_path_factory.mktemp("h2020-subset")
    with csv.open(encoding="utf-8") as f:
        head = [next(f) for _ in range(4001)]
    (folder / "h2020.csv").write_text("".join(head), encoding="utf-8")
    return validate_or_raise(read_cordis(folder / "h2020.csv", enrich=False))[0]


def assert_same_projection(G: nx.Graph, A: model.ArrayGraph) -> None:
    assert A.nodes == list(G.nodes)
    assert A.src.dtype == np.int64 and A.dst.dtype == np.int64 and bool((A.src < A.dst).all())
    edges = {(A.nodes[u], A.nodes[v]): (w, c) for u, v, w, c in zip(A.src, A.dst, A.weight, A.count)}
    assert len(edges) == A.src.size == G.number_of_edges()
    for u, v, d in G.edges(data=True):
        w, c = edges[(u, v) if (u, v) in edges else (v, u)]
        assert abs(w - d["weight"]) <= 1e-12 and c == d["count"]
    assert A.name == [G.nodes[n]["name"] for n in G.nodes]
    assert A.country == [G.nodes[n]["country"] for n in G.nodes]
    assert A.kind == [G.nodes[n]["kind"] for n in G.nodes]


def assert_same_conversion(G: nx.Graph, A: model.ArrayGraph) -> None:
    cg, ca = convert(G), convert(A)
    assert cg.nodes == ca.nodes
    assert np.array_equal(cg.src, ca.src) and np.array_equal(cg.dst, ca.dst) and np.array_equal(cg.weight, ca.weight)
    assert cg.graph.get_edgelist() == ca.graph.get_edgelist()


@pytest.mark.parametrize("level", ["city", "organisation"])
def test_arrays_equal_the_networkx_projection_on_the_sample(sample: Network, level: str) -> None:
    G, A = model.projection(sample, level=level), model.projection_arrays(sample, level)
    assert G.number_of_edges() > 0
    assert_same_projection(G, A)
    assert_same_conversion(G, A)


def test_arrays_equal_the_networkx_projection_on_real_cordis(cordis_subset: Network) -> None:
    G, A = model.projection(cordis_subset), model.projection_arrays(cordis_subset)
    assert G.number_of_edges() > 1000
    assert_same_projection(G, A)
    assert_same_conversion(G, A)


def test_empty_window_gives_an_empty_array_graph(sample: Network) -> None:
    import datetime as dt

    A = model.projection_arrays(sample, "organisation", dt.date(1900, 1, 1), dt.date(1900, 12, 31))
    assert A.nodes == [] and A.src.size == 0 and convert(A).graph.vcount() == 0


@pytest.mark.parametrize("level", ["city", "organisation"])
def test_centrality_and_communities_via_arrays_equal_via_networkx(sample: Network, level: str) -> None:
    G, A = model.projection(sample, level=level), model.projection_arrays(sample, level)
    for kw in ({}, {"weight": None}, {"betweenness": "sampled", "closeness": "sampled", "samples": 4}):
        cg, ca = centrality(G, **kw), centrality(A, **kw)
        pd.testing.assert_frame_equal(cg, ca)
        assert cg.attrs == ca.attrs
    mg, ma = communities(G), communities(A)
    pd.testing.assert_frame_equal(mg, ma)
    assert mg.attrs == ma.attrs


def test_real_cordis_centrality_via_arrays(cordis_subset: Network) -> None:
    G, A = model.projection(cordis_subset), model.projection_arrays(cordis_subset)
    kw = {"betweenness": "sampled", "closeness": "sampled", "samples": 16}
    pd.testing.assert_frame_equal(centrality(G, **kw), centrality(A, **kw))  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(communities(G), communities(A))


@pytest.mark.parametrize("metric", ["centrality", "communities"])
def test_analyse_hot_path_equals_the_networkx_graph(sample: Network, metric: str) -> None:
    for level in ("city", "organisation"):
        fast = pipeline.analyse(sample, metric, level=level)
        slow = pipeline.analyse(sample, metric, level=level, graph=model.projection(sample, level=level))
        pd.testing.assert_frame_equal(fast.table, slow.table)
        assert fast.notes == slow.notes
        if fast.full is not None or slow.full is not None:
            assert fast.full is not None and slow.full is not None
            pd.testing.assert_frame_equal(fast.full, slow.full)
        assert fast.nodes is not None and slow.nodes is not None
        pd.testing.assert_frame_equal(fast.nodes, slow.nodes)


def test_build_graph_still_returns_networkx(sample: Network) -> None:
    assert isinstance(pipeline.build_graph(sample, "organisation"), nx.Graph)
    assert isinstance(pipeline.graphs.analysis_graph(sample, "organisation"), model.ArrayGraph)


def test_convert_refuses_unknown_array_attribute(sample: Network) -> None:
    from netlens.errors import UsageError

    with pytest.raises(UsageError, match="only 'weight' and 'count'"):
        convert(model.projection_arrays(sample, "organisation"), "strength")
