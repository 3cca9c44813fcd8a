"""The embedded graph store: one kglite file (``.kgl``), no server.

Atomicity: every write (load, analysis results, ``query --write``) works on an in-memory copy of the
graph and ends with kglite's ``save()``, which writes a sibling temp file and renames it over the store.
If anything fails before that, the file on disk is untouched: a failed load leaves the store exactly as
it was. A lock file (``<store>.netlens-lock``, ``fcntl.flock``) keeps two netlens processes from writing at once.

kglite quirks handled here (kglite 0.21.2): it adds ``title`` (= name) and ``type`` (= label) properties
to nodes that have none, and a ``type`` property to relationships; it announces query warnings on stderr
(switched to silent; warnings are returned with the result instead).
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kglite
import pandas as pd

from netlens import cache
from netlens.cypher.readonly import check_read_only
from netlens.errors import QueryError, ReadOnlyQueryError, StoreError
from netlens.model.network import Network, Tables
from netlens.store import readback, schema
from netlens.store.cypher_render import Statement, node_property_statements, tie_statements, write_statements
from netlens.store.protocol import LoadResult, QueryResult, StoreInfo
from netlens.validation import checks as validate_module

__all__ = ["EmbeddedStore"]

kglite.set_query_warning_policy("silent")

#: rows per UNWIND batch
BATCH = 50_000


#: the first bytes of a kglite graph file
_MAGIC = b"RGF"


class EmbeddedStore:
    """A kglite graph file. Reads never lock; writes are atomic (see module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = f"embedded store {self.path}"
        self._graph: kglite.KnowledgeGraph | None = None
        self._stamp: str | None = None  # cache.file_stamp of the file self._graph came from
        self._tables: tuple[str | None, Network] | None = None  # the last read_tables() and the file it came from
        #: test hook: called before every statement of a write (used to inject failures mid-load)
        self.before_statement: Callable[[Statement], None] | None = None

    # -------------------------------------------------------------- internals
    def _load_graph(self) -> kglite.KnowledgeGraph:
        if not self.path.exists():
            return kglite.KnowledgeGraph()
        try:
            return kglite.load(str(self.path))
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store ({exc}); expected a netlens .kgl file") from None

    def _read_graph(self) -> kglite.KnowledgeGraph:
        """The graph, re-read when another process (or store object) has saved the file since."""
        stamp = cache.file_stamp(self.path)
        if self._graph is None or stamp != self._stamp:
            self._graph = self._load_graph()
            self._stamp = stamp
        return self._graph

    def _check_is_store(self) -> None:
        """Refuse to replace a file that is not a kglite graph (``--replace`` with a mistyped ``--store-path``)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(3)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the store ({exc.strerror})") from None
        if head != _MAGIC:
            raise StoreError(f"{self.path}: not a netlens store (a kglite graph file); refusing to replace it")

    @contextlib.contextmanager
    def _writing(self, fresh: bool = False) -> Iterator[kglite.KnowledgeGraph]:
        if fresh:
            self._check_is_store()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self.path.with_name(self.path.name + ".netlens-lock"), "w")
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store ({exc.strerror})") from None
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreError(
                    f"{self.path}: another netlens process is writing this store; try again when it has finished"
                ) from None
            graph = kglite.KnowledgeGraph() if fresh else self._load_graph()
            yield graph  # an exception here leaves the file untouched
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # MappedFallbackWarning: advisory, about mapped loads only
                    graph.save(str(self.path))
            except Exception as exc:
                raise StoreError(f"{self.path}: cannot save the store ({exc})") from None
            self._graph = graph
            self._stamp = cache.file_stamp(self.path)

    def _execute(self, graph: kglite.KnowledgeGraph, statements: list[Statement]) -> dict[str, int]:
        totals: dict[str, int] = {}
        for st in statements:
            chunks = [None] if st.rows is None else [st.rows[i : i + BATCH] for i in range(0, len(st.rows), BATCH)]
            for chunk in chunks:
                try:
                    if self.before_statement is not None:
                        self.before_statement(st)
                    graph.cypher(st.cypher, params=st.parameters(chunk) or None)
                except Exception as exc:
                    raise StoreError(f"writing {st.what} failed: {exc}") from exc
                for k, v in (graph.last_mutation_stats or {}).items():
                    totals[k] = totals.get(k, 0) + int(v)
        return totals

    # -------------------------------------------------------------- Store protocol
    def load(self, tables: Tables, *, replace: bool = False) -> LoadResult:
        plan = write_statements(tables)
        t0 = time.perf_counter()
        with self._writing(fresh=replace) as graph:
            totals = self._execute(graph, plan)
        return LoadResult.from_counts(totals, int((time.perf_counter() - t0) * 1000))

    def _tables_key(self, stamp: str | None) -> tuple[str, str]:
        slot = str(self.path.resolve())
        code = cache.source_digest(readback, schema, validate_module, sys.modules[__name__])
        return slot, "|".join([stamp or "", code])

    def read_tables(self) -> Network:
        """The network as typed tables. Cached per store file (see :mod:`netlens.cache`): reading CORDIS back
        through Cypher takes ~3 s, unpickling the tables a fraction of that. The cache holds the plain dict of
        tables (not the Network, whose memoised views would be pickled too)."""
        stamp = cache.file_stamp(self.path)
        slot, key = self._tables_key(stamp)
        found = cache.get("tables", slot, key) if stamp is not None else None
        if isinstance(found, dict):
            tables = Network.from_tables(found)
        else:
            tables = readback.read_tables(self._rows(self._read_graph()))
            if stamp is not None and stamp == cache.file_stamp(self.path):  # not saved by someone else meanwhile
                cache.put("tables", slot, key, dict(tables))
        self._tables = (stamp, tables)
        return tables

    def _results_written(self, before: str | None) -> None:
        """Analysis results do not change the tables: carry a cached read-back over to the newly saved file."""
        if self._tables is not None and before is not None and self._tables[0] == before:
            after = cache.file_stamp(self.path)
            cache.put("tables", *self._tables_key(after), dict(self._tables[1]))
            self._tables = (after, self._tables[1])

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        if write:
            with self._writing() as graph:
                return self._run(graph, cypher, params)
        check_read_only(cypher)  # kglite's read-only mode still lets LOAD CSV read local files
        graph = self._read_graph()
        graph.read_only(True)
        try:
            return self._run(graph, cypher, params)
        except kglite.ReadOnlyError:
            raise ReadOnlyQueryError(
                "this query writes to the graph and netlens query is read-only; add --write to allow it"
            ) from None
        finally:
            graph.read_only(False)

    @staticmethod
    def _run(graph: kglite.KnowledgeGraph, cypher: str, params: dict[str, Any] | None) -> QueryResult:
        try:
            res = graph.cypher(cypher, params=params or {})
        except kglite.ReadOnlyError:
            raise
        except kglite.CypherSyntaxError as exc:
            raise QueryError(f"Cypher syntax error: {exc}") from None
        except kglite.KgError as exc:
            raise QueryError(f"query failed: {exc}") from None
        if isinstance(res, str):  # EXPLAIN / FORMAT CSV return text
            return QueryResult(["result"], [{"result": res}])
        return QueryResult(list(res.columns), res.to_list())

    def write_node_properties(self, frame: pd.DataFrame, kinds: dict[str, str]) -> int:
        statements = node_property_statements(frame, kinds)
        before = cache.file_stamp(self.path)
        with self._writing() as graph:
            self._execute(graph, statements)
        self._results_written(before)
        return sum(len(s.rows or []) for s in statements)

    def write_ties(self, ties: pd.DataFrame, kinds: dict[str, str], level: str) -> int:
        statements = tie_statements(ties, kinds, level)
        before = cache.file_stamp(self.path)
        with self._writing() as graph:
            self._execute(graph, statements)
        self._results_written(before)
        return sum(len(s.rows or []) for s in statements)

    def info(self) -> StoreInfo:
        if not self.path.exists():
            return StoreInfo(self.description, exists=False)
        graph = self._read_graph()
        return readback.info_from(self._rows(graph), self.description)

    @staticmethod
    def _rows(graph: kglite.KnowledgeGraph) -> readback.Runner:
        """A runner for the shared read-back code: Cypher text -> list of row dicts."""

        def run(cypher: str) -> list[dict[str, Any]]:
            res = graph.cypher(cypher)
            if isinstance(res, str):  # only EXPLAIN / FORMAT CSV return text; the read-back never asks for them
                raise StoreError(f"unexpected text result for {cypher!r}")
            rows: list[dict[str, Any]] = res.to_list()
            return rows

        return run

    def close(self) -> None:
        self._graph = None
