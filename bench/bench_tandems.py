"""Benchmark: tandem strength of every organisation pair of the full CORDIS H2020 participation file (target: under 60 s).

Run: .venv/bin/python bench/bench_tandems.py [path/to/h2020.csv]
Prints the wall time of ``tandem_strength`` (no decay, organisation level) and exits 1 above the target. Not part of
the test suite (tests/test_tandems.py checks the values; wall-clock limits live here).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from netlens.analysis.strength import tandem_strength
from netlens.analysis.weights import load_weights
from netlens.read import read_cordis
from netlens.validation import validate

TARGET_SECONDS = 60.0

default = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-h2020-participation" / "h2020.csv"
path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
tables, _ = validate(read_cordis(path))
start = time.perf_counter()
df = tandem_strength(tables, level="organisation", weights=load_weights(overrides={"decay": {"lambda": 0.0}}))
elapsed = time.perf_counter() - start
print(f"tandem_strength (organisation level, {len(df):,} pairs): {elapsed:.1f} s (target < {TARGET_SECONDS:.0f} s)")
sys.exit(0 if elapsed < TARGET_SECONDS else 1)
