"""Shared test builders: typed network tables from short literals, and weights without decay.

Test modules import these from here (never from another test module).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from netlens.analysis.weights import load_weights
from netlens.validation.checks import SPECS, Tables, empty_tables

__all__ = ["NO_DECAY", "build"]


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(SPECS[table].column_names)
    extra = [c for r in rows for c in r if c not in cols]
    cols += list(dict.fromkeys(extra))
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols, dtype=object)


def build(
    cities: list[str] | list[dict[str, Any]] = (),  # type: ignore[assignment]
    orgs: list[dict[str, Any]] = (),  # type: ignore[assignment]
    projects: list[dict[str, Any]] = (),  # type: ignore[assignment]
    parts: list[tuple[str, str]] = (),  # type: ignore[assignment]
    exchanges: list[dict[str, Any]] = (),  # type: ignore[assignment]
    attend: list[tuple[str, str] | tuple[str, str, str]] = (),  # type: ignore[assignment]
    tandems: list[dict[str, Any]] = (),  # type: ignore[assignment]
    transfers: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Tables:
    """Typed tables from short literals: cities as ids (name = id capitalised, country FR) or dicts;
    participations as (project, member); attendances as (exchange, member[, role])."""
    t = empty_tables()
    crow = [c if isinstance(c, dict) else {"id": c, "name": c.capitalize(), "country": "FR"} for c in cities]
    t["cities"] = _frame("cities", crow)
    t["organisations"] = _frame("organisations", list(orgs))
    t["projects"] = _frame("projects", [{"name": p["id"], **p} for p in projects])
    t["participations"] = _frame("participations", [{"project_id": p, "member_id": m} for p, m in parts])
    t["exchanges"] = _frame("exchanges", [{"type": "study_visit", "date": date(2019, 1, 1), **x} for x in exchanges])
    t["attendances"] = _frame(
        "attendances", [{"exchange_id": a[0], "member_id": a[1], "role": a[2] if len(a) > 2 else "participant"} for a in attend]
    )
    t["tandems"] = _frame("tandems", list(tandems))
    t["transfers"] = _frame("transfers", [{"solution": f"s{i}", **x} for i, x in enumerate(transfers)])
    return t


NO_DECAY = load_weights(overrides={"decay": {"lambda": 0.0}})
