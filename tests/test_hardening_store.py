"""Issue 14, store/file/cache items: nothing lost, nothing leaked. Each test reproduces one reported problem."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import resource
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from netlens import cache
from netlens.cli import main
from netlens.errors import NetlensError, StoreError
from netlens.model.network import Network
from netlens.read import read_package
from netlens.render.maps import write_map
from netlens.store import Statement
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate_or_raise

from .conftest import MINI, write_package


def tables_of(folder: Path) -> Network:
    return validate_or_raise(read_package(folder))[0]


def city(net: Network, city_id: str) -> dict[str, Any]:
    rows = net["cities"]
    rec: dict[str, Any] = rows[rows["id"] == city_id].iloc[0].to_dict()
    return rec


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Writes past ``limit`` bytes fail with EFBIG (a full disk, for this process only)."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


PARTIAL = {  # Nantes and Hamburg with only id,name,country; a participation without its role; a bare project
    "cities.csv": "id,name,country,lat\nnantes,Nantes,FR,\nhamburg,Hamburg,DE,\n",
    "projects.csv": "id,name\np-msl,mySMARTLife\n",
    "participations.csv": "project_id,member_id\np-msl,nantes\n",
}


def test_merge_keeps_values_the_new_package_does_not_carry(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    EmbeddedStore(path).load(tables_of(write_package(tmp_path / "partial", PARTIAL)))
    back = EmbeddedStore(path).read_tables()
    nantes = city(back, "nantes")
    assert (nantes["lat"], nantes["lon"], nantes["tags"]) == (47.2184, -1.5536, ["lighthouse"])  # from MINI
    project = back["projects"].iloc[0].to_dict()
    assert project["programme"] == "H2020" and project["start"].isoformat() == "2016-12-01"
    part = back["participations"]
    assert part[part["member_id"] == "nantes"]["role"].tolist() == ["lighthouse"]


def test_replace_drops_what_the_new_package_does_not_carry(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    EmbeddedStore(path).load(tables_of(write_package(tmp_path / "partial", PARTIAL)), replace=True)
    nantes = city(EmbeddedStore(path).read_tables(), "nantes")
    assert nantes["lat"] is None and nantes["tags"] is None


def test_symlinked_store_writes_the_real_file_and_shares_its_lock(mini: Path, tmp_path: Path) -> None:
    real = tmp_path / "data" / "g.kgl"
    real.parent.mkdir()
    link = tmp_path / "link.kgl"
    link.symlink_to(real)
    EmbeddedStore(link).load(tables_of(mini))
    assert link.is_symlink() and real.is_file()
    assert EmbeddedStore(real).info().nodes["City"] == 3
    with open(real.with_name("g.kgl.netlens-lock"), "a") as held:  # a writer working on the real path
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StoreError, match="another netlens process"):
            EmbeddedStore(link).load(tables_of(mini))
    assert not (tmp_path / "link.kgl.netlens-lock").exists()


def test_load_between_stamp_and_lock_does_not_leave_a_stale_cache(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    analyst = EmbeddedStore(path)
    net = analyst.read_tables()  # cached for this file
    bigger = tables_of(
        write_package(tmp_path / "more", {**MINI, "cities.csv": MINI["cities.csv"] + "oulu,Oulu,FI,65.01,25.47,\n"})
    )
    real_flock = fcntl.flock
    injected: list[bool] = []

    def flock_after_a_load(fd: Any, op: int) -> None:
        if not injected:  # the first lock asked for is the analyst's: a load saves just before it
            injected.append(True)
            EmbeddedStore(path).load(bigger)
        real_flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock_after_a_load)
    import pandas as pd

    analyst.write_node_properties(pd.DataFrame({"degree": [1]}, index=["nantes"]), net.labels())
    monkeypatch.setattr(fcntl, "flock", real_flock)
    assert injected
    assert "oulu" in set(EmbeddedStore(path).read_tables()["cities"]["id"])


def test_failed_map_write_keeps_the_previous_map(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("previous good map", encoding="utf-8")
    with file_size_limit(2000), pytest.raises(NetlensError):
        write_map(nx.path_graph(30), target)
    assert target.read_text(encoding="utf-8") == "previous good map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # no temporary left


def test_store_save_is_fsynced_before_the_rename(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.kgl"
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        events.append(("replace", f"{src}->{dst}"))
        real_replace(src, dst, **kw)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    EmbeddedStore(path).load(tables_of(mini))
    renames = [i for i, (op, what) in enumerate(events) if op == "replace" and what.endswith(f"->{path}")]
    assert renames, events
    temp = events[renames[-1]][1].split("->")[0]
    assert ("fsync", temp) in events[: renames[-1]]


def test_lock_file_does_not_follow_links(mini: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "g.kgl.netlens-lock").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        EmbeddedStore(tmp_path / "g.kgl").load(tables_of(mini))
    assert victim.read_text(encoding="utf-8") == "precious"


def test_lock_file_is_private(mini: Path, tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "g.kgl").load(tables_of(mini))
    assert stat.S_IMODE((tmp_path / "g.kgl.netlens-lock").stat().st_mode) == 0o600


def test_save_keeps_the_store_permissions(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    path.chmod(0o600)
    EmbeddedStore(path).load(tables_of(mini))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_read_only_store_is_refused(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(StoreError, match="read-only"):
        EmbeddedStore(path).load(tables_of(write_package(tmp_path / "partial", PARTIAL)))
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_failed_save_leaves_no_temporary(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    before = path.read_bytes()
    store = EmbeddedStore(path)
    more = tables_of(write_package(tmp_path / "more", {**MINI, "cities.csv": MINI["cities.csv"] + "oulu,Oulu,FI,65.01,25.47,\n"}))
    with file_size_limit(len(before) // 2), pytest.raises(StoreError, match="cannot save"):
        store.load(more)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("g.kgl", ".g.kgl"))) == [
        "g.kgl",
        "g.kgl.netlens-lock",
    ]


def test_stale_save_temporaries_are_removed_on_the_next_write(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    (tmp_path / "g.kgl.tmp.99999.0").write_bytes(b"RGF half a graph")  # a save killed half-way
    (tmp_path / "other.kgl.tmp.99999.0").write_bytes(b"RGF someone else's")
    EmbeddedStore(path).load(tables_of(mini))
    assert not (tmp_path / "g.kgl.tmp.99999.0").exists()
    assert (tmp_path / "other.kgl.tmp.99999.0").exists()


# ------------------------------------------------------------------------------------------ the cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.delenv("NETLENS_CACHE", raising=False)
    return tmp_path / "c" / "netlens"


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Path.touch, (self.marker,))


def test_cache_never_runs_a_planted_pickle(cache_home: Path, tmp_path: Path) -> None:
    cache.put("tables", "slot", "key", {"x": [1]})
    marker = tmp_path / "pwned"
    planted = pickle.dumps(("key", _Planted(marker)))
    for entry in cache_home.iterdir():
        entry.write_bytes(planted)
    import hashlib

    (cache_home / f"tables-{hashlib.sha256(b'slot').hexdigest()[:24]}.pickle").write_bytes(planted)
    assert cache.get("tables", "slot", "key") is None
    assert not marker.exists()


def test_cache_round_trips_tables(cache_home: Path, mini: Path) -> None:
    net = tables_of(mini)
    cache.put("tables", "s", "k", dict(net))
    back = cache.get("tables", "s", "k")
    assert isinstance(back, dict) and set(back) == set(net)
    for name, frame in net.items():
        assert back[name].to_dict("records") == frame.to_dict("records"), name
        assert list(back[name].columns) == list(frame.columns)


def test_cache_folder_is_private(cache_home: Path) -> None:
    cache.put("t", "s", "k", 1)
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700


def test_cache_evicts_old_entries(cache_home: Path) -> None:
    for i in range(cache.MAX_ENTRIES + 5):
        cache.put("tables", f"store-{i}", "k", [i])
    assert len(list(cache_home.iterdir())) == cache.MAX_ENTRIES
    assert cache.get("tables", f"store-{cache.MAX_ENTRIES + 4}", "k") == [cache.MAX_ENTRIES + 4]
    assert cache.get("tables", "store-0", "k") is None


def test_cache_entry_of_a_deleted_source_is_evicted(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "gone.kgl"
    source.write_text("x", encoding="utf-8")
    cache.put("tables", str(source), "k", [1], sources=(source,))
    source.unlink()
    cache.put("tables", "other", "k", [2])
    assert len(list(cache_home.iterdir())) == 1


def test_failed_cache_write_leaves_no_temporary(cache_home: Path) -> None:
    cache.put("t", "small", "k", 1)
    with file_size_limit(4096):
        cache.put("t", "big", "k", "x" * 100_000)
    assert cache.get("t", "big", "k") is None
    assert [p.suffix for p in cache_home.iterdir()] == [".json"]


def test_stale_cache_temporaries_are_removed(cache_home: Path) -> None:
    cache.put("t", "s", "k", 1)
    stale = cache_home / ".t-abc.12345.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    cache.put("t", "s2", "k", 2)
    assert not stale.exists()


# ------------------------------------------------------------------------------------------ write-back


def test_analyse_prints_results_when_a_writer_holds_the_store(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    with open(tmp_path / "g.kgl.netlens-lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(main, ["analyse", "--metric", "centrality", "--store-path", str(path)])
    assert "Nantes" in result.stdout, result.output
    assert "not written" in result.stderr and "again" in result.stderr
    assert result.exit_code == 4


# ------------------------------------------------------------------------------------------ re-load


def test_unchanged_reload_sends_no_write_statements(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    store = EmbeddedStore(path)
    sent: list[Statement] = []
    store.before_statement = sent.append
    store.load(tables_of(mini))
    assert [s.what for s in sent if "MERGE" in s.cypher or "SET" in s.cypher] == []


def test_changed_reload_sends_only_the_changed_rows(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    changed = {**MINI, "participations.csv": MINI["participations.csv"].replace("rijeka,follower", "rijeka,partner")}
    store = EmbeddedStore(path)
    sent: list[Statement] = []
    store.before_statement = sent.append
    counts = store.load(tables_of(write_package(tmp_path / "changed", changed)))
    writes = [s for s in sent if "MERGE" in s.cypher or "CREATE (a)" in s.cypher]
    assert [(s.what, s.rows) for s in writes] == [
        ("PARTICIPATES_IN City->Project", [{"a": "rijeka", "b": "p-msl", "props": {"role": "partner"}}])
    ]
    assert counts.relationships_created == 0
    part = EmbeddedStore(path).read_tables()["participations"]
    assert dict(zip(part["member_id"], part["role"]))["rijeka"] == "partner"


def test_unchanged_reload_keeps_the_file(mini: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(tables_of(mini))
    stamp = cache.file_stamp(path)
    again = EmbeddedStore(path).load(tables_of(mini))
    assert again.nodes_created == 0 and cache.file_stamp(path) == stamp  # not rewritten: the read-back cache stays valid
