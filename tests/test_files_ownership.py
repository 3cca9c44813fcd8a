"""Issue 14: a file netlens rewrites keeps its permission bits and, where the process may set them, its owner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netlens.files import write_text


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file another owner")
def test_rewritten_file_keeps_mode_and_owner(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    os.chown(target, 1234, 1234)
    os.chmod(target, 0o640)
    write_text(target, "new")
    st = target.stat()
    assert target.read_text(encoding="utf-8") == "new"
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1234, 1234, 0o640)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file another owner")
def test_store_keeps_mode_and_owner_through_a_reload_and_a_write_back(tmp_path: Path) -> None:
    """The ``.kgl`` store is rewritten by a changed re-load and by an analysis' write-back; both keep owner and mode."""
    import pandas as pd

    from netlens.read import read_package
    from netlens.store.embedded import EmbeddedStore
    from netlens.validation import validate_or_raise

    from .conftest import MINI, write_package

    path = tmp_path / "g.kgl"
    EmbeddedStore(path).load(validate_or_raise(read_package(write_package(tmp_path / "a", MINI)))[0])
    os.chown(path, 1234, 1234)
    os.chmod(path, 0o640)
    more = {**MINI, "cities.csv": MINI["cities.csv"] + "oulu,Oulu,FI,65.01,25.47,\n"}
    EmbeddedStore(path).load(validate_or_raise(read_package(write_package(tmp_path / "b", more)))[0])
    st = path.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1234, 1234, 0o640)
    assert EmbeddedStore(path).info().nodes["City"] == 4
    store = EmbeddedStore(path)
    net = store.read_tables()
    store.write_node_properties(pd.DataFrame({"degree": [1]}, index=["nantes"]), net.labels())
    st = path.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1234, 1234, 0o640)
