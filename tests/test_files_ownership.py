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
