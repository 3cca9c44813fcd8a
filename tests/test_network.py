"""The Network object: immutable table access, one window rule, and derived views built once per command."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pandas as pd
import pytest

from netlens import pipeline
from netlens.errors import UsageError
from netlens.model.network import Network, as_network, check_level, in_window, overlaps
from netlens.read import read_package
from netlens.validation import empty_tables, validate_or_raise

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def sample() -> Network:
    network, _ = validate_or_raise(read_package(SAMPLE))
    return network


def test_validate_returns_a_read_only_network(sample: Network) -> None:
    assert isinstance(sample, Network) and list(sample) == [
        "cities", "organisations", "projects", "participations", "exchanges", "attendances", "tandems", "transfers"
    ]  # fmt: skip
    assert len(sample["cities"]) == 35 and sample["cities"] is sample.cities
    with pytest.raises(AttributeError):
        sample.cities = pd.DataFrame()  # type: ignore[misc]
    with pytest.raises(TypeError):
        sample["cities"] = pd.DataFrame()  # type: ignore[index]
    assert as_network(sample) is sample


def test_a_network_needs_all_eight_tables() -> None:
    tables = empty_tables()
    del tables["transfers"]
    with pytest.raises(UsageError, match="transfers"):
        Network.from_tables(tables)


def test_one_window_rule_for_scalars_and_columns() -> None:
    d = dt.date
    cases = [
        (d(2019, 1, 1), d(2021, 1, 1), d(2020, 1, 1), None, True),  # running across the start
        (d(2015, 1, 1), None, d(2020, 1, 1), None, False),  # a one-day item before the window
        (None, None, d(2020, 1, 1), None, False),  # undated: outside every window
        (None, None, None, None, True),  # no window: everything inside
        (d(2021, 1, 1), d(2021, 1, 1), None, d(2020, 12, 31), False),  # after the window
    ]
    for lo, hi, since, until, inside in cases:
        assert overlaps(lo, hi, since, until) is inside
    lo = pd.Series([c[0] for c in cases[:3]])
    hi = pd.Series([c[1] for c in cases[:3]])
    assert in_window(lo, hi, d(2020, 1, 1), None).tolist() == [True, False, False]
    assert overlaps(d(2015, 1, 1), None, d(2020, 1, 1), None, open_end=True)  # a running tandem


def test_one_level_check() -> None:
    check_level("city")
    with pytest.raises(UsageError, match="unknown level 'region'; expected one of city, organisation"):
        check_level("region")


def test_views_are_built_once_per_network(sample: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    """One `map --path --community --backbone` used to build members() 5× and activities() 5×; now once each."""
    network = Network.from_tables(dict(sample.items()))  # a fresh object: nothing memoised yet
    calls: Counter[str] = Counter()
    for view in ("_members", "_activities", "_recorded"):
        original = getattr(Network, view)

        def counted(self: Network, *args: Any, _name: str = view, _f: Any = original) -> Any:
            calls[_name] += 1
            return _f(self, *args)

        monkeypatch.setattr(Network, view, counted)
    G, route = pipeline.map_graph(network, "city", path=("Nantes", "Palencia"), community=True, backbone=True)
    assert route is not None and G.number_of_nodes() > 0
    assert calls == {"_members": 1, "_activities": 1, "_recorded": 1}
