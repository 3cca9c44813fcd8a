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

import networkx as nx
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


def rows(data: dict, part: str = "nodes") -> list[dict]:
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
    block = re.search(r'id="netlens-data">(.*?)</script>', page, re.S).group(1)
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
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "connect-src &#x27;none&#x27;" in csp
    assert "unsafe-eval" not in csp and "script-src &#x27;unsafe-inline" not in csp


def test_csp_hashes_match_inline_scripts(page: str) -> None:
    import base64

    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    csp = re.search(r'content="(default-src[^"]+)"', page).group(1).replace("&#x27;", "'")
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
    keep = set()
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
    assert len(cats) == 13 + 1 and cats[-1]["label"] == "other (17 values)"  # 13 colours of the colour-blind-safe palette
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
    assert st.thinning_k >= 1 and st.as_dict()["path"] == str(out)
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
def test_bad_options_raise_usage_error(graph: nx.Graph, kw: dict) -> None:
    with pytest.raises(UsageError):
        render_map(graph, **kw)
    with pytest.raises(UsageError):
        render_map("not a graph")  # type: ignore[arg-type]


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
