"""Issue 12 on the real datasets in ../shared/data: one backbone, FP7 names and messages, recommendations.

Each test is skipped with its reason when the dataset is absent (set NETLENS_SHARED_DATA). Timings and memory of
the CORDIS recommendations are measured in bench/, not here.
"""

from __future__ import annotations

import pytest

from netlens import pipeline
from netlens.analysis.explain import explain_pair
from netlens.analysis.paths import transfer_paths
from netlens.errors import UsageError
from netlens.model.network import Network
from netlens.read import read_fp7, read_urbact
from netlens.validation import validate_or_raise

from .conftest import shared_file

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
