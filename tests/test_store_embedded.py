"""Embedded store: idempotent and atomic loads, read-only queries, corrupt files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from netlens.errors import QueryError, ReadOnlyQueryError, StoreError
from netlens.read import read_package
from netlens.store import Statement, normalise_tables
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate_or_raise

from .conftest import MINI, write_package


def tables_of(folder: Path):  # type: ignore[no-untyped-def]
    return validate_or_raise(read_package(folder))[0]


def test_load_counts_and_info(mini: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "g.kgl")
    counts = store.load(tables_of(mini))
    # 3 cities + 1 organisation + 1 project + 1 exchange + 3 topics (energy, mobility, ict) = 9 nodes
    # 4 PARTICIPATES_IN + 3 ATTENDED (2 listed + the host) + 1 PART_OF + 3 ABOUT = 11 relationships
    assert counts.nodes_created == 9 and counts.relationships_created == 11
    info = store.info()
    assert info.nodes == {"City": 3, "Organisation": 1, "Project": 1, "Exchange": 1, "Topic": 3}
    assert info.relationships["ATTENDED"] == 3 and info.relationships["PARTICIPATES_IN"] == 4
    assert info.span is not None and [d.isoformat() for d in info.span] == ["2016-12-01", "2021-11-30"]
    assert info.countries == ["DE", "ES", "FR", "HR"]


def test_reload_adds_nothing(mini: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "g.kgl")
    store.load(tables_of(mini))
    before = store.info()
    again = EmbeddedStore(tmp_path / "g.kgl").load(tables_of(mini))
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert EmbeddedStore(tmp_path / "g.kgl").info() == before


def test_round_trip_equals_normalised_input(mini: Path, tmp_path: Path) -> None:
    tables = tables_of(mini)
    EmbeddedStore(tmp_path / "g.kgl").load(tables)
    back = EmbeddedStore(tmp_path / "g.kgl").read_tables()
    expected = normalise_tables(tables)
    for name in expected:
        exp = expected[name].sort_values(list(expected[name].columns[:2])).reset_index(drop=True)
        got = back[name].sort_values(list(back[name].columns[:2])).reset_index(drop=True)
        assert got.to_dict("records") == exp.to_dict("records"), name


def test_failure_mid_load_leaves_store_unchanged(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    original = path.read_bytes()
    bigger = write_package(
        tmp_path / "more",
        {
            **MINI,
            "cities.csv": MINI["cities.csv"] + "helsinki,Helsinki,FI,60.1699,24.9384,lighthouse\n",
            "tandems.csv": "a_id,b_id\nhelsinki,rijeka\n",
        },
    )
    store = EmbeddedStore(path)
    seen: list[str] = []

    def fail_on_relationships(st: Statement) -> None:
        seen.append(st.what)
        if st.what.startswith("TANDEM"):  # the new city is written by now; fail half-way
            raise RuntimeError("disk on fire")

    store.before_statement = fail_on_relationships
    with pytest.raises(StoreError, match="disk on fire"):
        store.load(tables_of(bigger))
    assert "City nodes" in seen  # the failure really happened after writes
    assert path.read_bytes() == original
    assert EmbeddedStore(path).info().nodes["City"] == 3


def test_failed_first_load_creates_no_store(mini: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "new.kgl")
    store.before_statement = lambda st: (_ for _ in ()).throw(RuntimeError("boom")) if st.what == "Project nodes" else None
    with pytest.raises(StoreError):
        store.load(tables_of(mini))
    assert not (tmp_path / "new.kgl").exists()


def test_replace_rebuilds(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    other = write_package(tmp_path / "o", {"cities.csv": "id,name,country\na,A,FR\nb,B,DE\n", "tandems.csv": "a_id,b_id\na,b\n"})
    EmbeddedStore(path).load(tables_of(other), replace=True)
    assert EmbeddedStore(path).info().nodes == {"City": 2, "Organisation": 0, "Project": 0, "Exchange": 0, "Topic": 0}


def test_queries_are_read_only_unless_asked(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    store = EmbeddedStore(path)
    res = store.query("MATCH (c:City) WHERE c.country = $cc RETURN c.name AS name", {"cc": "HR"})
    assert res.rows == [{"name": "Rijeka"}]
    with pytest.raises(ReadOnlyQueryError, match="add --write"):
        store.query("MATCH (c:City {id: 'rijeka'}) SET c.name = 'X'")
    store.query("MATCH (c:City {id: 'rijeka'}) SET c.population = 128624", write=True)
    assert EmbeddedStore(path).query("MATCH (c:City {id: 'rijeka'}) RETURN c.population AS p").rows == [{"p": 128624}]


def test_bad_cypher_is_a_query_error(tmp_path: Path, mini: Path) -> None:
    EmbeddedStore(tmp_path / "g.kgl").load(tables_of(mini))
    with pytest.raises(QueryError, match="Cypher syntax error"):
        EmbeddedStore(tmp_path / "g.kgl").query("MATCH (n RETURN n")


def test_corrupt_store_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.kgl"
    bad.write_bytes(b"not a graph")
    with pytest.raises(StoreError, match="cannot open the embedded store"):
        EmbeddedStore(bad).info()


def test_a_second_store_object_sees_writes_of_the_first(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    reader, writer = EmbeddedStore(path), EmbeddedStore(path)
    assert reader.info().exists is False
    writer.load(tables_of(mini))
    assert reader.info().nodes["City"] == 3  # re-read: the file changed since
    writer.query("MATCH (c:City {id: 'nantes'}) SET c.note = 'x'", write=True)
    assert reader.query("MATCH (c:City {id: 'nantes'}) RETURN c.note AS n").rows == [{"n": "x"}]


def test_replace_refuses_a_file_that_is_not_a_store(mini: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(StoreError, match="not a netlens store .* refusing to replace it"):
        EmbeddedStore(notes).load(tables_of(mini), replace=True)
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_read_tables_is_cached_per_store_file_and_follows_writes(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "g.kgl"
    store = EmbeddedStore(path)
    store.load(tables_of(mini))
    first = store.read_tables()
    assert len(list((tmp_path / "cache" / "netlens").glob("tables-*.json"))) == 1
    again = EmbeddedStore(path).read_tables()  # a new process would read the cache
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    EmbeddedStore(path).query("MATCH (c:City {id: 'nantes'}) SET c.name = 'Naoned'", write=True)
    names = EmbeddedStore(path).read_tables()["cities"].set_index("id")["name"]
    assert names["nantes"] == "Naoned"  # the store changed: the cached tables are not used
    assert len(list((tmp_path / "cache" / "netlens").glob("tables-*.json"))) == 1  # one slot per store
    monkeypatch.setenv("NETLENS_CACHE", "0")
    other = tmp_path / "h.kgl"
    EmbeddedStore(other).load(tables_of(mini))
    EmbeddedStore(other).read_tables()
    assert len(list((tmp_path / "cache" / "netlens").glob("tables-*.json"))) == 1


def test_result_writes_keep_the_cached_tables(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    store = EmbeddedStore(path)
    before = store.read_tables()
    store.write_node_properties(pd.DataFrame({"pagerank": [1.0]}, index=["nantes"]), {"nantes": "City"})
    calls: list[str] = []
    fresh = EmbeddedStore(path)

    def read_graph() -> None:  # must not be needed
        calls.append("read")

    monkeypatch.setattr(fresh, "_read_graph", read_graph)
    after = fresh.read_tables()
    assert calls == []
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def _every_property(path: Path) -> dict[tuple[str, tuple[str, ...]], dict[str, object]]:
    rows = EmbeddedStore(path).query("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p").rows
    return {(str(r["id"]), tuple(r["l"])): dict(r["p"]) for r in rows}


@pytest.mark.parametrize(
    ("metric", "level", "options"),
    [
        ("centrality", "city", {}),
        ("centrality", "organisation", {}),
        ("communities", "organisation", {}),
        ("brokers", "city", {"partition_by": "country"}),  # nullable integer and boolean columns
    ],
)
def test_bulk_write_back_stores_what_the_shared_statements_store(
    tmp_path: Path, metric: str, level: str, options: dict[str, Any]
) -> None:
    """Issue 16: results are set with kglite's DataFrame bulk update; the Cypher statements both stores share
    (run here through ``query --write``) must leave every node with the same properties, values and types."""
    import shutil

    from netlens.pipeline import commands
    from netlens.pipeline.analyses import results_for_store
    from netlens.store.cypher_render import node_property_statements

    from .conftest import SAMPLE

    base = tmp_path / "base.kgl"
    EmbeddedStore(base).load(tables_of(SAMPLE))
    bulk, shared = tmp_path / "bulk.kgl", tmp_path / "shared.kgl"
    shutil.copy(base, bulk)
    shutil.copy(base, shared)
    store = EmbeddedStore(bulk)
    a, _ = commands.run_analysis(store, metric, level=level, write=False, **options)
    nodes = results_for_store(a)
    assert nodes is not None and len(nodes)
    kinds = store.read_tables().labels()
    assert store.write_node_properties(nodes, kinds) == len(nodes)
    other = EmbeddedStore(shared)
    for st in node_property_statements(nodes, kinds):
        other.query(st.cypher, st.parameters(st.rows), write=True)
    got, expected = _every_property(bulk), _every_property(shared)
    assert got.keys() == expected.keys()
    for key, props in expected.items():
        assert {k: (type(v), v) for k, v in got[key].items()} == {k: (type(v), v) for k, v in props.items()}, key
    assert got != _every_property(base)  # something was written


def test_results_written_keep_the_cached_tables_for_the_new_file(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a write of analysis results the next analysis still reads the tables from the cache (the entry is
    re-keyed to the saved file, not rebuilt), and they are the same tables."""
    from netlens import cache
    from netlens.store import readback

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NETLENS_CACHE", raising=False)
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    store = EmbeddedStore(path)
    first = store.read_tables()
    before = path.stat().st_mtime_ns

    def no_encoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tables were encoded again instead of re-keyed")

    monkeypatch.setattr(cache, "put", no_encoding)
    store.write_node_properties(pd.DataFrame({"degree": [2]}, index=["nantes"]), first.labels())
    assert path.stat().st_mtime_ns != before  # a new file: a new cache key

    def no_read_back(run: object) -> None:
        raise AssertionError("read back through Cypher: the cache entry was not carried over")

    monkeypatch.setattr(readback, "read_tables", no_read_back)
    again = EmbeddedStore(path).read_tables()
    assert {name: again[name].to_dict("list") for name in again} == {name: first[name].to_dict("list") for name in first}


