"""Knowledge-transfer routes (netlens.analysis.paths): modes, Yen alternatives, time order, messages.

Most graphs here are built from transfers with β_transfer = 1 and λ = 0, so a tie's strength S is simply
the number of transfers between the pair (one channel, one direction: multiplexity 0, reciprocity 1).
Expected numbers are computed by hand in the comments.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from netlens.analysis.paths import Route, routes_frame, tie_graph, transfer_paths
from netlens.analysis.paths_search import Search, Ties
from netlens.analysis.paths_timed import TimedSearch
from netlens.analysis.weights import load_weights
from netlens.errors import NoPathError, NotFoundError, UsageError
from netlens.validation import Tables

from .builders import NO_DECAY, build
from .conftest import SAMPLE

COUNT = load_weights(overrides={"channels": {"transfer": 1.0}, "decay": {"lambda": 0.0}})


def ties(edges: dict[tuple[str, str], int], when: dict[tuple[str, str], date] | None = None) -> dict[str, pd.DataFrame]:
    """Cities for every node; ``n`` transfers u→v per edge (S_uv = n under COUNT), dated ``when[edge]``."""
    nodes = sorted({x for e in edges for x in e})
    rows = [
        {"from_id": u, "to_id": v, "solution": f"{u}{v}{i}", "date": (when or {}).get((u, v), date(2020, 1, 1))}
        for (u, v), n in edges.items()
        for i in range(n)
    ]
    return build(cities=[{"id": x, "name": x.upper(), "country": "FR"} for x in nodes], transfers=rows)


def nodes(routes: Sequence[Route]) -> list[str]:
    return ["".join(r.nodes) for r in routes]


class _search:  # noqa: N801 - the search on a networkx graph with attribute ``strength``, yielding node names
    def __init__(self, g: nx.Graph, s: str, t: str, mode: str) -> None:
        self.ties = Ties.from_graph(g)
        self.search = Search(self.ties, self.ties.code[s], self.ties.code[t], mode)

    def routes(self, want: int | None = None) -> Iterator[list[str]]:
        for p in self.search.routes(want):
            yield [str(self.ties.ids[x]) for x in p]


# --------------------------------------------------------------------------------------------- modes


def test_widest_and_shortest_take_different_routes() -> None:
    # a-x 10, x-b 1 | a-y 2, y-z 2, z-b 2
    # shortest: axb = 1/10 + 1 = 1.1 < ayzb = 3/2 = 1.5
    # widest:   ayzb bottleneck 2 > axb bottleneck 1
    # reliable (κ = 1): axb = (1 − e^−10)(1 − e^−1) = 0.63209 < ayzb = (1 − e^−2)^3 = 0.64646
    t = ties({("a", "x"): 10, ("x", "b"): 1, ("a", "y"): 2, ("y", "z"): 2, ("z", "b"): 2})
    short = transfer_paths(t, "a", "b", mode="shortest", weights=COUNT)
    wide = transfer_paths(t, "a", "b", mode="widest", weights=COUNT)
    rel = transfer_paths(t, "a", "b", mode="reliable", weights=COUNT)
    assert nodes(short) == ["axb", "ayzb"] and nodes(wide) == ["ayzb", "axb"] and nodes(rel) == ["ayzb", "axb"]
    assert short[0].cost == pytest.approx(1.1) and short[0].bottleneck == 1.0
    assert wide[0].cost == pytest.approx(1.5) and wide[0].bottleneck == 2.0
    assert short[0].reliability == pytest.approx((1 - math.exp(-10)) * (1 - math.exp(-1)))
    assert rel[0].reliability == pytest.approx((1 - math.exp(-2)) ** 3)
    assert wide[0].brokers == ("Y", "Z") and short[0].brokers == ("X",)


def test_reliable_prefers_many_strong_ties_over_one_weak_one() -> None:
    # a-b 2 directly | a-p-q-r-b, each 6.
    # shortest: 1/2 = 0.5 < 4/6 = 0.667 → direct. reliable: −log(1 − e^−2) = 0.14541 > 4·(−log(1 − e^−6)) = 0.00993 → chain
    t = ties({("a", "b"): 2, ("a", "p"): 6, ("p", "q"): 6, ("q", "r"): 6, ("r", "b"): 6})
    assert nodes(transfer_paths(t, "a", "b", weights=COUNT, k=1)) == ["ab"]
    assert nodes(transfer_paths(t, "a", "b", mode="reliable", weights=COUNT, k=1)) == ["apqrb"]
    # a larger κ makes every tie nearly certain… and the chain still wins; a tiny κ makes p ≈ κS, so hops cost more:
    # κ = 0.01: direct p = 0.0198, chain p = 0.0582^4 = 1.1e-5 → direct
    w = load_weights(overrides={"channels": {"transfer": 1.0}, "decay": {"lambda": 0.0}, "paths": {"kappa": 0.01}})
    assert nodes(transfer_paths(t, "a", "b", mode="reliable", weights=w, k=1)) == ["ab"]


def _yen_graph() -> Tables:
    # a-b 1 | a-c 4, c-b 4 | a-d 2, d-b 4 | c-d 1
    return ties({("a", "b"): 1, ("a", "c"): 4, ("c", "b"): 4, ("a", "d"): 2, ("d", "b"): 4, ("c", "d"): 1})


def test_yen_k3_shortest_ordering() -> None:
    # costs: acb 0.25 + 0.25 = 0.5; adb 0.5 + 0.25 = 0.75; ab 1.0; acdb 0.25 + 1 + 0.25 = 1.5; adcb 0.5 + 1 + 0.25 = 1.75
    routes = transfer_paths(_yen_graph(), "a", "b", k=3, weights=COUNT)
    assert nodes(routes) == ["acb", "adb", "ab"]
    assert [r.cost for r in routes] == pytest.approx([0.5, 0.75, 1.0])
    assert [r.rank for r in routes] == [1, 2, 3]
    assert nodes(transfer_paths(_yen_graph(), "a", "b", k=10, weights=COUNT)) == ["acb", "adb", "ab", "acdb", "adcb"]


def test_yen_widest_ordering() -> None:
    # bottlenecks: acb 4, adb 2, then width 1 for ab (cost 1.0), acdb (1.5), adcb (1.75)
    routes = transfer_paths(_yen_graph(), "a", "b", mode="widest", k=5, weights=COUNT)
    assert nodes(routes) == ["acb", "adb", "ab", "acdb", "adcb"]
    assert [r.bottleneck for r in routes] == [4, 2, 1, 1, 1]


def test_yen_widest_matches_brute_force_on_random_graphs() -> None:
    rng = random.Random(7)
    for _ in range(60):
        g = nx.gnp_random_graph(8, 0.45, seed=rng.randint(0, 10**6))
        g = nx.relabel_nodes(g, {i: f"n{i}" for i in g})
        for u, v in g.edges:
            s = rng.uniform(0.1, 5.0)
            g[u][v].update(strength=s, cost=1 / s)
        if not nx.has_path(g, "n0", "n7"):
            continue

        def key(p: list[str], g: nx.Graph = g) -> tuple[float, float]:
            ws = [g[a][b]["strength"] for a, b in zip(p, p[1:])]
            return (-min(ws), sum(1 / w for w in ws))

        brute = sorted(nx.all_simple_paths(g, "n0", "n7"), key=key)
        got = list(itertools.islice(_search(g, "n0", "n7", "widest").routes(), 6))
        flat = [x for p in got for x in key(p)]
        assert flat == pytest.approx([x for p in brute[: len(got)] for x in key(p)])
        assert len(got) == min(6, len(brute))
        assert len({tuple(p) for p in got}) == len(got)  # loopless, no duplicates


def _random_strengths(rng: random.Random, n: int, p: float) -> nx.Graph:
    g = nx.gnp_random_graph(n, p, seed=rng.randint(0, 10**6))
    g = nx.relabel_nodes(g, {i: f"n{i:02d}" for i in g})
    weights = rng.sample(range(1, 10 * g.number_of_edges() + 1), g.number_of_edges())  # distinct
    for (u, v), x in zip(g.edges, weights):
        g[u][v].update(strength=x / 7.0, cost=7.0 / x)
    return g


def test_widest_route_is_the_maximum_spanning_tree_bottleneck() -> None:
    # With distinct strengths the maximum spanning tree is unique and the widest bottleneck between two nodes is the
    # weakest tie on their tree path; the widest route is then the shortest (Σ 1/S) route over ties at least that
    # strong — both computed here independently with networkx.
    rng = random.Random(11)
    checked = 0
    for _ in range(15):
        g = _random_strengths(rng, 40, 0.12)
        tree = nx.maximum_spanning_tree(g, weight="strength")
        nodes_ = sorted(g)
        for _ in range(10):
            a, b = rng.sample(nodes_, 2)
            if not nx.has_path(g, a, b):
                continue
            tp = nx.shortest_path(tree, a, b)
            width = min(g[u][v]["strength"] for u, v in zip(tp, tp[1:]))
            strong = nx.subgraph_view(g, filter_edge=lambda u, v, g=g, w=width: g[u][v]["strength"] >= w)
            expected = nx.dijkstra_path(strong, a, b, weight="cost")
            (got,) = itertools.islice(_search(g, a, b, "widest").routes(1), 1)
            assert min(g[u][v]["strength"] for u, v in zip(got, got[1:])) == width
            assert got == expected
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("mode, weight", [("shortest", "cost"), ("reliable", "neglogp")])
def test_yen_additive_matches_brute_force_on_random_graphs(mode: str, weight: str) -> None:
    rng = random.Random(5)
    for _ in range(20):
        g = _random_strengths(rng, 8, 0.45)
        for u, v in g.edges:
            g[u][v]["neglogp"] = -math.log1p(-math.exp(-g[u][v]["strength"]))
        if not nx.has_path(g, "n00", "n07"):
            continue

        def cost(p: list[str], g: nx.Graph = g) -> float:
            return float(sum(g[a][b][weight] for a, b in zip(p, p[1:])))

        brute = sorted(cost(p) for p in nx.all_simple_paths(g, "n00", "n07"))
        got = list(_search(g, "n00", "n07", mode).routes())
        assert [cost(p) for p in got] == pytest.approx(brute)  # every loopless route, in order
        assert len({tuple(p) for p in got}) == len(got)
        assert list(_search(g, "n00", "n07", mode).routes(want=4)) == got[:4]  # the early stop changes nothing


def test_widest_early_stop_changes_nothing() -> None:
    rng = random.Random(3)
    for _ in range(20):
        g = _random_strengths(rng, 12, 0.35)
        if nx.has_path(g, "n00", "n11"):
            full = list(itertools.islice(_search(g, "n00", "n11", "widest").routes(), 5))
            assert list(_search(g, "n00", "n11", "widest").routes(want=5)) == full


# --------------------------------------------------------------------------------------- hop labels


def test_route_text_names_each_hop_activity() -> None:
    # Nantes–Hamburg: project (n 2, β 1) → S = 1; Hamburg–Rijeka: study visit hosted by Rijeka (n 2, β 4) → S = 4.
    # cost 1 + 1/4 = 1.25; bottleneck 1; reliability (1 − e^−1)(1 − e^−4) = 0.62054
    t = build(
        cities=[
            {"id": "nantes", "name": "Nantes", "country": "FR"},
            {"id": "hamburg", "name": "Hamburg", "country": "DE"},
            {"id": "rijeka", "name": "Rijeka", "country": "HR"},
        ],
        projects=[{"id": "msl", "name": "mySMARTLife", "start": date(2016, 12, 1), "end": date(2021, 11, 30)}],
        parts=[("msl", "nantes"), ("msl", "hamburg")],
        exchanges=[{"id": "v", "date": date(2019, 5, 28), "host_id": "rijeka", "title": "ICT services"}],
        attend=[("v", "hamburg")],
    )
    (route,) = transfer_paths(t, "nantes", "Rijeka", weights=NO_DECAY)
    assert route.text == "Nantes —mySMARTLife (2016–2021)→ Hamburg —study visit 2019→ Rijeka"
    assert (route.cost, route.bottleneck) == (1.25, 1.0)
    assert route.reliability == pytest.approx((1 - math.exp(-1)) * (1 - math.exp(-4)))
    assert route.brokers == ("Hamburg",)
    assert [(h.activity_id, h.activity, h.channel, h.strength) for h in route.hops] == [
        ("msl", "mySMARTLife", "project", 1.0),
        ("v", "ICT services", "study_visit", 4.0),
    ]
    # time order, reversed: the 2019 visit, then the project (2016-12-01 – 2021-11-30) still running → τ stays 2019-05-28
    (back,) = transfer_paths(t, "rijeka", "nantes", weights=NO_DECAY, time_respecting=True)
    assert [h.when for h in back.hops] == [date(2019, 5, 28), date(2019, 5, 28)]
    frame = routes_frame([route])
    assert frame.to_dict("records") == [
        {
            "rank": 1,
            "route": route.text,
            "hops": 2,
            "cost": 1.25,
            "bottleneck": 1.0,
            "reliability": route.reliability,
            "brokers": "Hamburg",
        }
    ]


def test_tie_graph_carriers_and_labels() -> None:
    t = build(
        cities=["a", "b"],
        tandems=[{"a_id": "a", "b_id": "b", "topic": "energy;data", "since": date(2020, 3, 1)}],
        transfers=[{"from_id": "a", "to_id": "b", "solution": "Open data", "date": date(2021, 1, 1)}],
    )
    g = tie_graph(t, weights=NO_DECAY)
    # transfer 5 + tandem 3 = 8, two channels → × 1.25 = 10
    assert g["a"]["b"]["strength"] == 10.0 and g["a"]["b"]["cost"] == 0.1
    assert [c["label"] for c in g["a"]["b"]["carriers"]] == [
        "transfer Open data 2021",
        "declared tandem on energy, data since 2020",
    ]
    assert g["a"]["b"]["carriers"][1]["hi"] == math.inf  # running tandem: open-ended interval


# ------------------------------------------------------------------------------------ time order


def test_time_respecting_rejects_out_of_order_hop() -> None:
    # a-x 3 transfers (2020), x-b 3 transfers (2018): cost 2/3 but x-b happened before a-x → rejected.
    # a-y (2018-06-01) then y-b (2019-01-01): cost 2, in time order → the only time-respecting route.
    when = {
        ("a", "x"): date(2020, 1, 1),
        ("x", "b"): date(2018, 1, 1),
        ("a", "y"): date(2018, 6, 1),
        ("y", "b"): date(2019, 1, 1),
    }
    t = ties({("a", "x"): 3, ("x", "b"): 3, ("a", "y"): 1, ("y", "b"): 1}, when)
    assert nodes(transfer_paths(t, "a", "b", weights=COUNT)) == ["axb", "ayb"]
    timed = transfer_paths(t, "a", "b", weights=COUNT, time_respecting=True)
    assert nodes(timed) == ["ayb"]
    assert [h.when for h in timed[0].hops] == [date(2018, 6, 1), date(2019, 1, 1)]
    # without the detour nothing respects time order: a clear message, not a traceback
    t2 = ties({("a", "x"): 3, ("x", "b"): 3}, when)
    with pytest.raises(NoPathError) as exc:
        transfer_paths(t2, "A", "B", weights=COUNT, time_respecting=True)
    msg = str(exc.value)
    assert msg.startswith(
        "no time-respecting route from A to B: 1 route exists but none respects time order; the best, A —transfer"
    )
    assert msg.endswith("the tie X–B (transfer xb0 2018, 2018-01-01) ends before knowledge can reach X (earliest 2020-01-01)")
    # the reverse direction is in time order (2018 then 2020)
    assert nodes(transfer_paths(t2, "b", "a", weights=COUNT, time_respecting=True)) == ["bxa"]


def test_time_respecting_picks_the_activity_that_makes_the_route_feasible() -> None:
    # a-x: transfer 2021 (β 5, strongest) and a study visit 2015 (β 4); x-b: study visit 2018.
    # untimed, the a-x hop is labelled with the strongest activity (the 2021 transfer); in time order only the 2015
    # visit can precede the 2018 visit.
    t = build(
        cities=["a", "x", "b"],
        exchanges=[{"id": "v1", "date": date(2015, 5, 1)}, {"id": "v2", "date": date(2018, 5, 1)}],
        attend=[("v1", "a"), ("v1", "x"), ("v2", "x"), ("v2", "b")],
        transfers=[{"from_id": "a", "to_id": "x", "solution": "Smart grid", "date": date(2021, 1, 1)}],
    )
    (plain,) = transfer_paths(t, "a", "b", weights=NO_DECAY)
    assert plain.text == "A —transfer Smart grid 2021→ X —study visit 2018→ B"
    (timed,) = transfer_paths(t, "a", "b", weights=NO_DECAY, time_respecting=True)
    assert timed.text == "A —study visit 2015→ X —study visit 2018→ B"
    # and when both fit, the strongest is kept: x-b visit moved to 2022 → the 2021 transfer precedes it
    t.update(exchanges=t["exchanges"].assign(date=[date(2015, 5, 1), date(2022, 5, 1)]))
    (timed2,) = transfer_paths(t, "a", "b", weights=NO_DECAY, time_respecting=True)
    assert timed2.text == "A —transfer Smart grid 2021→ X —study visit 2022→ B"


def test_open_ended_tandem_and_project_intervals() -> None:
    # a-x declared tandem since 2015 (running: [2015, ∞)); x-b transfer 2014.
    # a→x→b: τ = 2015 at x, the 2014 transfer is earlier → infeasible; b→x→a: 2014, then the tandem → feasible (τ = 2015).
    t = build(
        cities=["a", "x", "b"],
        tandems=[{"a_id": "a", "b_id": "x", "since": date(2015, 1, 1)}],
        transfers=[{"from_id": "x", "to_id": "b", "date": date(2014, 1, 1)}],
    )
    with pytest.raises(NoPathError, match="none respects time order"):
        transfer_paths(t, "a", "b", time_respecting=True)
    (r,) = transfer_paths(t, "b", "a", time_respecting=True)
    assert [h.when for h in r.hops] == [date(2014, 1, 1), date(2015, 1, 1)]
    # undated activities cannot be placed in time (a dated transfer elsewhere: the data does have dates)
    t2 = build(
        cities=["a", "b", "c", "d"],
        tandems=[{"a_id": "a", "b_id": "b"}],
        transfers=[{"from_id": "c", "to_id": "d", "date": date(2014, 1, 1)}],
    )
    with pytest.raises(NoPathError, match="the tie A–B has no dated activity"):
        transfer_paths(t2, "a", "b", time_respecting=True)
    # nothing dated at all: the option cannot apply, and the message says so
    t3 = build(cities=["a", "b"], tandems=[{"a_id": "a", "b_id": "b"}])
    with pytest.raises(UsageError, match="nothing in this network has a date"):
        transfer_paths(t3, "a", "b", time_respecting=True)


# ---------------------------------------------------------------------------------------- messages


def test_no_path_messages() -> None:
    t = ties({("a", "b"): 1, ("b", "c"): 1, ("d", "e"): 1})
    with pytest.raises(NoPathError) as exc:
        transfer_paths(t, "a", "e")
    assert str(exc.value) == "no route from A to E: they are in different components (A's component has 3 members, E's has 2)"
    assert exc.value.exit_code == 7
    t["cities"] = build(cities=[{"id": x, "name": x.upper(), "country": "FR"} for x in "abcdef"])["cities"]
    with pytest.raises(NoPathError, match="^no route from A to F: F has no tie at level city$"):
        transfer_paths(t, "a", "f")


def test_topic_restricts_the_ties() -> None:
    # a-b energy transfer, b-c mobility transfer, a-c data transfer
    t = build(
        cities=["a", "b", "c"],
        transfers=[
            {"from_id": "a", "to_id": "b", "topic": "energy"},
            {"from_id": "b", "to_id": "c", "topic": "mobility;energy"},
            {"from_id": "a", "to_id": "c", "topic": "data"},
        ],
    )
    assert nodes(transfer_paths(t, "a", "c", weights=NO_DECAY, k=1)) == ["ac"]
    assert nodes(transfer_paths(t, "a", "c", topic="energy", weights=NO_DECAY)) == ["abc"]
    with pytest.raises(NoPathError, match="^no route from A to C: A has no tie about 'mobility' at level city$"):
        transfer_paths(t, "a", "c", topic="mobility")
    with pytest.raises(NotFoundError, match="^no activity about topic 'mobilty'; did you mean: mobility\\?$"):
        transfer_paths(t, "a", "c", topic="mobilty")


def test_bad_arguments() -> None:
    t = build(
        cities=[{"id": "muenchen", "name": "München", "country": "DE"}, {"id": "koeln", "name": "Köln", "country": "DE"}],
        transfers=[{"from_id": "muenchen", "to_id": "koeln"}],
    )
    with pytest.raises(NotFoundError, match="^no city 'Munich'; did you mean: München \\(muenchen\\)\\?$"):
        transfer_paths(t, "Munich", "koeln")
    with pytest.raises(UsageError, match="unknown mode 'fastest'; expected one of shortest, widest, reliable"):
        transfer_paths(t, "muenchen", "koeln", mode="fastest")
    with pytest.raises(UsageError, match="k must be a whole number ≥ 1, got 0"):
        transfer_paths(t, "muenchen", "koeln", k=0)
    with pytest.raises(UsageError, match="are the same city"):
        transfer_paths(t, "muenchen", "MÜNCHEN")
    (r,) = transfer_paths(t, "münchen", "KÖLN")
    assert r.text == "München —transfer s0→ Köln"  # undated transfer: no year in the label


@pytest.mark.skipif(not (SAMPLE / "cities.csv").exists(), reason="data/sample not built yet")
def test_sample_routes() -> None:
    from netlens.read import read_package
    from netlens.validation import validate

    tables, _ = validate(read_package(SAMPLE))
    routes = transfer_paths(tables, "Nantes", "Palencia", k=3)
    assert 1 <= len(routes) <= 3
    assert all(r.text.startswith("Nantes —") and r.text.endswith("→ Palencia") for r in routes)
    assert [r.cost for r in routes] == sorted(r.cost for r in routes)
    wide = transfer_paths(tables, "Nantes", "Palencia", mode="widest", k=3)
    assert [r.bottleneck for r in wide] == sorted((r.bottleneck for r in wide), reverse=True)


def _in_time(g: nx.Graph, p: list[str]) -> bool:
    """The module docstring's rule, independently: τ_i = max(τ_{i−1}, start_i) ≤ end_i, earliest carrier per hop."""
    tau = -math.inf
    for a, b in zip(p, p[1:]):
        options = [max(tau, c["lo"]) for c in g[a][b]["carriers"] if not math.isnan(c["lo"]) and max(tau, c["lo"]) <= c["hi"]]
        if not options:
            return False
        tau = min(options)
    return True


