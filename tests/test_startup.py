"""Start-up cost: ``netlens --help`` (and every command's --help) must not load the heavy libraries.

Counted as modules loaded, not seconds: pandas, numpy, scipy, networkx, igraph, rich, kglite and neo4j
together are ~0.9 s of imports on this machine, none of which a help text needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "scipy", "networkx", "igraph", "rich", "kglite", "neo4j", "openpyxl")

PROBE = """
import json, sys
from netlens.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_by(*args: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    return set(json.loads(r.stdout.strip().splitlines()[-1]))


def test_the_probe_sees_heavy_imports() -> None:
    r = subprocess.run(
        [sys.executable, "-c", "import json, sys, pandas; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pandas" in json.loads(r.stdout)


@pytest.mark.parametrize("command", [[], ["load"], ["analyse"], ["tandems"], ["paths"], ["map"], ["query"], ["export"], ["info"]])
def test_help_loads_no_heavy_library(command: list[str]) -> None:
    heavy = loaded_by(*command, "--help") & set(HEAVY)
    assert not heavy, f"netlens {' '.join(command)} --help imports {sorted(heavy)}"


def test_info_on_an_empty_store_loads_neither_pandas_nor_the_analysis_libraries(tmp_path: Path) -> None:
    """Issue 16 item 6: `netlens info` on an empty store within 0.5 s (measured in bench/bench_startup.py). What
    it imports is counted here: before, it imported pandas and numpy (~0.7 s) through the store package."""
    loaded = loaded_by("info", "--store-path", str(tmp_path / "none.kgl"))
    unwanted = {"pandas", "numpy", "scipy", "networkx", "igraph", "neo4j", "openpyxl", "rich"}
    assert not loaded & unwanted, sorted(loaded & set(HEAVY))
