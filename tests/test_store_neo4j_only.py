"""What only Neo4j does: run only when ``NETLENS_TEST_NEO4J_URI`` points at a real Neo4j (the database is wiped).

The contract (``tests/test_store_contract.py``) runs on every Bolt server, the ArcadeDB peer included; netlens
does not rely on what follows, but Neo4j users get it, so it is checked against Neo4j itself. Against the ArcadeDB
peer (or another Bolt server that is not Neo4j) these tests are skipped with the server's name as the reason.
``test_the_peer_still_has_its_gaps`` runs only against the peer: it fails when ArcadeDB closes a gap, so that
``docs/neo4j.md`` is updated. The list and the reasons are in ``docs/neo4j.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import neo4j
import neo4j.exceptions as nx_exc
import pytest

from netlens.errors import QueryError, ReadOnlyQueryError, StoreError
from netlens.store import NODE_LABELS
from netlens.store.neo4j import Neo4jStore, map_error

from .conftest import BOLT_PEER, Neo4jTarget
from .test_store_contract import BASE, expected_counts


def server_agent(store: Neo4jStore) -> str:
    return str(store._connect().get_server_info().agent)


def is_neo4j(agent: str) -> bool:
    """Neo4j says ``Neo4j/5.26.0``; ArcadeDB says ``Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)``."""
    return agent.startswith("Neo4j/") and "compatible" not in agent and "ArcadeDB" not in agent


@pytest.fixture()
def neo4j_store(neo4j_target: Neo4jTarget) -> Iterator[Neo4jStore]:
    """A wiped real Neo4j, or skip saying which server is configured instead."""
    store = Neo4jStore(neo4j_target.settings)
    try:
        agent = server_agent(store)
        if neo4j_target.peer is not None or not is_neo4j(agent):
            pytest.skip(f"Neo4j-only behaviour: needs a real Neo4j in NETLENS_TEST_NEO4J_URI; the tests' server is {agent}")
        store.query("MATCH (n) DETACH DELETE n", write=True)
        yield store
    finally:
        store.close()


@pytest.fixture()
def peer_store(neo4j_target: Neo4jTarget) -> Iterator[Neo4jStore]:
    if neo4j_target.peer is None:
        pytest.skip(f"checks the {BOLT_PEER}; NETLENS_TEST_NEO4J_URI names another server")
    store = Neo4jStore(neo4j_target.settings)
    store.query("MATCH (n) DETACH DELETE n", write=True)
    yield store
    store.close()


def test_server_refuses_writes_in_read_transactions(neo4j_store: Neo4jStore) -> None:
    """netlens refuses write clauses itself (check_read_only); Neo4j refuses them again on the server."""
    with neo4j_store._session(write=False) as session, pytest.raises(nx_exc.ClientError) as err:
        session.execute_read(neo4j_store._rows, "CREATE (n:City {id: 'probe', name: 'Probe'})", None)
    assert err.value.code == "Neo.ClientError.Statement.AccessMode"
    assert isinstance(map_error(err.value, neo4j_store.settings, "the query", query=True), ReadOnlyQueryError)
    assert neo4j_store.query("MATCH (c:City {id: 'probe'}) RETURN count(c) AS n").rows == [{"n": 0}]


def test_schema_and_data_changes_cannot_share_a_transaction(neo4j_store: Neo4jStore) -> None:
    """Why ``load`` creates its constraints in transactions of their own."""

    def both(tx: neo4j.ManagedTransaction) -> None:
        tx.run("CREATE CONSTRAINT netlens_probe_id IF NOT EXISTS FOR (n:NetlensProbe) REQUIRE n.id IS UNIQUE").consume()
        tx.run("CREATE (:NetlensProbe {id: 'x'})").consume()

    try:
        with neo4j_store._session(write=True) as session, pytest.raises(nx_exc.ClientError) as err:
            session.execute_write(both)
        assert "ForbiddenDueToTransactionType" in str(err.value.code)
        assert neo4j_store.query("MATCH (n:NetlensProbe) RETURN count(n) AS n").rows == [{"n": 0}]
    finally:
        neo4j_store.query("DROP CONSTRAINT netlens_probe_id IF EXISTS", write=True)


def test_empty_results_carry_column_names_from_the_server(neo4j_store: Neo4jStore) -> None:
    """The server's own column names (netlens' fallback, read from the query text, is not used here)."""
    with neo4j_store._session(write=False) as session:
        result = session.run("MATCH (c:City {id: 'nowhere'}) RETURN c.id AS id, c.name")
        assert (list(result.keys()), list(result)) == (["id", "c.name"], [])


def test_exact_counters(neo4j_store: Neo4jStore) -> None:
    for label in NODE_LABELS:
        neo4j_store.query(f"DROP CONSTRAINT {label.lower()}_id IF EXISTS", write=True)
    first = neo4j_store.load(BASE)
    nodes, rels = expected_counts(BASE)
    assert first.constraints_added == len(NODE_LABELS)
    assert (first.nodes_created, first.relationships_created) == (sum(nodes.values()), sum(rels.values()))
    again = neo4j_store.load(BASE)
    assert (again.constraints_added, again.nodes_created, again.relationships_created) == (0, 0, 0)
    replaced = neo4j_store.load(BASE, replace=True)
    assert (replaced.nodes_deleted, replaced.relationships_deleted) == (sum(nodes.values()), sum(rels.values()))
    assert (replaced.nodes_created, replaced.relationships_created) == (sum(nodes.values()), sum(rels.values()))


def test_neo4j_error_texts(neo4j_store: Neo4jStore) -> None:
    with pytest.raises(QueryError, match=r"^missing parameter: Expected parameter\(s\): id"):
        neo4j_store.query("MATCH (c:City {id: $id}) RETURN c")
    with pytest.raises(QueryError, match=r"^Cypher syntax error: Invalid input 'RETRUN'"):
        neo4j_store.query("MATCH (c:City) RETRUN c")
    missing = Neo4jStore(dataclasses.replace(neo4j_store.settings, database="netlensnosuchdatabase"))
    with pytest.raises(StoreError, match="has no database 'netlensnosuchdatabase'; check NEO4J_DATABASE"):
        missing.info()
    missing.close()


def test_cluster_routing(neo4j_store: Neo4jStore) -> None:
    """``neo4j://`` URIs fetch a routing table (a single Neo4j server answers with itself as every role)."""
    uri = neo4j_store.settings.uri
    routed_uri = uri if uri.startswith("neo4j") else "neo4j" + uri[len("bolt") :]
    routed = Neo4jStore(dataclasses.replace(neo4j_store.settings, uri=routed_uri))
    try:
        routed.load(BASE)
        assert routed.query("MATCH (c:City) RETURN c.id AS id ORDER BY id").rows == [{"id": "brno"}, {"id": "plzen"}]
        table = routed._connect()._pool.routing_tables
        assert any(t.readers and t.writers for t in table.values())
    finally:
        routed.close()


