"""Opening a store: the settings (:class:`netlens.config.StoreSettings`) decide between the embedded file and Neo4j.

Takes store settings; returns a :class:`~netlens.store.protocol.Store`.
"""

from __future__ import annotations

from netlens.config import StoreSettings
from netlens.errors import UsageError
from netlens.store.protocol import Store

__all__ = ["open_store"]


def open_store(settings: StoreSettings) -> Store:
    """Open the store ``settings`` names (embedded file or Neo4j).

    Parameters
    ----------
    settings
        From :func:`netlens.config.resolve_store`.

    Returns
    -------
    Store
        An :class:`~netlens.store.embedded.EmbeddedStore` or a :class:`~netlens.store.neo4j.Neo4jStore`.
    """
    # The backends are imported here, lazily, for start-up time only (no import cycle): the neo4j driver and
    # kglite are heavy, and every netlens command imports netlens.store; each run needs only one of them.
    if settings.backend == "neo4j":
        from netlens.store.neo4j import Neo4jStore

        if settings.neo4j is None:
            raise UsageError("the Neo4j store needs NEO4J_URI")
        return Neo4jStore(settings.neo4j)
    from netlens.store.embedded import EmbeddedStore

    if settings.path is None:
        raise UsageError("the embedded store needs a path")
    return EmbeddedStore(settings.path)
