"""Settings: command-line options first, then environment variables, then defaults.

Environment variables
---------------------
``NETLENS_STORE``       which store: ``embedded`` (default), ``neo4j``, or a path to an embedded store file.
``NETLENS_STORE_PATH``  where the embedded store lives (default: ``$XDG_DATA_HOME/netlens/netlens.kgl``,
                        i.e. ``~/.local/share/netlens/netlens.kgl``).
``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``  the Neo4j connection.

Credentials are read from the environment only; they are never written to files or shown in messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netlens.errors import UsageError

__all__ = ["Neo4jSettings", "StoreSettings", "default_store_path", "resolve_store"]


def default_store_path(env: Mapping[str, str] | None = None) -> Path:
    """The embedded store's default location: ``$XDG_DATA_HOME/netlens/netlens.kgl`` (``~/.local/share`` if unset)."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "netlens" / "netlens.kgl"


@dataclass(frozen=True)
class Neo4jSettings:
    """Connection settings for Neo4j, from the standard ``NEO4J_*`` variables."""

    uri: str
    username: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, prefix: str = "NEO4J_") -> Neo4jSettings:
        env = os.environ if env is None else env
        uri = env.get(prefix + "URI", "")
        if not uri:
            raise UsageError(
                f"the Neo4j store needs {prefix}URI (e.g. bolt://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io)"
            )
        return cls(
            uri=uri,
            username=env.get(prefix + "USERNAME", env.get(prefix + "USER", "neo4j")),
            password=env.get(prefix + "PASSWORD", ""),
            database=env.get(prefix + "DATABASE") or None,
        )


@dataclass(frozen=True)
class StoreSettings:
    """Which store to open: ``backend`` is ``"embedded"`` (with ``path``) or ``"neo4j"`` (with ``neo4j``)."""

    backend: str
    path: Path | None = None
    neo4j: Neo4jSettings | None = None


def resolve_store(store: str | None = None, store_path: str | None = None, env: Mapping[str, str] | None = None) -> StoreSettings:
    """Decide which store to use from ``--store`` / ``--store-path`` (already merged with their env vars).

    Examples
    --------
    >>> resolve_store(None, "/tmp/x.kgl", env={}).path
    PosixPath('/tmp/x.kgl')
    >>> resolve_store("/tmp/y.kgl", None, env={}).backend
    'embedded'
    """
    env = os.environ if env is None else env
    choice = (store or "embedded").strip()
    if choice.lower() == "neo4j":
        return StoreSettings("neo4j", neo4j=Neo4jSettings.from_env(env))
    if choice.lower() == "embedded":
        path = Path(store_path) if store_path else default_store_path(env)
        return StoreSettings("embedded", path=path.expanduser())
    if store_path:
        raise UsageError(f"--store {choice!r} is a path and --store-path {store_path!r} is another; give one of them")
    return StoreSettings("embedded", path=Path(choice).expanduser())
