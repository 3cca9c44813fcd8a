"""Python-side tests of netlens.render.maps: the embedded data, escaping, determinism, offline-ness,
top-N and edge thinning.  Browser behaviour is in test_maps_browser.py."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import math
import random
import re
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from netlens.errors import NotFoundError, UsageError
from netlens.render import maps
from netlens.render.maps import read_map_data, render_map, write_map

EVIL = "<img src=x onerror=alert(1)>"
VIS_SHA256 = "1f20f0736f32cb9bedf8f6383b25cfea2f839e1abe80d6e8040b4d5bea378c69"


def make_graph(n: int = 24, seed: int = 3) -> nx.Graph:
    """A small projection graph following CONVENTIONS.md, plus metric columns."""
    rng = random.Random(seed)
    G = nx.Graph()
    countries = ["DE", "FR", "IT", "ES"]
    for i in range(n):
        city = i % 3 == 0
        G.add_node(
            f"m{i:03d}",
            name=f"Member {i:02d}",
            kind="city" if city else "organisation",
            type="city" if city else ["university", "company", "ngo"][i % 3],
            country=countries[i % 4],
            lat=40.0 + i * 0.5 if i % 5 else None,
            lon=-3.0 + i * 0.7 if i % 5 else None,
            population=10_000 * i if city else None,
            tags=["lighthouse"] if i % 4 == 0 else [],
            pagerank=round(0.01 + i / 1000, 6),
            community=i % 3,
        )
    G.nodes["m001"]["name"] = EVIL
    nodes = list(G)
    for u in nodes:
        for v in rng.sample(nodes, 3):
            if u != v:
                G.add_edge(u, v, weight=round(rng.uniform(0.1, 3.0), 3), count=rng.randint(1, 5))
    return G


Lab = tuple[float, float, float]


def _group(match: re.Match[str] | None) -> str:
    assert match is not None
    return match.group(1)


def rows(data: dict[str, Any], part: str = "nodes") -> list[dict[str, Any]]:
    """The columnar block ``data[part]`` as one dict per node (or edge)."""
    n = len(data[part]["id" if part == "nodes" else "source"])
    cols = {k: v for k, v in data[part].items() if isinstance(v, list) and len(v) == n}
    return [{k: cols[k][i] for k in cols} for i in range(n)]


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    return make_graph()


@pytest.fixture(scope="module")
def page(graph: nx.Graph) -> str:
    return render_map(graph, size_by="pagerank", highlight_path=["m000", "m001"] if graph.has_edge("m000", "m001") else None)


def test_counts_and_ids_match_graph(graph: nx.Graph, page: str) -> None:
    data = read_map_data(page)
    assert data["format"] == "netlens-map/1"
    assert sorted(data["nodes"]["id"]) == sorted(graph.nodes)
    assert len(data["edges"]["source"]) == graph.number_of_edges()
    ids = data["nodes"]["id"]
    drawn = {frozenset((ids[a], ids[b])) for a, b in zip(data["edges"]["source"], data["edges"]["target"], strict=False)}
    assert drawn == {frozenset(e) for e in graph.edges}
    names = dict(zip(ids, data["nodes"]["name"], strict=False))
    assert names == {k: d["name"] for k, d in graph.nodes(data=True)}
    c = data["meta"]["counts"]
    assert (c["nodes_total"], c["nodes_shown"], c["edges_total"], c["edges_shown"], c["edges_hidden"]) == (
        graph.number_of_nodes(),
        graph.number_of_nodes(),
        graph.number_of_edges(),
        graph.number_of_edges(),
        0,
    )


def test_edge_weights_and_widths(graph: nx.Graph, page: str) -> None:
    data = read_map_data(page)
    ids = data["nodes"]["id"]
    E = data["edges"]
    for a, b, w in zip(E["source"], E["target"], E["weight"], strict=False):
        assert w == pytest.approx(graph.edges[ids[a], ids[b]]["weight"])
    pairs = sorted(zip(E["weight"], E["width"], strict=False))
    assert all(w1 <= w2 for (_, w1), (_, w2) in zip(pairs, pairs[1:], strict=False)), "width must grow with weight"
    assert max(E["width"]) == pytest.approx(7.0) and min(E["width"]) >= 1.0
    assert E["count"] == [graph.edges[ids[a], ids[b]]["count"] for a, b in zip(E["source"], E["target"], strict=False)]


def test_sizes_follow_metric(graph: nx.Graph, page: str) -> None:
    data = read_map_data(page)
    nodes = rows(data)
    assert data["meta"]["metric"] == "pagerank"
    for r in nodes:
        assert r["metric"] == pytest.approx(graph.nodes[r["id"]]["pagerank"])
    by_metric = sorted(nodes, key=lambda r: r["metric"])
    sizes = [r["size"] for r in by_metric]
    assert sizes == sorted(sizes)
    lo, hi = data["meta"]["size_range"]
    assert sizes[0] == pytest.approx(lo) and sizes[-1] == pytest.approx(hi)


def test_default_size_is_degree_and_missing_metric_is_smallest() -> None:
    G = nx.star_graph(4)
    nx.set_node_attributes(G, {0: 5.0, 1: 1.0, 2: 2.0}, "score")  # nodes 3, 4 have none
    d = read_map_data(render_map(G))
    assert d["meta"]["metric"] == "degree"
    assert dict(zip(d["nodes"]["id"], d["nodes"]["metric"], strict=False)) == {"0": 4, "1": 1, "2": 1, "3": 1, "4": 1}
    d = read_map_data(render_map(G, size_by="score"))
    size = dict(zip(d["nodes"]["id"], d["nodes"]["size"], strict=False))
    assert size["3"] == size["4"] == d["meta"]["size_range"][0]
    assert size["0"] == d["meta"]["size_range"][1] and size["1"] < size["2"] < size["0"]
    d = read_map_data(render_map(G, size_by="strength"))
    assert d["meta"]["metric"] == "strength"


def test_malicious_name_is_escaped_everywhere(page: str) -> None:
    assert EVIL not in page
    assert "<img" not in page.lower()
    assert "onerror=alert" in page  # present, but only inside the JSON block with < escaped
    block = _group(re.search(r'id="netlens-data">(.*?)</script>', page, re.S))
    assert "<" not in block and ">" not in block and "&" not in block
    assert EVIL in read_map_data(page)["nodes"]["name"]


def test_script_breakout_and_placeholders_stay_data() -> None:
    G = nx.Graph()
    G.add_node("a", name="</script><script>alert(1)</script><!--")
    G.add_node("b", name="{{APP_JS}} {{DATA}}")
    G.add_edge("a", "b")
    html = render_map(G, title="</title><script>alert(2)</script>")
    assert html.lower().count("</script>") == 3  # data block + two inline scripts, nothing more
    assert html.count("<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>") == 1
    names = read_map_data(html)["nodes"]["name"]
    assert names == ["</script><script>alert(1)</script><!--", "{{APP_JS}} {{DATA}}"]
    assert len(html) < len(render_map(nx.Graph([("a", "b")]))) + 2000  # placeholders not expanded


def test_no_remote_resources(page: str) -> None:
    html = page
    lowered = html.lower()
    assert not re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", lowered)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", lowered)
    assert "@import" not in lowered
    assert "<link" not in lowered and "<iframe" not in lowered
    assert "sourcemappingurl" not in lowered
    csp = _group(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html))
    assert "default-src &#x27;none&#x27;" in csp and "connect-src &#x27;none&#x27;" in csp
    assert "unsafe-eval" not in csp and "script-src &#x27;unsafe-inline" not in csp


def test_csp_hashes_match_inline_scripts(page: str) -> None:
    import base64

    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    csp = _group(re.search(r'content="(default-src[^"]+)"', page)).replace("&#x27;", "'")
    for s in scripts:
        h = base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
        assert f"'sha256-{h}'" in csp


def test_deterministic_and_independent_of_insertion_order(graph: nx.Graph) -> None:
    a = render_map(graph, seed=7, color_by="community")
    assert a == render_map(graph, seed=7, color_by="community")
    shuffled = nx.Graph()
    nodes = list(graph.nodes(data=True))
    random.Random(1).shuffle(nodes)
    shuffled.add_nodes_from(nodes)
    edges = [(v, u, d) for u, v, d in graph.edges(data=True)]
    random.Random(2).shuffle(edges)
    shuffled.add_edges_from(edges)
    assert render_map(shuffled, seed=7, color_by="community") == a
    other = read_map_data(render_map(graph, seed=8, color_by="community"))
    assert other["nodes"]["x"] != read_map_data(a)["nodes"]["x"]


def test_input_graph_is_not_mutated(graph: nx.Graph) -> None:
    before = copy.deepcopy(graph)
    render_map(graph, size_by="pagerank", geo=True, top=10, highlight_path=None)
    assert nx.utils.graphs_equal(before, graph)


def test_top_n_keeps_highest_and_edges_among_them(graph: nx.Graph) -> None:
    d = read_map_data(render_map(graph, size_by="pagerank", top=8))
    want = sorted(graph, key=lambda k: (-graph.nodes[k]["pagerank"], k))[:8]
    assert sorted(d["nodes"]["id"]) == sorted(want)
    sub = graph.subgraph(want)
    assert len(d["edges"]["source"]) == sub.number_of_edges()
    assert d["meta"]["top"] == {"n": 8, "of": graph.number_of_nodes()}
    assert any("top 8 of 24" in n for n in d["meta"]["notes"])
    # ties broken by id; top larger than the graph keeps everything
    G = nx.empty_graph(5)
    assert read_map_data(render_map(G, top=2))["nodes"]["id"] == ["0", "1"]
    assert len(read_map_data(render_map(G, top=50))["nodes"]["id"]) == 5


def _reference_thinning(G: nx.Graph, k: int) -> set[frozenset[str]]:
    """Brute-force version of the documented rule: keep an edge if it is among the k strongest
    edges (weight desc, then neighbour id) of either end."""
    keep: set[Any] = set()
    for u in G:
        nbrs = sorted(G[u], key=lambda v: (-G.edges[u, v]["weight"], str(v)))
        keep.update(frozenset((str(u), str(v))) for v in nbrs[:k])
    return keep


def test_edge_thinning_rule() -> None:
    rng = random.Random(5)
    G = nx.gnm_random_graph(60, 600, seed=4)
    G = nx.relabel_nodes(G, {i: f"n{i:02d}" for i in G})
    for u, v in G.edges:
        G.edges[u, v]["weight"] = rng.choice([0.5, 1.0, 1.5, 2.0])  # many ties in weight
    G.add_node("lonely")
    d = read_map_data(render_map(G, max_edges=150))
    k = d["meta"]["thinning"]["k"]
    ids = d["nodes"]["id"]
    got = {frozenset((ids[a], ids[b])) for a, b in zip(d["edges"]["source"], d["edges"]["target"], strict=False)}
    assert got == _reference_thinning(G, k)
    assert len(got) <= 150 < len(_reference_thinning(G, k + 1))
    c = d["meta"]["counts"]
    assert c["edges_hidden"] == 600 - len(got) and c["edges_shown"] == len(got)
    assert any(f"{600 - len(got)} of 600 ties are hidden" in n for n in d["meta"]["notes"])
    # every member with a tie keeps at least its strongest one, even below the budget
    d1 = read_map_data(render_map(G, max_edges=1))
    assert d1["meta"]["thinning"]["k"] == 1
    touched = {i for pair in zip(d1["edges"]["source"], d1["edges"]["target"], strict=False) for i in pair}
    assert {ids[i] for i in touched} == set(G) - {"lonely"}
    # no thinning without a budget
    assert read_map_data(render_map(G, max_edges=None))["meta"]["thinning"] is None


def test_highlight_path_is_kept_and_flagged() -> None:
    G = nx.path_graph(["a", "b", "c", "d"])
    for u, v in G.edges:
        G.edges[u, v]["weight"] = 1.0
    G.add_edges_from([("a", x, {"weight": 9.0}) for x in "efghij"])
    G.add_edges_from([("b", x, {"weight": 9.0}) for x in "klmnop"])
    d = read_map_data(render_map(G, highlight_path=["a", "b", "c"], max_edges=3, top=3, size_by="degree"))
    ids = d["nodes"]["id"]
    assert {"a", "b", "c"} <= set(ids)
    path_edges = {frozenset((ids[d["edges"]["source"][j]], ids[d["edges"]["target"][j]])) for j in d["edges"]["path"]}
    assert path_edges == {frozenset("ab"), frozenset("bc")}
    assert [ids[i] for i in d["meta"]["path"]] == ["a", "b", "c"]
    assert set(d["meta"]["path"]) <= set(d["nodes"]["label"])
    with pytest.raises(NotFoundError, match="zzz"):
        render_map(G, highlight_path=["a", "zzz"])
    with pytest.raises(UsageError, match="not adjacent"):
        render_map(G, highlight_path=["a", "c"])
    with pytest.raises(UsageError):
        render_map(G, highlight_path="abc")


def test_labels_only_for_top_nodes(graph: nx.Graph) -> None:
    d = read_map_data(render_map(graph, size_by="pagerank", label_top=5))
    want = sorted(graph, key=lambda k: (-graph.nodes[k]["pagerank"], k))[:5]
    assert sorted(d["nodes"]["id"][i] for i in d["nodes"]["label"]) == sorted(want)
    assert any("Names are drawn for the 5 largest" in n for n in d["meta"]["notes"])
    assert read_map_data(render_map(graph, label_top=0))["nodes"]["label"] == []


def test_colour_categories_and_legend(graph: nx.Graph) -> None:
    d = read_map_data(render_map(graph, color_by="community"))
    cats = d["meta"]["categories"]
    assert sorted(c["label"] for c in cats) == ["community 0", "community 1", "community 2"]
    for i, k in enumerate(d["nodes"]["id"]):
        assert cats[d["nodes"]["cat"][i]]["label"] == f"community {graph.nodes[k]['community']}"
    assert sum(c["count"] for c in cats) == graph.number_of_nodes()
    kinds = read_map_data(render_map(graph))["meta"]["categories"]
    assert [c["label"] for c in kinds] == ["organisation", "city"]  # by frequency
    binned = read_map_data(render_map(graph, color_by="pagerank"))["meta"]["categories"]
    assert 2 <= len(binned) <= 6 and binned[0]["label"].startswith("pagerank ")
    many = nx.empty_graph(30)
    nx.set_node_attributes(many, {i: f"c{i:02d}" for i in many}, "country")
    cats = read_map_data(render_map(many, color_by="country"))["meta"]["categories"]
    assert len(cats) == 12 + 1 and cats[-1]["label"] == "other (18 values)"  # 12 colours of the colour-blind-safe palette
    with pytest.raises(UsageError, match="community"):
        render_map(nx.path_graph(3), color_by="community")
    read_map_data(render_map(nx.path_graph(3)))  # default "kind" may be absent


def test_filters_and_time_window() -> None:
    G = make_graph()
    for i, k in enumerate(G):
        G.nodes[k]["start"] = dt.date(2015 + i % 5, 1, 1)
        G.nodes[k]["end"] = f"{2018 + i % 5}-12-31"
    u, v = next(iter(G.edges))
    G.edges[u, v]["year"] = 2021
    d = read_map_data(render_map(G))
    keys = [f["key"] for f in d["meta"]["filters"]]
    assert keys == ["kind", "type", "country", "tags"]
    country = next(f for f in d["meta"]["filters"] if f["key"] == "country")
    assert sum(c for _, c in country["values"]) == G.number_of_nodes()
    assert d["meta"]["time"] == {"min": 2015, "max": 2022}
    assert set(d["nodes"]["t0"]) == {2015, 2016, 2017, 2018, 2019}
    assert d["edges"]["t0"].count(2021) == 1 and d["edges"]["t0"].count(None) == G.number_of_edges() - 1
    assert read_map_data(render_map(make_graph()))["meta"]["time"] is None


def test_physics_only_for_small_graphs(monkeypatch: pytest.MonkeyPatch, graph: nx.Graph) -> None:
    assert read_map_data(render_map(graph))["meta"]["physics"] is True
    assert read_map_data(render_map(graph, physics=False))["meta"]["physics"] is False
    assert read_map_data(render_map(graph, geo=True))["meta"]["physics"] is False
    monkeypatch.setattr(maps, "PHYSICS_MAX_NODES", 10)
    meta = read_map_data(render_map(graph))["meta"]
    assert meta["physics"] is False
    assert read_map_data(render_map(graph, top=10))["meta"]["physics"] is True


def test_layout_keeps_components_together() -> None:
    G = nx.disjoint_union_all([nx.complete_graph(30), nx.cycle_graph(10), nx.empty_graph(40)])
    d = read_map_data(render_map(G))
    xs, ys = d["nodes"]["x"], d["nodes"]["y"]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    assert span < 45 * math.sqrt(80) * 3  # isolated members do not fly off
    assert len(set(zip(xs, ys, strict=False))) == 80  # nobody stacked on someone else


def test_geo_positions_outlines_and_unplaced(graph: nx.Graph) -> None:
    d = read_map_data(render_map(graph, geo=True))
    placed = [k for k, a in graph.nodes(data=True) if a["lat"] is not None]
    unplaced = sorted(set(graph) - set(placed))
    assert sorted(d["nodes"]["id"]) == sorted(placed)
    assert d["unplaced"]["id"] == unplaced
    assert d["meta"]["counts"]["nodes_unplaced"] == len(unplaced)
    assert all(
        graph.nodes[d["nodes"]["id"][a]]["lat"] is not None and graph.nodes[d["nodes"]["id"][b]]["lat"] is not None
        for a, b in zip(d["edges"]["source"], d["edges"]["target"], strict=False)
    )
    pos = {k: (x, y) for k, x, y in zip(d["nodes"]["id"], d["nodes"]["x"], d["nodes"]["y"], strict=False)}
    west_south, east_north = graph.nodes["m002"], graph.nodes["m023"]  # lon and lat grow with i
    assert west_south["lon"] < east_north["lon"] and west_south["lat"] < east_north["lat"]
    assert pos["m002"][0] < pos["m023"][0]  # east is right
    assert pos["m002"][1] > pos["m023"][1]  # north is up (canvas y grows downwards)
    assert d["outlines"]["arcs"] and all(len(a) % 2 == 0 for a in d["outlines"]["arcs"])
    assert any("without coordinates" in n for n in d["meta"]["notes"])
    with pytest.raises(UsageError, match=r"--geo needs coordinates \(lat, lon\)"):
        render_map(nx.path_graph(3), geo=True)


def test_geo_spreads_members_at_one_place() -> None:
    G = nx.Graph()
    for i in range(5):
        G.add_node(i, name=f"org {i}", lat=48.85, lon=2.35)
    d = read_map_data(render_map(G, geo=True))
    assert len(set(zip(d["nodes"]["x"], d["nodes"]["y"], strict=False))) == 5


def test_write_map_stats(tmp_path: Path, graph: nx.Graph) -> None:
    out = tmp_path / "map.html"
    st = write_map(graph, out, title="Cities", top=10, max_edges=5)
    text = out.read_text(encoding="utf-8")
    assert st.bytes == len(text.encode("utf-8")) == out.stat().st_size
    assert (st.nodes_total, st.nodes_shown, st.nodes_unplaced) == (24, 10, 0)
    assert st.edges_total == graph.number_of_edges()
    assert st.edges_shown + st.edges_hidden == graph.subgraph(read_map_data(text)["nodes"]["id"]).number_of_edges()
    assert st.thinning_k is not None and st.thinning_k >= 1 and st.as_dict()["path"] == str(out)
    assert "<title>Cities</title>" in text
    with pytest.raises(NotFoundError):
        write_map(graph, tmp_path / "missing" / "map.html")
    with pytest.raises(UsageError, match="colour_by"):
        write_map(graph, out, colour_by="kind")


@pytest.mark.parametrize(
    "kw",
    [
        {"top": 0},
        {"top": 2.5},
        {"label_top": -1},
        {"max_edges": 0},
        {"seed": "x"},
        {"physics": "yes"},
        {"size_by": "nope"},
        {"color_by": "nope"},
        {"size_by": "name"},
        {"title": 3},
    ],
)
def test_bad_options_raise_usage_error(graph: nx.Graph, kw: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        render_map(graph, **kw)
    with pytest.raises(UsageError):
        render_map("not a graph")


def test_odd_inputs() -> None:
    assert read_map_data(render_map(nx.Graph()))["nodes"]["id"] == []
    G = nx.Graph()
    G.add_node(1, name=float("nan"), weird=object.__new__(object), when=dt.date(2020, 1, 2), s={"b", "a"})
    G.add_edge(1, 1, weight=2.0)
    G.add_edge(1, 2, weight=float("nan"))
    d = read_map_data(render_map(G))
    assert d["nodes"]["name"] == ["1", "2"]
    assert d["nodes"]["attrs"]["when"][0] == "2020-01-02" and d["nodes"]["attrs"]["s"][0] == ["a", "b"]
    assert d["edges"]["weight"] == [1.0] and d["meta"]["counts"]["self_loops"] == 1
    with pytest.raises(UsageError, match="collide"):
        render_map(nx.Graph([(1, "1")]))
    with pytest.raises(UsageError, match="weight"):
        render_map(nx.Graph([(1, 2, {"weight": "heavy"})]))
    with pytest.raises(UsageError):
        read_map_data("<html></html>")


def test_vendored_vis_network_is_pinned() -> None:
    js = resources.files("netlens").joinpath("assets", "vis-network.min.js").read_bytes()
    assert hashlib.sha256(js).hexdigest() == VIS_SHA256
    assert b"@version 9.1.2" in js[:400]
    readme = resources.files("netlens").joinpath("assets", "README.md").read_text(encoding="utf-8")
    assert VIS_SHA256 in readme
    for name in ("LICENSES/vis-network-MIT.txt", "LICENSES/world-atlas-ISC.txt", "countries-110m.json"):
        assert resources.files("netlens").joinpath("assets", *name.split("/")).is_file()
    outlines = resources.files("netlens").joinpath("assets", "countries-50m.json").read_bytes()
    assert hashlib.sha256(outlines).hexdigest() in readme  # the vendored 1:50m outlines are the recorded ones
    try:
        import pyvis
    except ImportError:
        return
    theirs = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    if theirs.exists():
        assert theirs.read_bytes() == js


def test_pipeline_stages_hand_over_frozen_dataclasses(graph: nx.Graph) -> None:
    import dataclasses
    import types

    from netlens.render.maps import assemble, place, select, style, thin

    for stage in (select, thin, place, style, assemble):
        assert isinstance(stage, types.ModuleType)  # not shadowed by a function of the same name
    ix = select.canonical(graph)
    assert ix.ids == sorted(ix.ids) and ix.n_nodes == graph.number_of_nodes()
    sel = select.choose(ix, graph, size_by="pagerank", highlight_path=None, top=6, geo=False)
    assert sel.top == select.TopCut(n=6, of=graph.number_of_nodes())
    drawn = thin.apply_budget(ix, sel, max_edges=3)
    assert drawn.thinning is not None and drawn.thinning.max_edges == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        drawn.thinning.k = 99  # type: ignore[misc]
    data = read_map_data(render_map(graph, size_by="pagerank", top=6, max_edges=3))
    assert data["nodes"]["id"] == drawn.ids
    assert data["meta"]["thinning"] == dataclasses.asdict(drawn.thinning)
    assert len(data["edges"]["source"]) == len(drawn.edges)


# ----------------------------------------------------------------------------------------------
# issue 13: layout, palette, geo, data for the viewer


def giant_and_crumbs(seed: int = 5) -> nx.Graph:
    """A giant component of 400 members in 4 communities, 30 small components, 60 isolated members."""
    rng = random.Random(seed)
    G = nx.Graph()
    for i in range(400):
        G.add_node(f"g{i:03d}", name=f"Giant {i}", community=i % 4, country=f"C{i % 4}")
    for i in range(400):
        for _ in range(3):
            j = rng.randrange(400)
            if j % 4 == i % 4 or rng.random() < 0.05:  # mostly inside the community
                G.add_edge(f"g{i:03d}", f"g{j:03d}", weight=rng.uniform(0.5, 3))
    for i in range(396):  # a chain through each community, and three bridges: connected
        G.add_edge(f"g{i:03d}", f"g{i + 4:03d}", weight=0.5)
    for i in range(3):
        G.add_edge(f"g{i:03d}", f"g{i + 1:03d}", weight=0.5)
    G.remove_edges_from(nx.selfloop_edges(G))
    for c in range(30):
        size = 2 + c % 5
        names = [f"s{c:02d}-{k}" for k in range(size)]
        G.add_nodes_from(names, community=10 + c)
        nx.add_path(G, names, weight=1.0)
    G.add_nodes_from((f"z{i:02d}" for i in range(60)), community=99)
    return G


def components_of(d: dict[str, Any]) -> list[list[int]]:
    H = nx.Graph()
    H.add_nodes_from(range(len(d["nodes"]["id"])))
    H.add_edges_from(zip(d["edges"]["source"], d["edges"]["target"], strict=True))
    return sorted((sorted(c) for c in nx.connected_components(H)), key=len, reverse=True)


def box(d: dict[str, Any], members: list[int]) -> tuple[float, float]:
    """Width and height of the members' positions, discs included."""
    xs = [d["nodes"]["x"][i] for i in members]
    ys = [d["nodes"]["y"][i] for i in members]
    r = [d["nodes"]["size"][i] for i in members]
    return (
        max(x + s for x, s in zip(xs, r, strict=True)) - min(x - s for x, s in zip(xs, r, strict=True)),
        max(y + s for y, s in zip(ys, r, strict=True)) - min(y - s for y, s in zip(ys, r, strict=True)),
    )


