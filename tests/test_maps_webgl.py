"""Browser tests of the WebGL map renderer (netlens/assets/map-webgl.*, sigma.js + graphology) in
Debian's headless Chromium with WebGL through SwiftShader, driven by playwright.

The pages are written by ``write_map`` (the WebGL page is its default); ``webgl_html`` from
bench/bench_browser.py makes a page from an edited data block.  Skipped (with the reason) when
/usr/bin/chromium or playwright is missing.  Never run `playwright install`.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from netlens.render.maps import read_map_data, write_map

CHROMIUM = "/usr/bin/chromium"
EVIL = "<img src=x onerror=alert(1)>"
pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) is not installed")

_spec = importlib.util.spec_from_file_location(
    "bench_browser", Path(__file__).resolve().parents[1] / "bench" / "bench_browser.py"
)
assert _spec is not None and _spec.loader is not None
bench_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_browser)
ARGS: list[str] = bench_browser.ARGS
webgl_html = bench_browser.webgl_html


# ----------------------------------------------------------------------------------------------
# graphs


def small_graph(n: int = 40) -> nx.Graph:
    G = nx.Graph()
    for i in range(n):
        G.add_node(
            f"m{i:03d}",
            name=f"Member {i:02d}",
            kind="city" if i % 4 == 0 else "organisation",
            country=["DE", "FR", "IT"][i % 3],
            lat=45.0 + (i % 10) * 0.8 if i % 7 else None,
            lon=2.0 + (i // 10) * 1.5 if i % 7 else None,
            pagerank=0.01 + i / 500,
            start=2014 + i % 6,
            end=2016 + i % 6,
        )
    G.nodes["m001"]["name"] = EVIL
    for i in range(n):
        for d in (1, 3, 7):
            if i + d < n:
                G.add_edge(f"m{i:03d}", f"m{i + d:03d}", weight=1.0 + ((i * d) % 5) / 2)
    return G


def big_graph(n: int = 5200, seed: int = 7) -> nx.Graph:
    """Communities of ~40 members, 3 ties per member, skewed sizes: a 5k+ map."""
    import random

    rng = random.Random(seed)
    G = nx.Graph()
    for i in range(n):
        G.add_node(f"n{i:05d}", name=f"Org {i}", kind="organisation", type=["university", "company", "ngo"][i % 3], country="DE")
    for i in range(n):
        c = i // 40
        for _ in range(3):
            j = c * 40 + rng.randrange(40) if rng.random() < 0.85 else rng.randrange(n)
            j = min(j, n - 1)
            if j != i:
                G.add_edge(f"n{i:05d}", f"n{j:05d}", weight=round(rng.expovariate(1.0) + 0.05, 3))
    return G


# ----------------------------------------------------------------------------------------------
# browser plumbing


class Session:
    """One page with every request, console error, page error and dialog recorded."""

    def __init__(self, browser: Any, width: int = 1200, height: int = 800) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def open(self, path: Path) -> Any:
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector('body[data-netlens-ready="1"]', state="attached", timeout=60_000)
        return self.page

    def frame(self) -> None:
        """Wait until sigma has rendered a new frame (and the overlay with it)."""
        n = self.page.evaluate("netlens.frames")
        # void: sigma returns itself, which playwright would serialise (seconds per call on a 5k map)
        self.page.evaluate("void netlens.renderer.scheduleRender()")
        self.poll(lambda: self.page.evaluate("netlens.frames") > n)

    def poll(self, cond: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            self.page.wait_for_timeout(30)

    def settle(self) -> None:
        """Wait until the camera stops moving (animations) and a frame has been drawn after it."""
        last = None
        for _ in range(200):
            st = self.page.evaluate("JSON.stringify(netlens.camera.getState())")
            if st == last and not self.page.evaluate("netlens.camera.isAnimated()"):
                break
            last = st
            self.page.wait_for_timeout(60)
        self.frame()

    def screen(self, node_id: str) -> tuple[float, float]:
        p = self.page.evaluate("(id) => netlens.nodeViewport(id)", node_id)
        box = self.page.locator("#nl-network").bounding_box()
        return box["x"] + p["x"], box["y"] + p["y"]

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        others = [u for u in self.requests if u != self.url and not u.startswith(("data:", "blob:"))]
        assert others == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def session(browser: Any) -> Iterator[Session]:
    s = Session(browser)
    yield s
    s.page.close()


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return small_graph()


@pytest.fixture(scope="module")
def big_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.Graph, Path]:
    G = big_graph()
    d = tmp_path_factory.mktemp("big")
    out = d / "webgl.html"
    write_map(G, out, size_by="degree", color_by="type")
    return G, out


def webgl_map(G: nx.Graph, path: Path, **kw: Any) -> Path:
    write_map(G, path, **kw)  # the WebGL page is write_map's default
    return path


PNG_JS = """async (url) => {
  const img = new Image();
  img.src = url;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data, seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 7) {
    if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
  }
  return [img.width, img.height, seen.size];
}"""


IN_VIEW_JS = """() => {
  const W = document.getElementById('nl-network').clientWidth, H = document.getElementById('nl-network').clientHeight;
  let n = 0;
  netlens.graph.forEachNode((id) => {
    const p = netlens.nodeViewport(id);
    if (p.x >= 0 && p.y >= 0 && p.x <= W && p.y <= H) n++;
  });
  return n;
}"""

FREE_NODES_JS = """(n) => {
  // members whose dot no other dot overlaps (from the positions, not from sigma's picking)
  const G = netlens.graph, W = document.getElementById('nl-network').clientWidth,
        H = document.getElementById('nl-network').clientHeight, pts = [];
  G.forEachNode((id, a) => { const p = netlens.nodeViewport(id); pts.push([id, p.x, p.y, netlens.nodeRadius(id)]); });
  const cell = 40, grid = new Map();
  for (const q of pts) {
    const k = Math.floor(q[1] / cell) + ',' + Math.floor(q[2] / cell);
    if (!grid.has(k)) grid.set(k, []);
    grid.get(k).push(q);
  }
  const out = [];
  for (const q of pts) {
    if (q[1] < 30 || q[2] < 30 || q[1] > W - 340 || q[2] > H - 60 || q[3] < 2) continue;
    let free = true;
    const cx = Math.floor(q[1] / cell), cy = Math.floor(q[2] / cell);
    for (let dx = -1; dx <= 1 && free; dx++) for (let dy = -1; dy <= 1 && free; dy++) {
      for (const o of grid.get((cx + dx) + ',' + (cy + dy)) || []) {
        if (o[0] !== q[0] && Math.hypot(o[1] - q[1], o[2] - q[2]) < o[3] + q[3] + 4) { free = false; break; }
      }
    }
    if (free) out.push(q[0]);
  }
  out.sort();
  const step = Math.max(1, Math.floor(out.length / n));
  return out.filter((_, i) => i % step === 0).slice(0, n);
}"""


# ----------------------------------------------------------------------------------------------
# tests


SIGMA_SHA256 = "98b9dd1b44c8258dcda0b32b29213583cd5b955893baa3ee7a8217b6e682e0f6"


def test_vendored_bundle_matches_its_readme_entry_and_licences() -> None:
    assets = resources.files("netlens").joinpath("assets")
    js = assets.joinpath("sigma-graphology.min.js").read_bytes()
    assert hashlib.sha256(js).hexdigest() == SIGMA_SHA256
    readme = assets.joinpath("README.md").read_text(encoding="utf-8")
    assert SIGMA_SHA256 in readme and str(len(js)) in readme
    for name in ("sigma-MIT.txt", "graphology-MIT.txt", "events-MIT.txt", "graphology-utils-MIT.txt"):
        assert "Permission is hereby granted" in assets.joinpath("LICENSES", name).read_text(encoding="utf-8")
    assert b"new Function" not in js and b"eval(" not in js


def test_webgl_is_available(browser: Any) -> None:
    info = bench_browser.webgl_info(browser)
    assert info["webgl"] is True, info


def test_loads_offline_with_all_nodes_and_no_errors(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    path = webgl_map(graph, tmp_path / "map.html", size_by="pagerank", highlight_path=["m000", "m001", "m004"])
    text = path.read_text(encoding="utf-8")
    assert "default-src &#x27;none&#x27;" in text and "unsafe-eval" not in text and "vis.Network" not in text
    page = session.open(path)
    assert page.evaluate("netlens.graph.order") == graph.number_of_nodes()
    assert page.evaluate("netlens.graph.size") == graph.number_of_edges()
    assert page.evaluate("netlens.renderer.getGraph() === netlens.graph") is True
    m = graph.number_of_edges()
    assert page.text_content("#nl-counter") == f"40 of 40 members, {m} of {m} ties drawn"
    assert page.locator("#nl-path-items li.nl-route-member").all_text_contents() == ["Member 00", EVIL, "Member 04"]
    # the path's ties are drawn red, its members always labelled
    data = read_map_data(text)
    for k in data["edges"]["path"]:
        assert page.evaluate("(k) => netlens.renderer.getEdgeDisplayData('e' + k).color", k) == "#d62728"
    session.frame()
    labelled = {b["id"] for b in page.evaluate("netlens.labels")}
    assert {"m000", "m001", "m004"} <= labelled
    shot = tmp_path / "map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    session.assert_clean()


def test_malicious_name_stays_text(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "evil.html", label_top=100))
    x, y = session.screen("m001")
    page.mouse.move(x, y)
    page.wait_for_selector("#nl-tooltip:not([hidden])", timeout=5000)
    assert page.text_content("#nl-tooltip b") == EVIL
    page.fill("#nl-search", "<img")
    assert page.locator("#nl-results li").first.text_content().startswith(EVIL)
    page.keyboard.press("Enter")
    assert page.text_content("#nl-panel-title") == EVIL
    assert page.evaluate("netlens.select('m000', false)") is True
    assert EVIL in page.locator("#nl-panel-neighbours li").all_text_contents()[0] + "".join(
        page.locator("#nl-panel-neighbours li").all_text_contents()
    )
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
    session.assert_clean()


def test_click_selects_the_member_under_the_pointer_on_a_5k_map(session: Session, big_map: tuple[nx.Graph, Path]) -> None:
    G, path = big_map
    page = session.open(path)
    assert page.evaluate("netlens.graph.order") == G.number_of_nodes() >= 5000
    page.evaluate("void netlens.camera.setState({x: 0.5, y: 0.5, ratio: 0.12})")  # zoomed in: dots a few px wide
    session.frame()
    targets = page.evaluate(FREE_NODES_JS, 8)  # ~2 s a click under software WebGL
    assert len(targets) >= 6
    for node_id in targets:
        x, y = session.screen(node_id)
        page.mouse.click(x, y)
        session.poll(lambda: page.evaluate("netlens.selected") is not None)
        assert page.evaluate("netlens.selected") == node_id
        assert page.text_content("#nl-panel-title") == G.nodes[node_id]["name"]
        page.keyboard.press("Escape")
        session.poll(lambda: page.evaluate("netlens.selected") is None)
        session.frame()
    session.assert_clean()


def test_panel_overlays_the_map_without_moving_it(browser: Any, graph: nx.Graph, tmp_path: Path) -> None:
    s = Session(browser, 800, 600)
    try:
        page = s.open(webgl_map(graph, tmp_path / "map.html"))
        width = page.evaluate("document.getElementById('nl-network').clientWidth")
        assert width == 800  # narrow window: the side bar starts folded away, the map gets the width
        before = page.evaluate("netlens.nodeViewport('m010')")
        x, y = s.screen("m010")
        page.mouse.click(x, y)
        page.wait_for_selector("#nl-panel:not([hidden])", timeout=5000)
        assert page.evaluate("netlens.selected") == "m010"
        s.frame()
        assert page.evaluate("document.getElementById('nl-network').clientWidth") == width
        after = page.evaluate("netlens.nodeViewport('m010')")
        assert abs(after["x"] - before["x"]) < 0.5 and abs(after["y"] - before["y"]) < 0.5
        page.click("#nl-side-toggle")
        assert page.locator("#nl-left").is_visible()
        assert page.evaluate("document.getElementById('nl-network').clientWidth") == width  # floats over it
        s.assert_clean()
    finally:
        s.page.close()


def test_focus_dims_the_rest_and_lists_all_ties_with_thinned_ones(session: Session, tmp_path: Path) -> None:
    G = big_graph(600, seed=3)
    hub = max(G, key=G.degree)
    path = webgl_map(G, tmp_path / "thin.html", max_edges=500)
    data = read_map_data(path.read_text(encoding="utf-8"))
    ids = data["nodes"]["id"]
    drawn = {frozenset((ids[s], ids[t])) for s, t in zip(data["edges"]["source"], data["edges"]["target"])}
    assert len(drawn) < G.number_of_edges()
    page = session.open(path)
    assert page.evaluate("(id) => netlens.select(id, false)", hub) is True
    ties = page.evaluate("netlens.focusList()")
    listed = {t["id"] for t in ties}
    drawn_of_hub = {u for u in G[hub] if frozenset((hub, u)) in drawn}
    # every tie of the whole graph, each once; those not drawn are the thinned ones
    assert len(listed) == len(ties) and listed == set(G[hub])
    assert {t["id"] for t in ties if t["hidden"]} == set(G[hub]) - drawn_of_hub != set()
    weights = [t["weight"] for t in ties]
    assert weights == sorted(weights, reverse=True)
    for t in ties:
        assert t["weight"] == pytest.approx(G[hub][t["id"]]["weight"], rel=5e-3)  # 3 significant digits
    assert sorted(page.locator("#nl-panel-neighbours li").evaluate_all("els => els.map(e => e.dataset.id)")) == sorted(listed)
    n_thinned = sum(t["hidden"] for t in ties)
    assert page.evaluate("netlens.graph.filterEdges((e, a) => a.h !== undefined).length") == n_thinned
    note = page.text_content("#nl-panel-nb-note")
    assert note == f"{len(drawn_of_hub)} drawn; {n_thinned} thinned from the map, shown in orange only in this view."
    assert page.text_content("#nl-panel-nb-title") == f"Ties ({G.degree(hub)})"
    # any other member with a thinned tie: all its ties are listed
    small = next(v for v in sorted(G) if v != hub and any(frozenset((v, u)) not in drawn for u in G[v]))
    page.evaluate("(id) => netlens.select(id, false)", small)
    assert {t["id"] for t in page.evaluate("netlens.focusList()")} == set(G[small])
    page.evaluate("(id) => netlens.select(id, false)", hub)
    # everything else is dimmed: a non-neighbour's drawn colour differs from its own colour
    other = next(v for v in G if v != hub and v not in G[hub])
    own = page.evaluate("(id) => netlens.graph.getNodeAttribute(id, 'color')", other)
    session.frame()
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", other) != own
    nb = ties[0]["id"]
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", nb) == page.evaluate(
        "(id) => netlens.graph.getNodeAttribute(id, 'color')", nb
    )
    # labels in focus mode: the member and (collision permitting) its partners only
    labelled = [b["id"] for b in page.evaluate("netlens.labels")]
    assert labelled[0] == hub and set(labelled) <= {hub} | {str(v) for v in G[hub]}
    page.keyboard.press("Escape")
    assert page.evaluate("netlens.selected") is None
    assert page.evaluate("netlens.graph.filterEdges((e, a) => a.h !== undefined).length") == 0
    session.frame()
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", other) == own
    session.assert_clean()


def test_focus_lists_partners_that_are_not_on_the_map(session: Session, tmp_path: Path) -> None:
    G = big_graph(600, seed=3)
    path = webgl_map(G, tmp_path / "top.html", top=200, size_by="degree")
    data = read_map_data(path.read_text(encoding="utf-8"))
    on_map = set(data["nodes"]["id"])
    v = next(x for x in data["nodes"]["id"] if set(G[x]) - on_map)
    page = session.open(path)
    page.evaluate("(id) => netlens.select(id, false)", v)
    ties = page.evaluate("netlens.focusList()")
    assert {t["id"] for t in ties} == set(G[v])
    assert {t["id"] for t in ties if not t["onMap"]} == set(G[v]) - on_map
    for t in ties:
        assert t["weight"] == pytest.approx(G[v][t["id"]]["weight"], rel=5e-3)
    off = page.locator("#nl-panel-neighbours li.nl-offmap-tie").evaluate_all("els => els.map(e => e.firstChild.textContent)")
    assert sorted(off) == sorted(G.nodes[u]["name"] for u in set(G[v]) - on_map)
    assert f"{len(set(G[v]) - on_map)} with members not on this map" in page.text_content("#nl-panel-nb-note")
    session.assert_clean()


def test_a_hub_lists_its_strongest_ties_then_all_on_demand(session: Session, tmp_path: Path) -> None:
    """A member with 700 ties (most thinned away): the panel lists the 500 strongest, a button the rest."""
    G = nx.Graph()
    for i in range(700):
        G.add_edge("hub", f"p{i:03d}", weight=1.0 + i)  # p699 strongest
        G.add_edge(f"p{i:03d}", f"p{(i + 1) % 700:03d}", weight=2000.0)  # the ring is drawn, the hub's ties thinned
    path = webgl_map(G, tmp_path / "hub.html", max_edges=800)
    page = session.open(path)
    page.evaluate("(id) => netlens.select(id, false)", "hub")
    items = page.locator("#nl-panel-neighbours li[data-id]")
    shown = items.evaluate_all("els => els.map(e => e.dataset.id)")
    assert shown == [f"p{i:03d}" for i in range(699, 199, -1)]  # the 500 strongest, strongest first
    sizes = page.evaluate(
        "netlens.graph.filterEdges((e, a) => a.h !== undefined).map((e) => netlens.graph.getEdgeAttribute(e, 'size'))"
    )
    assert len(sizes) > 100 and set(sizes) == {0.5}  # hundreds of thinned ties: hairlines, not an orange fan
    assert "200 weaker ties" in page.text_content("#nl-panel-neighbours")
    page.click("#nl-panel-nb-more")
    assert items.evaluate_all("els => els.map(e => e.dataset.id)") == [f"p{i:03d}" for i in range(699, -1, -1)]
    assert page.locator("#nl-panel-nb-more").count() == 0
    assert page.text_content("#nl-panel-nb-title") == "Ties (700)"
    session.assert_clean()


def test_neighbour_note_without_neighbour_lists_in_the_data(session: Session, tmp_path: Path) -> None:
    """A page whose data block has no ``neighbours`` (written by an older netlens) still says what it misses."""
    G = big_graph(600, seed=3)
    hub = max(G, key=G.degree)
    vis = tmp_path / "thin.vis.html"
    write_map(G, vis, max_edges=500)
    data = read_map_data(vis.read_text(encoding="utf-8"))
    del data["neighbours"]
    path = tmp_path / "old.html"
    path.write_text(webgl_html(data), encoding="utf-8")
    page = session.open(path)
    page.evaluate("(id) => netlens.select(id, false)", hub)
    drawn = len(page.evaluate("netlens.focusList()"))
    assert drawn < G.degree(hub)
    assert f"{G.degree(hub) - drawn} not in this file" in page.text_content("#nl-panel-nb-note")


def test_tooltip_never_sticks(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "map.html"))
    for leave in ("header", "wheel", "outside"):
        x, y = session.screen("m012")
        page.mouse.move(x, y)
        page.wait_for_selector("#nl-tooltip:not([hidden])", timeout=5000)
        if leave == "header":
            page.mouse.move(x, 10)  # onto the page header, straight out of the map
        elif leave == "wheel":
            page.mouse.wheel(0, -200)
        else:
            page.mouse.move(-5, -5)
        session.poll(lambda: page.evaluate("document.getElementById('nl-tooltip').hidden"))
        page.mouse.move(5, 700)
        session.settle()  # the wheel zoom is animated: measure the next position once it is still
    session.assert_clean()


def test_labels_never_collide_and_grow_with_zoom(session: Session, big_map: tuple[nx.Graph, Path]) -> None:
    G, path = big_map
    page = session.open(path)
    shares = []
    for ratio in (1.0, 0.35, 0.1):
        page.evaluate("(r) => void netlens.camera.setState({x: 0.5, y: 0.5, ratio: r})", ratio)
        session.frame()
        boxes = page.evaluate("netlens.labels")
        in_view = page.evaluate(IN_VIEW_JS)
        shares.append(len(boxes) / in_view)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap = a["l"] < b["r"] and a["r"] > b["l"] and a["t"] < b["b"] and a["b"] > b["t"]
                assert not overlap, (ratio, a, b)
    # level of detail: the closer, the larger the share of the members in view that are named
    assert 0 < shares[0] < shares[1] < shares[2], shares
    session.assert_clean()


def test_searched_member_is_zoomed_to_and_labelled(session: Session, big_map: tuple[nx.Graph, Path]) -> None:
    G, path = big_map
    page = session.open(path)
    small = min(G, key=lambda v: (G.degree(v), v))  # far outside the top 50
    page.fill("#nl-search", G.nodes[small]["name"])
    page.keyboard.press("Enter")
    assert page.evaluate("netlens.selected") == small
    session.settle()
    assert page.evaluate("netlens.camera.ratio") < 0.5
    assert small in [b["id"] for b in page.evaluate("netlens.labels")]
    p = page.evaluate("(id) => netlens.nodeViewport(id)", small)
    w = page.evaluate("document.getElementById('nl-network').clientWidth")
    panel = page.evaluate("document.getElementById('nl-panel').offsetWidth")
    assert 0 < p["x"] < w - panel  # in the part of the map the panel leaves free
    assert page.evaluate("(id) => netlens.nodeRadius(id)", small) >= 2.5
    session.assert_clean()


def test_search_ranks_exact_then_word_matches_by_size_with_accents_folded(session: Session, tmp_path: Path) -> None:
    G = nx.Graph()
    names = {
        "a": "Leuven",  # exact
        "b": "Katholieke Universiteit Leuven",  # word match, large
        "c": "Leuven Security Consortium",  # prefix, small
        "d": "Heverleuvenstraat Holding",  # inside a word, largest
        "e": "Université de Liège",
        "f": "Malmö stad",
    }
    for k, nm in names.items():
        G.add_node(k, name=nm, kind="organisation")
    for v in "acdef":
        G.add_edge("b", v, weight=1.0)
    for v in "ace":
        G.add_edge("d", v, weight=1.0)
    G.add_edge("c", "e", weight=1.0)
    page = session.open(webgl_map(G, tmp_path / "s.html", size_by="degree"))
    assert page.evaluate("netlens.search('leuven')") == ["a", "b", "c", "d"]
    assert page.evaluate("netlens.search('LIEGE')") == ["e"]
    assert page.evaluate("netlens.search('malmo')") == ["f"]
    assert page.evaluate("netlens.search('université de liège')") == ["e"]
    page.fill("#nl-search", "leuv")
    assert page.locator("#nl-results li").evaluate_all("els => els.map(e => e.dataset.id)") == ["b", "c", "a", "d"]
    page.keyboard.press("Enter")
    assert page.evaluate("netlens.selected") == "b"
    session.assert_clean()


def test_time_slider_filters_and_explains_an_empty_view(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "t.html"))
    assert page.locator("#nl-time").is_visible()

    def set_range(lo: int, hi: int) -> None:
        page.evaluate(
            """([lo, hi]) => { for (const [id, v] of [['nl-year-from', lo], ['nl-year-to', hi]]) {
                 const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input')); } }""",
            [lo, hi],
        )

    set_range(2017, 2017)
    expect = sum(1 for _, a in graph.nodes(data=True) if a["start"] <= 2017 <= a["end"])
    assert 0 < page.evaluate("netlens.countNodes()") == expect < graph.number_of_nodes()
    assert page.text_content("#nl-years-text") == "2017"
    assert page.locator("#nl-empty").is_hidden()
    set_range(2019, 2015)  # inverted
    assert page.evaluate("netlens.countNodes()") == 0
    assert page.locator("#nl-empty").is_visible()
    assert "inverted" in page.text_content("#nl-empty")
    page.click("#nl-empty button")
    assert page.evaluate("netlens.countNodes()") == graph.number_of_nodes()
    # two filters that exclude each other: the message names each with what it leaves alone
    page.select_option('select[data-filter="kind"]', "city")
    cat = page.evaluate("netlens.data.meta.categories.findIndex(c => c.label === 'city')")
    page.locator(f'#nl-legend-items input[data-cat="{cat}"]').uncheck()
    assert page.evaluate("netlens.countNodes()") == 0
    assert page.locator("#nl-empty").is_visible()
    items = page.locator("#nl-empty li").all_text_contents()
    n_city = sum(1 for _, a in graph.nodes(data=True) if a["kind"] == "city")
    assert items == [
        "hidden in the legend: city: " + str(graph.number_of_nodes() - n_city) + " members on its own",
        f"kind = city: {n_city} members on its own",
    ]
    page.click("#nl-filter-reset")
    # play walks a one-year window from the first year
    page.click("#nl-play")
    session.poll(lambda: page.text_content("#nl-years-text") == str(page.evaluate("netlens.data.meta.time.min") + 1))
    page.click("#nl-play")  # pause
    session.assert_clean()


def test_fit_zoom_keys_escape_and_png_export(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "c.html", size_by="pagerank"))
    page.focus("#nl-network")
    page.keyboard.press("+")
    session.settle()
    r1 = page.evaluate("netlens.camera.ratio")
    assert r1 < 0.9
    page.keyboard.press("-")
    session.settle()
    assert page.evaluate("netlens.camera.ratio") > r1
    page.click("#nl-zoom-in")
    page.click("#nl-zoom-in")
    session.settle()
    page.click("#nl-fit")
    session.settle()
    st = page.evaluate("netlens.camera.getState()")
    assert abs(st["ratio"] - 1) < 1e-6 and abs(st["x"] - 0.5) < 1e-6 and abs(st["y"] - 0.5) < 1e-6
    page.evaluate("netlens.select('m005', false)")
    assert not page.locator("#nl-panel").is_hidden()
    page.keyboard.press("Escape")
    assert page.locator("#nl-panel").is_hidden() and page.evaluate("netlens.selected") is None
    # size and width legend: the largest and smallest dot, the strongest and weakest tie
    rows = page.locator("#nl-legend-sizes .nl-row").all_text_contents()
    assert len(rows) == 4 and rows[0].startswith("pagerank") and rows[2].startswith("tie weight")
    # PNG of the current view: the page size, with the map's colours in it
    url = page.evaluate("netlens.exportPNG()")
    assert base64.b64decode(url.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    w, h, colours = page.evaluate(PNG_JS, url)
    assert (w, h) == (
        page.evaluate("document.getElementById('nl-network').clientWidth"),
        page.evaluate("document.getElementById('nl-network').clientHeight"),
    )
    assert colours > 20
    with page.expect_download() as dl:
        page.click("#nl-export")
    assert dl.value.suggested_filename.endswith(".png")
    session.assert_clean()


def test_geo_map_draws_outlines(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "geo.html", geo=True))
    unplaced = sorted(k for k, a in graph.nodes(data=True) if a["lat"] is None)
    assert page.evaluate("netlens.graph.order") == graph.number_of_nodes() - len(unplaced)
    assert page.locator("#nl-unplaced-items li").count() == len(unplaced)
    session.frame()
    inked = page.evaluate(
        """() => { const c = document.getElementById('nl-bg'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert inked > 500
    page.screenshot(path=str(tmp_path / "geo.png"))
    session.assert_clean()


def test_geo_ties_are_drawn_curved_under_the_members(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    """Geo maps carry a Bézier control point per tie: the page draws each tie through it (on the canvas under the
    members) and keeps sigma's straight line invisible (but pickable for hover)."""
    path = webgl_map(graph, tmp_path / "geo.html", geo=True)
    data = read_map_data(path.read_text(encoding="utf-8"))
    assert data["meta"]["curved_edges"] is True
    page = session.open(path)
    assert page.evaluate("netlens.curved") is True
    session.frame()
    E, ids = data["edges"], data["nodes"]["id"]
    probes = []
    for j in range(len(E["source"])):
        a, b = (page.evaluate("(id) => netlens.nodeViewport(id)", ids[k]) for k in (E["source"][j], E["target"][j]))
        T = page.evaluate("([x, y]) => netlens.renderer.graphToViewport({x, y})", [E["cx"][j], -E["cy"][j]])
        mid = (0.25 * a["x"] + 0.5 * T["x"] + 0.25 * b["x"], 0.25 * a["y"] + 0.5 * T["y"] + 0.25 * b["y"])
        straight = ((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
        if ((mid[0] - straight[0]) ** 2 + (mid[1] - straight[1]) ** 2) ** 0.5 >= 6:
            probes.append((j, mid))
        assert page.evaluate("(k) => netlens.renderer.getEdgeDisplayData('e' + k).color", j) == "rgba(0,0,0,0)"
    assert len(probes) >= 5
    inked = page.evaluate(
        """(pts) => { const c = document.getElementById('nl-bg'), d = window.devicePixelRatio || 1;
             const v = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;  // one read-back
             return pts.map(([x, y]) => {
               for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
                 const i = 4 * ((Math.round(y * d) + dy) * c.width + Math.round(x * d) + dx);
                 if (v[i + 3] > 0 && v[i] < 150) return true;
               }
               return false; }); }""",
        [m for _, m in probes],
    )
    assert sum(inked) >= 0.8 * len(probes), inked  # a few probes may sit under a later, lighter tie
    session.assert_clean()


def test_netlens_map_renderer_webgl_writes_the_webgl_page(session: Session, tmp_path: Path) -> None:
    """`netlens map --renderer webgl` writes the same data block in the WebGL page, which opens offline."""
    from click.testing import CliRunner

    from netlens.cli import main

    from .conftest import SAMPLE

    store = str(tmp_path / "s.kgl")
    assert CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store]).exit_code == 0
    vis, webgl = tmp_path / "vis.html", tmp_path / "webgl.html"
    for out, renderer in ((vis, "vis"), (webgl, "webgl")):
        r = CliRunner().invoke(main, ["map", "-o", str(out), "--renderer", renderer, "--store-path", store])
        assert r.exit_code == 0, r.output
    text = webgl.read_text(encoding="utf-8")
    assert "vis.Network" not in text and "NetlensSigma" in text
    assert read_map_data(text) == read_map_data(vis.read_text(encoding="utf-8"))
    page = session.open(webgl)
    assert page.evaluate("netlens.graph.order") == 35
    assert session.requests == [session.url] and not session.errors


def test_path_hops_are_listed_and_drawn_over_the_map(session: Session, tmp_path: Path) -> None:
    """`netlens map --path` on the sample: each hop's activity and year in the list and on the map, the
    route drawn over the members (on the overlay canvas, above sigma's layers)."""
    from click.testing import CliRunner

    from netlens.cli import main

    from .conftest import SAMPLE

    store = str(tmp_path / "s.kgl")
    assert CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store]).exit_code == 0
    out = tmp_path / "path.html"
    args = ["map", "--path", "Nantes", "Palencia", "--renderer", "webgl", "-o", str(out), "--store-path", store]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    # what `netlens paths` prints for this route (checked by hand against data/sample: the 2019 study
    # visit to Rijeka, then the 2021 e-Engagement transfer to Palencia)
    r = CliRunner().invoke(main, ["paths", "--from", "Nantes", "--to", "Palencia", "--store-path", store])
    assert "Nantes —study visit 2019→ Rijeka —transfer e-Engagement (illustrative) 2021→ Palencia" in r.output
    page = session.open(out)
    items = page.locator("#nl-path-items li")
    texts = items.all_text_contents()
    assert [t for t, c in zip(texts, items.evaluate_all("els => els.map(e => e.className)")) if c == "nl-route-member"] == [
        "Nantes",
        "Rijeka",
        "Palencia",
    ]
    hops = page.locator("#nl-path-items li.nl-hop").all_text_contents()
    assert len(hops) == 2 and "study visit 2019" in hops[0] and "e-Engagement" in hops[1] and "2021" in hops[1]
    session.frame()
    drawn = {h["text"] for h in page.evaluate("netlens.hopLabels")}
    assert "study visit 2019" in drawn
    # the route line is on the overlay canvas, a third of the way from Nantes to Rijeka
    a, b = (page.evaluate("(id) => netlens.nodeViewport(id)", i) for i in ("nantes", "rijeka"))
    x, y = a["x"] + (b["x"] - a["x"]) / 3, a["y"] + (b["y"] - a["y"]) / 3
    rgba = page.evaluate(
        """([x, y]) => { const c = document.getElementById('nl-overlay'), d = window.devicePixelRatio || 1;
             return Array.from(c.getContext('2d').getImageData(Math.round(x * d) - 1, Math.round(y * d) - 1, 3, 3).data); }""",
        [x, y],
    )
    px = [rgba[i : i + 4] for i in range(0, len(rgba), 4)]
    assert any(p[3] > 200 and p[0] > 180 and p[1] < 90 for p in px), px
    session.assert_clean()