def _random_temporal(rng: random.Random, n: int, p: float) -> Tables:
    """Cities c0…c{n−1}; each tie carried by 1–3 activities: dated transfers (one day), two-member projects
    ([start, end]) and now and then a three-member project or a running tandem ([since, ∞))."""
    nodes_ = [f"c{i}" for i in range(n)]
    transfers: list[dict[str, object]] = []
    projects: list[dict[str, object]] = []
    parts: list[tuple[str, str]] = []
    tandems: list[dict[str, object]] = []

    def day() -> date:
        return date(2014 + rng.randrange(8), rng.randrange(1, 13), 1)

    for u, v in itertools.combinations(nodes_, 2):
        if rng.random() > p:
            continue
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.5:
                transfers.append({"from_id": u, "to_id": v, "date": day()})
            elif kind < 0.85:
                start = day()
                pid = f"p{len(projects)}"
                projects.append({"id": pid, "start": start, "end": date(start.year + rng.randrange(3), 12, 31)})
                members_ = [u, v] + ([rng.choice(nodes_)] if rng.random() < 0.2 else [])
                parts.extend((pid, m) for m in dict.fromkeys(members_))
            else:
                tandems.append({"a_id": u, "b_id": v, "since": day()})
    return build(cities=nodes_, projects=projects, parts=parts, transfers=transfers, tandems=tandems)


