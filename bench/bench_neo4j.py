"""The Neo4j store at CORDIS scale on a real Bolt server (issue 15): embedded store vs Bolt, in the same run.

Run:  .venv/bin/python bench/bench_neo4j.py [--csv path/to/h2020.csv] [--samples 128] [--seed 0] [--keep]

The Bolt server is the ArcadeDB peer of ``tools/bolt_peer.py`` (``arcadedb-embedded``, in the test extra), started
here on free loopback ports with a fresh database; it is not Neo4j, so the figures say what netlens costs over Bolt
on *that* server. Each step is the real CLI (``netlens … --quiet``), one child process per step, run first on a
fresh embedded store (``--store-path`` in a temporary folder) and right after on the Bolt server
(``--store neo4j`` with ``NEO4J_*`` set), so both see the same machine load:

``load --format cordis CSV`` (with names, cities, geocoding), ``analyse --metric centrality|communities|tandems
--level organisation`` (read back, analysed, written back), ``map --level organisation``, and library queries
(``top-hubs``, ``brokers``, ``communities``, ``strongest-ties``, ``isolated-organisations``).

Per step: wall time, CPU time and peak RSS of that child (``os.wait4``), and the ratios Bolt / embedded (on a
shared machine the CPU ratio is the steadier one, but it leaves out the server's work; wall time includes it). The server's own
memory is a separate process: its peak RSS (``VmHWM``) is printed at the end. Caches go to a temporary
``XDG_CACHE_HOME`` (the embedded store caches the tables it reads back per store file, as it does for users;
the Neo4j store has no such cache). Exit status 1 when a step fails. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_pipeline import DEFAULT_CSV, Run, fmt_gb, fmt_s, netlens_exe, run_child  # noqa: E402

SHARED = os.environ.get("NETLENS_SHARED_DATA")
CSV = Path(SHARED) / "cordis-h2020-participation" / "h2020.csv" if SHARED else DEFAULT_CSV
QUERIES = ("top-hubs", "brokers", "communities", "strongest-ties", "isolated-organisations")
TARGETS = {"load": 3.0, "analyse": 1.5}


def bolt_peer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bolt_peer", HERE.parent / "tools" / "bolt_peer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vm_hwm_kib(pid: int | None) -> int:
    """Peak RSS of a running process (``VmHWM`` in /proc), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=CSV, help="CORDIS participation CSV [full H2020, in $NETLENS_SHARED_DATA]")
    ap.add_argument("--samples", type=int, default=128, help="pivots for sampled betweenness/closeness")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--heap", default="3g", help="the Bolt server's Java heap (-Xmx) [3g]")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (stores, maps, logs)")
    args = ap.parse_args()
    csv = args.csv.resolve()
    if not csv.exists():
        sys.exit(f"{csv}: no such file")
    tmp = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
    tool = bolt_peer()
    peer = tool.BoltPeer(tmp / "bolt-server", heap=args.heap)
    t0 = time.perf_counter()
    peer.start()
    print(f"# {tool.NAME}: {peer.describe()} started in {time.perf_counter() - t0:.1f} s (heap -Xmx{args.heap})")
    la = os.getloadavg()
    print(f"# {csv}; nproc {os.cpu_count()}; load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} at start")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    nl = [*netlens_exe(), "--quiet"]
    sides = {
        "embedded": ["--store-path", str(tmp / "embedded.kgl")],
        "bolt": ["--store", "neo4j"],
    }
    secrets_env = {
        "NEO4J_URI": peer.uri,
        "NEO4J_USERNAME": tool.USERNAME,
        "NEO4J_PASSWORD": peer.password,
        "NEO4J_DATABASE": tool.DATABASE,
    }
    level = ["--level", "organisation"]
    steps: dict[str, list[str]] = {
        "load": ["load", "--format", "cordis", str(csv)],
        "centrality": ["analyse", "--metric", "centrality", *level, "--samples", str(args.samples), "--seed", str(args.seed)],
        "communities": ["analyse", "--metric", "communities", *level, "--seed", str(args.seed)],
        "tandems": ["analyse", "--metric", "tandems", *level],
        "map": ["map", *level, "--seed", str(args.seed), "-o", "{tmp}/map-{side}.html"],
    }
    steps.update({f"query {q}": ["query", q, "--format", "csv", "-o", f"{{tmp}}/{q}-{{side}}.csv"] for q in QUERIES})
    runs: dict[tuple[str, str], Run] = {}
    failed = False
    try:
        for step, argv in steps.items():
            for side, store in sides.items():
                cmd = [*nl, *(a.format(tmp=tmp, side=side) for a in argv), *store]
                if side == "bolt":
                    os.environ.update(secrets_env)
                else:
                    for k in secrets_env:
                        os.environ.pop(k, None)
                print(f"{side:>8} {step:<30}", end="", flush=True)
                r = runs[(side, step)] = run_child(side, step.replace(" ", "-"), cmd, tmp, None)
                failed |= not r.ok
                cost = f"{fmt_s(r):>7} s wall {r.cpu:6.1f} s cpu {fmt_gb(r.rss_kib):>5} GB"
                print(f" {cost}  (load avg {r.load_avg:.2f})", flush=True)
        for q in QUERIES:  # the same rows from both stores (ties between equal keys may come in another order)
            emb, bolt = (tmp / f"{q}-{side}.csv" for side in sides)
            if emb.exists() and bolt.exists():
                same = sorted(emb.read_text().splitlines()) == sorted(bolt.read_text().splitlines())
                print(f"# query {q}: {'same rows' if same else 'rows DIFFER'} on both stores")
    finally:
        server_kib = vm_hwm_kib(peer.pid)
        peer.stop()
        for k in secrets_env:
            os.environ.pop(k, None)
    print()
    cols = f"{'cpu s':>6} {'GB':>5}"
    print(f"{'step':<30} | {'embedded s':>10} {cols} | {'Bolt s':>7} {cols} | {'wall':>6} {'cpu':>6} | aim")
    total = {side: [0.0, 0.0] for side in sides}
    for step in steps:
        a, b = runs.get(("embedded", step)), runs.get(("bolt", step))
        if a is None or b is None:
            continue
        for side, r in (("embedded", a), ("bolt", b)):
            total[side][0] += r.wall
            total[side][1] += r.cpu
        kind = "load" if step == "load" else "analyse" if step in ("centrality", "communities", "tandems") else ""
        aim = f"<= {TARGETS[kind]}x" if kind else ""
        wall = f"{b.wall / max(a.wall, 1e-9):.2f}x" if a.ok and b.ok else "-"
        cpu = f"{b.cpu / max(a.cpu, 1e-9):.2f}x" if a.ok and b.ok else "-"
        print(
            f"{step:<30} | {fmt_s(a):>10} {a.cpu:>6.1f} {fmt_gb(a.rss_kib):>5}"
            f" | {fmt_s(b):>7} {b.cpu:>6.1f} {fmt_gb(b.rss_kib):>5}"
            f" | {wall:>6} {cpu:>6} | {aim}"
        )
    (ew, ec), (bw, bc) = total["embedded"], total["bolt"]
    print(
        f"{'total':<30} | {ew:>10.1f} {ec:>6.1f} {'':>5} | {bw:>7.1f} {bc:>6.1f} {'':>5}"
        f" | {bw / max(ew, 1e-9):>5.2f}x {bc / max(ec, 1e-9):>5.2f}x |"
    )
    print("# wall: Bolt / embedded wall time; cpu: of the netlens process alone (the server's CPU is not in it)")
    print(f"# Bolt server (ArcadeDB JVM) peak RSS: {fmt_gb(server_kib)} GB, a separate process, not in the Bolt column")
    la = os.getloadavg()
    print(f"# load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} at end")
    if args.keep:
        print(f"# kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
