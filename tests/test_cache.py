"""netlens.cache: one entry per slot, keyed by the inputs, ignored when damaged, off with NETLENS_CACHE=0."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlens import cache


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.delenv("NETLENS_CACHE", raising=False)
    return tmp_path / "c" / "netlens"


def test_round_trip_and_key_mismatch(cache_home: Path) -> None:
    assert cache.get("t", "store-a", "v1") is None
    cache.put("t", "store-a", "v1", {"x": [1, 2]})
    assert cache.get("t", "store-a", "v1") == {"x": [1, 2]}
    assert cache.get("t", "store-a", "v2") is None  # the inputs changed: not used
    cache.put("t", "store-a", "v2", "new")
    assert cache.get("t", "store-a", "v2") == "new" and cache.get("t", "store-a", "v1") is None
    cache.put("t", "store-b", "v1", "b")
    assert len(list(cache_home.iterdir())) == 2  # one file per slot, not per key


def test_damaged_entries_are_ignored(cache_home: Path) -> None:
    cache.put("t", "s", "k", 1)
    (entry,) = cache_home.iterdir()
    entry.write_bytes(b"\x80garbage")
    assert cache.get("t", "s", "k") is None
    cache.put("t", "s", "k", 2)
    assert cache.get("t", "s", "k") == 2


def test_rekey_moves_a_value_to_a_new_key_without_decoding_it(cache_home: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"id": ["a", "b"], "tags": [["x", "y"], None], "n": [1, 2]}, dtype=object)
    cache.put("t", "s", 'k1 "quoted" ň', {"cities": frame})
    assert cache.rekey("t", "s", "not the key", "k3") is False  # a slot without that key is left as it is
    assert cache.rekey("t", "s", 'k1 "quoted" ň', "k2") is True
    assert cache.get("t", "s", 'k1 "quoted" ň') is None
    back = cache.get("t", "s", "k2")["cities"]
    assert back.to_dict("list") == {"id": ["a", "b"], "tags": [["x", "y"], None], "n": [1, 2]}
    assert [p.name for p in cache_home.iterdir() if p.name.endswith(".tmp")] == []
    assert cache.rekey("t", "absent", "k", "k2") is False


def test_off_switch(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETLENS_CACHE", "0")
    cache.put("t", "s", "k", 1)
    assert cache.get("t", "s", "k") is None and not cache_home.exists()


def test_file_stamp_changes_with_the_content(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    assert cache.file_stamp(f) is None
    f.write_text("one", encoding="utf-8")
    first = cache.file_stamp(f)
    f.write_text("three", encoding="utf-8")
    assert cache.file_stamp(f) != first
