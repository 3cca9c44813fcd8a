"""End-to-end pipeline benchmark (issue 7): load -> analyse (centrality, communities, tandems) -> map on full H2020.

Run:  .venv/bin/python bench/bench_pipeline.py [--csv path/to/h2020.csv] [--steps load,centrality,...]
                                               [--nx-timeout 900] [--skip-networkx] [--also-no-write] [--no-enrich]
                                               [--samples 128] [--keep] [--json FILE]

What is compared, step by step, in the same run (each side's step i runs right after the other's, so both see the
same machine load):

* netlens: the real CLI (``netlens`` beside this interpreter), one subprocess per step, on a fresh embedded store in a
  temporary folder (``--store-path``), ``--quiet``:
  ``load --format cordis CSV`` (which also joins names, cities and acronyms from the CORDIS extracts it finds above
  the CSV and geocodes the cities; ``--no-enrich`` skips that, as networkx does);
  ``analyse --metric centrality|communities|tandems --level organisation`` (results written back into the store;
  tandems writes one TIE relationship per pair, ~800k); ``map --level organisation``.
* networkx: ``bench/nx_pipeline.py`` (plain networkx + pandas, no igraph, no netlens import) doing the same work, one
  subprocess per step, state passed through pickle files: bipartite graph from the CSV; Newman-weighted projection
  (``collaboration_weighted_projected_graph``) + the same centralities with the same number of pivots; Louvain +
  modularity (netlens runs its default, Leiden); Newman weights again + disparity filter in pure Python;
  ``spring_layout`` + a JSON of nodes and edges. See that file's docstring.

Per step it reports wall time, CPU time (user + sys) and peak RSS of that child process alone, from ``os.wait4`` on
the child (its own rusage; ``ru_maxrss`` is KiB on Linux). This orchestrator imports only the standard library so its
own small footprint is all a child can inherit into ``ru_maxrss`` at exec. A networkx step still running after
``--nx-timeout`` seconds is killed and shown as ``> cap``: its time and the ratio are then lower bounds.
Ratios are networkx / netlens (wall and CPU); CPU time is less disturbed by other work on a shared machine.
Targets (issue 7): netlens pipeline < 120 s wall on 2 cores, >= 10x faster than networkx, peak RSS < 4 GB.
Exit status 1 when a netlens step fails. Not part of the test suite.

Smoke run on a small CORDIS subset (the loader reads ``programme_parts.csv`` beside the CSV when present):

    mkdir -p /tmp/h2020-small && head -3001 ../shared/data/cordis-h2020-participation/h2020.csv > /tmp/h2020-small/h2020.csv
    .venv/bin/python bench/bench_pipeline.py --csv /tmp/h2020-small/h2020.csv --nx-timeout 60
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_CSV = HERE.parents[1] / "shared" / "data" / "cordis-h2020-participation" / "h2020.csv"
EXPECTED_NODES, EXPECTED_EDGES = 31_665, 796_670  # non-isolated organisations and ties of the full H2020 projection
STEPS = ("load", "centrality", "communities", "tandems", "map")
TARGET_WALL_S, TARGET_RATIO, TARGET_RSS_GB = 120.0, 10.0, 4.0
NOTE = re.compile(r"^(read:|loaded into|wrote |# (written|\d+ pairs|leiden|louvain|betweenness:|closeness:))")


@dataclass
class Run:
    """One child process: what it ran and what it cost."""

    side: str
    step: str
    argv: list[str]
    wall: float = 0.0
    cpu: float = 0.0
    rss_kib: int = 0
    rc: int | None = None
    timed_out: bool = False
    load_avg: float = 0.0
    notes: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out


def run_child(side: str, step: str, argv: list[str], logdir: Path, timeout: float | None) -> Run:
    """Run ``argv`` as a child; wall time, rusage of that child alone (os.wait4), killed after ``timeout``."""
    r = Run(side, step, argv, load_avg=os.getloadavg()[0])
    out_path, err_path = logdir / f"{side}-{step}.out", logdir / f"{side}-{step}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        r.wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait for it again
    r.rc, r.timed_out = proc.returncode, fired.is_set()
    r.cpu, r.rss_kib = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
    text = out_path.read_text(errors="replace").splitlines() + err_path.read_text(errors="replace").splitlines()
    for line in text:
        if line.startswith("RESULT "):
            r.result = json.loads(line[7:])
        elif NOTE.match(line.strip()):
            r.notes.append(line.strip())
    if not r.ok and not r.timed_out:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-15:]
        print(f"  !! {side} {step} failed (exit {r.rc}):", *("     " + x for x in tail), sep="\n", flush=True)
    return r


def fmt_s(r: Run | None) -> str:
    if r is None:
        return "-"
    if r.timed_out:
        return f">{r.wall:.0f}"
    return f"{r.wall:.1f}" if r.ok else "FAILED"


def fmt_gb(kib: int) -> str:
    return f"{kib / 1024**2:.2f}"


def ratio(a: Run | None, b: Run | None, attr: str) -> str:
    if a is None or b is None or not a.ok or not (b.ok or b.timed_out):
        return "-"
    x = getattr(b, attr) / max(getattr(a, attr), 1e-9)
    return f"{'>' if b.timed_out else ''}{x:.1f}x"


def row(step: str, a: Run | None, b: Run | None) -> str:
    cells = [f"{step:<22}"]
    for r in (a, b):
        if r is None:
            cells.append(f"{'-':>8}{'-':>8}{'-':>7}")
        else:
            cells.append(f"{fmt_s(r):>8}{('>' if r.timed_out else '') + f'{r.cpu:.1f}':>8}{fmt_gb(r.rss_kib):>7}")
    cells.append(f"{ratio(a, b, 'wall'):>9}{ratio(a, b, 'cpu'):>9}")
    return " |".join(cells)


def header() -> str:
    side = f"{'wall s':>8}{'cpu s':>8}{'RSS GB':>7}"
    return (
        f"{'':<22} |{'netlens':^23} |{'networkx':^23} |{'nx / netlens':^18}\n{'step':<22} |{side} |{side} |{'wall':>9}{'cpu':>9}"
    )


def netlens_exe() -> list[str]:
    exe = Path(sys.executable).with_name("netlens")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("netlens")
    if not found:
        sys.exit("netlens CLI not found beside this interpreter nor on PATH; run with .venv/bin/python")
    return [found]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="CORDIS participation CSV [full H2020]")
    ap.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="comma-separated subset of " + ",".join(STEPS) + " (load always runs: the others need it)",
    )
    ap.add_argument("--skip-networkx", action="store_true")
    ap.add_argument("--nx-timeout", type=float, default=900.0, help="seconds per networkx step before it is killed")
    ap.add_argument(
        "--also-no-write",
        action="store_true",
        help="also time `analyse --metric tandems --no-write` (ties computed, not written to the store)",
    )
    ap.add_argument(
        "--no-enrich",
        action="store_true",
        help="load with `--no-enrich` (no names/cities/geocoding from the other extracts; networkx does none)",
    )
    ap.add_argument("--samples", type=int, default=128, help="pivots for sampled betweenness/closeness (both sides)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (store, map, pickles, logs)")
    ap.add_argument("--json", type=Path, help="also write all measurements to this JSON file")
    args = ap.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    bad = [s for s in steps if s not in STEPS]
    if bad:
        ap.error(f"unknown step(s) {', '.join(bad)}; expected a subset of {','.join(STEPS)}")
    steps = [s for s in STEPS if s == "load" or s in steps]
    csv = args.csv.resolve()
    if not csv.exists():
        sys.exit(f"{csv}: no such file")
    full = csv == DEFAULT_CSV.resolve()

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    la = os.getloadavg()
    print(f"netlens pipeline benchmark on {csv} ({csv.stat().st_size / 1e6:.1f} MB)")
    print(
        f"nproc {cpus} (os.cpu_count {os.cpu_count()}); load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} at start; "
        f"python {sys.version.split()[0]}; networkx steps capped at {args.nx_timeout:.0f} s",
        flush=True,
    )

    tmp = Path(tempfile.mkdtemp(prefix="netlens-bench-"))
    store, work = tmp / "netlens.kgl", tmp / "nx"
    nl = netlens_exe()
    common = ["--store-path", str(store), "--quiet"]
    nl_argv = {
        "load": [*nl, "load", "--format", "cordis", str(csv), *(["--no-enrich"] if args.no_enrich else []), *common],
        "centrality": [
            *nl,
            "analyse",
            "--metric",
            "centrality",
            "--level",
            "organisation",
            "--samples",
            str(args.samples),
            "--seed",
            str(args.seed),
            *common,
        ],
        "communities": [*nl, "analyse", "--metric", "communities", "--level", "organisation", "--seed", str(args.seed), *common],
        "tandems": [*nl, "analyse", "--metric", "tandems", "--level", "organisation", *common],
        "map": [*nl, "map", "--level", "organisation", "--seed", str(args.seed), "-o", str(tmp / "map.html"), *common],
    }
    nx_common = ["--csv", str(csv), "--work", str(work), "--samples", str(args.samples), "--seed", str(args.seed)]
    if full:
        nx_common += ["--expect-nodes", str(EXPECTED_NODES), "--expect-edges", str(EXPECTED_EDGES)]

    ours: dict[str, Run] = {}
    theirs: dict[str, Run] = {}
    extra: Run | None = None
    failed = False
    try:
        for step in steps:
            print(f"[{time.strftime('%H:%M:%S')}] {step}: netlens ...", end="", flush=True)
            a = ours[step] = run_child("netlens", step, nl_argv[step], tmp, None)
            print(f" {fmt_s(a)} s wall, {a.cpu:.1f} s cpu, {fmt_gb(a.rss_kib)} GB (load avg {a.load_avg:.2f})", flush=True)
            for n in a.notes:
                print(f"    {n[:160]}")
            if not a.ok:
                failed = True
                break
            if step == "tandems" and args.also_no_write:
                argv = [*nl_argv["tandems"], "--no-write"]
                print(f"[{time.strftime('%H:%M:%S')}] tandems --no-write: netlens ...", end="", flush=True)
                extra = run_child("netlens", "tandems-no-write", argv, tmp, None)
                print(f" {fmt_s(extra)} s wall, {extra.cpu:.1f} s cpu, {fmt_gb(extra.rss_kib)} GB", flush=True)
                failed |= not extra.ok
            if args.skip_networkx:
                continue
            print(f"[{time.strftime('%H:%M:%S')}] {step}: networkx ...", end="", flush=True)
            argv = [sys.executable, str(HERE / "nx_pipeline.py"), step, *nx_common]
            b = theirs[step] = run_child("networkx", step, argv, tmp, args.nx_timeout)
            cap = " (killed at the cap)" if b.timed_out else ""
            print(f" {fmt_s(b)} s wall{cap}, {b.cpu:.1f} s cpu, {fmt_gb(b.rss_kib)} GB (load avg {b.load_avg:.2f})", flush=True)
            if b.result:
                info = {k: v for k, v in b.result.items() if k not in ("step", "phases")}
                print(f"    {info}")
                print("    " + "; ".join(f"{k} {v:.1f} s" for k, v in b.result.get("phases", {}).items()))
            elif b.timed_out:
                err = (tmp / f"networkx-{step}.err").read_text(errors="replace").strip().splitlines()
                if err:
                    print("    finished before the cap: " + "; ".join(" ".join(x.split()[1:]) for x in err))
    finally:
        la_end = os.getloadavg()
        print()
        print(header())
        print("-" * 92)
        for step in steps:
            print(row(step, ours.get(step), theirs.get(step)))
        if extra is not None:
            print(row("tandems --no-write", extra, theirs.get("tandems")))
        print("-" * 92)
        done_a = [ours[s] for s in steps if s in ours]
        done_b = [theirs[s] for s in steps if s in theirs]
        tot = Run(
            "netlens",
            "total",
            [],
            wall=sum(r.wall for r in done_a),
            cpu=sum(r.cpu for r in done_a),
            rss_kib=max((r.rss_kib for r in done_a), default=0),
            rc=0 if done_a and all(r.ok for r in done_a) else 1,
        )
        tot_b = None
        if done_b and len(done_b) == len(done_a):
            tot_b = Run(
                "networkx",
                "total",
                [],
                wall=sum(r.wall for r in done_b),
                cpu=sum(r.cpu for r in done_b),
                rss_kib=max(r.rss_kib for r in done_b),
                rc=0 if all(r.ok or r.timed_out for r in done_b) else 1,
                timed_out=any(r.timed_out for r in done_b),
            )
        print(row("total (RSS = max)", tot, tot_b))
        print(f"load average {la_end[0]:.2f} {la_end[1]:.2f} {la_end[2]:.2f} at end; nproc {cpus}")
        if tot.ok and set(steps) == set(STEPS):
            rss_gb = tot.rss_kib / 1024**2
            print(
                f"targets: pipeline {tot.wall:.1f} s wall (< {TARGET_WALL_S:.0f} s: "
                f"{'yes' if tot.wall < TARGET_WALL_S else 'NO'}); peak RSS {rss_gb:.2f} GB (< {TARGET_RSS_GB:.0f} GB: "
                f"{'yes' if rss_gb < TARGET_RSS_GB else 'NO'})",
                end="",
            )
            if tot_b is not None and tot_b.rc == 0:
                x = tot_b.wall / tot.wall
                bound = "at least " if tot_b.timed_out else ""
                print(
                    f"; networkx/netlens {bound}{x:.1f}x wall (>= {TARGET_RATIO:.0f}x: "
                    f"{'yes' if x >= TARGET_RATIO else ('NO' if not tot_b.timed_out else 'not shown')})"
                )
            else:
                print()
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "csv": str(csv),
                        "nproc": cpus,
                        "load_average_start": la,
                        "load_average_end": la_end,
                        "nx_timeout": args.nx_timeout,
                        "netlens": [asdict(r) for r in done_a + ([extra] if extra else [])],
                        "networkx": [asdict(r) for r in done_b],
                    },
                    indent=1,
                )
            )
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
