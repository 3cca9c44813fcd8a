"""netlens analyse vs the direct script (bench/direct_script.py), step by step, on full CORDIS H2020 (issue 16).

Run: .venv/bin/python bench/bench_steps.py [--csv path/to/h2020.csv] [--metrics centrality,communities] [--runs 3] [--tag before]

Metrics (``--metrics``, comma-separated): centrality, communities, brokers, structure, tandems -- every one that
bench/direct_script.py implements. All run at ``--level organisation``; for tandems that level applies too (members as
recorded: the store is loaded ``--no-enrich``, so organisations have no city and ``--level city`` would be empty).

Sides: ``netlens`` = the CLI ``netlens analyse`` as it stands; ``tree`` (with ``--tree DIR``) = the same command
from another checkout (e.g. a worktree of the previous commit), on its own copy of the store (its own tables-cache
slot); ``arrays`` (with ``--arrays``) = the same run through the library with the array projection on the hot path;
``direct`` = bench/direct_script.py.

Loads the CSV once into an embedded store in a temporary folder (``netlens load --format cordis --no-enrich``),
then per metric runs ``netlens analyse --metric X --level organisation`` and ``direct_script.py X`` in alternating
order (netlens, direct, netlens, ...; ``--runs`` each), each in its own child process measured by ``os.wait4``
(wall time, peak RSS of that child). Reports the median and min-max wall and the peak RSS per side, the ratio
netlens / direct of the medians, and writes the report to bench/results/bench_steps-<date>[-tag].txt.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_REL = Path("shared") / "data" / "cordis-h2020-participation" / "h2020.csv"
DEFAULT_CSV = next((p / _REL for p in HERE.parents if (p / _REL).is_file()), Path("/work") / _REL)
#: the metrics both sides compute (bench/direct_script.py METRICS)
METRICS = ("centrality", "communities", "brokers", "structure", "tandems")


def metric_list(text: str) -> list[str]:
    """``--metrics``: comma-separated names from :data:`METRICS`."""
    names = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in names if m not in METRICS]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown metric(s) {', '.join(bad) or '(none)'}; expected some of {', '.join(METRICS)}")
    return names


def run_child(argv: list[str], tree: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of one child process (importing netlens from ``tree`` if given); exits on failure."""
    env = {**os.environ, "PYTHONPATH": str(tree)} if tree is not None else None
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tree)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{out}\n{err}")
    return wall, usage.ru_maxrss / 1024**2


ARRAYS_CHILD = """
import sys
from netlens.config import resolve_store
from netlens.pipeline.analyses import analyse
from netlens.pipeline.commands import stored_network, write_back
from netlens.store.backends import open_store
store = open_store(resolve_store(store_path=sys.argv[2]))
try:
    network = stored_network(store)
    write_back(store, network, analyse(network, sys.argv[1], level="organisation"))
finally:
    store.close()
"""


def summary(xs: list[tuple[float, float]]) -> tuple[float, float, float, float, float]:
    """Median, min and max wall; peak RSS of all runs, and of the runs after the first (the first ``analyse`` of a
    freshly loaded store reads it back through Cypher and fills the tables cache; the later ones read the cache)."""
    walls = [w for w, _ in xs]
    later = [r for _, r in xs[1:]] or [xs[0][1]]
    return statistics.median(walls), min(walls), max(walls), max(r for _, r in xs), max(later)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument(
        "--metrics", type=metric_list, default="centrality,communities", help=f"comma-separated, of {', '.join(METRICS)}"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tag", default="")
    ap.add_argument("--arrays", action="store_true", help="also time the library run with the array hot path")
    ap.add_argument("--tree", type=Path, default=None, help="also time `netlens analyse` from this checkout (side 'tree')")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("netlens")
    nl = [str(exe)] if exe.exists() else [shutil.which("netlens") or "netlens"]
    tmp = Path(tempfile.mkdtemp(prefix="netlens-bench-steps-"))
    store = ["--store-path", str(tmp / "netlens.kgl"), "--quiet"]
    lines = [f"bench_steps {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M UTC} on {args.csv}; {args.runs} runs each"]
    lines.append(
        f"git: {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}"
        f"{' ' + args.tag if args.tag else ''}; load average {os.getloadavg()[0]:.2f}"
    )
    try:
        w, r = run_child([*nl, "load", "--format", "cordis", str(args.csv), "--no-enrich", *store])
        lines.append(f"load (once): {w:.1f} s, peak RSS {r:.2f} GB")
        other = ["--store-path", str(tmp / "tree.kgl"), "--quiet"]  # its own copy: its own tables-cache slot
        if args.tree is not None:
            shutil.copy(tmp / "netlens.kgl", tmp / "tree.kgl")
            lines.append(f"tree: {args.tree.resolve()}")
        cli = [sys.executable, "-c", "from netlens.cli import main; main()"]
        print(lines[-1], flush=True)
        lines.append(
            f"{'step':<13}| {'side':<8}| {'median s':>9} | {'min-max s':>13} | {'peak RSS GB':>11} | {'after run 1':>11}"
        )
        for metric in args.metrics:
            ours: list[tuple[float, float]] = []
            arrays: list[tuple[float, float]] = []
            direct: list[tuple[float, float]] = []
            tree: list[tuple[float, float]] = []
            for _ in range(args.runs):
                ours.append(run_child([*nl, "analyse", "--metric", metric, "--level", "organisation", *store]))
                if args.tree is not None:
                    tree.append(run_child([*cli, "analyse", "--metric", metric, "--level", "organisation", *other], args.tree))
                if args.arrays:
                    arrays.append(run_child([sys.executable, "-c", ARRAYS_CHILD, metric, store[1]]))
                direct.append(run_child([sys.executable, str(HERE / "direct_script.py"), metric, "--csv", str(args.csv)]))
                got = f", arrays {arrays[-1][0]:.1f} s" if arrays else ""
                print(f"  {metric}: netlens {ours[-1][0]:.1f} s{got}, direct {direct[-1][0]:.1f} s", flush=True)
            sd = summary(direct)
            for side, runs in (("netlens", ours), ("tree", tree), ("arrays", arrays), ("direct", direct)):
                if runs:
                    s = summary(runs)
                    lines.append(f"{metric:<13}| {side:<8}| {s[0]:9.2f} | {s[1]:6.2f}-{s[2]:6.2f} | {s[3]:11.2f} | {s[4]:11.2f}")
            for side, runs in (("netlens", ours), ("tree", tree), ("arrays", arrays)):
                if runs:
                    s = summary(runs)
                    lines.append(
                        f"{metric:<13}| ratio {side}/direct (median wall) {s[0] / sd[0]:.2f}x, peak RSS {s[3] / sd[3]:.2f}x"
                        f" (after run 1: {s[4] / sd[4]:.2f}x)"
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / f"bench_steps-{_dt.date.today():%Y-%m-%d}{'-' + args.tag if args.tag else ''}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