def giant_share(d: dict[str, Any], with_isolates: bool) -> tuple[float, float]:
    comps = components_of(d)
    iso = set(d["meta"]["isolates"]["nodes"])
    shown = [i for i in range(len(d["nodes"]["id"])) if with_isolates or i not in iso]
    gw, gh = box(d, comps[0])
    w, h = box(d, shown)
    return gw / w, gh / h


def test_giant_component_fills_the_initial_view() -> None:
    G = giant_and_crumbs()
    d = read_map_data(render_map(G, color_by="community"))
    comps = components_of(d)
    assert len(comps[0]) == 400
    for with_isolates in (False, True):  # the new viewer hides the isolated members, vis-network draws them
        share_w, share_h = giant_share(d, with_isolates)
        assert share_w >= 0.6 and share_h >= 0.6, (with_isolates, share_w, share_h)
    # the small components sit beside the giant, not over it
    gx = [d["nodes"]["x"][i] for i in comps[0]]
    for comp in comps[1:]:
        xs = [d["nodes"]["x"][i] for i in comp]
        ys = [d["nodes"]["y"][i] for i in comp]
        gy = [d["nodes"]["y"][i] for i in comps[0]]
        assert min(xs) > max(gx) or min(ys) > max(gy)


def test_isolated_members_are_listed_and_gridded() -> None:
    G = giant_and_crumbs()
    d = read_map_data(render_map(G))
    iso = d["meta"]["isolates"]
    ids = d["nodes"]["id"]
    assert iso["count"] == 60 and iso["hidden"] is True
    assert sorted(ids[i] for i in iso["nodes"]) == sorted(f"z{i:02d}" for i in range(60))
    tied = set(d["edges"]["source"]) | set(d["edges"]["target"])
    assert not tied & set(iso["nodes"])
    w, h = box(d, iso["nodes"])
    gw, gh = box(d, components_of(d)[0])
    assert w < 0.25 * gw and h < 0.25 * gh  # a compact grid, not a block beside the giant
    assert any("isolated" in n for n in d["meta"]["notes"])
    # geo mode draws everybody at their coordinates
    geo = nx.Graph()
    geo.add_node("a", lat=48.0, lon=2.0)
    geo.add_node("b", lat=52.0, lon=13.0)
    geo.add_node("c", lat=41.0, lon=12.0)
    geo.add_edge("a", "b")
    assert read_map_data(render_map(geo, geo=True))["meta"]["isolates"]["hidden"] is False


