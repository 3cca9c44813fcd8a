"""Files netlens writes: atomic (a failed write keeps the previous file), permissions kept, links refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlens.cli import main
from netlens.errors import OutputError
from netlens.files import atomic_write, write_text

from .conftest import SAMPLE


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    target.write_text("good\n")
    with pytest.raises(RuntimeError), atomic_write(target) as f:
        f.write(b"half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_permissions_of_an_existing_file_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "private.json"
    target.write_text("{}")
    os.chmod(target, 0o600)
    write_text(target, "[]")
    assert target.read_text() == "[]" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_planted_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_text(link, "overwritten")
    assert victim.read_text() == "precious" and link.is_symlink()


def test_a_full_disk_is_a_clear_error_with_the_output_exit_code(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    assert CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store]).exit_code == 0
    r = CliRunner().invoke(main, ["analyse", "--no-write", "-o", "/dev/full", "--store-path", store])
    assert r.exit_code == 8 and "cannot write /dev/full" in r.output and "Traceback" not in r.output
