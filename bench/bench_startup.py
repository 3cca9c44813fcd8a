"""Start-up time of ``netlens --help`` and ``netlens info`` on an empty store (issue 16 item 6, issue 12).

Run: .venv/bin/python bench/bench_startup.py [--runs 15] [--tree OTHER_CHECKOUT ...] [--tag NAME]

Each command runs in its own child process (``python -c "from netlens.cli import main; main()" ARGS``), measured by
``os.wait4``: wall time and CPU time (user + system) of that child. With ``--tree``, the same commands run against
other source trees too (``PYTHONPATH`` and working folder set to the tree), in alternating order (this tree, other,
this tree, ...), so that all sides see the same machine load; the report gives each side's median and the ratio to
the first side. Aims: ``--help`` ≤ 0.3 s wall, ``info`` on an empty store ≤ 0.5 s wall. Writes the report to
bench/results/bench_startup-<date>[-tag].txt.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

COMMANDS = {"--help": ["--help"], "info (empty store)": ["info", "--store-path", "{empty}"]}
AIMS = {"--help": 0.3, "info (empty store)": 0.5}


def run_child(tree: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``netlens ARGS`` child importing netlens from ``tree``; exits on failure."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    argv = [sys.executable, "-c", "from netlens.cli import main; main()", *args]
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"netlens {' '.join(args)} failed in {tree}:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--tree", action="append", default=[], help="another checkout to compare with (e.g. the old commit)")
    ap.add_argument("--tag", default="")
    a = ap.parse_args()
    trees = [ROOT, *(Path(t).resolve() for t in a.tree)]
    with tempfile.TemporaryDirectory() as d:
        empty = str(Path(d) / "none.kgl")
        results: dict[tuple[str, Path], list[tuple[float, float]]] = {}
        for _ in range(a.runs):
            for name, args in COMMANDS.items():
                for tree in trees:  # alternating: every side sees the same load
                    argv = [x.replace("{empty}", empty) for x in args]
                    results.setdefault((name, tree), []).append(run_child(tree, argv))
    lines = [
        f"bench_startup {_dt.date.today().isoformat()}  runs={a.runs}  nproc={os.cpu_count()}  "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "",
        "| command | tree | median wall | min wall | median CPU | wall / first tree | aim |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in COMMANDS:
        base = statistics.median(w for w, _ in results[(name, trees[0])])
        for tree in trees:
            walls = [w for w, _ in results[(name, tree)]]
            cpus = [c for _, c in results[(name, tree)]]
            med = statistics.median(walls)
            lines.append(
                f"| {name} | {tree.name} | {med:.3f} s | {min(walls):.3f} s | {statistics.median(cpus):.3f} s | "
                f"{med / base:.2f}× | ≤ {AIMS[name]} s |"
            )
    report = "\n".join(lines)
    print(report)
    out = HERE / "results" / f"bench_startup-{_dt.date.today().isoformat()}{'-' + a.tag if a.tag else ''}.txt"
    out.write_text(report + "\n", encoding="utf-8")
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