@pytest.mark.parametrize("mode", ["shortest", "widest", "reliable"])
def test_time_respecting_matches_brute_force_on_random_temporal_graphs(mode: str) -> None:
    # every simple route (networkx), kept when in time order, ranked by the mode: the k best must match in quality
    rng = random.Random({"shortest": 1, "widest": 2, "reliable": 3}[mode])
    compared = none = 0
    for _ in range(40):
        t = _random_temporal(rng, rng.randint(6, 8), rng.uniform(0.25, 0.5))
        g = tie_graph(t, weights=NO_DECAY)
        a, b = rng.sample(sorted(g), 2)
        if not nx.has_path(g, a, b):
            continue

        def quality(p: list[str], g: nx.Graph = g) -> tuple[float, ...]:
            es = [g[x][y] for x, y in zip(p, p[1:])]
            cost = sum(e["cost"] for e in es)
            if mode == "widest":
                return (-min(e["strength"] for e in es), cost)
            if mode == "reliable":
                return (sum(e["neglogp"] for e in es),)
            return (cost,)

        feasible = sorted((quality(p), p) for p in nx.all_simple_paths(g, a, b) if _in_time(g, p))
        if not feasible:
            with pytest.raises(NoPathError, match="none (of the routes between them )?respects time order"):
                transfer_paths(t, a, b, mode=mode, weights=NO_DECAY, time_respecting=True)
            none += 1
            continue
        got = transfer_paths(t, a, b, mode=mode, k=4, weights=NO_DECAY, time_respecting=True)
        assert len(got) == min(4, len(feasible))
        assert len({r.nodes for r in got}) == len(got)  # loopless, no duplicates
        for r in got:
            assert _in_time(g, list(r.nodes))
            assert all(h.when is not None for h in r.hops)
        assert [quality(list(r.nodes)) for r in got] == [pytest.approx(q) for q, _ in feasible[: len(got)]]
        compared += 1
    assert compared >= 15 and none >= 1


