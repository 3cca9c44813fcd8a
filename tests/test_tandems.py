"""Tandem strength, disparity filter, weights loader and recommendations (netlens.analysis.strength, backbone,
weights, explain, recommend).

Every expected number is computed by hand in the comment next to it. Unless a test says otherwise the
packages below are undated (decay 1) and use the default weights:
β: mentoring 5, study_visit 4, tandem_meeting 3, workshop 2, conference 1.5, webinar 1.5, project 1,
other 1, tandem 3, transfer 5; g(n) = 1/(n−1); λ = ln2/5; γ = 0.25 (count); reciprocity bonus 0.5.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from netlens.analysis.backbone import disparity_filter
from netlens.analysis.evidence import pair_activities
from netlens.analysis.explain import explain_pair
from netlens.analysis.names import resolve_member
from netlens.analysis.recommend import recommend
from netlens.analysis.strength import tandem_strength, ties_for_store
from netlens.analysis.weights import CHANNELS, load_weights
from netlens.errors import NotFoundError, UsageError
from netlens.model import projection as model
from netlens.validation import Tables

from .builders import NO_DECAY, build
from .conftest import SAMPLE, Cordis

# ------------------------------------------------------------------------------------------ helpers


def pair(df: pd.DataFrame, a: str, b: str) -> pd.Series:
    u, v = sorted((a, b))
    hit = df[(df["a"] == u) & (df["b"] == v)]
    assert len(hit) == 1, f"pair {u}-{v} not found"
    return hit.iloc[0]


# ------------------------------------------------------------------------------------ Newman golden


def test_newman_golden_values_from_networkx_docstring() -> None:
    # networkx collaboration_weighted_projected_graph docstring: B = path 0-1-2-3-4 plus edge 1-5,
    # projected onto {0, 2, 4, 5}: activity 1 has members {0, 2, 5} (n = 3: 1/(3−1) = 0.5 per pair),
    # activity 3 has {2, 4} (n = 2: 1). Golden: (0,2) 0.5, (0,5) 0.5, (2,4) 1.0, (2,5) 0.5.
    t = build(
        cities=["0", "2", "4", "5"],
        projects=[{"id": "1"}, {"id": "3"}],
        parts=[("1", "0"), ("1", "2"), ("1", "5"), ("3", "2"), ("3", "4")],
    )
    df = tandem_strength(t, weights=NO_DECAY)
    got = {(r.a, r.b): r.strength for r in df.itertuples()}
    assert got == {("0", "2"): 0.5, ("0", "5"): 0.5, ("2", "4"): 1.0, ("2", "5"): 0.5}
    # …and the same numbers as networkx itself
    B = nx.path_graph(5)
    B.add_edge(1, 5)
    G = nx.bipartite.collaboration_weighted_projected_graph(B, [0, 2, 4, 5])
    assert {(str(u), str(v)): d["weight"] for u, v, d in G.edges(data=True)} == got


def test_projects_only_without_decay_equals_model_newman_weight() -> None:
    # with λ = 0, γ = 0 and projects only, S_ij is exactly model.projection's Newman weight
    t = build(
        cities=["a", "b", "c", "d"],
        projects=[{"id": "p"}, {"id": "q"}, {"id": "r"}],
        parts=[("p", "a"), ("p", "b"), ("p", "c"), ("q", "a"), ("q", "b"), ("r", "c"), ("r", "d"), ("r", "a")],
    )
    df = tandem_strength(t, weights=NO_DECAY)
    g = model.projection(t, level="city")
    assert {(r.a, r.b): pytest.approx(r.strength) for r in df.itertuples()} == {
        tuple(sorted((u, v))): d["weight"] for u, v, d in g.edges(data=True)
    }
    # a-b: p (n=3) 0.5 + q (n=2) 1 = 1.5
    assert pair(df, "a", "b")["strength"] == 1.5


# ----------------------------------------------------------------------------------- formula terms


@pytest.mark.parametrize(("discount", "expected"), [("newman", 0.5), ("sqrt", 1 / math.sqrt(2)), ("none", 1.0)])
def test_size_discount_g(discount: str, expected: float) -> None:
    # one project with three members: g(3) = 1/2 (newman), 1/√2 (sqrt), 1 (none); β_project = 1
    t = build(cities=["a", "b", "c"], projects=[{"id": "p"}], parts=[("p", "a"), ("p", "b"), ("p", "c")])
    w = load_weights(overrides={"size": {"discount": discount}, "decay": {"lambda": 0.0}})
    df = tandem_strength(t, weights=w)
    assert len(df) == 3
    assert df["strength"].tolist() == pytest.approx([expected] * 3)


def test_decay_exact_half_after_four_years() -> None:
    # project ends 2016-01-01, reference 2020-01-01: 1461 days = 4.0 years (365.25 d);
    # λ = ln2/4 → decay = e^{−ln2} = 0.5; n = 2 → g = 1, β = 1 → S = 0.5
    t = build(
        cities=["a", "b"],
        projects=[{"id": "p", "start": date(2014, 1, 1), "end": date(2016, 1, 1)}],
        parts=[("p", "a"), ("p", "b")],
    )
    w = load_weights(overrides={"decay": {"lambda": math.log(2) / 4, "reference_date": date(2020, 1, 1)}})
    row = tandem_strength(t, weights=w).iloc[0]
    assert row["strength"] == pytest.approx(0.5)
    assert row["recency"] == date(2016, 1, 1)
    # the reference date may also be an ISO string; a reference date before the end → no decay (age clipped at 0)
    w2 = load_weights(overrides={"decay": {"lambda": 1.0, "reference_date": "2015-06-01"}})
    assert tandem_strength(t, weights=w2).iloc[0]["strength"] == 1.0


def test_default_reference_date_is_latest_date_in_data() -> None:
    # latest date = the transfer (2022-01-01); the study visit 2019-01-01 → age 1096 d = 3.0007 y;
    # with λ = ln2/5 the visit (β 4, n 2) contributes 4·2^(−3.0007/5)
    t = build(
        cities=["a", "b", "c"],
        exchanges=[{"id": "x", "date": date(2019, 1, 1), "host_id": "a"}],
        attend=[("x", "b")],
        transfers=[{"from_id": "b", "to_id": "c", "date": date(2022, 1, 1)}],
    )
    df = tandem_strength(t)
    assert df.attrs["reference_date"] == date(2022, 1, 1)
    assert pair(df, "a", "b")["strength"] == pytest.approx(4 * 2 ** (-(1096 / 365.25) / 5))
    assert pair(df, "b", "c")["strength"] == pytest.approx(5.0)  # transfer on the reference date: decay 1
    # `until` becomes the reference date: 2020-01-01 − 2019-01-01 = 365 d
    df2 = tandem_strength(t, until=date(2020, 1, 1))
    assert df2.attrs["reference_date"] == date(2020, 1, 1)
    assert pair(df2, "a", "b")["strength"] == pytest.approx(4 * 2 ** (-(365 / 365.25) / 5))
    assert len(df2) == 1  # the 2022 transfer is outside the window


@pytest.mark.parametrize(
    ("channel", "beta"),
    [
        ("mentoring", 5),
        ("study_visit", 4),
        ("tandem_meeting", 3),
        ("workshop", 2),
        ("conference", 1.5),
        ("webinar", 1.5),
        ("other", 1),
    ],
)
def test_beta_per_exchange_channel(channel: str, beta: float) -> None:
    # two attendees, no host: n = 2, g = 1, undated? no — exchanges are dated; λ = 0 → S = β
    t = build(cities=["a", "b"], exchanges=[{"id": "x", "type": channel}], attend=[("x", "a"), ("x", "b")])
    row = tandem_strength(t, weights=NO_DECAY).iloc[0]
    assert row["strength"] == beta
    assert row[channel] == beta
    assert row["channels"] == [channel]


def test_multiplexity_count_and_normalised() -> None:
    # a-b share a project (n=2: 1·1) and a workshop (n=2: 2·1): base 3, 2 channels → multiplexity 1
    # count: 3 × (1 + 0.25·1) = 3.75; normalised: 3 × (1 + 0.25·1/9) = 3.083333…
    t = build(
        cities=["a", "b"],
        projects=[{"id": "p"}],
        parts=[("p", "a"), ("p", "b")],
        exchanges=[{"id": "x", "type": "workshop"}],
        attend=[("x", "a"), ("x", "b")],
    )
    row = tandem_strength(t, weights=NO_DECAY).iloc[0]
    assert (row["base"], row["project"], row["workshop"], row["multiplexity"]) == (3.0, 1.0, 2.0, 1)
    assert row["strength"] == pytest.approx(3.75)
    w = load_weights(overrides={"decay": {"lambda": 0.0}, "multiplexity": {"mode": "normalised"}})
    assert tandem_strength(t, weights=w).iloc[0]["strength"] == pytest.approx(3 * (1 + 0.25 / 9))
    # a channel switched off (β = 0) does not count towards multiplexity: base 1, multiplexity 0
    w0 = load_weights(overrides={"decay": {"lambda": 0.0}, "channels": {"workshop": 0.0}})
    row0 = tandem_strength(t, weights=w0).iloc[0]
    assert (row0["strength"], row0["multiplexity"]) == (1.0, 0)


def test_reciprocity_hosting_both_ways() -> None:
    # x1 hosted by a, attended by b (a→b); x2 hosted by b, attended by a (b→a); both study visits n=2:
    # base 4 + 4 = 8, one channel (multiplexity 0), both directions → × 1.5 = 12
    t = build(
        cities=["a", "b", "c"],
        exchanges=[{"id": "x1", "host_id": "a"}, {"id": "x2", "host_id": "b"}, {"id": "x3", "host_id": "a"}],
        attend=[("x1", "b"), ("x2", "a"), ("x3", "c")],
    )
    df = tandem_strength(t, weights=NO_DECAY)
    ab = pair(df, "a", "b")
    assert (ab["base"], ab["reciprocity"], ab["strength"]) == (8.0, 1.5, 12.0)
    assert "flows both ways (A→B 1×, B→A 1×)" in ab["explanation"]
    ac = pair(df, "a", "c")  # one direction only: 4 × 1 × 1
    assert (ac["reciprocity"], ac["strength"]) == (1.0, 4.0)


def test_transfers_and_declared_tandems_as_channels() -> None:
    # a→b transfer (β 5) and b→a transfer (β 5): base 10, one channel, reciprocal → 15
    # c-d declared tandem (β 3, since 2020, running → decay 1) plus a transfer c→d 2016 with λ = ln2/4 and
    # t = 2020-01-01 (1461 d = 4 y → decay ½): base 3 + 2.5 = 5.5, two channels → × 1.25 = 6.875
    t = build(
        cities=["a", "b", "c", "d"],
        transfers=[
            {"from_id": "a", "to_id": "b", "date": date(2020, 1, 1)},
            {"from_id": "b", "to_id": "a", "date": date(2020, 1, 1)},
            {"from_id": "c", "to_id": "d", "date": date(2016, 1, 1)},
        ],
        tandems=[{"a_id": "c", "b_id": "d", "since": date(2020, 1, 1), "topic": "energy"}],
    )
    w = load_weights(overrides={"decay": {"lambda": math.log(2) / 4}})
    df = tandem_strength(t, weights=w)
    ab = pair(df, "a", "b")
    assert (ab["transfer"], ab["reciprocity"], ab["strength"]) == (10.0, 1.5, 15.0)
    cd = pair(df, "c", "d")
    assert (cd["tandem"], cd["transfer"]) == (3.0, pytest.approx(2.5))
    assert cd["strength"] == pytest.approx(6.875)
    assert cd["explanation"] == "declared tandem on energy since 2020, transfer C→D: s2 2016"
    # a tandem that ended (until 2016-01-01) decays like any activity: 3 · ½ = 1.5
    t2 = build(
        cities=["c", "d"],
        tandems=[{"a_id": "c", "b_id": "d", "since": date(2010, 1, 1), "until": date(2016, 1, 1)}],
        transfers=[{"from_id": "c", "to_id": "d", "date": date(2020, 1, 1)}],
    )
    cd2 = pair(tandem_strength(t2, weights=w), "c", "d")
    assert cd2["tandem"] == pytest.approx(1.5)


def test_city_level_counts_a_city_once_and_maps_organisations() -> None:
    # project p: city a directly, organisation o1 (in a), organisation o2 (in b), city c → at city level
    # members {a, b, c}: n = 3, each pair 0.5. Organisation level: {a, o1, o2, c}, n = 4 → 1/3 per pair.
    t = build(
        cities=["a", "b", "c"],
        orgs=[{"id": "o1", "name": "O1", "city_id": "a"}, {"id": "o2", "name": "O2", "city_id": "b"}],
        projects=[{"id": "p"}],
        parts=[("p", "a"), ("p", "o1"), ("p", "o2"), ("p", "c")],
    )
    city = tandem_strength(t, weights=NO_DECAY)
    assert sorted(zip(city["a"], city["b"])) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert city["strength"].tolist() == [0.5, 0.5, 0.5]
    org = tandem_strength(t, level="organisation", weights=NO_DECAY)
    assert len(org) == 6 and org["strength"].tolist() == pytest.approx([1 / 3] * 6)


# ------------------------------------------------------------------------------- weights → ranking


def _two_pairs() -> Tables:
    # a-b: one study visit (n 2): 4·β_sv/4 ; c-d: five projects (n 2): 5·β_project
    return build(
        cities=["a", "b", "c", "d"],
        projects=[{"id": f"p{i}"} for i in range(5)],
        parts=[(f"p{i}", m) for i in range(5) for m in ("c", "d")],
        exchanges=[{"id": "x"}],
        attend=[("x", "a"), ("x", "b")],
    )


def test_beta_change_flips_ranking() -> None:
    # default: c-d = 5·1 = 5 > a-b = 4; with β_study_visit = 6: a-b = 6 > c-d = 5
    t = _two_pairs()
    df = tandem_strength(t, weights=NO_DECAY)
    assert [(r.a, r.b, r.strength, r.rank) for r in df.itertuples()] == [("c", "d", 5.0, 1), ("a", "b", 4.0, 2)]
    w = load_weights(overrides={"decay": {"lambda": 0.0}, "channels": {"study_visit": 6.0}})
    df2 = tandem_strength(t, weights=w)
    assert [(r.a, r.b, r.strength, r.rank) for r in df2.itertuples()] == [("a", "b", 6.0, 1), ("c", "d", 5.0, 2)]


def test_lambda_change_favours_recent_ties() -> None:
    # a-b: study visit 2010-01-01 (β 4); c-d: webinar 2020-01-01 (β 1.5); t = 2020-01-01.
    # λ = 0: a-b 4 > c-d 1.5. λ = ln2/5: age 3652 d = 9.99863 y → decay 2^(−1.99973) = 0.25005 → a-b 1.0002 < 1.5
    t = build(
        cities=["a", "b", "c", "d"],
        exchanges=[{"id": "x", "date": date(2010, 1, 1)}, {"id": "y", "type": "webinar", "date": date(2020, 1, 1)}],
        attend=[("x", "a"), ("x", "b"), ("y", "c"), ("y", "d")],
    )
    assert tandem_strength(t, weights=NO_DECAY)[["a", "strength"]].values.tolist() == [["a", 4.0], ["c", 1.5]]
    df = tandem_strength(t)
    assert df["a"].tolist() == ["c", "a"]
    assert pair(df, "a", "b")["strength"] == pytest.approx(4 * 2 ** (-(3652 / 365.25) / 5))
    assert pair(df, "a", "b")["strength"] == pytest.approx(1.0002, abs=1e-4)


def test_gamma_rewards_multiplex_ties() -> None:
    # a-b: project (1) + webinar (1.5) = 2.5 over 2 channels; c-d: tandem meeting (3), one channel.
    # γ = 0.25: a-b 2.5·1.25 = 3.125 > 3; γ = 0: 2.5 < 3
    t = build(
        cities=["a", "b", "c", "d"],
        projects=[{"id": "p"}],
        parts=[("p", "a"), ("p", "b")],
        exchanges=[{"id": "x", "type": "webinar"}, {"id": "y", "type": "tandem_meeting"}],
        attend=[("x", "a"), ("x", "b"), ("y", "c"), ("y", "d")],
    )
    df = tandem_strength(t, weights=NO_DECAY)
    assert [(r.a, r.strength) for r in df.itertuples()] == [("a", 3.125), ("c", 3.0)]
    w = load_weights(overrides={"decay": {"lambda": 0.0}, "multiplexity": {"gamma": 0.0}})
    assert [(r.a, r.strength) for r in tandem_strength(t, weights=w).itertuples()] == [("c", 3.0), ("a", 2.5)]


# ------------------------------------------------------------------------------------------ weights file


def test_user_weights_file_overrides_some_keys(tmp_path: Path) -> None:
    f = tmp_path / "w.toml"
    f.write_text("[channels]\nstudy_visit = 6\n[decay]\nreference_date = 2021-06-30\n", encoding="utf-8")
    w = load_weights(f)
    assert w.beta["study_visit"] == 6.0 and w.beta["mentoring"] == 5.0  # others keep the defaults
    assert w.reference_date == date(2021, 6, 30) and w.gamma == 0.25
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.gamma = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[channels]\nstudyvisit = 6\n", "w.toml: unknown key channels.studyvisit (did you mean channels.study_visit?)"),
        ("[chanels]\nproject = 1\n", "w.toml: unknown section 'chanels' (did you mean 'channels'?)"),
        ("[channels]\nproject = -1\n", "w.toml: channels.project must be ≥ 0, got -1"),
        ('[decay]\nlambda = "fast"\n', "w.toml: decay.lambda must be a number, got 'fast'"),
        ('[size]\ndiscount = "log"\n', "w.toml: size.discount must be one of newman, sqrt, none, got 'log'"),
        ("[significance]\nthreshold = 0\n", "w.toml: significance.threshold must be > 0 and ≤ 1, got 0"),
        (
            '[decay]\nreference_date = "yesterday"\n',
            "w.toml: decay.reference_date must be \"latest\" or an ISO date, got 'yesterday'",
        ),
        ("[paths]\nmax_candidates = 0\n", "w.toml: paths.max_candidates must be a whole number ≥ 1, got 0"),
        ("[channels\n", "w.toml: not valid TOML"),
    ],
)
def test_bad_weights_are_rejected_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "w.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        load_weights(f)
    assert str(exc.value).startswith(message)


def test_missing_weights_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such weights file"):
        load_weights(tmp_path / "nope.toml")


# ----------------------------------------------------------------------------------------- disparity


def test_disparity_filter_hand_computed_triangle_with_pendant() -> None:
    # triangle a-b-c (weights 1) plus c-d (7). c: s = 9, k = 3 → α_cd = (1 − 7/9)² = 4/81 = 0.0494 < 0.05,
    # α_ca = α_cb = (8/9)² = 0.790; a: s = 2, k = 2 → α_ab = α_ac = (1 − ½)¹ = 0.5; d has degree 1 → α = 1.
    G = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1}), ("c", "a", {"weight": 1}), ("c", "d", {"weight": 7})])
    df = disparity_filter(G).set_index(["u", "v"])
    assert df.loc[("c", "d"), "alpha_u"] == pytest.approx(4 / 81)
    assert df.loc[("c", "d"), "alpha_v"] == 1.0
    assert df.loc[("b", "c"), "alpha_v"] == pytest.approx(64 / 81)
    assert df.loc[("a", "b"), "alpha"] == pytest.approx(0.5)
    assert df["significant"].to_dict() == {("a", "b"): False, ("a", "c"): False, ("b", "c"): False, ("c", "d"): True}
    # a stricter threshold drops it; keep_degree_one keeps every edge of a degree-1 node
    assert not disparity_filter(G, threshold=0.04)["significant"].any()
    star = nx.star_graph(3)
    nx.set_edge_attributes(star, 1.0, "weight")
    assert not disparity_filter(star)["significant"].any()  # (1 − 1/3)² = 0.444 from the hub, 1 from the leaves
    assert disparity_filter(star, keep_degree_one=True)["significant"].all()


def test_strength_table_significance_is_disparity_on_strength_graph() -> None:
    t = build(
        cities=["a", "b", "c", "d"],
        projects=[{"id": "p"}, {"id": "q"}],
        parts=[("p", "a"), ("p", "b"), ("p", "c"), ("p", "d"), ("q", "a"), ("q", "b")],
        exchanges=[{"id": "x", "type": "mentoring"}],
        attend=[("x", "a"), ("x", "b")],
    )
    df = tandem_strength(t, weights=NO_DECAY)
    G = nx.Graph()
    G.add_weighted_edges_from(zip(df["a"], df["b"], df["strength"]))
    ref = disparity_filter(G).set_index(["u", "v"])
    for r in df.itertuples():
        key = (r.a, r.b) if (r.a, r.b) in ref.index else (r.b, r.a)
        assert r.alpha == pytest.approx(ref.loc[key, "alpha"])
        assert r.significant == ref.loc[key, "significant"]
    # a-b: p (1/3) + q (1) + mentoring 5 = 6.333, × 1.25 (2 channels) = 7.917; a: s = 7.917 + 2·(1/3), k = 3
    # α = (1 − 7.917/8.583)² = 0.00603 → significant
    ab = pair(df, "a", "b")
    assert ab["strength"] == pytest.approx((1 / 3 + 1 + 5) * 1.25)
    assert ab["alpha"] == pytest.approx((1 - ab["strength"] / (ab["strength"] + 2 / 3)) ** 2)
    assert ab["significant"]


# -------------------------------------------------------------------------------------- explanations


def test_explanation_sentence_names_every_channel() -> None:
    # the example: "3 projects (…), 2 study visits (2019), mentoring 2019; declared tandem since 2020"
    t = build(
        cities=["a", "b"],
        projects=[
            {"id": "msl", "name": "mySMARTLife", "start": date(2016, 12, 1), "end": date(2021, 11, 30)},
            {"id": "q", "name": "Q", "start": date(2018, 1, 1), "end": date(2018, 6, 1)},
            {"id": "r", "name": "R"},
        ],
        parts=[(p, m) for p in ("msl", "q", "r") for m in ("a", "b")],
        exchanges=[
            {"id": "v1", "date": date(2019, 3, 1)},
            {"id": "v2", "date": date(2019, 5, 1)},
            {"id": "m", "type": "mentoring", "date": date(2019, 9, 1)},
        ],
        attend=[(x, m) for x in ("v1", "v2", "m") for m in ("a", "b")],
        tandems=[{"a_id": "b", "b_id": "a", "since": date(2020, 1, 1)}],
    )
    row = tandem_strength(t, weights=NO_DECAY).iloc[0]
    assert row["explanation"] == (
        "3 projects (mySMARTLife 2016–2021, Q 2018, R), 2 study visits (2019), mentoring 2019; declared tandem since 2020"
    )
    assert row["channels"] == ["project", "mentoring", "study_visit", "tandem"]
    assert row["n_activities"] == 7


def test_explain_top_limits_named_explanations() -> None:
    t = _two_pairs()
    df = tandem_strength(t, weights=NO_DECAY, explain_top=1)
    assert df["explanation"].tolist() == ["5 projects (p0, p1, p2, +2 more)", "1 study visit"]


def test_explain_pair_breakdown_and_text() -> None:
    # München hosts a mentoring session for Köln (2019-06-01, n = 2) and both are in project p (n = 3, ends 2020-01-01)
    # with Lyon. t = 2020-01-01 (latest date), λ = ln2/5.
    # mentoring: age 214 d = 0.58590 y → 5 · 1 · e^(−0.081224) = 4.60995; project: 1 · ½ · 1 = 0.5;
    # base 5.10995, 2 channels → × 1.25 = 6.3874
    cities = [
        {"id": "muenchen", "name": "München", "country": "DE"},
        {"id": "koeln", "name": "Köln", "country": "DE"},
        {"id": "lyon", "name": "Lyon", "country": "FR"},
    ]
    t = build(
        cities=cities,
        projects=[{"id": "p", "name": "P", "start": date(2017, 1, 1), "end": date(2020, 1, 1)}],
        parts=[("p", "muenchen"), ("p", "koeln"), ("p", "lyon")],
        exchanges=[{"id": "m", "type": "mentoring", "date": date(2019, 6, 1), "host_id": "muenchen", "title": "Data"}],
        attend=[("m", "koeln")],
    )
    e = explain_pair(t, "KOLN", "munchen")
    assert (e.a, e.b) == ("koeln", "muenchen")
    mentoring = 5 * 2 ** (-(214 / 365.25) / 5)
    assert [(x.id, x.channel, x.n, x.g, x.beta, x.direction) for x in e.activities] == [
        ("m", "mentoring", 2, 1.0, 5.0, "b→a"),
        ("p", "project", 3, 0.5, 1.0, None),
    ]
    assert e.activities[0].contribution == pytest.approx(mentoring)
    assert e.activities[0].date == date(2019, 6, 1) and e.activities[1].decay == 1.0
    assert e.base == pytest.approx(mentoring + 0.5)
    assert sum(x.contribution for x in e.activities) == pytest.approx(e.base)
    assert e.strength == pytest.approx((mentoring + 0.5) * 1.25)
    assert e.rank == 1 and e.reference_date == date(2020, 1, 1)
    assert e.summary == "1 project (P 2017–2020), mentoring 2019"
    text = e.text
    assert text.startswith("Köln (koeln) – München (muenchen), level city: tandem strength 6.387")
    assert "München→Köln" in text  # the host's direction, named
    assert "× multiplexity (1 + γ·1) = 1.25 × reciprocity 1 → strength 6.387" in text


def test_explain_pair_unknown_name_suggests_close_matches() -> None:
    t = build(cities=[{"id": "muenchen", "name": "München", "country": "DE"}, {"id": "koeln", "name": "Köln", "country": "DE"}])
    with pytest.raises(NotFoundError) as exc:
        explain_pair(t, "Munchn", "koeln")
    assert str(exc.value) == "no city 'Munchn'; did you mean: München (muenchen)?"
    with pytest.raises(NotFoundError, match="^no city 'Zzz'$"):
        explain_pair(t, "Zzz", "koeln")
    with pytest.raises(UsageError, match="are the same city"):
        explain_pair(t, "koeln", "Köln")
    e = explain_pair(t, "koeln", "muenchen")  # no shared activity: strength 0, a clear text
    assert e.strength == 0 and e.rank is None
    assert e.text == (
        "Köln (koeln) – München (muenchen), level city: no shared activity, declared tandem or transfer; tandem strength 0"
    )


def test_resolve_member_organisation_maps_to_city_and_ambiguity() -> None:
    t = build(
        cities=[{"id": "a", "name": "Springfield", "country": "US"}, {"id": "b", "name": "Springfield", "country": "GB"}],
        orgs=[{"id": "o", "name": "Town Hall", "city_id": "a"}, {"id": "o2", "name": "Free Agent"}],
    )
    assert resolve_member(t, "town hall") == "a"
    assert resolve_member(t, "town hall", level="organisation") == "o"
    with pytest.raises(UsageError, match="ambiguous: Springfield \\(a, US\\), Springfield \\(b, GB\\)"):
        resolve_member(t, "springfield")
    with pytest.raises(NotFoundError, match="organisation without a city"):
        resolve_member(t, "o2")


def test_pair_activities_rows_and_topic_filter() -> None:
    t = build(
        cities=["a", "b"],
        projects=[{"id": "p", "topics": ["energy"]}, {"id": "q", "topics": ["mobility"]}],
        parts=[("p", "a"), ("p", "b"), ("q", "a"), ("q", "b")],
        exchanges=[{"id": "x", "project_id": "p", "host_id": "a"}],
        attend=[("x", "b")],
    )
    rows = pair_activities(t, weights=NO_DECAY)
    assert sorted(rows["activity_id"]) == ["p", "q", "x"]
    assert rows.set_index("activity_id").loc["x", "direction"] == "a→b"
    # the exchange has no topics, so it inherits its project's (energy)
    energy = tandem_strength(t, weights=NO_DECAY, topic="Energy").iloc[0]
    assert energy["n_activities"] == 2 and energy["strength"] == pytest.approx((1 + 4) * 1.25)
    with pytest.raises(NotFoundError, match="did you mean: energy"):
        tandem_strength(t, topic="enrgy")


def test_ties_for_store_plain_values() -> None:
    t = _two_pairs()
    ties = ties_for_store(tandem_strength(t, weights=NO_DECAY))
    assert list(ties.columns[:4]) == ["u", "v", "strength", "rank"]
    rec = ties.to_dict("records")[0]
    assert (rec["u"], rec["v"], rec["channels"], rec["significant"]) == ("c", "d", "project", False)
    assert type(rec["strength"]) is float and type(rec["rank"]) is int and type(rec["significant"]) is bool
    assert rec["recency"] is None and rec["breakdown"] == "5 projects (p0, p1, p2, +2 more)"
    assert set(CHANNELS) <= set(ties.columns)


def test_empty_tables_give_empty_frames() -> None:
    t = build(cities=["a"])
    assert tandem_strength(t).empty
    assert recommend(t).empty


# ---------------------------------------------------------------------------------- recommendations


def _rec_tables() -> Tables:
    # hub h shares project p (energy) with a, and project q (mobility; data) with b; c shares q too but
    # c and b are declared tandems. a (FR, Paris) – b (FR, Lyon): 391.5 km; a – c (DE, Berlin).
    cities: list[dict[str, object]] = [
        {"id": "a", "name": "Paris", "country": "FR", "lat": 48.8566, "lon": 2.3522},
        {"id": "b", "name": "Lyon", "country": "FR", "lat": 45.7640, "lon": 4.8357},
        {"id": "c", "name": "Berlin", "country": "DE", "lat": 52.5200, "lon": 13.4050},
        {"id": "h", "name": "Hub", "country": "BE"},
    ]
    return build(
        cities=cities,
        projects=[{"id": "p", "name": "P", "topics": ["energy"]}, {"id": "q", "name": "Q", "topics": ["mobility", "data"]}],
        parts=[("p", "a"), ("p", "h"), ("q", "b"), ("q", "h"), ("q", "c")],
        tandems=[{"a_id": "b", "b_id": "c"}],
    )


def test_recommend_explains_offer_and_closeness() -> None:
    r = recommend(_rec_tables())
    # tie graph: a-h (p), b-h, c-h, b-c (q; b-c also a declared tandem). Only pairs not tied yet are candidates:
    # a-b and a-c (b-h, c-h share q, b-c is tied). a-b: common partner h (k_h = 3): RA = 1/3, AA = 1/ln 3 = 0.9102;
    # a offers energy, b offers data + mobility → 3 topics → score 3 · 1/3 = 1.   a-c: the same score, but 877 km
    # instead of 391 km → second.
    assert r[["a", "b", "score"]].values.tolist() == [["a", "b", 1.0], ["a", "c", 1.0]]
    assert r.attrs["why"] == ""
    first = r.iloc[0]
    assert first["score"] == pytest.approx(1.0)
    assert first["resource_allocation"] == pytest.approx(1 / 3) and first["adamic_adar"] == pytest.approx(1 / math.log(3))
    assert first["offers_a"] == ["energy"] and first["offers_b"] == ["data", "mobility"]
    assert first["offers"] == "Paris→Lyon: energy; Lyon→Paris: data, mobility"
    assert first["distance_km"] == pytest.approx(391.5, abs=0.5)  # haversine, R = 6371.0088 km
    assert first["explanation"] == (
        "Paris offers energy (project P) that Lyon lacks; Lyon offers data, mobility (project Q) that Paris lacks; "
        "1 common partner: Hub (resource allocation 0.333, Adamic–Adar 0.91); 391 km apart; same language area (fr)"
    )
    assert first["common_partners"] == ["Hub"]


def test_recommend_filters_distance_and_language() -> None:
    t = _rec_tables()
    assert recommend(t, max_km=500)[["a", "b"]].values.tolist() == [["a", "b"]]  # Paris–Berlin is 877 km
    assert recommend(t, same_language=True)[["a", "b"]].values.tolist() == [["a", "b"]]  # Berlin is de
    assert recommend(t, max_km=100).empty
    # Adamic–Adar as closeness: score = 3 / ln 3
    w = load_weights(overrides={"recommend": {"closeness": "adamic_adar"}})
    assert recommend(t, weights=w).iloc[0]["score"] == pytest.approx(3 / math.log(3))


def test_recommend_needs_complementarity() -> None:
    # a and b both in project p (energy) with hub h: nothing to offer each other → no recommendation
    t = build(cities=["a", "b", "h"], projects=[{"id": "p", "topics": ["energy"]}], parts=[("p", "a"), ("p", "b"), ("p", "h")])
    assert recommend(t).empty


# ----------------------------------------------------------------------------------- real datasets


@pytest.mark.skipif(not (SAMPLE / "cities.csv").exists(), reason="data/sample not built yet")
def test_sample_package_runs_and_explains_every_pair() -> None:
    from netlens.read import read_package
    from netlens.validation import validate

    tables, _ = validate(read_package(SAMPLE))
    df = tandem_strength(tables)
    assert len(df) > 0 and (df["strength"] > 0).all()
    assert df["strength"].is_monotonic_decreasing
    assert df["explanation"].str.len().gt(0).all()
    assert (df[list(CHANNELS)].sum(axis=1) - df["base"]).abs().max() < 1e-9
    recs = recommend(tables)
    assert recs["explanation"].str.contains("lacks").all()


@pytest.mark.slow
def test_cordis_organisation_level_is_fast_and_equals_newman_without_decay(cordis_h2020: Cordis) -> None:
    tables = cordis_h2020.tables
    # the wall-clock check (under 60 s) moved to bench/bench_tandems.py
    df = tandem_strength(tables, level="organisation", weights=NO_DECAY)
    edges = model.projection_edges(model.memberships(tables, level="organisation"))
    assert len(df) == len(edges) > 700_000
    merged = df.merge(edges, left_on=["a", "b"], right_on=["u", "v"])
    assert len(merged) == len(edges)
    assert (merged["strength"] - merged["weight"]).abs().max() < 1e-9  # projects only, λ = 0, one channel


def test_recommend_matrix_counts_agree_with_the_topic_lists() -> None:
    """Scores come from sparse topic-count products; the listed topics from per-pair set differences."""
    from netlens.read import read_package
    from netlens.validation import validate_or_raise

    from .conftest import SAMPLE

    t = validate_or_raise(read_package(SAMPLE))[0]
    r = recommend(t, top=None)
    assert len(r) > 10
    for row in r.itertuples(index=False):
        assert row.offers_a or row.offers_b
        assert row.score == pytest.approx((len(row.offers_a) + len(row.offers_b)) * row.resource_allocation)


def test_recommend_never_proposes_a_pair_already_tied() -> None:
    # issue 12: on CORDIS the top recommendation was Munich–Paris, already the strongest tie (670 shared projects)
    t = _rec_tables()
    r = recommend(t, top=None)
    tied = {frozenset(p) for p in zip(tandem_strength(t)["a"], tandem_strength(t)["b"])}
    assert len(r) == 2 and not tied & {frozenset(p) for p in zip(r["a"], r["b"])}


def test_recommend_bounds_candidates_per_member() -> None:
    # a star: hub h with 6 leaves, each leaf its own topic -> 15 untied leaf pairs, all RA 1/6. With 2 per member
    # each leaf keeps its 2 first others (by code): the union of those rows, not all 15 pairs.
    leaves = [f"l{i}" for i in range(6)]
    t = build(
        cities=[*leaves, "h"],
        projects=[{"id": f"p{i}", "topics": [f"t{i}"]} for i in range(6)],
        parts=[p for i, x in enumerate(leaves) for p in ((f"p{i}", x), (f"p{i}", "h"))],
    )
    assert len(recommend(t, top=None)) == 15
    # l0: l1, l2; l1: l0, l2; l2: l0, l1; l3, l4, l5: l0, l1 -> 01 02 12 03 13 04 14 05 15
    r = recommend(t, top=None, per_member=2)
    assert sorted(a[1] + b[1] for a, b in zip(r["a"], r["b"])) == ["01", "02", "03", "04", "05", "12", "13", "14", "15"]


def test_recommend_says_why_there_are_none() -> None:
    # issue 12: on FP7 --recommend returned 0 with no reason (its projects have no topics)
    t = build(cities=["a", "b", "h"], projects=[{"id": "p"}, {"id": "q"}], parts=[("p", "a"), ("p", "h"), ("q", "b"), ("q", "h")])
    r = recommend(t)
    assert r.empty and r.attrs["why"].startswith("no activity names a theme or topic")
    t2 = build(cities=["a", "b", "h"], projects=[{"id": "p", "topics": ["energy"]}], parts=[("p", "a"), ("p", "b"), ("p", "h")])
    assert recommend(t2).attrs["why"].startswith("every pair with a common partner already works together")
    t3 = _rec_tables()
    assert recommend(t3, max_km=100).attrs["why"] == (
        "none of the 2 untied pairs with a common partner is complementary (one offering a theme the other never met)"
        " within --max-km"
    )


def test_recommend_uses_programme_titles_over_call_codes() -> None:
    # CORDIS: topics are call codes (ART-01-2017); the dashboard's "Thema" is the readable programme title
    t = build(
        cities=["a", "b", "h"],
        projects=[
            {"id": "p", "topics": ["ART-01-2017"], "thema": "Smart, green and integrated transport"},
            {"id": "q", "topics": ["SC5-01-2016"], "thema": "Climate action, environment"},
        ],
        parts=[("p", "a"), ("p", "h"), ("q", "b"), ("q", "h")],
    )
    r = recommend(t)
    assert r.loc[0, "offers_a"] == ["Smart, green and integrated transport"]
    assert "ART-01" not in r.loc[0, "explanation"]
