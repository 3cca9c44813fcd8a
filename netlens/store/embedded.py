"""The embedded graph store: one kglite file (``.kgl``), no server.

Atomicity: every write (load, analysis results, ``query --write``) works on an in-memory copy of the
graph and ends with a save: kglite writes a temporary beside the store, which is fsynced, given the store's
permission bits and ownership, and renamed over it (:func:`netlens.files.install`). If anything fails before
the rename, the file on disk is untouched: a failed load leaves the store exactly as it was, and temporaries
of a killed save are removed by the next write. A store path that is a symbolic link is resolved first (the
link stays, the real file is written); a read-only store file is refused. A lock file beside the real file
(``<store>.netlens-lock``, mode 0600, opened without following links, ``fcntl.flock``) keeps two netlens
processes from writing at once; a write reads the file's stamp under that lock.

kglite quirks handled here (kglite 0.21.2): it adds ``title`` (= name) and ``type`` (= label) properties
to nodes that have none, and a ``type`` property to relationships; it announces query warnings on stderr
(switched to silent; warnings are returned with the result instead).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import glob
import os
import stat
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kglite

from netlens import cache, files
from netlens.cypher.readonly import check_read_only
from netlens.errors import QueryError, ReadOnlyQueryError, StoreError
from netlens.store.protocol import LoadResult, QueryResult, StoreInfo

if TYPE_CHECKING:  # the rest is imported where it is used: `netlens info` on an empty store needs no pandas
    import pandas as pd

    from netlens.model.network import Network, Tables
    from netlens.model.projection import ArrayGraph
    from netlens.store.cypher_render import OnProgress, Statement
    from netlens.store.readback import Runner

__all__ = ["EmbeddedStore"]

kglite.set_query_warning_policy("silent")

#: rows per UNWIND batch
BATCH = 50_000


#: the first bytes of a kglite graph file
_MAGIC = b"RGF"


@functools.cache
def _code_digest(*modules: Any) -> str:
    """:func:`netlens.cache.source_digest` once per process (a write re-keys several entries; the code does not change)."""
    return cache.source_digest(*modules)


class EmbeddedStore:
    """A kglite graph file. Reads never lock; writes are atomic (see module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.description = f"embedded store {self.path}"
        self._graph: kglite.KnowledgeGraph | None = None
        self._stamp: str | None = None  # cache.file_stamp of the file self._graph came from
        self._tables: tuple[str | None, Network] | None = None  # the last read_tables() and the file it came from
        self._written: tuple[str | None, str | None] | None = None  # the last write: (stamp before, stamp after)
        self._projection: tuple[str, tuple[str, Any, Any]] | None = None  # (stamp, scope) of the projection cached or used
        self._unchanged = False  # set by a write that changed nothing: the file is not saved again
        #: test hook: called before every statement of a write (used to inject failures mid-load)
        self.before_statement: Callable[[Statement], None] | None = None

    @property
    def real_path(self) -> Path:
        """The file the store lives in: ``path`` with symbolic links resolved (a link is never replaced)."""
        return Path(os.path.realpath(self.path.expanduser()))

    # -------------------------------------------------------------- internals
    def _load_graph(self) -> kglite.KnowledgeGraph:
        if not self.real_path.exists():
            return kglite.KnowledgeGraph()
        try:
            return kglite.load(str(self.real_path))
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store ({exc}); expected a netlens .kgl file") from None

    def _read_graph(self) -> kglite.KnowledgeGraph:
        """The graph, re-read when another process (or store object) has saved the file since."""
        stamp = cache.file_stamp(self.real_path)
        if self._graph is None or stamp != self._stamp:
            self._graph = self._load_graph()
            self._stamp = stamp
        return self._graph

    def _check_is_store(self) -> None:
        """Refuse to replace a file that is not a kglite graph (``--replace`` with a mistyped ``--store-path``)."""
        real = self.real_path
        if not real.exists() or real.stat().st_size == 0:
            return
        try:
            with open(real, "rb") as fh:
                head = fh.read(3)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the store ({exc.strerror})") from None
        if head != _MAGIC:
            raise StoreError(f"{self.path}: not a netlens store (a kglite graph file); refusing to replace it")

    def _check_writable(self) -> None:
        """Refuse a store whose file is read-only (``chmod a-w``): it is kept, never silently replaced."""
        try:
            mode = self.real_path.stat().st_mode
        except FileNotFoundError:
            return
        if not mode & stat.S_IWUSR:
            raise StoreError(
                f"{self.path}: the store file is read-only (mode {stat.S_IMODE(mode):04o}); "
                "netlens does not replace it (make it writable with chmod u+w to write to it)"
            )

    def _open_lock(self) -> int:
        real = self.real_path
        lock = real.with_name(real.name + ".netlens-lock")
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
            return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(
                    f"{self.path}: the lock file {lock} is a symbolic link; netlens does not follow it (remove the link)"
                ) from None
            raise StoreError(f"{self.path}: cannot create the store ({exc.strerror})") from None

    @contextlib.contextmanager
    def _writing(self, fresh: bool = False) -> Iterator[kglite.KnowledgeGraph]:
        if fresh:
            self._check_is_store()
        self._check_writable()
        fd = self._open_lock()
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreError(
                    f"{self.path}: another netlens process is writing this store; try again when it has finished"
                ) from None
            before = cache.file_stamp(self.real_path)  # under the lock: the file this write starts from
            graph = kglite.KnowledgeGraph() if fresh else self._load_graph()
            self._unchanged = False
            yield graph  # an exception here leaves the file untouched
            if fresh or before is None or not self._unchanged:  # an unchanged re-load keeps the file (and its stamp)
                self._save(graph)
            self._graph = graph
            self._stamp = cache.file_stamp(self.real_path)
            self._written = (before, self._stamp)
        finally:
            os.close(fd)

    def _save(self, graph: kglite.KnowledgeGraph) -> None:
        """Save under the lock: remove temporaries of killed saves, write a temporary, fsync it, rename it."""
        real = self.real_path
        for stale in (
            *real.parent.glob(f"{glob.escape(real.name)}.tmp.*"),
            *real.parent.glob(f".{glob.escape(real.name)}.*.tmp"),
        ):
            with contextlib.suppress(OSError):  # kglite's own (<store>.tmp.<pid>.<n>) and ours: no save is running
                stale.unlink()
        tmp = real.with_name(f".{real.name}.{os.getpid()}.tmp")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # MappedFallbackWarning: advisory, about mapped loads only
                graph.save(str(tmp))
            files.install(tmp, real)
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot save the store ({exc}); the store is unchanged") from None
        finally:
            for left in (tmp, *real.parent.glob(f"{glob.escape(tmp.name)}.tmp.*")):
                with contextlib.suppress(OSError):
                    left.unlink()

    def _execute(
        self, graph: kglite.KnowledgeGraph, statements: list[Statement], on_progress: OnProgress | None = None
    ) -> dict[str, int]:
        totals: dict[str, int] = {}
        total, done = sum(len(s.rows or []) for s in statements), 0
        if on_progress is not None:
            on_progress(0, total)
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
                if chunk and on_progress is not None:
                    done += len(chunk)
                    on_progress(done, total)
        return totals

    # -------------------------------------------------------------- Store protocol
    def load(self, tables: Tables, *, replace: bool = False, on_progress: OnProgress | None = None) -> LoadResult:
        from netlens.store.embedded_load import changes
        from netlens.store.plan import write_plan

        items = write_plan(tables)
        t0 = time.perf_counter()
        with self._writing(fresh=replace) as graph:
            plan = changes(self._rows(graph), items)
            totals = self._execute(graph, plan, on_progress)
            self._unchanged = not any(totals.values())
        return LoadResult.from_counts(totals, int((time.perf_counter() - t0) * 1000))

    def _tables_key(self, stamp: str | None) -> tuple[str, str]:
        from netlens.store import readback, schema
        from netlens.validation import checks as validate_module

        slot = str(self.real_path)
        code = _code_digest(readback, schema, validate_module, sys.modules[__name__])
        return slot, "|".join([stamp or "", code])

    def read_tables(self) -> Network:
        """The network as typed tables. Cached per store file (see :mod:`netlens.cache`): reading CORDIS back
        through Cypher takes ~3 s, unpickling the tables a fraction of that. The cache holds the plain dict of
        tables (not the Network, whose memoised views would be cached too)."""
        from netlens.model.network import Network
        from netlens.store import readback

        stamp = cache.file_stamp(self.real_path)
        slot, key = self._tables_key(stamp)
        found = cache.get("tables", slot, key) if stamp is not None else None
        if isinstance(found, dict):
            tables = Network.from_tables(found)
        else:
            tables = readback.read_tables(self._rows(self._read_graph()))
            if stamp is not None and stamp == cache.file_stamp(self.real_path):  # not saved by someone else meanwhile
                cache.put("tables", slot, key, dict(tables), sources=(self.real_path,))
        self._tables = (stamp, tables)
        return tables

    def _projection_key(self, stamp: str, scope: tuple[str, Any, Any]) -> tuple[str, str]:
        from netlens import values
        from netlens.model import network, projection
        from netlens.store import readback, schema
        from netlens.validation import checks as validate_module

        level, since, until = scope
        slot = f"{self.real_path}|{level}|{since}|{until}"
        code = _code_digest(readback, schema, validate_module, sys.modules[__name__], projection, network, values)
        return slot, "|".join([stamp, code])

    def cached_projection(self, level: str, since: Any = None, until: Any = None) -> ArrayGraph | None:
        """The member projection at ``level`` in the window, as arrays, from the cache when it holds the one built
        from this very file (:meth:`keep_projection`), else None. No Cypher and no tables: on CORDIS this replaces
        reading the tables back (0.5-0.7 s from their cache) and building the projection (0.6-0.8 s)."""
        from netlens.model.projection import ArrayGraph

        stamp = cache.file_stamp(self.real_path)
        if stamp is None:
            return None
        scope = (level, since, until)
        slot, key = self._projection_key(stamp, scope)
        graph = ArrayGraph.from_cache(cache.get("projection", slot, key))
        if graph is not None and graph.level == level:
            self._projection = (stamp, scope)
            return graph
        return None

    def keep_projection(self, graph: ArrayGraph, since: Any = None, until: Any = None) -> None:
        """Cache ``graph``, built from the tables :meth:`read_tables` returned last, for the file they came from
        (skipped when the file has changed since)."""
        if self._tables is None or self._tables[0] is None or self._tables[0] != cache.file_stamp(self.real_path):
            return
        stamp, scope = self._tables[0], (graph.level, since, until)
        slot, key = self._projection_key(stamp, scope)
        cache.put("projection", slot, key, graph.to_cache(), sources=(self.real_path,))
        self._projection = (stamp, scope)

    def _results_written(self) -> None:
        """Analysis results change neither the tables nor the projections: carry the cached read-back and the
        projection this process used over to the newly saved file, when the write started from the very file they
        were built from (``before``, taken under the lock, equals the key they are stored with: a load by another
        process in between changes it). Entries are re-keyed in place (CORDIS: a 16 MB copy instead of 2.2 s of
        encoding); the tables are written anew only when this process holds them and the cache does not."""
        if self._written is None:
            return
        before, after = self._written
        if before is None or after is None:
            return
        slot, old_key = self._tables_key(before)
        _, new_key = self._tables_key(after)
        if not cache.rekey("tables", slot, old_key, new_key) and self._tables is not None and self._tables[0] == before:
            cache.put("tables", slot, new_key, dict(self._tables[1]), sources=(self.real_path,))
        if self._tables is not None and self._tables[0] == before:
            self._tables = (after, self._tables[1])
        # the projection this process used, and those of the whole period at each member level (another metric's
        # write, e.g. brokers or tandems, keeps them too): only an entry stored for ``before`` is carried over
        scopes = [("city", None, None), ("organisation", None, None)]
        if self._projection is not None and self._projection[0] == before and self._projection[1] not in scopes:
            scopes.append(self._projection[1])
        for scope in scopes:
            pslot, pold = self._projection_key(before, scope)
            _, pnew = self._projection_key(after, scope)
            if cache.rekey("projection", pslot, pold, pnew) and self._projection is not None and self._projection[1] == scope:
                self._projection = (after, scope)

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

    def write_node_properties(self, frame: pd.DataFrame, kinds: dict[str, str], *, on_progress: OnProgress | None = None) -> int:
        """The shared plan (:func:`~netlens.store.plan.result_plan`, here as its parts ``result_clears`` and
        ``result_ids``): the old values of these result properties are REMOVEd by Cypher, then each label's rows
        are set with kglite's DataFrame bulk update (``add_nodes``, ``conflict_handling="update"``: only the given
        columns of existing nodes change), not ``UNWIND … SET`` row by row. Same stored values and types
        (``tests/test_store_embedded.py``); full CORDIS centrality 4.5 s -> 1.5 s. ``on_progress`` counts rows."""
        from netlens.store.cypher_render import statements
        from netlens.store.plan import result_clears, result_ids

        clears, groups = result_clears(frame), result_ids(frame, kinds)
        total, done = sum(len(ids) for ids in groups.values()), 0
        with self._writing() as graph:
            self._execute(graph, statements(clears))
            if on_progress is not None:
                on_progress(0, total)
            for label, wanted in groups.items():
                # only nodes the file holds (add_nodes would create a missing one; MATCH … SET skips it)
                stored = {r["id"] for r in self._rows(graph)(f"MATCH (n:{label}) RETURN n.id AS id")}
                ids = [i for i in wanted if i in stored]
                rows = frame.loc[ids].reset_index(drop=True)  # the frame's own dtypes (int stays int)
                rows = rows[[c for c in rows.columns if rows[c].notna().any()]]  # all missing: the REMOVE cleared it
                rows.insert(0, "id", ids)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # advisory notes about title spellings: no title is written
                        graph.add_nodes(rows, label, "id", conflict_handling="update", on_invalid="error")
                except Exception as exc:
                    raise StoreError(f"writing {label} results failed: {exc}") from exc
                done += len(wanted)
                if on_progress is not None:
                    on_progress(done, total)
        self._results_written()
        return total

    def write_ties(self, ties: pd.DataFrame, kinds: dict[str, str], level: str, *, on_progress: OnProgress | None = None) -> int:
        from netlens.store.cypher_render import tie_statements

        statements = tie_statements(ties, kinds, level)
        with self._writing() as graph:
            self._execute(graph, statements, on_progress)
        self._results_written()
        return sum(len(s.rows or []) for s in statements)

    def info(self) -> StoreInfo:
        if not self.real_path.exists():
            return StoreInfo(self.description, exists=False)
        from netlens.store import readback

        graph = self._read_graph()
        return readback.info_from(self._rows(graph), self.description)

    @staticmethod
    def _rows(graph: kglite.KnowledgeGraph) -> Runner:
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
