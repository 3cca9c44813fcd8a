"""Benchmark: load the full CORDIS H2020 participation file into a fresh embedded store (issue: under 15 s).

Run: .venv/bin/python bench/bench_load.py [path/to/h2020.csv]
Prints wall time per step and peak RSS. Not part of the test suite.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

t0 = time.perf_counter()
from netlens.read import read_cordis  # noqa: E402
from netlens.store.embedded import EmbeddedStore  # noqa: E402
from netlens.validation import validate_or_raise  # noqa: E402

default = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-h2020-participation" / "h2020.csv"
path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
steps: list[tuple[str, float]] = [("import", time.perf_counter() - t0)]
t = time.perf_counter()
package = read_cordis(path)
steps.append(("read", time.perf_counter() - t))
t = time.perf_counter()
tables, _ = validate_or_raise(package)
steps.append(("validate", time.perf_counter() - t))
with tempfile.TemporaryDirectory() as d:
    store = EmbeddedStore(Path(d) / "h2020.kgl")
    t = time.perf_counter()
    counts = store.load(tables)
    steps.append(("store (first load)", time.perf_counter() - t))
    t = time.perf_counter()
    again = EmbeddedStore(Path(d) / "h2020.kgl").load(tables)
    steps.append(("store (re-load, idempotent)", time.perf_counter() - t))
    size = (Path(d) / "h2020.kgl").stat().st_size
for name, secs in steps:
    print(f"{name:<30}{secs:7.2f} s")
first = sum(s for n, s in steps if n != "store (re-load, idempotent)")
print(f"{'total first load':<30}{first:7.2f} s   (budget 15 s)")
print(
    f"nodes created {counts.nodes_created:,}, relationships {counts.relationships_created:,}; "
    f"re-load created {again.nodes_created} nodes / {again.relationships_created} relationships"
)
print(f"store file {size / 1e6:.1f} MB, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
