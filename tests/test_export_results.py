"""Issue 12: ``netlens export`` carries what netlens computed — node metrics, communities and TIE relationships —
while the analyses' own read-back (``read_tables``) still never sees them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from netlens.cli import main
from netlens.store.embedded import EmbeddedStore

from .conftest import SAMPLE


def netlens(*args: str) -> str:
    """Run the CLI in this process (five subprocesses cost ~9 s of start-up); fails on a non-zero exit."""
    r = CliRunner().invoke(main, list(args), env={"NETLENS_PROGRESS": "0"})
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("export-results")
    store = folder / "s.kgl"
    netlens("load", str(SAMPLE), "--store-path", str(store), "-q")
    for metric in ("centrality", "communities", "tandems"):
        netlens("analyse", "--metric", metric, "--store-path", str(store), "-q")
    netlens("export", str(folder / "out"), "--store-path", str(store), "-q")
    return store, folder / "out"


def _store_rows(store: Path, cypher: str) -> list[dict[str, object]]:
    return list(EmbeddedStore(store).query(cypher).rows)


def test_graphml_and_gexf_carry_every_tie_and_the_metrics(analysed: tuple[Path, Path]) -> None:
    store, out = analysed
    ties = _store_rows(store, "MATCH ()-[t:TIE]->() RETURN count(t) AS n")[0]["n"]
    assert isinstance(ties, int) and ties > 0
    pagerank = {
        r["id"]: r["p"]
        for r in _store_rows(store, "MATCH (c:City) WHERE c.pagerank IS NOT NULL RETURN c.id AS id, c.pagerank AS p")
    }
    assert pagerank
    for name, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        files = sorted(out.glob(f"*.{name}"))
        assert files, f"no .{name} written"
        g = reader(files[0])
        tie_edges = [d for _, _, d in g.edges(data=True) if d.get("rel_type") == "TIE"]
        assert len(tie_edges) == ties, name
        assert all("strength" in d for d in tie_edges)
        for node_id, value in pagerank.items():
            attrs = g.nodes[node_id]
            assert float(attrs["pagerank"]) == pytest.approx(value, rel=1e-9), (name, node_id)
            assert "community" in attrs and attrs["centrality_scope"] == "city; all dates"


def test_analyses_still_never_read_their_results(analysed: tuple[Path, Path]) -> None:
    store, _ = analysed
    network = EmbeddedStore(store).read_tables()
    assert "pagerank" not in network["cities"].columns and "community" not in network["cities"].columns
    assert set(network) == {
        "cities",
        "organisations",
        "projects",
        "exchanges",
        "participations",
        "attendances",
        "tandems",
        "transfers",
    }


def _map_positions(store: Path, level: str, out: Path) -> dict[str, tuple[float, float]]:
    """What ``netlens map --level LEVEL`` draws (default options): id -> (x, y) from the map's data block."""
    from netlens.render.maps import read_map_data

    netlens("map", "--level", level, "-o", str(out), "--store-path", str(store), "-q")
    nodes = read_map_data(out.read_text(encoding="utf-8"))["nodes"]
    return {i: (x, y) for i, x, y in zip(nodes["id"], nodes["x"], nodes["y"])}


@pytest.mark.parametrize("reader", [nx.read_graphml, nx.read_gexf], ids=["graphml", "gexf"])
def test_city_export_carries_the_results_the_ties_and_the_map_positions(
    analysed: tuple[Path, Path], tmp_path: Path, reader: object
) -> None:
    """Issue 12: ``export --level city`` had neither results nor positions; Gephi now opens the map's picture."""
    store, _ = analysed
    netlens("export", str(tmp_path / "city"), "--level", "city", "--store-path", str(store), "-q")
    kind = "graphml" if reader is nx.read_graphml else "gexf"
    g = reader(tmp_path / "city" / f"network.{kind}")  # type: ignore[operator]
    drawn = _map_positions(store, "city", tmp_path / "m.html")
    assert set(drawn) <= set(g.nodes) and len(drawn) == 35
    for node_id, (x, y) in drawn.items():
        attrs = g.nodes[node_id]
        got = (attrs["x"], attrs["y"]) if kind == "graphml" else (attrs["viz"]["position"]["x"], attrs["viz"]["position"]["y"])
        assert (float(got[0]), -float(got[1])) == pytest.approx((x, y)), node_id  # y upwards for Gephi
    stored = {
        tuple(sorted((str(r["a"]), str(r["b"])))): r["s"]
        for r in _store_rows(store, "MATCH (a)-[t:TIE {level: 'city'}]->(b) RETURN a.id AS a, b.id AS b, t.strength AS s")
    }
    exported = {tuple(sorted((u, v))): float(d["strength"]) for u, v, d in g.edges(data=True) if "strength" in d}
    assert exported == pytest.approx(stored) and len(stored) > 0
    pagerank = {r["id"]: r["p"] for r in _store_rows(store, "MATCH (c:City) RETURN c.id AS id, c.pagerank AS p")}
    assert {n: float(g.nodes[n]["pagerank"]) for n in pagerank} == pytest.approx(pagerank)


def test_full_export_positions_are_the_bipartite_map_and_can_be_left_out(analysed: tuple[Path, Path], tmp_path: Path) -> None:
    store, out = analysed
    g = nx.read_gexf(out / "network.gexf")
    drawn = _map_positions(store, "bipartite", tmp_path / "b.html")
    assert drawn and all(
        (g.nodes[i]["viz"]["position"]["x"], -g.nodes[i]["viz"]["position"]["y"]) == pytest.approx(xy) for i, xy in drawn.items()
    )
    assert sum("viz" in d for _, d in g.nodes(data=True)) == len(drawn)  # topics: not on the map, no position
    netlens("export", str(tmp_path / "bare"), "--no-positions", "--formats", "graphml", "--store-path", str(store), "-q")
    bare = nx.read_graphml(tmp_path / "bare" / "network.graphml")
    assert not any("x" in d for _, d in bare.nodes(data=True))
