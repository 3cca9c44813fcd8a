"""Benchmark: first load, unchanged re-load and a re-load with one changed row, on generated packages.

Run: .venv/bin/python bench/bench_reload.py [ROWS ...]   (default 50000 100000 200000 participations;
``1M`` or ``1000000`` for the million-participation case of issue 14)
Each size is a CSV package of ROWS participations of ROWS/10 organisations in ROWS/20 projects (20 per project;
one organisation, ``ohub``, takes part in every project, as CORDIS' largest do),
read and validated like a user's package (not timed). Prints seconds per step and the cost per row, so linearity
can be read off across sizes, and the peak resident memory of each step (sampled from /proc/self/statm every
20 ms; the process's lifetime peak, ``ru_maxrss``, is printed at the end). Not part of the test suite.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from netlens.read import read_package
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate_or_raise


def write_package(folder: Path, rows: int) -> Path:
    orgs, projects = max(rows // 10, 2), max(rows // 20, 1)
    folder.mkdir()
    (folder / "cities.csv").write_text("id,name,country\nc0,C0,FR\n", encoding="utf-8")
    org_lines = "".join(f"o{i},Org {i},research,c0,FR\n" for i in [*range(orgs), "hub"])
    (folder / "organisations.csv").write_text("id,name,type,city_id,country\n" + org_lines, encoding="utf-8")
    proj_lines = "".join(f"p{i},P {i},H2020,2016-01-01,2019-12-31\n" for i in range(projects))
    (folder / "projects.csv").write_text("id,name,programme,start,end\n" + proj_lines, encoding="utf-8")
    pairs = sorted({(j % projects, (j * 7 + j // projects) % orgs) for j in range(rows - projects)})
    pairs += [(p, "hub") for p in range(projects)]  # one organisation in every project, like CORDIS' largest
    part_lines = "".join(f"p{p},o{o},partner\n" for p, o in pairs)
    (folder / "participations.csv").write_text("project_id,member_id,role\n" + part_lines, encoding="utf-8")
    return folder


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * _PAGE


@contextlib.contextmanager
def peak_rss(out: list[int]) -> Iterator[None]:
    """Sample the resident set size every 20 ms while the block runs; append the peak (bytes) to ``out``."""
    peak, done = [_rss()], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        out.append(max(peak[0], _rss()))


def main(sizes: list[int]) -> None:
    print(
        f"{'rows':>9} {'first s':>8} {'reload s':>9} {'1 changed s':>12} {'first µs/row':>13} {'reload µs/row':>14}"
        f" {'first MB':>9} {'reload MB':>10} {'1 changed MB':>13}"
    )
    for rows in sizes:
        with tempfile.TemporaryDirectory() as d:
            net = validate_or_raise(read_package(write_package(Path(d) / "pkg", rows)))[0]
            n = len(net["participations"])
            path = Path(d) / "b.kgl"
            rss: list[int] = []
            t0 = time.perf_counter()
            with peak_rss(rss):
                EmbeddedStore(path).load(net)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            with peak_rss(rss):
                EmbeddedStore(path).load(net)
            reload = time.perf_counter() - t0
            changed = {k: v.copy() for k, v in net.items()}
            changed["participations"].loc[0, "role"] = "coordinator"
            t0 = time.perf_counter()
            with peak_rss(rss):
                EmbeddedStore(path).load(changed)
            one = time.perf_counter() - t0
        mb = [r / 2**20 for r in rss]
        print(
            f"{n:>9} {first:>8.2f} {reload:>9.2f} {one:>12.2f} {first / n * 1e6:>13.1f} {reload / n * 1e6:>14.1f}"
            f" {mb[0]:>9.0f} {mb[1]:>10.0f} {mb[2]:>13.0f}",
            flush=True,
        )
    print(f"peak RSS of the whole run (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _size(arg: str) -> int:
    return int(float(arg[:-1]) * 1_000_000) if arg.upper().endswith("M") else int(arg)


if __name__ == "__main__":
    main([_size(a) for a in sys.argv[1:]] or [50_000, 100_000, 200_000])