def _layers(m: int, dates: list[date], chain: list[date] | None = None) -> Tables:
    """s — layer 1 — … — t, complete between consecutive layers of m cities; the ties between layer i and i+1
    are 3 transfers on ``dates[i]``. ``chain``: a detour s — d0 — d1 — … — t of single transfers on those dates."""
    layers = [["s"], *[[f"l{i}x{j}" for j in range(m)] for i in range(len(dates) - 1)], ["t"]]
    rows: list[dict[str, Any]] = [
        {"from_id": u, "to_id": v, "solution": f"{u}{v}{r}", "date": d}
        for i, d in enumerate(dates)
        for u in layers[i]
        for v in layers[i + 1]
        for r in range(3)
    ]
    if chain:
        path = ["s", *[f"d{i}" for i in range(len(chain) - 1)], "t"]
        rows += [{"from_id": u, "to_id": v, "solution": f"{u}{v}", "date": d} for (u, v), d in zip(zip(path, path[1:]), chain)]
    cities = sorted({r["from_id"] for r in rows} | {r["to_id"] for r in rows})
    return build(cities=[{"id": x, "name": x.upper(), "country": "FR"} for x in cities], transfers=rows)


@pytest.fixture
def spur_searches(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the work the route searches do: spur searches of the untimed and of the time-respecting search."""
    counts = {"untimed": 0, "timed": 0}

    def counting(cls: type[Search], key: str) -> None:
        spur = cls._spur

        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts[key] += 1
            return spur(self, *args, **kwargs)

        monkeypatch.setattr(cls, "_spur", wrapped)

    counting(Search, "untimed")
    counting(TimedSearch, "timed")
    return counts


def test_impossible_time_respecting_query_fails_fast(spur_searches: dict[str, int]) -> None:
    # dates fall layer by layer: thousands of routes (zigzags between layers), none in time order. Generate-and-reject
    # checked them one by one (up to paths.max_candidates); the earliest-arrival search proves it at once.
    t = _layers(8, [date(2022, 1, 1), date(2021, 1, 1), date(2020, 1, 1), date(2019, 1, 1)])
    routes = transfer_paths(t, "s", "t", weights=COUNT, k=3)
    assert [len(r.hops) for r in routes] == [4, 4, 4]
    for mode in ("shortest", "widest", "reliable"):
        spur_searches.update(untimed=0, timed=0)
        with pytest.raises(
            NoPathError, match="^no time-respecting route from S to T: none of the routes between them respects"
        ) as exc:
            transfer_paths(t, "s", "t", mode=mode, weights=COUNT, k=3, time_respecting=True)
        # work, not wall-clock time: no time-respecting search at all, and the message's untimed search stops after
        # counting at most 21 routes (64 spur searches here) instead of rejecting thousands of routes
        assert spur_searches["timed"] == 0 and spur_searches["untimed"] <= 64
        # knowledge leaves S in 2022 and reaches only the first layer
        assert "knowledge from S reaches 8 of the 25 other members of its component); the best, S —" in str(exc.value)


def test_time_respecting_route_behind_thousands_of_untimed_ones(spur_searches: dict[str, int]) -> None:
    # the same layers, plus a weak detour s-d0-d1-d2-t in time order (2010 … 2013): each layered route costs 4/3, the
    # detour 4, so every layered route with up to 12 hops (thousands) comes first untimed; in time order it is the only one
    chain = [date(2010, 1, 1), date(2011, 1, 1), date(2012, 1, 1), date(2013, 1, 1)]
    t = _layers(8, [date(2022, 1, 1), date(2021, 1, 1), date(2020, 1, 1), date(2019, 1, 1)], chain)
    for mode in ("shortest", "widest", "reliable"):
        spur_searches.update(untimed=0, timed=0)
        (r,) = transfer_paths(t, "s", "t", mode=mode, weights=COUNT, k=3, time_respecting=True)
        # work, not wall-clock time: a handful of time-respecting spur searches (5: the route's hops and the first
        # search), never the thousands of untimed routes ahead of it
        assert spur_searches["timed"] <= 5 and spur_searches["untimed"] == 0
        assert r.nodes == ("s", "d0", "d1", "d2", "t") and r.cost == 4.0
        assert [h.when for h in r.hops] == chain


# ------------------------------------------------------------------------------ undated data, ambiguous names


def _undated() -> dict[str, pd.DataFrame]:
    # FP7-like: two undated projects, p = {a, b}, q = {b, c}; two cities called "Valencia" (ES and VE)
    cities = [
        {"id": "a", "name": "Valencia", "country": "ES"},
        {"id": "b", "name": "Vienna", "country": "AT"},
        {"id": "c", "name": "Valencia", "country": "VE"},
    ]
    return build(cities=cities, projects=[{"id": "p"}, {"id": "q"}], parts=[("p", "a"), ("p", "b"), ("q", "b"), ("q", "c")])


def test_time_respecting_on_undated_data_says_nothing_is_dated() -> None:
    # issue 12: FP7 (no dates) answered "no time-respecting route … has no dated activity"
    t = _undated()
    assert transfer_paths(t, "a", "c", k=1)[0].nodes == ("a", "b", "c")
    with pytest.raises(UsageError, match="--time-respecting needs dated activities, and nothing in this network has a date"):
        transfer_paths(t, "a", "c", time_respecting=True)


def test_ambiguous_name_lists_the_countries() -> None:
    with pytest.raises(UsageError, match=r"'Valencia' is ambiguous: Valencia \(a, ES\), Valencia \(c, VE\); use an id"):
        transfer_paths(_undated(), "Valencia", "Vienna")