def test_route_picked_in_the_page_is_the_strongest_on_the_drawn_ties(session: Session, tmp_path: Path) -> None:
    G = big_graph(600, seed=3)
    G.add_node("z1", name="Lone one", kind="organisation", type="ngo", country="DE")
    G.add_node("z2", name="Lone two", kind="organisation", type="ngo", country="DE")
    G.add_edge("z1", "z2", weight=1.0)
    path = webgl_map(G, tmp_path / "route.html", max_edges=1500)
    data = read_map_data(path.read_text(encoding="utf-8"))
    ids, E = data["nodes"]["id"], data["edges"]
    D = nx.Graph()  # the drawn ties, as the page has them: an independent Dijkstra on 1/weight
    for s, t, w in zip(E["source"], E["target"], E["weight"]):
        D.add_edge(ids[s], ids[t], cost=1.0 / w)
    giant = max(nx.connected_components(D), key=len)
    pairs = [(a, b) for a, b in zip(sorted(giant)[:40:7], sorted(giant)[-40::7]) if a != b]
    page = session.open(path)
    for a, b in pairs:
        r = page.evaluate("([a, b]) => netlens.route(a, b)", [a, b])
        assert r["ids"][0] == a and r["ids"][-1] == b
        assert all(D.has_edge(u, v) for u, v in zip(r["ids"], r["ids"][1:]))
        expected = nx.shortest_path_length(D, a, b, weight="cost")
        assert r["cost"] == pytest.approx(expected, rel=1e-9)
        assert sum(D[u][v]["cost"] for u, v in zip(r["ids"], r["ids"][1:])) == pytest.approx(expected, rel=1e-9)
    # the same through the page: Route from here, then search the destination
    a, b = pairs[0]
    page.evaluate("(id) => netlens.select(id, false)", a)
    page.click("#nl-route-from")
    assert page.locator("#nl-route-banner").is_visible()
    page.fill("#nl-search", G.nodes[b]["name"])
    page.keyboard.press("Enter")
    want = page.evaluate("([a, b]) => netlens.route(a, b).ids", [a, b])
    members = page.locator("#nl-path-items li.nl-route-member").evaluate_all("els => els.map(e => e.dataset.id)")
    assert members == want and len(page.locator("#nl-path-items li.nl-hop").all_text_contents()) == len(want) - 1
    assert not page.locator("#nl-route-banner").is_visible()
    session.frame()
    assert {h["hop"] for h in page.evaluate("netlens.hopLabels")} <= set(range(len(want) - 1))
    # different components: the page says there is no route
    assert page.evaluate("([a, b]) => netlens.route(a, b)", [a, "z1"])["ids"] == []
    assert "No route from" in page.text_content("#nl-path-note")
    page.click("#nl-route-clear")
    assert page.locator("#nl-path").is_hidden()
    # Esc cancels a route being picked
    page.evaluate("(id) => netlens.startRoute(id)", a)
    page.keyboard.press("Escape")
    assert page.locator("#nl-route-banner").is_hidden()
    session.assert_clean()


