"""The Neo4j store: the same statements as the embedded store, sent through the official driver.

This is the only module that imports ``neo4j``. Settings come from ``NEO4J_URI``, ``NEO4J_USERNAME``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (:class:`netlens.config.Neo4jSettings`); ``bolt://`` (one
server) and ``neo4j://`` (routing: clusters, Aura) URIs work, with ``+s``/``+ssc`` for TLS.

Writing
-------
:func:`netlens.store.plan.write_plan` gives the plan. The uniqueness constraints run first, each in its
own transaction (Neo4j refuses schema changes and data writes in one transaction; ``IF NOT EXISTS`` makes
them idempotent, and they hold no data). Then **the whole load runs in one managed write transaction**
(``session.execute_write``): ``UNWIND $rows AS row MERGE … SET n += row.props`` in batches of
:data:`BATCH` rows, after ``DETACH DELETE`` of every netlens node when ``replace=True``. If anything
fails, nothing is committed and the store is unchanged; a transient error (a cluster leader switch)
re-runs the whole transaction, which is safe because every statement MERGEs. The price: one load must
fit Neo4j's transaction memory (``db.memory.transaction.max``); for very large networks use
``netlens export`` and ``neo4j-admin database import``.

Analysis results (``write_node_properties``, ``write_ties``) are managed write transactions too.

Reading
-------
Queries run in managed read transactions of ``READ_ACCESS`` sessions (routed to readers on a cluster;
Neo4j refuses writes in them; other Bolt servers may not), after :func:`netlens.cypher.readonly.check_read_only`.
Results are pulled from the server in batches (the driver's ``fetch_size``); when a server sends an empty result
without column names, they are read from the query's ``RETURN`` (:func:`netlens.cypher.columns.return_columns`).
``write=True``
uses a write transaction. Neo4j temporal values come back as :mod:`datetime` values, nodes and
relationships as the same dicts the embedded store returns.

Errors
------
Driver errors become :class:`~netlens.errors.StoreError` (cannot connect, wrong credentials, missing
database, busy server) or :class:`~netlens.errors.QueryError` (syntax, types, missing parameters), with
messages that never contain the password.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
import neo4j.exceptions as nx_exc
import neo4j.graph
import neo4j.time
import pandas as pd

from netlens.config import Neo4jSettings
from netlens.cypher.columns import return_columns
from netlens.cypher.readonly import READ_ONLY_MESSAGE, check_read_only
from netlens.errors import NetlensError, QueryError, ReadOnlyQueryError, StoreError, UsageError
from netlens.model.network import Network, Tables
from netlens.store.cypher_render import (
    OnProgress,
    Statement,
    create_statements,
    in_batches,
    node_property_statements,
    render,
    statements,
    tie_statements,
)
from netlens.store.plan import Constraint, DeleteNodes, write_plan
from netlens.store.protocol import LoadResult, QueryResult, StoreInfo
from netlens.store.readback import Runner, info_from, read_tables

__all__ = ["BATCH", "SCHEMES", "Neo4jStore", "load_statements", "delete_statement", "redact_uri", "to_native", "map_error"]

#: rows per UNWIND statement
BATCH = 5_000
#: URI schemes netlens accepts (the driver's HTTP preview is not supported)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
#: the counters a load reports, named as kglite's ``last_mutation_stats``
COUNTERS = (
    "nodes_created",
    "relationships_created",
    "properties_set",
    "nodes_deleted",
    "relationships_deleted",
    "indexes_added",
    "indexes_removed",
    "constraints_added",
    "constraints_removed",
)


def redact_uri(uri: str) -> str:
    """``uri`` safe to show: no ``user:password@`` part and no query string, even when the URI is malformed.

    Everything between the scheme (``bolt://``, ``bolt:/``, ``bolt:``, or none) and the *last* ``@`` is dropped, so
    a password holding ``/``, ``#`` or ``@`` cannot survive a mis-parse; a query string becomes ``?…``; a fragment
    is dropped.

    >>> redact_uri("neo4j+s://neo4j:secret@abc.databases.neo4j.io")
    'neo4j+s://abc.databases.neo4j.io'
    >>> [redact_uri(u) for u in ("bolt:/u:pw@h:1", "u:pw@h:1", "bolt://h:1?password=pw", "bolt://u:Sup/er#p@w@h:1")]
    ['bolt:/h:1', 'h:1', 'bolt://h:1?…', 'bolt://h:1']
    """
    head, rest = _split_scheme(uri)
    if "@" in rest:
        rest = rest[rest.rindex("@") + 1 :]
    if "?" in rest:
        rest = rest[: rest.index("?")] + "?…"
    if "#" in rest:
        rest = rest[: rest.index("#")]
    return head + rest


def _split_scheme(uri: str) -> tuple[str, str]:
    """(``scheme:`` plus its slashes, the rest) for a known scheme, else ("", uri)."""
    name, colon, rest = uri.partition(":")
    if colon and name.lower() in SCHEMES:
        slashes = len(rest) - len(rest.lstrip("/"))
        return uri[: len(name) + 1 + slashes], rest[slashes:]
    return "", uri


def _userinfo(uri: str) -> list[str]:
    """What a URI may hold as credentials: the text before its last ``@`` (after the scheme) and its password part."""
    _, rest = _split_scheme(uri)
    if "@" not in rest:
        return []
    info = rest[: rest.rindex("@")]
    return [info, info.partition(":")[2]]


def delete_statement() -> Statement:
    """Delete every node with a netlens label (and its relationships); other data in the database stays."""
    return render(DeleteNodes())


def load_statements(
    tables: Tables, *, replace: bool = False, batch_size: int = BATCH, empty: bool = False
) -> tuple[list[Statement], list[Statement]]:
    """``(schema, data)``: the constraint statements, then the data statements in batches of ``batch_size`` rows.

    The data statements form one transaction; with ``replace`` it starts with :func:`delete_statement`. With
    ``replace``, or ``empty`` (the caller found the database empty), nodes and relationships are CREATEd
    (:func:`~netlens.store.cypher_render.create_statements`: the same graph, without MERGE's lookups); a
    concurrent writer cannot make duplicates of a node id, which the uniqueness constraints refuse.
    """
    plan = write_plan(tables)
    schema = statements(item for item in plan if isinstance(item, Constraint))
    data: list[Statement] = [delete_statement()] if replace else []
    rest = [item for item in plan if not isinstance(item, Constraint)]
    data += in_batches(create_statements(rest) if replace or empty else statements(rest), batch_size)
    return schema, data


def to_native(v: Any) -> Any:
    """Driver values as plain Python: temporal types as :mod:`datetime`, graph types as the embedded store's dicts."""
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return v.to_native()
    if isinstance(v, neo4j.time.Duration):
        return v.iso_format()
    if isinstance(v, neo4j.graph.Node):
        return {"id": v.element_id, "labels": sorted(v.labels), "properties": {k: to_native(x) for k, x in v.items()}}
    if isinstance(v, neo4j.graph.Relationship):
        return {
            "id": v.element_id,
            "start": v.start_node.element_id if v.start_node is not None else None,
            "end": v.end_node.element_id if v.end_node is not None else None,
            "type": v.type,
            "properties": {k: to_native(x) for k, x in v.items()},
        }
    if isinstance(v, neo4j.graph.Path):
        return {"nodes": [to_native(n) for n in v.nodes], "relationships": [to_native(r) for r in v.relationships]}
    if isinstance(v, dict):
        return {k: to_native(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_native(x) for x in v]
    return v


def _message(exc: BaseException) -> str:
    if isinstance(exc, nx_exc.Neo4jError):  # from the server: .message is the readable part
        msg = exc.message or str(exc)
    else:  # driver-side errors: .message is a generic GQL text, str() says what happened
        msg = str(exc)
    return (msg or type(exc).__name__).strip()


def _secrets(settings: Neo4jSettings) -> list[str]:
    found = [settings.password, *_userinfo(settings.uri)]
    query = settings.uri.partition("?")[2]
    found += [query, *(kv.partition("=")[2] for kv in query.split("&"))]
    # one- and two-character values would blank out ordinary letters of the message; they are never echoed anyway
    return sorted({f for f in found if len(f) >= 3}, key=len, reverse=True)


def _scrub(text: str, settings: Neo4jSettings) -> str:
    text = text.replace(settings.uri, redact_uri(settings.uri))
    for secret in _secrets(settings):
        text = text.replace(secret, "***")
    return text


def map_error(exc: BaseException, settings: Neo4jSettings, doing: str, *, query: bool = False) -> NetlensError:
    """A clear netlens error for a driver error; the password never appears in it.

    ``doing`` says what was attempted (``"connecting"``, ``"writing City nodes"``, …); ``query`` selects
    :class:`QueryError` for statement errors (a user's query) instead of :class:`StoreError` (a load).
    """
    uri = redact_uri(settings.uri)
    msg = _message(exc)
    code = getattr(exc, "code", None) or ""
    out: NetlensError
    if isinstance(exc, nx_exc.AuthError):
        out = StoreError(
            f"Neo4j at {uri} refused the credentials of user {settings.username!r} ({msg}); "
            "check NEO4J_USERNAME and NEO4J_PASSWORD"
        )
    elif isinstance(exc, nx_exc.Forbidden):
        out = StoreError(f"Neo4j user {settings.username!r} is not allowed to do this ({msg})")
    elif isinstance(exc, nx_exc.ConfigurationError):
        out = UsageError(f"NEO4J_URI {uri!r} cannot be used: {msg}")
    elif isinstance(exc, (nx_exc.ServiceUnavailable, nx_exc.SessionExpired)):
        out = StoreError(
            f"cannot reach Neo4j at {uri} ({msg}); check NEO4J_URI and that the server is running "
            "(bolt://host:7687 for one server, neo4j://host:7687 for a cluster, neo4j+s://… for Aura)"
        )
    elif code == "Neo.ClientError.Statement.AccessMode":
        out = ReadOnlyQueryError(READ_ONLY_MESSAGE.format(ops="refused by Neo4j in a read transaction"))
    elif code == "Neo.ClientError.Database.DatabaseNotFound":
        out = StoreError(f"Neo4j at {uri} has no database {settings.database!r}; check NEO4J_DATABASE")
    elif isinstance(exc, nx_exc.CypherSyntaxError):
        out = (QueryError if query else StoreError)(f"Cypher syntax error: {msg}")
    elif code == "Neo.ClientError.Statement.ParameterMissing":
        out = QueryError(f"missing parameter: {msg}")
    elif isinstance(exc, nx_exc.TransientError):
        out = StoreError(f"{doing} failed: Neo4j is busy or the cluster is changing leaders ({msg}); try again")
    elif isinstance(exc, nx_exc.ClientError):
        out = (QueryError if query else StoreError)(f"{doing} failed: {msg}" + (f" [{code}]" if code else ""))
    elif isinstance(exc, (nx_exc.Neo4jError, nx_exc.DriverError)):
        out = StoreError(f"{doing} failed: Neo4j error: {msg}" + (f" [{code}]" if code else ""))
    else:
        out = StoreError(f"{doing} failed: {msg}")
    out.args = tuple(_scrub(str(a), settings) for a in out.args)
    return out


_DRIVER_ERRORS = (nx_exc.Neo4jError, nx_exc.DriverError)


class Neo4jStore:
    """A Neo4j database reached through ``settings`` (see the module docstring)."""

    def __init__(self, settings: Neo4jSettings, *, batch_size: int = BATCH, connection_timeout: float = 10.0) -> None:
        scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
        if scheme not in SCHEMES:
            raise UsageError(
                f"NEO4J_URI {redact_uri(settings.uri)!r} is not a Neo4j URI; expected one of "
                + ", ".join(f"{s}://" for s in SCHEMES)
                + " (e.g. bolt://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io)"
            )
        if _userinfo(settings.uri):
            raise UsageError(
                f"NEO4J_URI {redact_uri(settings.uri)!r} must not contain a user name or password; "
                "set NEO4J_USERNAME and NEO4J_PASSWORD instead"
            )
        if "?" in settings.uri or "#" in settings.uri:
            raise UsageError(
                f"NEO4J_URI {redact_uri(settings.uri)!r} must not contain a query string or fragment (a password could "
                "hide there); set NEO4J_USERNAME and NEO4J_PASSWORD, and routing options in the URI of a neo4j:// cluster"
                " are not needed"
            )
        port = _split_scheme(settings.uri)[1].split("/", 1)[0].rpartition(":")[2]
        if port.isdigit() and not 0 < int(port) < 65536:
            raise UsageError(f"NEO4J_URI {redact_uri(settings.uri)!r}: port {port} is out of range (1–65535)")
        self.settings = settings
        self.batch_size = batch_size
        self.connection_timeout = connection_timeout
        where = redact_uri(settings.uri)
        self.description = f"Neo4j {where}" + (f" (database {settings.database})" if settings.database else "")
        #: test hook: called before every statement of a write, inside its transaction
        self.before_statement: Callable[[Statement], None] | None = None
        self._driver: neo4j.Driver | None = None

    # -------------------------------------------------------------- internals
    def _connect(self) -> neo4j.Driver:
        if self._driver is not None:
            return self._driver
        s = self.settings
        try:
            driver = neo4j.GraphDatabase.driver(
                s.uri,
                auth=(s.username, s.password),
                connection_timeout=self.connection_timeout,
                user_agent="netlens",
                warn_notification_severity="OFF",  # server notifications never become Python warnings
            )
        except (nx_exc.ConfigurationError, ValueError) as exc:
            raise map_error(nx_exc.ConfigurationError(str(exc)), s, "connecting") from None
        try:
            driver.verify_connectivity()  # fails fast, where managed transactions would retry for 30 s
        except _DRIVER_ERRORS as exc:
            driver.close()
            raise map_error(exc, s, "connecting") from None
        self._driver = driver
        return driver

    @contextmanager
    def _session(self, write: bool) -> Iterator[neo4j.Session]:
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        with self._connect().session(database=self.settings.database, default_access_mode=mode) as session:
            yield session

    @staticmethod
    def _rows(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any] | None) -> tuple[list[str], list[dict[str, Any]]]:
        result = tx.run(cypher, params or {})
        keys = list(result.keys())
        rows = [dict(zip(keys, (to_native(v) for v in record.values()), strict=True)) for record in result]
        if not keys and not rows:  # some Bolt servers (ArcadeDB) send no column names with an empty result
            keys = return_columns(cypher) or []
        return keys, rows

    def _write(self, statements: list[Statement], doing: str, on_progress: OnProgress | None = None) -> dict[str, int]:
        """Run ``statements`` in one managed write transaction; return the summed counters.

        ``on_progress(done, total)`` after each batch: rows written so far (a retried transaction starts again at 0)."""
        current: list[str] = [doing]
        total = sum(len(s.rows or []) for s in statements)

        def work(tx: neo4j.ManagedTransaction) -> dict[str, int]:
            totals = dict.fromkeys(COUNTERS, 0)
            done = 0
            if on_progress is not None:
                on_progress(0, total)
            for st in statements:
                current[0] = f"writing {st.what}" if st.what else doing
                if self.before_statement is not None:
                    self.before_statement(st)
                counters = tx.run(st.cypher, st.parameters(st.rows)).consume().counters
                for k in COUNTERS:
                    totals[k] += int(getattr(counters, k, 0))
                if st.rows and on_progress is not None:
                    done += len(st.rows)
                    on_progress(done, total)
            return totals

        try:
            with self._session(write=True) as session:
                return session.execute_write(work)
        except _DRIVER_ERRORS as exc:
            raise map_error(exc, self.settings, current[0]) from None
        except NetlensError:
            raise
        except Exception as exc:  # the transaction was rolled back; say where it stopped, as the embedded store does
            raise StoreError(f"{current[0]} failed: {_scrub(str(exc), self.settings)}") from exc

    def _runner(self, session: neo4j.Session) -> Runner:
        def run(cypher: str) -> list[dict[str, Any]]:
            try:
                return session.execute_read(self._rows, cypher, None)[1]
            except _DRIVER_ERRORS as exc:
                raise map_error(exc, self.settings, "reading the graph") from None

        return run

    # -------------------------------------------------------------- Store protocol
    def load(self, tables: Tables, *, replace: bool = False, on_progress: OnProgress | None = None) -> LoadResult:
        empty = not replace and not self.query("MATCH (n) RETURN n.id AS id LIMIT 1").rows
        schema, data = load_statements(tables, replace=replace, batch_size=self.batch_size, empty=empty)
        t0 = time.perf_counter()
        totals = dict.fromkeys(COUNTERS, 0)
        for st in schema:  # schema changes may not share a transaction with data
            for k, v in self._write([st], f"creating {st.what}").items():
                totals[k] += v
        for k, v in self._write(data, "loading", on_progress).items():
            totals[k] += v
        return LoadResult.from_counts(totals, int((time.perf_counter() - t0) * 1000))

    def read_tables(self) -> Network:
        with self._session(write=False) as session:
            return read_tables(self._runner(session))

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        if not write:
            check_read_only(cypher)
        try:
            with self._session(write=write) as session:
                run = session.execute_write if write else session.execute_read
                keys, rows = run(self._rows, cypher, params)
        except _DRIVER_ERRORS as exc:
            raise map_error(exc, self.settings, "the query", query=True) from None
        return QueryResult(keys, rows)

    def write_node_properties(self, frame: pd.DataFrame, kinds: dict[str, str], *, on_progress: OnProgress | None = None) -> int:
        statements = node_property_statements(frame, kinds)
        self._write(in_batches(statements, self.batch_size), "writing analysis results", on_progress)
        return sum(len(s.rows or []) for s in statements)

    def write_ties(self, ties: pd.DataFrame, kinds: dict[str, str], level: str, *, on_progress: OnProgress | None = None) -> int:
        statements = tie_statements(ties, kinds, level)
        self._write(in_batches(statements, self.batch_size), "writing ties", on_progress)
        return sum(len(s.rows or []) for s in statements)

    def info(self) -> StoreInfo:
        with self._session(write=False) as session:
            info = info_from(self._runner(session), self.description)
        return dataclasses.replace(info, exists=any(info.nodes.values()))  # like a missing embedded file: nothing loaded

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None
