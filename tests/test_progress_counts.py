"""Store writes report counts (rows written, per batch) through ``on_progress`` and the pipeline's steps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from netlens.pipeline import commands
from netlens.store.embedded import EmbeddedStore

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


class _Recording:
    """A Progress whose steps record every (done, total) the library reports."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[int, int]]] = {}

    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[_Recording]:
        self._current = self.calls.setdefault(description, [])
        yield self

    def counted(self) -> Callable[[int, int], None]:
        current = self._current
        return lambda done, total: current.append((done, total))


def test_load_reports_rows_written_monotonically(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.kgl")
    rec = _Recording()
    loaded = commands.load_source(store, str(SAMPLE), progress=rec)
    calls = next(c for d, c in rec.calls.items() if d.startswith("writing to"))
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and dones[0] == 0
    totals = {t for _, t in calls}
    assert len(totals) == 1
    total = totals.pop()
    assert dones[-1] == total
    # every row of every table is written at least once (nodes, relationships), topics and derived edges on top
    net = loaded.network
    table_rows = sum(len(net[t]) for t in net)
    assert total >= table_rows
    # a fresh store: each row written creates one node or one relationship (counted by kglite, not by us)
    assert total == loaded.counts.nodes_created + loaded.counts.relationships_created


def test_sampled_centrality_reports_pivots_done_per_batch() -> None:
    """Issue 12: the betweenness/closeness bar counts source pivots (20 batches per sampled component)."""
    import networkx as nx

    from netlens.analysis.centrality import centrality

    G = nx.disjoint_union(nx.les_miserables_graph(), nx.les_miserables_graph())  # two components of 77 nodes
    calls: list[tuple[int, int]] = []
    centrality(G, betweenness="sampled", closeness="sampled", samples=40, on_progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 80) and calls[-1] == (80, 80)  # 40 pivots in each of the two sampled components
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and len(calls) == 1 + 2 * 20  # the start, then one call per batch
    exact: list[tuple[int, int]] = []
    centrality(G, betweenness="exact", closeness="exact", on_progress=lambda d, t: exact.append((d, t)))
    assert exact == []  # nothing sampled, nothing to count


def test_analyse_step_counts_the_pivots(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.kgl")
    commands.load_source(store, str(SAMPLE))
    rec = _Recording()
    commands.run_analysis(store, "centrality", write=False, progress=rec, betweenness="sampled", samples=4)
    calls = rec.calls["analysing centrality"]
    assert calls and calls[-1][0] == calls[-1][1] > 0 and calls[-1][1] % 4 == 0
