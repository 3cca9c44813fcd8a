"""Validation of network packages: the table specs (:mod:`netlens.validation.specs`) and the checks
(:mod:`netlens.validation.checks`) that turn text tables into a typed :class:`~netlens.model.network.Network`.

Callers import from here: ``from netlens.validation import validate, validate_or_raise, Issue, SPECS, empty_tables``.
"""

from __future__ import annotations

from netlens.model.network import Tables
from netlens.validation.checks import Issue, empty_tables, validate, validate_or_raise
from netlens.validation.specs import (
    ATTENDANCE_ROLES,
    EXCHANGE_TYPES,
    ORGANISATION_TYPES,
    SPECS,
    TABLE_NAMES,
    ColumnSpec,
    TableSpec,
)

__all__ = [
    "Issue",
    "Tables",
    "validate",
    "validate_or_raise",
    "empty_tables",
    "SPECS",
    "ColumnSpec",
    "TableSpec",
    "TABLE_NAMES",
    "ORGANISATION_TYPES",
    "EXCHANGE_TYPES",
    "ATTENDANCE_ROLES",
]
