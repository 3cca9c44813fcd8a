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
