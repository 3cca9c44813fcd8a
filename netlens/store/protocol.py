"""What every graph store offers (:class:`Store`) and the typed values its methods return.

Takes nothing; defines :class:`Store` (implemented by :class:`netlens.store.embedded.EmbeddedStore` and
:class:`netlens.store.neo4j.Neo4jStore`), :class:`QueryResult` (``query``), :class:`LoadResult` (``load``) and
:class:`StoreInfo` (``info``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pandas and the network model are heavy: `netlens info` on an empty store needs neither
    import pandas as pd

    from netlens.model.network import Network, Tables
    from netlens.store.cypher_render import OnProgress

__all__ = ["QueryResult", "LoadResult", "StoreInfo", "Store"]


@dataclass
class QueryResult:
    """The rows of one query, as dicts keyed by ``columns``."""

    columns: list[str]
    rows: list[dict[str, Any]]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with ``columns`` in order."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


@dataclass(frozen=True)
class LoadResult:
    """What one ``load`` changed (the counters kglite and Neo4j report), and how long it took.

    ``properties_removed`` is reported by kglite only (0 on Neo4j).
    """

    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    properties_removed: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0
    seconds_ms: int = 0

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], seconds_ms: int) -> LoadResult:
        """A result from a backend's summed counters (names as kglite's ``last_mutation_stats``; others ignored).

        >>> LoadResult.from_counts({"nodes_created": 2, "unknown": 1}, 15)
        LoadResult(nodes_created=2, relationships_created=0, properties_set=0, nodes_deleted=0, \
relationships_deleted=0, properties_removed=0, indexes_added=0, indexes_removed=0, constraints_added=0, \
constraints_removed=0, seconds_ms=15)
        """
        names = {f.name for f in fields(cls)} - {"seconds_ms"}
        return cls(**{k: int(v) for k, v in counts.items() if k in names}, seconds_ms=seconds_ms)


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds: node counts per label, relationship counts per type, time span, countries.

    ``exists`` is False for a store nothing was loaded into (a missing embedded file, an empty Neo4j database);
    ``span`` is ``(first, last)`` of the project starts/ends and exchange dates (None without dates).
    """

    description: str
    exists: bool
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    span: tuple[_dt.date, _dt.date] | None = None
    countries: list[str] = field(default_factory=list)


class Store(Protocol):
    """What every backend offers.

    Implementations: :class:`netlens.store.embedded.EmbeddedStore`, :class:`netlens.store.neo4j.Neo4jStore`.
    """

    description: str

    def load(self, tables: Tables, *, replace: bool = False, on_progress: OnProgress | None = None) -> LoadResult:
        """Write ``tables`` atomically and idempotently; return counts of what was created.

        ``on_progress(done, total)``, when given, is called with the rows written so far after each batch."""

    def read_tables(self) -> Network:
        """Read the network back as typed tables (analysis results excluded)."""

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; refuse writes unless ``write``."""

    def write_node_properties(self, frame: pd.DataFrame, kinds: dict[str, str], *, on_progress: OnProgress | None = None) -> int:
        """Set analysis results (``frame`` index = node id) as node properties; ``kinds`` maps id -> label.

        The columns' earlier values are removed from every node first (see :func:`netlens.store.plan.result_plan`).
        Returns the number of rows whose id has a label in ``kinds`` (ids not in ``kinds`` are skipped)."""

    def write_ties(self, ties: pd.DataFrame, kinds: dict[str, str], level: str, *, on_progress: OnProgress | None = None) -> int:
        """Replace the ``TIE`` relationships of ``level`` with ``ties`` (columns u, v, strength, …).

        ``kinds`` maps member id -> label (City or Organisation; an organisation-level tie may link a city
        that took part itself to an organisation). Every tie gets ``level``; ties of other levels stay.
        Returns the number of ties written."""

    def info(self) -> StoreInfo:
        """Counts per label and relationship type, time span, countries."""

    def close(self) -> None: ...