def test_filters_change_the_drawn_nodes(session: Session, graph: nx.Graph, tmp_path: Path) -> None:
    page = session.open(webgl_map(graph, tmp_path / "map.html"))
    page.select_option('select[data-filter="kind"]', "city")
    cities = [k for k, a in graph.nodes(data=True) if a["kind"] == "city"]
    assert page.evaluate("netlens.countNodes()") == len(cities)
    assert page.evaluate("netlens.countEdges()") == graph.subgraph(cities).number_of_edges()
    session.frame()
    shown = page.evaluate("netlens.graph.filterNodes((id) => !netlens.renderer.getNodeDisplayData(id).hidden)")
    assert sorted(shown) == sorted(cities)
    page.select_option('select[data-filter="country"]', "DE")
    assert page.evaluate("netlens.countNodes()") == sum(1 for k in cities if graph.nodes[k]["country"] == "DE")
    page.click("#nl-filter-reset")
    assert page.evaluate("netlens.countNodes()") == graph.number_of_nodes()
    page.locator('#nl-legend-items input[data-cat="0"]').uncheck()  # hide the largest category
    assert page.evaluate("netlens.countNodes()") == len(cities)
    session.assert_clean()


GIANT_SHARE_JS = """(ids) => {
  const W = document.getElementById('nl-network').clientWidth, H = document.getElementById('nl-network').clientHeight;
  const ps = ids.map((id) => netlens.nodeViewport(id));
  const xs = ps.map((p) => p.x), ys = ps.map((p) => p.y);
  return [(Math.max(...xs) - Math.min(...xs)) / W, (Math.max(...ys) - Math.min(...ys)) / H,
          ps.every((p) => p.x >= 0 && p.y >= 0 && p.x <= W && p.y <= H)];
}"""


