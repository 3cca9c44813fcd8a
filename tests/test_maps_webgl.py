"""Browser tests of the WebGL map renderer (netlens/assets/map-webgl.*, sigma.js + graphology) in
Debian's headless Chromium with WebGL through SwiftShader, driven by playwright.

The pages are made from the Python side's data block (``write_map``) with ``webgl_page`` /
``webgl_html`` from bench/bench_browser.py, which fills the same template placeholders as
``netlens.render.maps._to_html`` with the WebGL assets.  Skipped (with the reason) when
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
webgl_page = bench_browser.webgl_page


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
    write_map(G, d / "vis.html", size_by="degree", color_by="type")
    out = d / "webgl.html"
    out.write_text(webgl_page((d / "vis.html").read_text(encoding="utf-8")), encoding="utf-8")
    return G, out


def webgl_map(G: nx.Graph, path: Path, **kw: Any) -> Path:
    write_map(G, path.with_suffix(".vis.html"), **kw)
    path.write_text(webgl_page(path.with_suffix(".vis.html").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def with_hidden_ties(G: nx.Graph, vis_page: Path) -> dict[str, Any]:
    """The data block plus the proposed ``hidden_edges``: every tie between two drawn members
    that thinning left out (what the Python side would add; see assets/README.md)."""
    data = read_map_data(vis_page.read_text(encoding="utf-8"))
    ids = data["nodes"]["id"]
    index = {k: i for i, k in enumerate(ids)}
    drawn = {frozenset((s, t)) for s, t in zip(data["edges"]["source"], data["edges"]["target"])}
    hidden: dict[str, list[Any]] = {"source": [], "target": [], "weight": []}
    for u, v, w in G.edges(data="weight"):
        a, b = index.get(str(u)), index.get(str(v))
        if a is None or b is None or frozenset((a, b)) in drawn:
            continue
        a, b = min(a, b), max(a, b)
        hidden["source"].append(a)
        hidden["target"].append(b)
        hidden["weight"].append(w)
    data["hidden_edges"] = hidden
    return data


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
    assert page.locator("#nl-path-items li").all_text_contents() == ["Member 00", EVIL, "Member 04"]
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
    vis = tmp_path / "thin.vis.html"
    st = write_map(G, vis, max_edges=500)
    assert st.edges_hidden > 0
    data = with_hidden_ties(G, vis)
    path = tmp_path / "thin.html"
    path.write_text(webgl_html(data), encoding="utf-8")
    page = session.open(path)
    assert page.evaluate("(id) => netlens.select(id, false)", hub) is True
    ties = page.evaluate("netlens.focusList()")
    assert sorted(t["id"] for t in ties) == sorted(str(v) for v in G[hub])
    assert any(t["hidden"] for t in ties) and any(not t["hidden"] for t in ties)
    weights = [t["weight"] for t in ties]
    assert weights == sorted(weights, reverse=True)
    for t in ties[:5]:
        assert t["weight"] == G[hub][t["id"]]["weight"]
    listed = page.locator("#nl-panel-neighbours li").evaluate_all("els => els.map(e => e.dataset.id)")
    assert sorted(listed) == sorted(str(v) for v in G[hub])
    n_thinned = sum(t["hidden"] for t in ties)
    assert page.evaluate("netlens.graph.filterEdges((e, a) => a.h !== undefined).length") == n_thinned
    assert f"{n_thinned} thinned" in page.text_content("#nl-panel-nb-note")
    # everything else is dimmed: a non-neighbour's drawn colour differs from its own colour
    other = next(v for v in G if v != hub and v not in G[hub])
    own = page.evaluate("(id) => netlens.graph.getNodeAttribute(id, 'color')", other)
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", other) != own
    nb = ties[0]["id"]
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", nb) == page.evaluate(
        "(id) => netlens.graph.getNodeAttribute(id, 'color')", nb
    )
    # labels in focus mode: the member and (collision permitting) its partners only
    session.frame()
    labelled = [b["id"] for b in page.evaluate("netlens.labels")]
    assert labelled[0] == hub and set(labelled) <= {hub} | {str(v) for v in G[hub]}
    page.keyboard.press("Escape")
    assert page.evaluate("netlens.selected") is None
    assert page.evaluate("netlens.graph.filterEdges((e, a) => a.h !== undefined).length") == 0
    assert page.evaluate("(id) => netlens.renderer.getNodeDisplayData(id).color", other) == own
    session.assert_clean()


def test_neighbour_note_without_hidden_ties_in_the_data(session: Session, tmp_path: Path) -> None:
    G = big_graph(600, seed=3)
    hub = max(G, key=G.degree)
    page = session.open(webgl_map(G, tmp_path / "thin.html", max_edges=500))
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
