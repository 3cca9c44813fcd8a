"""Scaling of each step with network size (issue 16 item 7): 10 %, 25 %, 50 %, 100 % of CORDIS H2020 and a 4×
synthetic network, with the growth exponent of every step.

Run: .venv/bin/python bench/bench_scaling.py [--csv path/to/h2020.csv] [--fractions 0.1,0.25,0.5,1] [--copies 4]
     [--steps load,centrality,communities,tandems] [--tag NAME]

Inputs, all in the CORDIS participation format (``netlens load --format cordis --no-enrich``):
- a fraction f of CORDIS: the participations of a random f of the projects (``numpy`` seed 0);
- the synthetic network: ``--copies`` copies of full CORDIS, organisation and project ids suffixed per copy, and
  5 % of each copy's participations moved to the same organisation in another copy, so that the copies are one
  network (~143k organisations and ~3.2M ties for 4 copies), not four disjoint ones.

Every step runs as its own ``netlens`` process on a store loaded once per input (``analyse --metric X --level
organisation`` writes its results back, as a user's run does), timed by ``os.wait4`` (wall, peak RSS). The growth
exponent between two sizes is ``log(t2 / t1) / log(E2 / E1)`` with E the number of organisation ties (the
projection's edges, counted with scipy): 1 is linear, about 1.1 is ``n log n`` at these sizes. Writes the table to
bench/results/bench_scaling-<date>[-tag].txt.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
_REL = Path("shared") / "data" / "cordis-h2020-participation" / "h2020.csv"
DEFAULT_CSV = next((p / _REL for p in HERE.parents if (p / _REL).is_file()), Path("/work") / _REL)


def run_child(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of one child process; exits on failure."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{err}")
    return wall, usage.ru_maxrss / 1024**2


def ties(df: pd.DataFrame) -> tuple[int, int]:
    """Organisations and organisation ties (pairs sharing a project) of a participation table."""
    pairs = df[["rcn", "pic"]].drop_duplicates()
    org, _ = pd.factorize(pairs["pic"])
    act, _ = pd.factorize(pairs["rcn"])
    b = sp.csr_matrix((np.ones(len(pairs)), (act, org)), shape=(int(act.max()) + 1, int(org.max()) + 1))
    co = sp.triu(b.T @ b, k=1)
    return int(org.max()) + 1, int(co.nnz)


def fraction(df: pd.DataFrame, f: float) -> pd.DataFrame:
    if f >= 1:
        return df
    projects = df["rcn"].unique()
    keep = np.random.default_rng(0).choice(projects, size=max(1, round(f * len(projects))), replace=False)
    return df[df["rcn"].isin(set(keep))]


def synthetic(df: pd.DataFrame, copies: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    parts = []
    for k in range(copies):
        c = df.copy()
        c["rcn"] = c["rcn"] + f"-{k}"
        moved = rng.random(len(c)) < 0.05  # the same organisation, taken from another copy
        other = (k + rng.integers(1, copies, size=len(c))) % copies if copies > 1 else np.zeros(len(c), dtype=int)
        c["pic"] = np.where(moved, c["pic"] + "-" + other.astype(str), c["pic"] + f"-{k}")
        parts.append(c)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--fractions", default="0.1,0.25,0.5,1")
    ap.add_argument("--copies", type=int, default=4, help="copies for the synthetic network (0: none)")
    ap.add_argument("--steps", default="load,centrality,communities,tandems")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("netlens")
    nl = [str(exe)] if exe.exists() else [shutil.which("netlens") or "netlens"]
    steps = args.steps.split(",")
    full = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    inputs = [(f"{float(f):.0%} CORDIS", fraction(full, float(f))) for f in args.fractions.split(",")]
    if args.copies:
        inputs.append((f"{args.copies}x synthetic", synthetic(full, args.copies)))
    rows: list[tuple[str, int, int, dict[str, tuple[float, float]]]] = []
    tmp = Path(tempfile.mkdtemp(prefix="netlens-bench-scaling-"))
    try:
        for name, df in inputs:
            csv = tmp / "h2020.csv"  # alone in its folder: --no-enrich, and no sibling extracts to find
            df.to_csv(csv, index=False)
            n_org, n_ties = ties(df)
            store = ["--store-path", str(tmp / "s.kgl"), "--quiet"]
            (tmp / "s.kgl").unlink(missing_ok=True)
            got: dict[str, tuple[float, float]] = {}
            got["load"] = run_child([*nl, "load", "--format", "cordis", str(csv), "--no-enrich", *store])
            for step in steps:
                if step != "load":
                    got[step] = run_child([*nl, "analyse", "--metric", step, "--level", "organisation", *store])
            print(
                f"{name}: {n_org:,} organisations, {n_ties:,} ties: " + ", ".join(f"{s} {w:.1f} s" for s, (w, _) in got.items()),
                flush=True,
            )
            rows.append((name, n_org, n_ties, got))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        f"bench_scaling {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M UTC} on {args.csv}; nproc {os.cpu_count()}; "
        f"load average {os.getloadavg()[0]:.2f}; git "
        + subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip(),
        "",
        "| input | organisations | ties | " + " | ".join(f"{s} s (GB)" for s in steps) + " |",
        "|---|---|---|" + "---|" * len(steps),
    ]
    for name, n_org, n_ties, got in rows:
        cells = " | ".join(f"{got[s][0]:.1f} ({got[s][1]:.2f})" for s in steps)
        lines.append(f"| {name} | {n_org:,} | {n_ties:,} | {cells} |")
    lines += ["", "growth exponents log(t2/t1) / log(E2/E1), E = ties:", ""]
    lines.append("| from → to | " + " | ".join(steps) + " |")
    lines.append("|---|" + "---|" * len(steps))
    for (a, _, ea, ga), (b, _, eb, gb) in zip(rows, rows[1:]):
        cells = " | ".join(f"{math.log(gb[s][0] / ga[s][0]) / math.log(eb / ea):.2f}" for s in steps)
        lines.append(f"| {a} → {b} | {cells} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / f"bench_scaling-{_dt.date.today():%Y-%m-%d}{'-' + args.tag if args.tag else ''}.txt"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