@pytest.mark.parametrize("long_names", [False, True])
def test_giant_component_fills_the_fitted_view(session: Session, tmp_path: Path, long_names: bool) -> None:
    """Issue 13: as the page opens, the giant component spans at least 60 % of the canvas width and height;
    the isolated members are a count with a button, not a block (drawn on demand, and then in view too)."""
    from tests.test_maps import giant_and_crumbs

    G = giant_and_crumbs()
    if long_names:  # long names must not change the fitted view
        for node, attrs in G.nodes(data=True):
            attrs["name"] = f"{node} " + "COMMISSARIAT A L ENERGIE ATOMIQUE ET AUX ENERGIES ALTERNATIVES " * 2
    page = session.open(webgl_map(G, tmp_path / "giant.html", color_by="community"))
    giant = [k for k in G if k.startswith("g")]
    isolated = sorted(k for k in G if G.degree(k) == 0)
    session.settle()
    share_w, share_h, inside = page.evaluate(GIANT_SHARE_JS, giant)
    assert share_w >= 0.6 and share_h >= 0.6 and inside, (share_w, share_h)
    # labels stay inside the canvas, long names cut with an ellipsis (the whole name is in the tooltip and panel)
    W = page.evaluate("document.getElementById('nl-network').clientWidth")
    labels = page.evaluate("netlens.labels")
    assert labels and all(0 <= b["l"] and b["r"] <= W and b["r"] - b["l"] <= 310 for b in labels)
    assert page.text_content("#nl-isolates-text").startswith(f"{len(isolated)} isolated members")
    assert page.evaluate("netlens.countNodes()") == G.number_of_nodes() - len(isolated)
    hidden = page.evaluate("(ids) => ids.filter((id) => netlens.renderer.getNodeDisplayData(id).hidden)", isolated)
    assert hidden == isolated
    page.click("#nl-isolates-toggle")
    session.settle()
    assert page.evaluate("netlens.countNodes()") == G.number_of_nodes()
    assert page.evaluate(GIANT_SHARE_JS, isolated)[2] is True  # drawn, and the fit takes them in
    # search finds a hidden isolated member and draws the isolated ones to show it
    page.click("#nl-isolates-toggle")
    assert page.evaluate("netlens.countNodes()") == G.number_of_nodes() - len(isolated)
    page.fill("#nl-search", G.nodes[isolated[0]].get("name", isolated[0]))
    page.keyboard.press("Enter")
    assert page.evaluate("netlens.selected") == isolated[0]
    assert page.evaluate("netlens.countNodes()") == G.number_of_nodes()
    session.assert_clean()


