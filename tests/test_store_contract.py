"""One contract for every graph store: the embedded kglite file always, and the Neo4j store against a Bolt server.

The Neo4j cases meet the server given by ``NETLENS_TEST_NEO4J_URI`` (and ``NETLENS_TEST_NEO4J_USERNAME`` /
``_PASSWORD`` / ``_DATABASE``) or, when that is not set, an ArcadeDB Bolt peer started for the session
(``tools/bolt_peer.py``; test ids say ``neo4j, Bolt peer: ArcadeDB``). **The test database is wiped**
(``MATCH (n) DETACH DELETE n``) before each test. No mock stands in for a server: without one those tests are
skipped with the reason. What only Neo4j does is tested in ``tests/test_store_neo4j_only.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlens.cypher import return_columns
from netlens.errors import QueryError, ReadOnlyQueryError, StoreError
from netlens.querylib import list_queries, run
from netlens.store import Store, normalise_tables
from netlens.store.embedded import EmbeddedStore
from netlens.validation import SPECS, Tables, empty_tables

from .conftest import NEO4J_ID, Neo4jTarget


class InjectedFailure(Exception):
    """Raised by the test hook in the middle of a load."""


def _neo4j_store(target: Neo4jTarget) -> Store:
    from netlens.store.neo4j import Neo4jStore

    store = Neo4jStore(target.settings)
    store.query("MATCH (n) DETACH DELETE n", write=True)
    return store


@pytest.fixture(params=["embedded", pytest.param("neo4j", id=NEO4J_ID)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """``(name, open)``: ``open()`` gives a store on the same data (a fresh handle for the embedded file)."""
    if request.param == "embedded":
        path = tmp_path / "contract.kgl"
        yield "embedded", lambda: EmbeddedStore(path)
    else:
        store = _neo4j_store(request.getfixturevalue("neo4j_target"))
        yield "neo4j", lambda: store
        store.close()


@pytest.fixture()
def store(backend: tuple[str, Any]) -> Store:
    return backend[1]()  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------ packages


def frame(table: str, rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    cols = list(SPECS[table].column_names) + list(extra)
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols, dtype=object)


def package(cities: list[str], orgs: dict[str, str | None] | None = None, projects: dict[str, list[str]] | None = None) -> Tables:
    """A small valid package: ``cities`` ids; ``orgs`` id -> city; ``projects`` id -> member ids."""
    t = empty_tables()
    t["cities"] = frame("cities", [{"id": c, "name": c.title(), "country": "CZ", "tags": ["x"]} for c in cities])
    t["organisations"] = frame("organisations", [{"id": o, "name": o.upper(), "city_id": c} for o, c in (orgs or {}).items()])
    projects = projects or {}
    t["projects"] = frame(
        "projects", [{"id": p, "name": p, "start": dt.date(2020, 1, 1), "topics": ["energy"]} for p in projects]
    )
    t["participations"] = frame(
        "participations", [{"project_id": p, "member_id": m, "role": "partner"} for p, ms in projects.items() for m in ms]
    )
    return t


BASE = package(["brno", "plzen"], {"org-a": "brno"}, {"p1": ["brno", "org-a"]})
OTHER = package(["brno", "wien", "graz"], {"org-b": None}, {"p2": ["wien", "graz", "org-b"], "p3": ["graz"]})


def canonical(tables: Tables) -> dict[str, list[dict[str, Any]]]:
    """Tables as sorted lists of records without empty values: equal when the stores hold the same network."""

    def plain(v: Any) -> Any:
        if hasattr(v, "item") and not isinstance(v, (str, bytes, list)):
            v = v.item()
        return list(v) if isinstance(v, tuple) else v

    out = {}
    for name, f in tables.items():
        rows = []
        for rec in f.to_dict("records"):
            rows.append({k: plain(v) for k, v in rec.items() if v is not None and not (isinstance(v, float) and math.isnan(v))})
        out[name] = sorted(rows, key=lambda d: repr(sorted(d.items())))
    return out


def expected_counts(tables: Tables) -> tuple[dict[str, int], dict[str, int]]:
    t = normalise_tables(tables)
    topics = {x for name in ("projects", "exchanges") for ts in t[name]["topics"] for x in (ts or [])}
    nodes = {
        "City": len(t["cities"]),
        "Organisation": len(t["organisations"]),
        "Project": len(t["projects"]),
        "Exchange": len(t["exchanges"]),
        "Topic": len(topics),
    }
    rels = {
        "BASED_IN": int(t["organisations"]["city_id"].notna().sum()),
        "PARTICIPATES_IN": len(t["participations"]),
        "ATTENDED": len(t["attendances"]),
        "PART_OF": int(t["exchanges"]["project_id"].notna().sum()),
        "ABOUT": sum(len(set(ts or [])) for name in ("projects", "exchanges") for ts in t[name]["topics"]),
        "TANDEM": len(t["tandems"]),
        "TRANSFERRED": len(t["transfers"]),
        "TIE": 0,
    }
    return nodes, rels


# hypothesis: small valid packages with unicode, markup, dates, lists and optional columns
ID_TEXT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.ňéřžü", min_size=1, max_size=6)
NAMES = st.one_of(
    st.sampled_from(
        [
            "Plzeň",
            "Hradec Králové",
            "Třinec",
            "Ústí nad Labem",
            "<script>alert('x')</script>",
            'O\'Brien & "Sons"',
            "a;b",
            "München",
            "Αθήνα",
            "東京",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
)
TEXT = st.one_of(st.none(), NAMES)
DATES = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)))
TAGS = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["lighthouse", "follower", "smart-city", "energie", "doprava-č"]), min_size=1, max_size=3, unique=True
    ),
)
FLOATS = st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False, allow_infinity=False))


@st.composite
def packages(draw: st.DrawFn) -> Tables:
    sizes = [draw(st.integers(1, 4)), draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 3))]
    ids = draw(st.lists(ID_TEXT, min_size=sum(sizes), max_size=sum(sizes), unique=True))
    c_ids, rest = ids[: sizes[0]], ids[sizes[0] :]
    o_ids, rest = rest[: sizes[1]], rest[sizes[1] :]
    p_ids, x_ids = rest[: sizes[2]], rest[sizes[2] :]
    members = c_ids + o_ids
    note = draw(st.booleans())
    t = empty_tables()
    t["cities"] = frame(
        "cities",
        [
            {
                "id": i,
                "name": draw(NAMES),
                "country": draw(st.sampled_from(["CZ", "AT", "SI", "GR"])),
                "lat": draw(st.one_of(st.none(), st.floats(-90, 90))),
                "lon": draw(st.one_of(st.none(), st.floats(-180, 180))),
                "population": draw(st.one_of(st.none(), st.integers(0, 10**8))),
                "tags": draw(TAGS),
                "note": draw(TEXT) if note else None,
            }
            for i in c_ids
        ],
        extra=("note",) if note else (),
    )
    t["organisations"] = frame(
        "organisations",
        [
            {
                "id": i,
                "name": draw(NAMES),
                "type": draw(st.one_of(st.none(), st.sampled_from(["ngo", "university", "company"]))),
                "city_id": draw(st.one_of(st.none(), st.sampled_from(c_ids))),
                "country": draw(st.one_of(st.none(), st.just("SK"))),
            }
            for i in o_ids
        ],
    )
    projects = []
    for i in p_ids:
        start, end = sorted([draw(DATES) or dt.date(2000, 1, 1), draw(DATES) or dt.date(2000, 1, 1)])
        projects.append(
            {
                "id": i,
                "name": draw(NAMES),
                "title": draw(TEXT),
                "programme": draw(st.one_of(st.none(), st.sampled_from(["H2020", "Interreg"]))),
                "start": draw(st.one_of(st.none(), st.just(start))),
                "end": draw(st.one_of(st.none(), st.just(end))),
                "budget_eur": draw(FLOATS),
                "topics": draw(TAGS),
                "url": draw(st.one_of(st.none(), st.just("https://example.org/?a=1&b=<2>"))),
            }
        )
    t["projects"] = frame("projects", projects)
    pairs = [(p, m) for p in p_ids for m in members]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=6)) if pairs else []
    t["participations"] = frame(
        "participations",
        [
            {
                "project_id": p,
                "member_id": m,
                "role": draw(st.one_of(st.none(), st.sampled_from(["lighthouse", "follower"]))),
                "contribution_eur": draw(FLOATS),
                "legal_entity": draw(TEXT),
            }
            for p, m in chosen
        ],
        extra=("legal_entity",),
    )
    t["exchanges"] = frame(
        "exchanges",
        [
            {
                "id": i,
                "type": draw(st.sampled_from(["study_visit", "webinar", "mentoring"])),
                "date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))),
                "title": draw(TEXT),
                "host_id": draw(st.one_of(st.none(), st.sampled_from(members))),
                "project_id": draw(st.one_of(st.none(), st.sampled_from(p_ids))) if p_ids else None,
                "topics": draw(TAGS),
            }
            for i in x_ids
        ],
    )
    pairs = [(x, m) for x in x_ids for m in members]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=6)) if pairs else []
    t["attendances"] = frame(
        "attendances",
        [
            {
                "exchange_id": x,
                "member_id": m,
                "role": draw(st.one_of(st.none(), st.sampled_from(["speaker", "participant", "host"]))),
            }
            for x, m in chosen
        ],
    )
    duos = [(a, b) for a in members for b in members if a != b]
    if duos:
        keys = draw(
            st.lists(
                st.tuples(st.sampled_from(duos), st.one_of(st.none(), st.sampled_from(["energy", "twinning"]))),
                unique=True,
                max_size=3,
            )
        )
        t["tandems"] = frame(
            "tandems",
            [{"a_id": a, "b_id": b, "topic": topic, "since": draw(DATES), "until": draw(DATES)} for (a, b), topic in keys],
        )
        keys2 = draw(st.lists(st.tuples(st.sampled_from(duos), NAMES), unique=True, max_size=3))
        t["transfers"] = frame(
            "transfers",
            [{"from_id": a, "to_id": b, "solution": s, "topic": draw(TEXT), "date": draw(DATES)} for (a, b), s in keys2],
        )
    return t


# ------------------------------------------------------------------------------ the contract


def test_load_reports_counts_and_info(store: Store) -> None:
    assert store.info().exists is False
    counts = store.load(BASE)
    assert counts.nodes_created == 2 + 1 + 1 + 1  # cities, organisation, project, topic
    assert counts.relationships_created == 1 + 2 + 1  # BASED_IN, PARTICIPATES_IN, ABOUT
    info = store.info()
    assert info.exists is True
    nodes, rels = expected_counts(BASE)
    assert info.nodes == nodes and info.relationships == rels
    assert info.span == (dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    assert info.countries == ["CZ"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=packages())
def test_round_trip_and_reload_adds_nothing(backend: tuple[str, Any], tables: Tables) -> None:
    store = backend[1]()
    store.load(tables, replace=True)
    expected = canonical(normalise_tables(tables))
    assert canonical(store.read_tables()) == expected
    nodes, rels = expected_counts(tables)
    info = store.info()
    assert (info.nodes, info.relationships) == (nodes, rels)
    again = store.load(tables)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert store.info() == info
    assert canonical(backend[1]().read_tables()) == expected


def test_replace_rebuilds_and_merge_adds(backend: tuple[str, Any]) -> None:
    store = backend[1]()
    store.load(BASE)
    store.load(OTHER)
    merged = canonical(store.read_tables())
    assert [c["id"] for c in merged["cities"]] == ["brno", "graz", "plzen", "wien"]
    assert len(merged["participations"]) == 2 + 4
    store.load(OTHER, replace=True)
    assert canonical(backend[1]().read_tables()) == canonical(normalise_tables(OTHER))
    nodes, _ = expected_counts(OTHER)
    assert store.info().nodes == nodes


def test_merge_keeps_values_the_new_package_does_not_carry(backend: tuple[str, Any]) -> None:
    """Issue 14: a merge load with only ``id,name,country`` (the other cells empty) keeps the stored values of the
    other columns; ``replace=True`` drops them. The shared write statements are checked on every store."""
    store = backend[1]()
    full = dict(package(["brno"], {"org-a": "brno"}, {"p1": ["brno", "org-a"]}))
    brno = {"id": "brno", "name": "Brno", "country": "CZ", "lat": 49.19, "lon": 16.61, "population": 380000, "tags": ["x"]}
    full["cities"] = frame("cities", [brno])
    store.load(full)
    partial = empty_tables()
    partial["cities"] = frame("cities", [{"id": "brno", "name": "Brno", "country": "CZ"}])
    partial["projects"] = frame("projects", [{"id": "p1", "name": "p1"}])  # no start, no topics
    partial["participations"] = frame("participations", [{"project_id": "p1", "member_id": "brno"}])  # no role
    store.load(partial)
    back = backend[1]().read_tables()
    brno = back["cities"].set_index("id").loc["brno"]
    assert (brno["lat"], brno["lon"], int(brno["population"]), list(brno["tags"])) == (49.19, 16.61, 380000, ["x"])
    project = back["projects"].set_index("id").loc["p1"]
    assert project["start"] == dt.date(2020, 1, 1) and list(project["topics"]) == ["energy"]
    part = back["participations"]
    assert part[part["member_id"] == "brno"]["role"].tolist() == ["partner"]
    store.load(partial, replace=True)
    brno = backend[1]().read_tables()["cities"].set_index("id").loc["brno"]
    assert brno["lat"] is None or math.isnan(brno["lat"])


def test_a_load_into_an_empty_store_builds_what_a_merge_builds(backend: tuple[str, Any]) -> None:
    """Issue 15: into an empty Neo4j database (or with --replace) the load CREATEs instead of MERGEs; the graph
    must be the same, also for duplicate relationship rows (folded: the later non-missing value wins)."""
    name, open_store = backend
    tables = dict(package(["brno", "plzen"], {"org-a": "brno", "org-b": None}, {"p1": ["brno", "org-a"], "p2": ["plzen"]}))
    parts = tables["participations"]
    tables["participations"] = pd.concat(  # brno twice in p1: first a partner, then the coordinator
        [parts, frame("participations", [{"project_id": "p1", "member_id": "brno", "role": "coordinator"}])], ignore_index=True
    )
    store = open_store()
    store.load(tables)  # empty: CREATE
    created, created_info = canonical(store.read_tables()), store.info()
    store.load(tables, replace=True)  # replace: CREATE after the delete
    assert canonical(open_store().read_tables()) == created and store.info() == created_info
    store.load(package(["wien"]), replace=True)
    store.load(tables)  # not empty: MERGE
    store.query("MATCH (c:City {id: 'wien'}) DETACH DELETE c", write=True)
    assert canonical(open_store().read_tables()) == created
    roles = [p["role"] for p in created["participations"] if p["member_id"] == "brno" and p["project_id"] == "p1"]
    assert roles == ["coordinator"] and store.load(tables).relationships_created == 0


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("fail_after", [0, 3, 6, 8, 10])
def test_failed_load_leaves_the_store_unchanged(backend: tuple[str, Any], fail_after: int, replace: bool) -> None:
    name, open_store = backend
    store = open_store()
    store.load(BASE)
    store.write_node_properties(pd.DataFrame({"pagerank": [0.5]}, index=["brno"]), {"brno": "City"})
    before = canonical(store.read_tables())
    before_bytes = store.path.read_bytes() if name == "embedded" else None
    seen: list[str] = []

    def hook(statement: Any) -> None:
        seen.append(statement.what)
        if len(seen) > fail_after:
            raise InjectedFailure(f"injected after {fail_after} statements")

    store.before_statement = hook
    with pytest.raises(StoreError, match=f"failed: injected after {fail_after} statements") as err:
        store.load(OTHER, replace=replace)
    assert isinstance(err.value.__cause__, InjectedFailure)
    store.before_statement = None
    assert len(seen) == fail_after + 1
    fresh = open_store()
    assert canonical(fresh.read_tables()) == before
    assert fresh.query("MATCH (c:City {id: 'brno'}) RETURN c.pagerank AS pr").rows == [{"pr": 0.5}]
    if before_bytes is not None:
        assert store.path.read_bytes() == before_bytes


def test_read_only_queries_refuse_writes(backend: tuple[str, Any]) -> None:
    store = backend[1]()
    store.load(BASE)
    before = canonical(store.read_tables())
    for cypher in (
        "CREATE (n:City {id: 'x', name: 'X', country: 'CZ'})",
        "MATCH (c:City) SET c.flag = true",
        "MATCH (c:City) DETACH DELETE c",
        "MERGE (t:Topic {id: 'new'})",
        "LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row",
    ):
        with pytest.raises(ReadOnlyQueryError, match="netlens query is read-only; add --write to allow it"):
            store.query(cypher)
    assert canonical(backend[1]().read_tables()) == before
    store.query("MATCH (c:City {id: $id}) SET c.flag = true", {"id": "plzen"}, write=True)
    assert backend[1]().query("MATCH (c:City) WHERE c.flag = true RETURN c.id AS id").rows == [{"id": "plzen"}]


def test_query_results_and_errors(store: Store) -> None:
    store.load(BASE)
    result = store.query("MATCH (p:Project) RETURN p.id AS id, p.start AS start, p.topics AS topics")
    assert result.columns == ["id", "start", "topics"]
    assert result.rows == [{"id": "p1", "start": dt.date(2020, 1, 1), "topics": ["energy"]}]
    assert store.query("MATCH (c:City) WHERE c.id = $id RETURN c.name AS name", {"id": "plzen"}).rows == [{"name": "Plzen"}]
    with pytest.raises(QueryError):
        store.query("MATCH (c:City {id: $id}) RETURN c")  # parameter not given
    with pytest.raises(QueryError, match="[Ss]yntax"):
        store.query("MATCH (c:City) RETRUN c")


def test_analysis_results_are_visible_through_cypher(backend: tuple[str, Any]) -> None:
    store = backend[1]()
    store.load(BASE)
    frame_ = pd.DataFrame({"pagerank": [0.75, 0.25], "community": [1, 2]}, index=["brno", "org-a"])
    assert store.write_node_properties(frame_, {"brno": "City", "org-a": "Organisation"}) == 2
    rows = store.query(
        "MATCH (n) WHERE n.pagerank IS NOT NULL RETURN n.id AS id, n.pagerank AS pr, n.community AS c ORDER BY id"
    ).rows
    assert rows == [{"id": "brno", "pr": 0.75, "c": 1}, {"id": "org-a", "pr": 0.25, "c": 2}]
    ties = pd.DataFrame({"u": ["brno"], "v": ["plzen"], "strength": [2.5], "breakdown": ["1 project"]})
    kinds = {"brno": "City", "plzen": "City", "org-a": "Organisation"}
    assert store.write_ties(ties, kinds, "city") == 1
    store.write_ties(ties, kinds, "city")  # replaces, does not add
    org_ties = pd.DataFrame({"u": ["org-a"], "v": ["brno"], "strength": [0.5]})
    assert store.write_ties(org_ties, kinds, "organisation") == 1  # a mixed Organisation–City tie
    assert store.query("MATCH (:Organisation)-[t:TIE {level: 'organisation'}]->(:City) RETURN t.strength AS s").rows == [
        {"s": 0.5}
    ]
    store.write_ties(org_ties.iloc[:0], kinds, "organisation")  # drops only the organisation-level ties
    rows = store.query("MATCH (a:City)-[t:TIE]->(b:City) RETURN a.id AS a, b.id AS b, t.strength AS s, t.breakdown AS why").rows
    assert rows == [{"a": "brno", "b": "plzen", "s": 2.5, "why": "1 project"}]
    assert store.info().relationships["TIE"] == 1
    # results are not part of the network's tables
    assert canonical(backend[1]().read_tables()) == canonical(normalise_tables(BASE))


def test_library_queries_run_on_every_store(store: Store) -> None:
    store.load(OTHER)
    params = {"city": "graz", "topic": "energy", "source": "graz", "target": "wien"}
    for qf in list_queries():
        result = run(store, qf, {p: params[p] for p in qf.parameters if p in params})
        assert result.columns and result.columns == return_columns(qf.cypher), qf.name  # also when no rows came back
    assert [
        r["id"] for r in run(store, list_queries()[0].__class__("x", "MATCH (c:City) RETURN c.id AS id ORDER BY id")).rows
    ] == [
        "brno",
        "graz",
        "wien",
    ]
    route = run(store, next(q for q in list_queries() if q.name == "shortest-route"), {"source": "graz", "target": "wien"}).rows
    assert route == [{"route": ["Graz", "p2", "Wien"], "via": ["PARTICIPATES_IN", "PARTICIPATES_IN"], "hops": 2}]


def test_empty_results_keep_their_column_names(store: Store) -> None:
    """Neo4j names the columns of an empty result; netlens gives them on every store (ArcadeDB sends none)."""
    store.load(BASE)
    cypher = "MATCH (c:City) WHERE c.id = $id RETURN c.id AS id, c.name AS `the name`, c.country ORDER BY id"
    full = store.query(cypher, {"id": "brno"})
    assert full.columns == ["id", "the name", "c.country"]
    assert full.rows == [{"id": "brno", "the name": "Brno", "c.country": "CZ"}]
    empty = store.query(cypher, {"id": "nowhere"})
    assert (empty.columns, empty.rows) == (["id", "the name", "c.country"], [])
    assert list(empty.to_frame().columns) == ["id", "the name", "c.country"]


def test_a_shortest_route_is_one_of_the_equally_short_ones(store: Store) -> None:
    """Which of equally short paths ``shortestPath`` returns differs between servers; netlens accepts any."""
    store.load(package(["a", "b"], projects={"p1": ["a", "b"], "p2": ["a", "b"]}))
    query = next(q for q in list_queries() if q.name == "shortest-route")
    rows = run(store, query, {"source": "a", "target": "b"}).rows
    assert len(rows) == 1 and rows[0]["hops"] == 2 and rows[0]["via"] == ["PARTICIPATES_IN", "PARTICIPATES_IN"]
    assert rows[0]["route"] in (["A", "p1", "B"], ["A", "p2", "B"])
