"""Issue 12 on the real datasets in ../shared/data: one backbone, FP7 names and messages, recommendations.

Each test is skipped with its reason when the dataset is absent (set NETLENS_SHARED_DATA). Timings and memory of
the CORDIS recommendations are measured in bench/, not here.
"""

from __future__ import annotations

import re

import pytest

from netlens import pipeline
from netlens.analysis.explain import explain_pair
from netlens.analysis.paths import transfer_paths
from netlens.analysis.recommend import recommend
from netlens.errors import UsageError
from netlens.model import projection as model
from netlens.model.network import Network
from netlens.read import read_fp7, read_urbact
from netlens.validation import validate_or_raise

from .conftest import Cordis, shared_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def urbact() -> Network:
    folder = shared_file("eucicop-interreg-urbact-etmun/urbact/URBACT_Membership_GNidCorr_complete_V2.csv").parent
    return validate_or_raise(read_urbact(folder))[0]


def test_urbact_map_backbone_is_the_tandems_backbone(urbact: Network) -> None:
    # issue 12: map --backbone drew 49 ties on URBACT, tandems --significant-only kept 103
    a = pipeline.analyse(urbact, "tandems", level="city", significant_only=True)
    assert a.ties is not None
    listed = {frozenset((u, v)) for u, v in zip(a.ties["u"], a.ties["v"])}
    G, _ = pipeline.map_graph(urbact, "city", backbone=True)
    assert {frozenset(e) for e in G.edges} == listed
    assert len(listed) == len(a.table) == 103


@pytest.fixture(scope="module")
def fp7() -> Network:
    return validate_or_raise(read_fp7(shared_file("cordis-sod-hackathon/fp7_2016/fp7edges.tsv").parent))[0]


def test_fp7_routes_and_explanations_name_the_record_numbers(fp7: Network) -> None:
    # issue 12: `Bragança —111423→ Vienna`, `840 projects (185703, …)`; the shared data has no FP7 acronyms or titles
    # for record numbers (SOURCE.md), so the number is said to be one
    route = transfer_paths(fp7, "Bragança", "Vienna", k=1)[0]
    assert route.text == "Bragança —FP7 RCN 111423→ Vienna"
    ex = explain_pair(fp7, "Paris", "London")
    assert ex.summary.startswith("840 projects (FP7 RCN 185703, ")


def test_fp7_undated_messages(fp7: Network) -> None:
    # issue 12: --time-respecting on undated data said "no time-respecting route"; notes quoted the decay λ
    with pytest.raises(UsageError, match="--time-respecting needs dated activities, and nothing in this network has a date"):
        transfer_paths(fp7, "Bragança", "Vienna", time_respecting=True)
    ex = explain_pair(fp7, "Paris", "London")
    assert "λ" not in ex.text and "no decay (nothing is dated)" in ex.text


def test_fp7_ambiguous_name_lists_the_countries(fp7: Network) -> None:
    with pytest.raises(UsageError, match=r"'Valencia' is ambiguous: Valencia \(gn:2509954, ES\), Valencia \(gn:3625549, VE\)"):
        transfer_paths(fp7, "Valencia", "Vienna")


def test_fp7_recommend_says_why_there_are_none(fp7: Network) -> None:
    # issue 12: on FP7 --recommend returned 0 with no reason
    r = recommend(fp7)
    assert r.empty and r.attrs["why"].startswith("no activity names a theme or topic")


@pytest.fixture(scope="module")
def cordis(cordis_h2020: Cordis) -> Network:
    return cordis_h2020.tables


def test_cordis_recommends_untied_pairs_with_readable_themes(cordis: Network) -> None:
    # issue 12: the top city recommendation was Munich–Paris, already the strongest tie (670 shared projects), and
    # the "topics" were call codes such as ART-01-2017 (time and memory: bench/bench_recommend.py)
    r = recommend(cordis, level="city", top=20)
    assert len(r) == 20
    tied = model.projection_edges(model.memberships(cordis, level="city"))
    tied_pairs = {frozenset(p) for p in zip(tied["u"], tied["v"])}
    assert not tied_pairs & {frozenset(p) for p in zip(r["a"], r["b"])}
    call_code = re.compile(r"\b[A-Z0-9]+(?:-[A-Za-z0-9]+)*-20\d\d\b")
    for row in r.itertuples(index=False):
        assert not any(call_code.search(t) for t in [*row.offers_a, *row.offers_b]), row.offers
        assert "lacks" in row.explanation


def test_cordis_recommend_works_at_organisation_level(cordis: Network) -> None:
    # issue 12: refused (373,620,104 candidate pairs); now bounded: 20 candidates per member by resource allocation
    r = recommend(cordis, level="organisation", top=5)
    assert len(r) == 5 and r.attrs["candidates"] > 100_000
    assert (r["score"] > 0).all() and r["score"].is_monotonic_decreasing