def test_bulk_write_back_never_creates_a_node(mini: Path, tmp_path: Path) -> None:
    """A result for an id the file does not hold (removed by a --replace load meanwhile) is skipped, as the shared
    ``MATCH … SET`` statement skips it; kglite's bulk update alone would create the node."""
    store = EmbeddedStore(tmp_path / "g.kgl")
    store.load(tables_of(mini))
    before = store.info().nodes
    results = pd.DataFrame({"degree": [2, 5]}, index=["nantes", "gone"])
    store.write_node_properties(results, {"nantes": "City", "gone": "City"})
    assert EmbeddedStore(tmp_path / "g.kgl").info().nodes == before
    rows = EmbeddedStore(tmp_path / "g.kgl").query("MATCH (n:City) RETURN n.id AS id, n.degree AS d ORDER BY id").rows
    assert {r["id"]: r["d"] for r in rows} == {"hamburg": None, "nantes": 2, "rijeka": None}


def test_an_analysis_reuses_the_projection_kept_for_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: centrality and communities read the projection the store kept for this very file, with no tables
    and no Cypher; the results and the write-back are those of a run that builds it; a load that changes the file
    is never answered from the old projection, and the write-back carries both cache entries over."""
    import shutil

    from netlens.model.projection import projection_arrays
    from netlens.pipeline import commands

    from .conftest import SAMPLE

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NETLENS_CACHE", raising=False)
    path, plain = tmp_path / "g.kgl", tmp_path / "plain.kgl"
    EmbeddedStore(path).load(tables_of(SAMPLE))
    shutil.copy(path, plain)
    commands.run_analysis(EmbeddedStore(path), "communities", level="organisation")  # builds and keeps it
    assert len(list((tmp_path / "cache" / "netlens").glob("projection-*.json"))) == 1
    kept = EmbeddedStore(path).cached_projection("organisation")
    expected = projection_arrays(EmbeddedStore(path).read_tables(), "organisation")
    assert kept is not None and kept.nodes == expected.nodes and kept.name == expected.name
    assert kept.src.tolist() == expected.src.tolist() and kept.dst.tolist() == expected.dst.tolist()
    assert kept.weight.tolist() == expected.weight.tolist() and kept.count.tolist() == expected.count.tolist()
    assert EmbeddedStore(path).cached_projection("city") is None  # another level: not kept

    store = EmbeddedStore(path)

    def no_tables() -> None:
        raise AssertionError("the tables were read: the kept projection was not used")

    monkeypatch.setattr(store, "read_tables", no_tables)
    for metric in ("centrality", "communities"):
        a, written = commands.run_analysis(store, metric, level="organisation")
        monkeypatch.setenv("NETLENS_CACHE", "0")
        b, written_b = commands.run_analysis(EmbeddedStore(plain), metric, level="organisation")
        monkeypatch.delenv("NETLENS_CACHE")
        pd.testing.assert_frame_equal(a.table, b.table)
        assert written == written_b
    assert _every_property(path) == _every_property(plain)
    assert EmbeddedStore(path).cached_projection("organisation") is not None  # re-keyed to the file just saved
    commands.run_analysis(EmbeddedStore(path), "brokers", level="city")  # another metric's write keeps it too
    assert EmbeddedStore(path).cached_projection("organisation") is not None

    fresh = EmbeddedStore(path)  # the tables entry was carried over too, though this run never read them

    def no_read_back() -> None:
        raise AssertionError("read back through Cypher")

    monkeypatch.setattr(fresh, "_read_graph", no_read_back)
    fresh.read_tables()

    EmbeddedStore(path).query("MATCH (o:Organisation) WITH o LIMIT 1 DETACH DELETE o", write=True)
    assert EmbeddedStore(path).cached_projection("organisation") is None  # the file changed: rebuilt, not reused
    a, _ = commands.run_analysis(EmbeddedStore(path), "communities", level="organisation")
    assert a.nodes is not None and len(a.nodes) == len(expected.nodes) - 1


def test_a_damaged_or_foreign_projection_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from netlens.pipeline import commands

    from .conftest import SAMPLE

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NETLENS_CACHE", raising=False)
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(SAMPLE))
    a, _ = commands.run_analysis(EmbeddedStore(path), "centrality", level="organisation", write=False)
    (entry,) = (tmp_path / "cache" / "netlens").glob("projection-*.json")
    doc = json.loads(entry.read_text())
    doc["value"]["$dict"]["dst"] = {"$array": "|O", "data": "gASV"}  # an object array (a pickle): refused
    entry.write_text(json.dumps(doc, separators=(",", ":")))
    assert EmbeddedStore(path).cached_projection("organisation") is None
    doc["value"]["$dict"]["dst"] = {"$array": "<i4", "data": "AAAAAA=="}  # wrong length
    entry.write_text(json.dumps(doc, separators=(",", ":")))
    assert EmbeddedStore(path).cached_projection("organisation") is None
    b, _ = commands.run_analysis(EmbeddedStore(path), "centrality", level="organisation", write=False)
    pd.testing.assert_frame_equal(a.table, b.table)
