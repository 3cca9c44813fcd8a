"""The graph stores: one protocol, one write plan, one read-back, two backends (embedded kglite file, Neo4j).

Takes validated networks, analysis results and Cypher; returns typed results. Layout:

- :mod:`~netlens.store.schema`: labels, relationship types, result properties.
- :mod:`~netlens.store.protocol`: :class:`Store`, :class:`QueryResult`, :class:`LoadResult`, :class:`StoreInfo`.
- :mod:`~netlens.store.plan`: the write plan as data (:func:`write_plan`, :func:`result_plan`, :func:`tie_plan`).
- :mod:`~netlens.store.cypher_render`: plan items as parameterised Cypher :class:`Statement` objects.
- :mod:`~netlens.store.readback`: :func:`read_tables` (a :class:`~netlens.model.network.Network`), :func:`info_from`.
- :mod:`~netlens.store.backends`: :func:`open_store`; the backends are :mod:`~netlens.store.embedded` and
  :mod:`~netlens.store.neo4j` (imported on first use: kglite and the neo4j driver are heavy).

Both backends receive *the same* statements: uniqueness constraints first, then
``UNWIND $rows AS row MERGE … SET n += row.props`` per label and relationship type. MERGE keys make a re-load
add nothing. One exception, for speed: the embedded backend sets analysis results (after the shared REMOVE of
the old values) with kglite's DataFrame bulk update instead of the UNWIND statement (the same stored values,
checked in ``tests/test_store_embedded.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netlens.store.backends import open_store
    from netlens.store.cypher_render import (
        Statement,
        in_batches,
        node_property_statements,
        statements,
        tie_statements,
        write_statements,
    )
    from netlens.store.plan import PlanItem, normalise_tables, result_plan, tie_plan, write_plan
    from netlens.store.protocol import LoadResult, QueryResult, Store, StoreInfo
    from netlens.store.readback import Runner, info_from, read_tables
    from netlens.store.schema import LABEL_OF_TABLE, NODE_LABELS, REL_TYPES, RESULT_PROPERTIES

#: where each public name lives: the submodules are imported on first use (``netlens info`` on an empty store
#: and ``--help`` need none of pandas, which the write plan and the read-back import)
_HOME = {
    "open_store": "backends",
    "Statement": "cypher_render",
    "in_batches": "cypher_render",
    "node_property_statements": "cypher_render",
    "statements": "cypher_render",
    "tie_statements": "cypher_render",
    "write_statements": "cypher_render",
    "PlanItem": "plan",
    "normalise_tables": "plan",
    "result_plan": "plan",
    "tie_plan": "plan",
    "write_plan": "plan",
    "LoadResult": "protocol",
    "QueryResult": "protocol",
    "Store": "protocol",
    "StoreInfo": "protocol",
    "Runner": "readback",
    "info_from": "readback",
    "read_tables": "readback",
    "LABEL_OF_TABLE": "schema",
    "NODE_LABELS": "schema",
    "REL_TYPES": "schema",
    "RESULT_PROPERTIES": "schema",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'netlens.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"netlens.store.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "NODE_LABELS",
    "LABEL_OF_TABLE",
    "REL_TYPES",
    "RESULT_PROPERTIES",
    "Store",
    "QueryResult",
    "LoadResult",
    "StoreInfo",
    "PlanItem",
    "Statement",
    "Runner",
    "normalise_tables",
    "write_plan",
    "result_plan",
    "tie_plan",
    "statements",
    "write_statements",
    "node_property_statements",
    "tie_statements",
    "in_batches",
    "read_tables",
    "info_from",
    "open_store",
]