def test_sample_map_keeps_every_member_and_label_in_view(session: Session, tmp_path: Path) -> None:
    """The map `netlens map` writes for the sample (the README's command): every member's disc and every drawn
    label inside the canvas, labels pairwise apart."""
    import subprocess
    import sys

    from tests.conftest import SAMPLE

    store, html = tmp_path / "s.kgl", tmp_path / "sample.html"
    for args in (["load", str(SAMPLE)], ["map", "--community", "-o", str(html)]):
        command = [sys.executable, "-m", "netlens", *args, "--store-path", str(store), "-q"]
        subprocess.run(command, check=True, capture_output=True)
    assert "NetlensSigma" in html.read_text(encoding="utf-8")  # WebGL is the default renderer
    page = session.open(html)
    session.settle()
    W = page.evaluate("document.getElementById('nl-network').clientWidth")
    H = page.evaluate("document.getElementById('nl-network').clientHeight")
    discs = page.evaluate("netlens.graph.mapNodes((id) => [netlens.nodeViewport(id), netlens.nodeRadius(id)])")
    assert len(discs) == 35
    assert all(p["x"] - r >= 0 and p["y"] - r >= 0 and p["x"] + r <= W and p["y"] + r <= H for p, r in discs)
    labels = page.evaluate("netlens.labels")
    assert len(labels) == 35  # the sample is small: every member labelled
    assert all(b["l"] >= 0 and b["t"] >= 0 and b["r"] <= W and b["b"] <= H for b in labels)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert a["r"] <= b["l"] or b["r"] <= a["l"] or a["b"] <= b["t"] or b["b"] <= a["t"], (a, b)
    session.assert_clean()