def test_tls(neo4j_store: Neo4jStore) -> None:
    if "+s" not in neo4j_store.settings.uri.split("://", 1)[0]:
        pytest.skip("TLS: NETLENS_TEST_NEO4J_URI is not a +s/+ssc URI (e.g. neo4j+s://… of Aura)")
    assert neo4j_store._connect().encrypted
    assert neo4j_store.query("RETURN 1 AS one").rows == [{"one": 1}]


def test_the_peer_still_has_its_gaps(peer_store: Neo4jStore) -> None:
    """ArcadeDB's known gaps (docs/neo4j.md). When this fails, ArcadeDB closed one: update the docs and this test."""
    agent = server_agent(peer_store)
    assert "ArcadeDB" in agent and agent.startswith("Neo4j/")  # why the Neo4j-only tests look for "ArcadeDB"
    with peer_store._session(write=False) as session:
        result = session.run("MATCH (c:City {id: 'nowhere'}) RETURN c.id AS id")
        assert (list(result.keys()), list(result)) == ([], [])  # no column names with an empty result
        session.execute_read(peer_store._rows, "CREATE (n:City {id: 'probe', name: 'Probe'})", None)
    # a write in a read transaction is executed: only netlens' own check_read_only stops it
    assert peer_store.query("MATCH (c:City {id: 'probe'}) RETURN count(c) AS n").rows == [{"n": 1}]
