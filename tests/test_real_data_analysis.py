"""Issue 12 on the real datasets in ../shared/data: one backbone, FP7 names and messages, recommendations.

Each test is skipped with its reason when the dataset is absent (set NETLENS_SHARED_DATA). Timings and memory of
the CORDIS recommendations are measured in bench/, not here.
"""

from __future__ import annotations

import pytest

from netlens import pipeline
from netlens.model.network import Network
from netlens.read import read_urbact
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
