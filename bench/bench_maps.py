"""Benchmark netlens.render.maps: Python render time, file size and browser load time.

Usage: python bench/bench_maps.py [--sizes 500,5000,30000] [--cordis] [--out DIR] [--no-browser] [--html FILE …]

``--html`` times maps written elsewhere, e.g. by ``netlens map --level organisation -o cordis.html`` on the
CORDIS store (names, topics and years make that page larger than the synthetic ones).

Synthetic graphs have communities of ~50 members, 3 ties per member (80 % inside the community),
exponential weights, 20 countries with coordinates and a pagerank-like metric.  ``--cordis``
adds the H2020 organisation projection (self-join of the participation table on ``rcn``,
Newman weights, years).  Browser times, in the Debian Chromium used by the browser tests:
``draw`` = navigation start to the first vis ``afterDrawing``; ``ready`` = page.goto until
``window.netlensReady`` (first frame with final positions: for maps with physics, once the
simulation has come to rest).  ``giant w/h``: the largest component's width and height as a share of the
box of the members drawn by default (the isolated ones excepted); issue 13 asks for at least 0.60/0.60.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netlens.render.maps import read_map_data, write_map  # noqa: E402
from tools.chromium import ARGS, CHROMIUM  # noqa: E402

COUNTRIES = [
    ("DE", 52.5, 13.4),
    ("FR", 48.9, 2.35),
    ("IT", 41.9, 12.5),
    ("ES", 40.4, -3.7),
    ("NL", 52.4, 4.9),
    ("BE", 50.8, 4.35),
    ("PL", 52.2, 21.0),
    ("SE", 59.3, 18.1),
    ("AT", 48.2, 16.4),
    ("PT", 38.7, -9.1),
    ("GR", 37.98, 23.7),
    ("FI", 60.2, 24.9),
    ("DK", 55.7, 12.6),
    ("IE", 53.35, -6.26),
    ("CZ", 50.1, 14.4),
    ("HU", 47.5, 19.0),
    ("RO", 44.4, 26.1),
    ("NO", 59.9, 10.75),
    ("CH", 46.95, 7.45),
    ("GB", 51.5, -0.13),
]
TYPES = ["company", "university", "research", "public_agency", "ngo", "other"]


def synthetic(n: int, seed: int = 1) -> nx.Graph:
    rng = np.random.default_rng(seed)
    comm = rng.integers(0, max(1, n // 50), size=n)
    by_comm: dict[int, np.ndarray] = {}
    order = np.argsort(comm, kind="stable")
    bounds = np.flatnonzero(np.r_[True, comm[order][1:] != comm[order][:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=False):
        by_comm[int(comm[order[a]])] = order[a:b]
    m = 3 * n
    u = rng.integers(0, n, size=m)
    inside = rng.random(m) < 0.8
    v = rng.integers(0, n, size=m)
    for i in np.flatnonzero(inside):
        members = by_comm[int(comm[u[i]])]
        v[i] = members[rng.integers(0, len(members))]
    w = np.round(rng.exponential(0.5, size=m) + 0.05, 4)
    G = nx.Graph()
    country = rng.integers(0, len(COUNTRIES), size=n)
    kind_city = rng.random(n) < 0.1
    for i in range(n):
        c, lat, lon = COUNTRIES[country[i]]
        G.add_node(
            f"m{i:06d}",
            name=f"Member {i} of {c}",
            kind="city" if kind_city[i] else "organisation",
            type="city" if kind_city[i] else TYPES[i % len(TYPES)],
            country=c,
            lat=round(lat + rng.normal(0, 1.2), 4),
            lon=round(lon + rng.normal(0, 1.8), 4),
            community=int(comm[i]),
        )
    G.add_edges_from(
        (f"m{a:06d}", f"m{b:06d}", {"weight": float(x), "count": 1}) for a, b, x in zip(u, v, w, strict=False) if a != b
    )
    deg = dict(G.degree(weight="weight"))
    total = sum(deg.values()) or 1.0
    for k, d in deg.items():
        G.nodes[k]["pagerank"] = d / total
    return G


def cordis(csv: Path) -> nx.Graph:
    """Organisation projection of the H2020 participation table (Newman weights, years)."""
    import pandas as pd

    df = pd.read_csv(
        csv,
        usecols=["rcn", "pic", "type", "country", "start_year", "end_year"],
        dtype={"rcn": str, "pic": str, "type": str, "country": str},
    )
    df = df.dropna(subset=["rcn", "pic"]).drop_duplicates(["rcn", "pic"])
    orgs = df.groupby("pic").agg(
        type=("type", "first"), country=("country", "first"), start=("start_year", "min"), end=("end_year", "max")
    )
    size = df.groupby("rcn")["pic"].transform("size")
    part = df[size > 1].assign(w=1.0 / (size[size > 1] - 1))
    pairs = part[["rcn", "pic", "w", "start_year", "end_year"]].merge(part[["rcn", "pic"]], on="rcn", suffixes=("_a", "_b"))
    pairs = pairs[pairs["pic_a"] < pairs["pic_b"]]
    agg = pairs.groupby(["pic_a", "pic_b"]).agg(
        weight=("w", "sum"), count=("w", "size"), start=("start_year", "min"), end=("end_year", "max")
    )
    G = nx.Graph()
    for pic, row in orgs.iterrows():
        G.add_node(
            pic,
            name=f"PIC {pic}",
            kind="organisation",
            type=row["type"],
            country=row["country"],
            start=_year(row["start"]),
            end=_year(row["end"]),
        )
    G.add_edges_from(
        (a, b, {"weight": float(w), "count": int(c), "start": _year(s0), "end": _year(s1)})
        for (a, b), w, c, s0, s1 in zip(agg.index, agg["weight"], agg["count"], agg["start"], agg["end"], strict=False)
    )
    return G


def _year(v: float) -> int | None:
    return None if v != v else int(v)


def giant_share(path: Path) -> str:
    """Width and height of the giant component's box as a share of the box of all drawn members except
    the isolated ones (the new viewer's initial view), e.g. ``0.78/0.97``; ``-`` in geo mode."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    d = read_map_data(path.read_text(encoding="utf-8"))
    if d["meta"]["geo"] or not d["nodes"]["id"]:
        return "-"
    n = len(d["nodes"]["id"])
    xy = np.column_stack([d["nodes"]["x"], d["nodes"]["y"]])
    r = np.asarray(d["nodes"]["size"])[:, None]
    a = sp.coo_matrix((np.ones(len(d["edges"]["source"])), (d["edges"]["source"], d["edges"]["target"])), shape=(n, n))
    _, lab = connected_components(a, directed=False)
    giant = lab == np.bincount(lab).argmax()
    shown = np.ones(n, dtype=bool)
    shown[d["meta"].get("isolates", {}).get("nodes", [])] = False

    def extent(mask: np.ndarray) -> np.ndarray:
        return (xy[mask] + r[mask]).max(axis=0) - (xy[mask] - r[mask]).min(axis=0)  # type: ignore[no-any-return]

    share = extent(giant) / extent(shown)
    return f"{share[0]:.2f}/{share[1]:.2f}"


def browser_load(path: Path, shot: Path | None) -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        t = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector('body[data-netlens-ready="1"]', state="attached", timeout=300_000)
        dt = time.perf_counter() - t
        count = page.evaluate("network.body.data.nodes.length")
        first = page.evaluate("netlens.firstDrawMs") / 1000  # since navigation start
        if shot:
            page.screenshot(path=str(shot))
        browser.close()
    return dt, first, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,5000,30000")
    ap.add_argument("--cordis", action="store_true")
    ap.add_argument("--geo", action="store_true", help="also render the synthetic graphs with geo=True")
    ap.add_argument("--out", default=None, help="folder for the HTML files and screenshots")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--html", nargs="*", default=[], help="existing map files to load in the browser")
    a = ap.parse_args()
    out = Path(a.out or tempfile.mkdtemp(prefix="netlens-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    browser = not a.no_browser and os.path.exists(CHROMIUM)
    cases: list[tuple[str, nx.Graph, dict]] = []
    for n in (int(s) for s in a.sizes.split(",") if s):
        G = synthetic(n)
        cases.append((f"synthetic-{n}", G, {"size_by": "pagerank", "color_by": "community"}))
        if a.geo:
            cases.append((f"synthetic-{n}-geo", G, {"size_by": "pagerank", "geo": True}))
    if a.cordis:
        csv = Path(__file__).resolve().parents[2] / "shared/data/cordis-h2020-participation/h2020.csv"
        t = time.perf_counter()
        G = cordis(csv)
        print(f"cordis projection built in {time.perf_counter() - t:.1f} s", flush=True)
        cases.append(("cordis-h2020-orgs", G, {"color_by": "type"}))
    head = f"{'case':<22}{'nodes':>8}{'edges':>9}{'drawn':>8}{'render s':>10}{'MB':>7}{'giant w/h':>11}{'draw/ready s':>14}"
    print(f"{head}  files in {out}")
    for f in (Path(x) for x in a.html):
        dt, first, count = browser_load(f, out / f"{f.stem}.png")
        print(f"{f.name:<22}{count:>8}{'':>9}{'':>8}{'':>10}{f.stat().st_size / 1e6:>7.2f}{first:>8.2f}/{dt:.2f}", flush=True)
    for name, G, kw in cases:
        html = out / f"{name}.html"
        t = time.perf_counter()
        st = write_map(G, html, seed=0, **kw)
        render = time.perf_counter() - t
        load = "-"
        if browser:
            dt, first, count = browser_load(html, out / f"{name}.png")
            assert count == st.nodes_shown, (count, st.nodes_shown)
            load = f"{first:.2f}/{dt:.2f}"
        print(
            f"{name:<22}{G.number_of_nodes():>8}{G.number_of_edges():>9}{st.edges_shown:>8}"
            f"{render:>10.2f}{st.bytes / 1e6:>7.2f}{giant_share(html):>11}{load:>14}",
            flush=True,
        )


if __name__ == "__main__":
    main()
