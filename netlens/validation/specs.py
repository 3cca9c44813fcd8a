"""The table specs of a network package: which columns each of the eight tables has, their kinds, which are
required, which reference other tables, and which columns form a table's key.

Takes nothing; holds the constants :data:`SPECS` (table name -> :class:`TableSpec`), the allowed values of the
enumerated columns and the texts of what each kind of value should be (:data:`EXPECT`). Used by
:mod:`netlens.validation.checks` and by the stores (which columns a table has).
"""

from __future__ import annotations

from dataclasses import dataclass

from netlens.choices import METRICS
from netlens.model.network import TABLE_NAMES

__all__ = [
    "TABLE_NAMES",
    "ORGANISATION_TYPES",
    "EXCHANGE_TYPES",
    "ATTENDANCE_ROLES",
    "RESERVED_EXTRA",
    "RESULT_PROPERTIES",
    "MEMBER_TABLES",
    "NODE_TABLES",
    "RELATION_TABLES",
    "EXPECT",
    "ColumnSpec",
    "TableSpec",
    "SPECS",
]

ORGANISATION_TYPES = (
    "municipality",
    "company",
    "university",
    "research",
    "ngo",
    "innovation_hub",
    "public_agency",
    "network",
    "other",
)
EXCHANGE_TYPES = ("study_visit", "webinar", "workshop", "mentoring", "conference", "tandem_meeting", "other")
ATTENDANCE_ROLES = ("host", "speaker", "participant")

#: Property names the embedded store (kglite) fills in by itself on every node; extra columns may not use them.
RESERVED_EXTRA = {"title", "type", "id", "labels"}

#: Node properties written by analysis (``netlens analyse``), with the ``<metric>_scope`` of each metric; an input
#: column may not use them (the next ``analyse`` would overwrite it). Defined here, not in the store, because the
#: validator refuses such columns and the store imports the validator (:mod:`netlens.store.schema` re-exports it).
RESULT_PROPERTIES = frozenset(
    {
        "degree",
        "strength",
        "betweenness",
        "closeness",
        "harmonic",
        "eigenvector",
        "pagerank",
        "kcore",
        "community",
        "constraint",
        "effective_size",
        "articulation",
        "split_size",
        "gf_coordinator",
        "gf_itinerant",
        "gf_gatekeeper",
        "gf_representative",
        "gf_liaison",
        *(f"{metric}_scope" for metric in METRICS),
    }
)

#: tables whose ids a member reference may point to
MEMBER_TABLES = ("cities", "organisations")
#: tables with an ``id`` column, in load order: one id namespace for all of them
NODE_TABLES = ("cities", "organisations", "projects", "exchanges")
#: tables of relations; a package needs at least one
RELATION_TABLES = ("participations", "attendances", "tandems", "transfers")

#: column kind -> what a value of that kind should be (the end of "is not …" / "is empty; expected …" messages)
EXPECT = {
    "id": "an id",
    "str": "text",
    "enum": "one of the listed values",
    "date": "an ISO date YYYY-MM-DD",
    "float": "a number (dot as decimal separator, no thousands separator)",
    "int": "a whole number",
    "lat": "a latitude between -90 and 90",
    "lon": "a longitude between -180 and 180",
    "country": "an ISO 3166 alpha-2 country code such as CZ or FR (EL and UK are accepted)",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table: its name, kind and constraints."""

    name: str
    kind: str = "str"  # str | id | date | float | int | country | list | enum | lat | lon
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: tuple[str, ...] = ()  # tables whose ids this column must reference
    enum_severity: str = "error"


@dataclass(frozen=True)
class TableSpec:
    """One table: its columns (in output order) and the columns that must be unique together."""

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]  # columns that must be unique together

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of :attr:`columns`, in order."""
        return tuple(c.name for c in self.columns)


SPECS: dict[str, TableSpec] = {
    "cities": TableSpec(
        "cities",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("country", "country", True),
            ColumnSpec("lat", "lat"),
            ColumnSpec("lon", "lon"),
            ColumnSpec("population", "int"),
            ColumnSpec("tags", "list"),
        ),
        ("id",),
    ),
    "organisations": TableSpec(
        "organisations",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("type", "enum", choices=ORGANISATION_TYPES),
            ColumnSpec("city_id", "id", ref=("cities",)),
            ColumnSpec("country", "country"),
        ),
        ("id",),
    ),
    "projects": TableSpec(
        "projects",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("name", "str", True),
            ColumnSpec("title"),
            ColumnSpec("programme"),
            ColumnSpec("start", "date"),
            ColumnSpec("end", "date"),
            ColumnSpec("budget_eur", "float"),
            ColumnSpec("topics", "list"),
            ColumnSpec("url"),
        ),
        ("id",),
    ),
    "participations": TableSpec(
        "participations",
        (
            ColumnSpec("project_id", "id", True, ref=("projects",)),
            ColumnSpec("member_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("role"),
            ColumnSpec("contribution_eur", "float"),
        ),
        ("project_id", "member_id"),
    ),
    "exchanges": TableSpec(
        "exchanges",
        (
            ColumnSpec("id", "id", True),
            ColumnSpec("type", "enum", True, choices=EXCHANGE_TYPES),
            ColumnSpec("date", "date", True),
            ColumnSpec("title"),
            ColumnSpec("host_id", "id", ref=MEMBER_TABLES),
            ColumnSpec("project_id", "id", ref=("projects",)),
            ColumnSpec("topics", "list"),
        ),
        ("id",),
    ),
    "attendances": TableSpec(
        "attendances",
        (
            ColumnSpec("exchange_id", "id", True, ref=("exchanges",)),
            ColumnSpec("member_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("role", "enum", choices=ATTENDANCE_ROLES, enum_severity="warning"),
        ),
        ("exchange_id", "member_id"),
    ),
    "tandems": TableSpec(
        "tandems",
        (
            ColumnSpec("a_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("b_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("topic"),
            ColumnSpec("since", "date"),
            ColumnSpec("until", "date"),
        ),
        ("a_id", "b_id", "topic"),
    ),
    "transfers": TableSpec(
        "transfers",
        (
            ColumnSpec("from_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("to_id", "id", True, ref=MEMBER_TABLES),
            ColumnSpec("solution", "str", True),
            ColumnSpec("topic"),
            ColumnSpec("date", "date"),
        ),
        ("from_id", "to_id", "solution"),
    ),
}