def test_communities_form_regions() -> None:
    """ForceAtlas2 puts each community's members nearer to each other than to the other communities."""
    G = giant_and_crumbs()
    d = read_map_data(render_map(G, color_by="community"))
    giant = components_of(d)[0]
    xy = {i: (d["nodes"]["x"][i], d["nodes"]["y"][i]) for i in giant}
    comm = {i: G.nodes[d["nodes"]["id"][i]]["community"] for i in giant}
    centre = {
        c: (
            sum(xy[i][0] for i in giant if comm[i] == c) / sum(comm[i] == c for i in giant),
            sum(xy[i][1] for i in giant if comm[i] == c) / sum(comm[i] == c for i in giant),
        )
        for c in range(4)
    }
    nearest_own = sum(min(range(4), key=lambda c: math.dist(xy[i], centre[c])) == comm[i] for i in giant)
    assert nearest_own / len(giant) >= 0.7


def test_layout_depends_on_the_seed_only() -> None:
    G = giant_and_crumbs()
    a = read_map_data(render_map(G, seed=1))["nodes"]
    b = read_map_data(render_map(G, seed=1))["nodes"]
    c = read_map_data(render_map(G, seed=2))["nodes"]
    assert (a["x"], a["y"]) == (b["x"], b["y"])
    assert (a["x"], a["y"]) != (c["x"], c["y"])


