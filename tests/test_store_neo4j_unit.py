"""Neo4j store without a server: the statements it sends, error messages, settings and value conversion.

Nothing here pretends to be Neo4j. Behaviour against a real server is in ``tests/test_store_contract.py``
(run it with NETLENS_TEST_NEO4J_URI). Connection failures use the real driver against a closed
port on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import neo4j.exceptions as nx_exc
import neo4j.time
import pandas as pd
import pytest

from netlens.config import Neo4jSettings
from netlens.errors import QueryError, ReadOnlyQueryError, StoreError, UsageError
from netlens.store import NODE_LABELS, write_statements
from netlens.store.neo4j import (
    BATCH,
    Neo4jStore,
    delete_statement,
    load_statements,
    map_error,
    redact_uri,
    to_native,
)
from netlens.validation import SPECS, empty_tables

SECRET = "s3cret-pa55"


def tables() -> dict[str, pd.DataFrame]:
    t = empty_tables()
    cols = SPECS["cities"].column_names
    t["cities"] = pd.DataFrame(
        [
            dict(zip(cols, (f"c{i}", f"City {i}", "CZ", 50.0 + i / 100, 14.0, 1000 + i, ["lighthouse"]), strict=True))
            for i in range(12)
        ],
        dtype=object,
    )
    t["projects"] = pd.DataFrame(
        [
            {c: None for c in SPECS["projects"].column_names}
            | {"id": "p1", "name": "P1", "start": dt.date(2020, 1, 2), "topics": ["energy", "data"]}
        ],
        dtype=object,
    )
    t["participations"] = pd.DataFrame(
        [{"project_id": "p1", "member_id": f"c{i}", "role": "partner", "contribution_eur": 1.5} for i in range(12)], dtype=object
    )
    t["tandems"] = pd.DataFrame(
        [{"a_id": "c0", "b_id": "c1", "topic": None, "since": dt.date(2021, 1, 1), "until": None}], dtype=object
    )
    return t


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------------------ statements


def test_load_statements_are_the_shared_plan_in_batches() -> None:
    t = tables()
    schema, data = load_statements(t, batch_size=5)
    assert [s.cypher for s in schema] == [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in NODE_LABELS
    ]
    # same statement texts as the embedded store runs, in the same order
    plan = [s for s in write_statements(t) if not s.cypher.startswith("CREATE CONSTRAINT")]
    assert list(dict.fromkeys(s.cypher for s in data)) == [s.cypher for s in plan]
    for st in data:
        assert st.cypher.startswith("UNWIND $rows AS row ")
        assert "MERGE" in st.cypher and st.rows is not None and 0 < len(st.rows) <= 5
    cities = [s for s in data if s.what == "City nodes"]
    assert [len(s.rows or []) for s in cities] == [5, 5, 2]
    assert cities[0].rows is not None and cities[0].rows[0] == {
        "id": "c0",
        "props": {"name": "City 0", "country": "CZ", "lat": 50.0, "lon": 14.0, "population": 1000, "tags": ["lighthouse"]},
    }
    tandem = next(s for s in data if s.what.startswith("TANDEM"))
    assert tandem.cypher == (
        "UNWIND $rows AS row MATCH (a:City {id: row.a}) MATCH (b:City {id: row.b}) "
        "MERGE (a)-[r:TANDEM {topic: row.key}]->(b) SET r += row.props"
    )
    assert tandem.rows == [
        {"a": "c0", "b": "c1", "key": "", "props": {"since": dt.date(2021, 1, 1)}}
    ]  # no until: None is not sent (a merge keeps it)


def test_parameters_hold_only_values_the_driver_sends() -> None:
    allowed = (str, int, float, bool, type(None), dt.date)

    def check(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)
        else:
            assert isinstance(v, allowed), (type(v), v)

    t = tables()
    t["cities"]["population"] = pd.array([1000 + i for i in range(12)], dtype="Int64").astype(object)  # numpy/pandas scalars
    for st in load_statements(t)[1]:
        check(st.rows)


def test_replace_deletes_netlens_nodes_first_in_the_same_transaction() -> None:
    _, data = load_statements(tables(), replace=True)
    assert data[0] == delete_statement()
    assert data[0].cypher == "MATCH (n) WHERE n:City OR n:Organisation OR n:Project OR n:Exchange OR n:Topic DETACH DELETE n"
    assert load_statements(tables())[1][0].what == "City nodes"


def test_default_batch_size() -> None:
    assert BATCH == 5_000
    assert [len(s.rows or []) for s in load_statements(tables())[1] if s.what == "City nodes"] == [12]


# ------------------------------------------------------------------------------ settings and URIs


def test_description_and_repr_never_show_the_password() -> None:
    settings = Neo4jSettings("neo4j+s://abc.databases.neo4j.io", "neo4j", SECRET, "netlens")
    store = Neo4jStore(settings)
    assert store.description == "Neo4j neo4j+s://abc.databases.neo4j.io (database netlens)"
    assert SECRET not in repr(settings) and SECRET not in store.description
    store.close()


@pytest.mark.parametrize(
    "uri", ["bolt://localhost:7687", "bolt+s://h:7687", "bolt+ssc://h", "neo4j://h:7687", "neo4j+s://h", "neo4j+ssc://h"]
)
def test_accepted_schemes(uri: str) -> None:
    Neo4jStore(Neo4jSettings(uri)).close()  # nothing is contacted until first use


@pytest.mark.parametrize("uri", ["http://localhost:7474", "https://h", "localhost:7687", "", "postgres://h"])
def test_other_schemes_are_usage_errors(uri: str) -> None:
    with pytest.raises(UsageError, match="is not a Neo4j URI; expected one of bolt://, bolt\\+s://"):
        Neo4jStore(Neo4jSettings(uri, password=SECRET))


def test_credentials_in_the_uri_are_refused_without_echoing_them() -> None:
    with pytest.raises(UsageError) as err:
        Neo4jStore(Neo4jSettings(f"neo4j+s://neo4j:{SECRET}@abc.databases.neo4j.io"))
    assert str(err.value) == (
        "NEO4J_URI 'neo4j+s://abc.databases.neo4j.io' must not contain a user name or password; "
        "set NEO4J_USERNAME and NEO4J_PASSWORD instead"
    )


def test_redact_uri() -> None:
    assert redact_uri("bolt://u:p@h:7687/x") == "bolt://h:7687/x"
    assert redact_uri("neo4j://h:7687") == "neo4j://h:7687"


def test_settings_from_the_test_environment_prefix() -> None:
    env = {
        "NETLENS_TEST_NEO4J_URI": "bolt://127.0.0.1:7687",
        "NETLENS_TEST_NEO4J_PASSWORD": SECRET,
        "NETLENS_TEST_NEO4J_DATABASE": "test",
    }
    s = Neo4jSettings.from_env(env, prefix="NETLENS_TEST_NEO4J_")
    assert (s.uri, s.username, s.password, s.database) == ("bolt://127.0.0.1:7687", "neo4j", SECRET, "test")


# ------------------------------------------------------------------------------ a real driver, no server


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_is_a_clear_store_error(scheme: str) -> None:
    port = closed_port()
    store = Neo4jStore(Neo4jSettings(f"{scheme}://127.0.0.1:{port}", "neo4j", SECRET), connection_timeout=2)
    calls: list[Callable[[], object]] = [
        store.info,
        store.read_tables,
        lambda: store.query("RETURN 1"),
        lambda: store.load(tables()),
        lambda: store.write_ties(
            pd.DataFrame({"u": ["c0"], "v": ["c1"], "strength": [1.0]}), {"c0": "City", "c1": "City"}, "city"
        ),
    ]
    for call in calls:
        with pytest.raises(StoreError) as err:
            call()
        message = str(err.value)
        assert message.startswith(f"cannot reach Neo4j at {scheme}://127.0.0.1:{port} (")
        assert "check NEO4J_URI and that the server is running" in message
        assert SECRET not in message
    store.close()


def test_read_only_check_happens_before_any_connection() -> None:
    store = Neo4jStore(Neo4jSettings(f"bolt://127.0.0.1:{closed_port()}", password=SECRET))
    with pytest.raises(ReadOnlyQueryError, match=r"writes to the graph \(MERGE\) and netlens query is read-only; add --write"):
        store.query("MERGE (n:City {id: 'x'})")
    with pytest.raises(ReadOnlyQueryError, match=r"\(LOAD CSV\)"):
        store.query("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")


# ------------------------------------------------------------------------------ error mapping


def server_error(code: str, message: str) -> nx_exc.Neo4jError:
    """A driver exception as the driver builds it from a server FAILURE message."""
    return nx_exc.Neo4jError._hydrate_neo4j(code=code, message=message)


SETTINGS = Neo4jSettings("neo4j+s://abc.databases.neo4j.io", "alice", SECRET, "netlens")


@pytest.mark.parametrize(
    ("error", "query", "kind", "message"),
    [
        (
            server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure."),
            False,
            StoreError,
            "Neo4j at neo4j+s://abc.databases.neo4j.io refused the credentials of user 'alice' "
            "(The client is unauthorized due to authentication failure.); check NEO4J_USERNAME and NEO4J_PASSWORD",
        ),
        (
            server_error("Neo.ClientError.Statement.SyntaxError", "Invalid input 'RETRUN'"),
            True,
            QueryError,
            "Cypher syntax error: Invalid input 'RETRUN'",
        ),
        (
            server_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed."),
            True,
            ReadOnlyQueryError,
            "this query writes to the graph (refused by Neo4j in a read transaction) and netlens query is read-only; "
            "add --write to allow it",
        ),
        (
            server_error("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist."),
            False,
            StoreError,
            "Neo4j at neo4j+s://abc.databases.neo4j.io has no database 'netlens'; check NEO4J_DATABASE",
        ),
        (
            server_error("Neo.ClientError.Statement.ParameterMissing", "Expected parameter(s): city"),
            True,
            QueryError,
            "missing parameter: Expected parameter(s): city",
        ),
        (
            server_error("Neo.ClientError.Security.Forbidden", "Not allowed"),
            False,
            StoreError,
            "Neo4j user 'alice' is not allowed to do this (Not allowed)",
        ),
        (
            server_error("Neo.ClientError.Schema.ConstraintValidationFailed", "Node(1) already exists"),
            False,
            StoreError,
            "writing City nodes failed: Node(1) already exists [Neo.ClientError.Schema.ConstraintValidationFailed]",
        ),
        (
            server_error("Neo.ClientError.Statement.TypeError", "Type mismatch"),
            True,
            QueryError,
            "the query failed: Type mismatch [Neo.ClientError.Statement.TypeError]",
        ),
        (
            server_error("Neo.TransientError.Transaction.DeadlockDetected", "deadlock"),
            False,
            StoreError,
            "writing City nodes failed: Neo4j is busy or the cluster is changing leaders (deadlock); try again",
        ),
        (
            server_error("Neo.DatabaseError.General.UnknownError", "boom"),
            False,
            StoreError,
            "writing City nodes failed: Neo4j error: boom [Neo.DatabaseError.General.UnknownError]",
        ),
        (
            nx_exc.ServiceUnavailable("Unable to retrieve routing information"),
            False,
            StoreError,
            "cannot reach Neo4j at neo4j+s://abc.databases.neo4j.io (Unable to retrieve routing information); check NEO4J_URI",
        ),
        (nx_exc.SessionExpired("gone"), False, StoreError, "cannot reach Neo4j at neo4j+s://abc.databases.neo4j.io (gone)"),
        (
            nx_exc.ConfigurationError("bad option"),
            False,
            UsageError,
            "NEO4J_URI 'neo4j+s://abc.databases.neo4j.io' cannot be used: bad option",
        ),
    ],
)
def test_map_error(error: BaseException, query: bool, kind: type, message: str) -> None:
    doing = "the query" if query else "writing City nodes"
    out = map_error(error, SETTINGS, doing, query=query)
    assert type(out) is kind
    assert str(out).startswith(message)


def test_map_error_never_shows_the_password() -> None:
    for error in (
        server_error("Neo.ClientError.Statement.SyntaxError", f"near '{SECRET}'"),
        nx_exc.ServiceUnavailable(f"x {SECRET}"),
        ValueError(f"password={SECRET}"),
    ):
        assert SECRET not in str(map_error(error, SETTINGS, "loading"))
    leaky = Neo4jSettings(f"bolt://u:{SECRET}@h:7687", "u", "other")
    assert SECRET not in str(map_error(nx_exc.ConfigurationError(f"Given URI: 'bolt://u:{SECRET}@h:7687'"), leaky, "connecting"))


# ------------------------------------------------------------------------------ values coming back


def test_to_native_converts_driver_values() -> None:
    value = {
        "d": neo4j.time.Date(2020, 5, 1),
        "t": neo4j.time.DateTime(2020, 5, 1, 12, 30, 0),
        "dur": neo4j.time.Duration(days=3),
        "nested": [neo4j.time.Date(2021, 1, 2), {"x": 1.5, "s": "Plzeň"}],
    }
    assert to_native(value) == {
        "d": dt.date(2020, 5, 1),
        "t": dt.datetime(2020, 5, 1, 12, 30, 0),
        "dur": "P3D",
        "nested": [dt.date(2021, 1, 2), {"x": 1.5, "s": "Plzeň"}],
    }
    assert type(to_native(neo4j.time.Date(2020, 1, 1))) is dt.date


def test_only_store_neo4j_imports_neo4j() -> None:
    package = Path(__file__).resolve().parents[1] / "netlens"
    importers = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if re.search(r"^\s*(import|from)\s+neo4j\b", p.read_text(encoding="utf-8"), re.M)
    )
    assert importers == ["store/neo4j.py"]


def test_result_writes_send_every_statement_in_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Cypher a Neo4j store would run for analysis results (captured before the driver; no server involved)."""
    store = Neo4jStore(Neo4jSettings("bolt://127.0.0.1:1", "neo4j", SECRET), batch_size=2)
    sent: list[list[tuple[str, dict[str, Any]]]] = []

    def capture(sts: list[Any], doing: str, on_progress: Any = None) -> dict[str, int]:
        sent.append([(s.cypher, s.parameters(s.rows)) for s in sts])
        return {}

    monkeypatch.setattr(store, "_write", capture)
    frame = pd.DataFrame({"pagerank": [0.5, 0.25, 0.25]}, index=["c0", "c1", "o0"])
    kinds = {"c0": "City", "c1": "City", "o0": "Organisation"}
    assert store.write_node_properties(frame, kinds) == 3
    cyphers = [c for c, _ in sent[0]]
    assert cyphers[:4] == [f"MATCH (n:{x}) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank" for x in NODE_LABELS[:4]]
    assert [len(p["rows"]) for c, p in sent[0][4:]] == [2, 1]  # City rows batched by 2, then Organisation
    ties = pd.DataFrame({"u": ["c0", "o0"], "v": ["c1", "c1"], "strength": [1.0, 2.0]})
    assert store.write_ties(ties, kinds, "organisation") == 2
    assert sent[1][0] == ("MATCH ()-[r:TIE]->() WHERE r.level = $level DELETE r", {"level": "organisation"})
    assert [c.split(" CREATE")[0] for c, _ in sent[1][1:]] == [
        "UNWIND $rows AS row MATCH (a:City {id: row.a}) MATCH (b:City {id: row.b})",
        "UNWIND $rows AS row MATCH (a:Organisation {id: row.a}) MATCH (b:City {id: row.b})",
    ]
    store.close()


@pytest.mark.parametrize(
    "uri",
    [
        "bolt:/alice:pw-leak@h:1",  # one slash
        "alice:pw-leak@h:1",  # no scheme
        "bolt://h:1?password=pw-leak",  # a query string
        "bolt://alice:Sup/er#pw-leak@h:1",  # '/' and '#' in the password
        "neo4j://alice:pw-leak@h:99999",  # and a bad port
        "bolt://h:99999",
    ],
)
def test_malformed_uris_never_echo_a_credential(uri: str) -> None:
    """The CLI's message for a malformed NEO4J_URI names the problem, exits 2, and shows no part of a password."""
    from click.testing import CliRunner

    from netlens.cli import main

    r = CliRunner().invoke(main, ["info", "--store", "neo4j"], env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "pw-leak"})
    assert r.exit_code == 2, r.output
    assert r.output.startswith("Error: NEO4J_URI ") and "Traceback" not in r.output
    for fragment in ("pw-leak", "Sup", "er#", "alice"):
        assert fragment not in r.output