def test_without_webgl_the_page_says_how_to_get_a_map(browser: Any, graph: nx.Graph, tmp_path: Path) -> None:
    """Chromium with WebGL turned off (--disable-3d-apis): the page says so and names the vis renderer."""
    path = webgl_map(graph, tmp_path / "map.html")
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=[*bench_browser.CANVAS_ARGS, "--disable-3d-apis"])
    try:
        s = Session(b)
        page = s.open(path)
        assert page.evaluate("!!document.createElement('canvas').getContext('webgl')") is False
        assert page.get_attribute("body", "data-netlens-error") == "no-webgl"
        assert "--renderer vis" in page.text_content("#nl-empty")
        assert page.locator("#nl-empty").is_visible()
        s.assert_clean()
    finally:
        b.close()


EDGE_INK_JS = """() => {
  const R = netlens.renderer;
  R.refresh();  // draw now: the WebGL buffer is intact within this task
  const c = R.getCanvases().edges, o = document.createElement('canvas');
  o.width = c.width; o.height = c.height;
  const x = o.getContext('2d', {willReadFrequently: true});
  x.drawImage(c, 0, 0);
  const d = x.getImageData(0, 0, o.width, o.height).data;
  let grey = 0, white = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue;
    if (d[i] >= 250 && d[i + 1] >= 250 && d[i + 2] >= 250) white++; else grey++;
  }
  return [grey, white];
}"""


def test_ties_are_visible_on_maps_of_over_20000_ties(session: Session, tmp_path: Path) -> None:
    """Maps of more than 20,000 drawn ties get the faintest tie colour; sigma drew that translucent grey as white
    (invisible on the white page) until the ties got opaque colours. Measured on the edge layer's own pixels."""
    G = big_graph(8000, seed=11)
    path = webgl_map(G, tmp_path / "many.html", max_edges=None)
    data = read_map_data(path.read_text(encoding="utf-8"))
    assert len(data["edges"]["source"]) > 20_000 and data["meta"]["edge_alpha"] <= 0.15
    page = session.open(path)
    grey, white = page.evaluate(EDGE_INK_JS)
    assert grey > 10_000 and white < grey / 10, (grey, white)
    session.assert_clean()