def test_forceatlas2_mesh_repulsion_approximates_the_exact_one() -> None:
    np = pytest.importorskip("numpy")
    from netlens.render.maps import force

    rng = np.random.default_rng(0)
    pos = rng.normal(size=(800, 2)) * 50
    mass = rng.integers(1, 6, size=800).astype(float)
    exact = force._repulsion_exact(pos, mass)
    mesh = force._repulsion_mesh(pos, mass)
    err = np.linalg.norm(mesh - exact, axis=1) / np.linalg.norm(exact, axis=1)
    assert float(np.median(err)) < 0.1
    cos = (mesh * exact).sum(axis=1) / (np.linalg.norm(mesh, axis=1) * np.linalg.norm(exact, axis=1))
    assert float(np.median(cos)) > 0.99


# Sharma, Wu & Dalal (2005), Table 1: (L1, a1, b1), (L2, a2, b2), ΔE00
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, -1.1848, -84.8006), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, -0.9009, -85.5211), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, -1.0, 2.0), (50.0, 0.0, 0.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0010), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0012), 7.2195),
    ((50.0, -0.0010, 2.4900), (50.0, 0.0009, -2.4900), 4.8045),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_pairs(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    from netlens.render.maps.colour import delta_e00

    assert delta_e00(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e00(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_legend_colours_are_pairwise_distinct_and_far_from_the_path_red() -> None:
    from netlens.render.maps.colour import MIN_DELTA_E, distance, lab

    assert lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    G = nx.Graph()
    for i in range(400):  # 25 countries, the most frequent first
        G.add_node(i, country=f"K{min(i // 10, 24):02d}" if i < 250 else f"K{i % 25:02d}")
    G.add_node("nil")
    d = read_map_data(render_map(G, color_by="country"))
    colours = [c["color"] for c in d["meta"]["categories"]]
    assert len(colours) == 12 + 2  # own colours, "other", "(none)"
    assert len(set(colours)) == len(colours)
    bound = 12.0
    assert MIN_DELTA_E >= bound
    worst = min(distance(a, b) for k, a in enumerate(colours) for b in colours[k + 1 :])
    assert worst >= bound
    path_red = d["meta"]["path_color"]
    assert min(distance(c, path_red) for c in colours) >= bound
    # the pairs the issue named (PL/RO, ES/PL, NL/NO) now come from a palette where no two are close
    assert all(distance(c, "#ffffff") >= bound for c in colours[:12])


def test_antimeridian_split() -> None:
    np = pytest.importorskip("numpy")
    from netlens.render.maps.geo import split_antimeridian

    ring = np.array([[178.0, -16.0], [179.5, -17.0], [-179.5, -17.5], [-178.0, -16.5], [179.0, -16.0], [178.0, -16.0]])
    pieces = split_antimeridian(ring)
    assert [len(p) for p in pieces] == [2, 2, 2]
    for p in pieces:
        assert np.abs(np.diff(p[:, 0])).max() <= 180
    assert split_antimeridian(ring[:2])[0].tolist() == ring[:2].tolist()


def test_geo_outlines_never_cross_the_map_at_180() -> None:
    G = nx.Graph()
    places = {"suva": (-18.1, 178.4), "auckland": (-36.8, 174.8), "apia": (-13.8, -171.8), "nukualofa": (-21.1, -175.2)}
    for k, (lat, lon) in places.items():
        G.add_node(k, lat=lat, lon=lon)
    G.add_edge("suva", "auckland")
    G.add_edge("apia", "suva")
    d = read_map_data(render_map(G, geo=True))
    ids, xs = d["nodes"]["id"], d["nodes"]["x"]
    a, b = ids.index("suva"), ids.index("auckland")
    px_per_degree = (xs[a] - xs[b]) / (places["suva"][1] - places["auckland"][1])
    arcs = d["outlines"]["arcs"]
    assert arcs
    longest = max(abs(arc[k + 2] - arc[k]) for arc in arcs for k in range(0, len(arc) - 2, 2))
    assert longest < 180 * px_per_degree  # no segment spans half the world
    assert d["outlines"]["source"].startswith("Natural Earth 1:50m")


def test_geo_ties_are_curved_translucent_and_budgeted() -> None:
    rng = random.Random(2)
    G = nx.Graph()
    for i in range(300):
        G.add_node(i, lat=40 + rng.uniform(0, 20), lon=-5 + rng.uniform(0, 30))
    for i in range(300):
        for j in rng.sample(range(300), 15):
            if i != j:
                G.add_edge(i, j, weight=rng.uniform(0.1, 2))
    d = read_map_data(render_map(G, geo=True))
    e, n = d["edges"], d["nodes"]
    assert d["meta"]["curved_edges"] is True and d["meta"]["edge_alpha"] <= 0.2
    assert len(e["source"]) <= maps.GEO_MAX_EDGES < G.number_of_edges()
    assert len(e["cx"]) == len(e["cy"]) == len(e["source"])
    for s, t, cx, cy in list(zip(e["source"], e["target"], e["cx"], e["cy"], strict=True))[:50]:
        mx, my = (n["x"][s] + n["x"][t]) / 2, (n["y"][s] + n["y"][t]) / 2
        length = math.dist((n["x"][s], n["y"][s]), (n["x"][t], n["y"][t]))
        off = math.dist((mx, my), (cx, cy))
        assert off == pytest.approx(0.18 * length, abs=0.2)
    network = read_map_data(render_map(G))
    assert network["meta"]["curved_edges"] is False and "cx" not in network["edges"]


def test_neighbour_lists_include_thinned_ties() -> None:
    from netlens.render.maps.extras import decode_neighbours

    G = giant_and_crumbs()
    hub = "g000"
    for i in range(1, 30):  # a hub with many ties, most of them thinned away
        G.add_edge(hub, f"g{i:03d}", weight=1.0 + i / 100)
    d = read_map_data(render_map(G, top=350, max_edges=300))
    ids = d["nodes"]["id"]
    nb = decode_neighbours(d["neighbours"], len(ids))
    assert d["meta"]["thinning"] is not None and d["meta"]["top"] is not None
    assert len(nb["offsets"]) == len(ids) + 1 and nb["offsets"][-1] == len(nb["index"]) == len(nb["weight"])
    extra = nb["extra"]
    for i, node in enumerate(ids):  # every tie of every drawn member, with its weight, strongest first
        lo, hi = nb["offsets"][i], nb["offsets"][i + 1]
        partners = [ids[k] if k >= 0 else extra["id"][-k - 1] for k in nb["index"][lo:hi]]
        weights = nb["weight"][lo:hi]
        assert nb["total"][i] == G.degree(node)
        assert sorted(partners) == sorted(G[node])
        assert weights == sorted(weights, reverse=True)
        for p, w in zip(partners, weights, strict=True):
            assert G[node][p]["weight"] == pytest.approx(w, rel=5e-3)
    h = ids.index(hub)
    drawn_of_hub = sum(1 for s, t in zip(d["edges"]["source"], d["edges"]["target"], strict=True) if h in (s, t))
    assert nb["total"][h] == G.degree(hub) == 29 > drawn_of_hub  # the hub lists all 29, not only those drawn
    listed = sum(1 for k in nb["index"] if k >= 0)
    assert listed > 2 * len(d["edges"]["source"])  # thinned-away ties are listed too
    assert extra["id"] and all(p not in ids for p in extra["id"])
    assert extra["name"][0] == G.nodes[extra["id"][0]].get("name", extra["id"][0])


def test_neighbour_block_is_compact_and_refuses_a_damaged_one() -> None:
    """The encoding by hand on a triangle plus a pendant; a truncated string is an error, not wrong lists."""
    from netlens.render.maps import extras

    G = nx.Graph()
    G.add_edge("a", "b", weight=2.0)
    G.add_edge("a", "c", weight=1.0)
    G.add_edge("b", "c", weight=2.0)
    G.add_edge("c", "d", weight=300.0)
    d = read_map_data(render_map(G, top=3, size_by="degree"))  # d is not drawn: an extra partner
    block = d["neighbours"]
    assert d["nodes"]["id"] == ["a", "b", "c"] and block["extra"]["id"] == ["d"]
    assert block["ties"] == 4 and block["weights"] == [2.0, 1.0, 300.0]  # commonest first, then by value
    # rows a: b(+1), c(+1); b: c(+1); c: d (number 3, +1); weights 2, 1, 2, 300 -> codes 0, 1, 0, 2
    assert extras._un_b64_varint(block["count"], 3).tolist() == [2, 1, 1]
    assert extras._un_b64_varint(block["partner"], 4).tolist() == [1, 1, 1, 1]
    assert extras._un_b64_varint(block["weight"], 4).tolist() == [0, 1, 0, 2]
    assert extras._un_b64_varint(extras._b64_varint(np.array([300, 0, 2**40])), 3).tolist() == [300, 0, 2**40]
    assert extras._b64_varint(np.array([0, 127, 128, 300])) == "AH+AAawC"  # 00 7f 80 01 ac 02
    nb = extras.decode_neighbours(block, 3)
    assert nb["index"] == [1, 2, 0, 2, -1, 1, 0] and nb["weight"] == [2.0, 1.0, 2.0, 2.0, 300.0, 2.0, 1.0]
    assert nb["total"] == [2, 2, 3]
    with pytest.raises(ValueError, match="expected 4 varints"):
        extras.decode_neighbours({**block, "partner": extras._b64_varint(np.array([1, 1, 1]))}, 3)
    with pytest.raises(ValueError, match="encoding"):
        extras.decode_neighbours({**block, "encoding": "csr"}, 3)


def test_path_hops_carry_activity_and_year() -> None:
    G = make_graph()
    path = ["m000", "m003"]
    if not G.has_edge(*path):
        G.add_edge(*path, weight=1.0)
    G.graph["path_hops"] = [
        {
            "source": "m000",
            "target": "m003",
            "source_name": "Member 00",
            "target_name": "Member 03",
            "activity_id": "p1",
            "activity": EVIL,
            "channel": "project",
            "start": dt.date(2018, 3, 1),
            "end": dt.date(2021, 2, 28),
            "when": None,
            "strength": 2.5,
            "label": "Project (2018–2021)",
            "others": 2,
        }
    ]
    page = render_map(G, highlight_path=path)
    d = read_map_data(page)
    (hop,) = d["meta"]["path_hops"]
    ids = d["nodes"]["id"]
    assert (ids[hop["from"]], ids[hop["to"]]) == ("m000", "m003")
    assert hop["edge"] in d["edges"]["path"]
    s, t = d["edges"]["source"][hop["edge"]], d["edges"]["target"][hop["edge"]]
    assert {ids[s], ids[t]} == {"m000", "m003"}
    assert (hop["activity"], hop["year"], hop["start"], hop["end"], hop["strength"]) == (
        EVIL,
        2018,
        "2018-03-01",
        "2021-02-28",
        2.5,
    )
    assert EVIL not in page  # escaped in the page
    assert read_map_data(render_map(G))["meta"]["path_hops"] == []  # no path, no hops


def test_map_graph_passes_the_route_hops() -> None:
    from netlens.pipeline import map_graph
    from netlens.read.package import read_package
    from netlens.validation import validate_or_raise

    tables = validate_or_raise(read_package(Path(__file__).resolve().parents[1] / "data" / "sample"))[0]
    G, route = map_graph(tables, "city", path=("nantes", "palencia"))
    assert route is not None
    d = read_map_data(render_map(G, highlight_path=list(route.nodes)))
    hops = d["meta"]["path_hops"]
    assert [h["activity"] for h in hops] == [h.activity for h in route.hops]
    assert [h["year"] for h in hops] == [h.start.year if h.start else None for h in route.hops]
    assert all(h["edge"] >= 0 for h in hops)


def test_urbact_map_layout_palette_and_geo() -> None:
    """Real data (skipped without ../shared/data): URBACT's city map fills the view, its legend colours are
    distinct, and its geo map keeps to the geo edge budget with curved ties and antimeridian-safe outlines."""
    from netlens.pipeline import map_graph
    from netlens.read import read_urbact
    from netlens.render.maps.colour import distance
    from netlens.validation import validate_or_raise
    from tests.conftest import shared_file

    folder = shared_file("eucicop-interreg-urbact-etmun/urbact/URBACT_Membership_GNidCorr_complete_V2.csv").parent
    tables = validate_or_raise(read_urbact(folder))[0]
    G, _ = map_graph(tables, "city", community=True)
    d = read_map_data(render_map(G, size_by="pagerank", color_by="country"))
    share_w, share_h = giant_share(d, with_isolates=True)
    assert share_w >= 0.6 and share_h >= 0.6
    colours = [c["color"] for c in d["meta"]["categories"]]
    assert min(distance(a, b) for k, a in enumerate(colours) for b in colours[k + 1 :]) >= 12
    geo = read_map_data(render_map(G, geo=True))
    assert len(geo["edges"]["source"]) <= maps.GEO_MAX_EDGES and geo["meta"]["curved_edges"]
    from netlens.render.maps.extras import decode_neighbours

    total = decode_neighbours(d["neighbours"], len(d["nodes"]["id"]))["total"]
    assert total == [G.degree(k) for k in d["nodes"]["id"]]


def test_names_with_bidi_or_zero_width_characters_are_shown_without_them() -> None:
    """Validation warns about them; the map never lets them reverse or split a name (labels, search, neighbours)."""
    G = nx.Graph()
    G.add_node("a", name="\u202eAKEJIR\u202c", kind="city")
    G.add_node("b", name="Ri\u200bjeka", kind="city")
    G.add_edge("a", "b", weight=1.0)
    names = read_map_data(render_map(G))["nodes"]["name"]
    assert sorted(names) == ["AKEJIR", "Rijeka"]
