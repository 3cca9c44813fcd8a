"""What each command does against a store, as one call: the CLI parses options, calls one of these, and renders.

Every function takes the opened :class:`~netlens.store.Store` and a :class:`Progress` (anything with a
``step(description)`` context manager — the CLI passes its progress bars; the default shows nothing), and returns
data: an :class:`~netlens.pipeline.analyses.Analysis`, routes, a map summary, an export result. None of them prints.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from netlens.analysis.explain import PairExplanation, explain_pair
from netlens.analysis.paths import Route, transfer_paths
from netlens.analysis.recommend import recommend
from netlens.choices import MEMBER_LEVELS
from netlens.errors import StoreError, UsageError
from netlens.model.network import LABEL_OF_TABLE, Network, as_network
from netlens.model.projection import ArrayGraph
from netlens.pipeline.analyses import Analysis, analyse, results_for_store, ties_to_write
from netlens.pipeline.graphs import ARRAY_METRICS, analysis_graph, build_graph, map_graph
from netlens.read import RawPackage, read_source
from netlens.render.export import export
from netlens.render.maps import layout, write_map
from netlens.store import Store
from netlens.store.readback import read_results
from netlens.validation import Issue, validate_or_raise

__all__ = [
    "Progress",
    "NO_PROGRESS",
    "Loaded",
    "ResultsNotWritten",
    "MapDrawn",
    "load_source",
    "stored_network",
    "run_analysis",
    "write_back",
    "explain",
    "recommendations",
    "routes",
    "draw_map",
    "export_store",
]


class Progress(Protocol):
    """Where a command reports its steps (:class:`netlens.render.progress.Steps` is one)."""

    def step(self, description: str, total: float | None = None) -> contextlib.AbstractContextManager[Any]: ...


class _Silent:
    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[None]:
        yield None


#: the default: report nothing
NO_PROGRESS: Progress = _Silent()


def _counting(step: Any) -> Any:
    """The step's ``on_progress(done, total)`` callback when it can show counts (a ``Step`` has ``counted()``), else None."""
    counted = getattr(step, "counted", None)
    return counted() if callable(counted) else None


@dataclass(frozen=True)
class Loaded:
    """What ``netlens load`` did: the package read, the network validated from it, its warnings, the store's counts."""

    raw: RawPackage
    network: Network
    warnings: list[Issue]
    counts: Any  # what Store.load returns


def load_source(
    store: Store,
    path: str,
    fmt: str = "package",
    *,
    data_dir: str | None = None,
    enrich: bool = True,
    replace: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Loaded:
    """Read ``path`` (as ``fmt``), validate it (errors raise, with every issue) and load it into ``store``."""
    with progress.step(f"reading {Path(path).name}"):
        raw = read_source(path, fmt, data_dir=data_dir, enrich=enrich)
    with progress.step("validating"):
        network, issues = validate_or_raise(raw)
    with progress.step(f"writing to {store.description}") as step:
        counts = store.load(network, replace=replace, on_progress=_counting(step))
    return Loaded(raw, network, [i for i in issues if i.severity == "warning"], counts)


def stored_network(store: Store, progress: Progress = NO_PROGRESS) -> Network:
    """The network in ``store``; refused with what to do when nothing is loaded."""
    with progress.step(f"reading {store.description}"):
        network = as_network(store.read_tables())
    if not any(len(network[t]) for t in ("cities", "organisations")):
        raise UsageError(f"{store.description} is empty; load a network first: netlens load PATH")
    return network


def write_back(
    store: Store,
    network: Network | None,
    a: Analysis,
    *,
    ties_mode: str = "auto",
    progress: Progress = NO_PROGRESS,
    kinds: dict[str, str] | None = None,
) -> str:
    """Write ``a``'s node properties and ``TIE`` rows into ``store``; returns what was written, in words.
    ``kinds`` (node id -> store label) defaults to ``network.labels()``."""
    if kinds is None:
        if network is None:
            raise ValueError("write_back needs the network or the kinds of its nodes")
        kinds = network.labels()
    parts = []
    nodes = results_for_store(a)
    if nodes is not None and len(nodes):
        with progress.step("writing results to the store") as step:
            n = store.write_node_properties(nodes, kinds, on_progress=_counting(step))
        parts.append(f"{n:,} nodes got {', '.join(nodes.columns)}")
    ties, which = ties_to_write(a, ties_mode)
    if ties is not None:
        with progress.step("writing TIE relationships") as step:
            n = store.write_ties(ties, kinds, a.level, on_progress=_counting(step))
        parts.append(f"{n:,} TIE relationships (level {a.level}): {which}")
    return "; ".join(parts)


#: the store label of each member ``kind`` (a city takes part in projects as a member at organisation level too)
LABEL_OF_KIND = {"city": LABEL_OF_TABLE["cities"], "organisation": LABEL_OF_TABLE["organisations"]}


def _cached_projection(store: Store, level: str, window: dict[str, Any], progress: Progress) -> ArrayGraph | None:
    """The projection the store kept for this very file (embedded store: :meth:`EmbeddedStore.cached_projection`),
    or None (no such cache, none kept, or an empty one: the tables are read then, and say why it is empty)."""
    cached = getattr(store, "cached_projection", None)
    if cached is None:
        return None
    with progress.step(f"reading the cached {level} graph"):
        graph = cached(level, **window)
    return graph if isinstance(graph, ArrayGraph) and graph.number_of_nodes() else None


class ResultsNotWritten(StoreError):
    """The analysis ran but its write-back failed (e.g. another process was writing the store).

    ``analysis`` holds the complete results, so the caller can still show them before reporting the failure.
    """

    def __init__(self, message: str, analysis: Analysis) -> None:
        super().__init__(message)
        self.analysis = analysis


def run_analysis(
    store: Store,
    metric: str,
    *,
    write: bool = True,
    ties_mode: str = "auto",
    progress: Progress = NO_PROGRESS,
    **options: Any,
) -> tuple[Analysis, str]:
    """Read the network, compute ``metric`` (``options`` as :func:`~netlens.pipeline.analyses.analyse` takes them)
    and, unless ``write`` is false, write the results back. Returns the analysis and what was written, in words.

    A failed write-back raises :class:`ResultsNotWritten`, which carries the analysis (the results are not lost)."""
    level = options.get("level", "city")
    window = {"since": options.get("since"), "until": options.get("until")}
    network: Network | None = None
    kinds: dict[str, str] | None = None
    graph = options.get("graph")
    if graph is None and metric in ARRAY_METRICS and level in MEMBER_LEVELS:
        graph = _cached_projection(store, level, window, progress)
        labels = None if graph is None else [LABEL_OF_KIND.get(k) for k in graph.kind]
        if graph is not None and labels is not None and None not in labels:  # no tables needed: the kinds say the labels
            options["graph"] = graph
            kinds = {node: str(label) for node, label in zip(graph.nodes, labels, strict=True)}
    if kinds is None:
        network = stored_network(store, progress)
        if metric != "tandems" and options.get("graph") is None:
            with progress.step(f"building the {level} graph"):
                options["graph"] = built = analysis_graph(network, level, **window, metric=metric)
            keep = getattr(store, "keep_projection", None)
            if isinstance(built, ArrayGraph) and built.number_of_nodes() and keep is not None:
                keep(built, **window)
    with progress.step(f"analysing {metric}") as step:  # centrality: n/N source pivots when sampling
        a = analyse(network, metric, on_progress=_counting(step), **options)
    try:
        written = write_back(store, network, a, ties_mode=ties_mode, progress=progress, kinds=kinds) if write else ""
    except StoreError as exc:
        raise ResultsNotWritten(
            f"results not written: {exc}. The results shown are complete; run the same "
            "command again to write them into the store (or add --no-write to only show them)",
            a,
        ) from None
    return a, written


def explain(store: Store, a: str, b: str, *, progress: Progress = NO_PROGRESS, **options: Any) -> PairExplanation:
    """The tandem strength of one pair with its full breakdown (``options`` as :func:`explain_pair` takes them)."""
    network = stored_network(store, progress)
    with progress.step("explaining the pair"):
        return explain_pair(network, a, b, **options)


def recommendations(store: Store, *, progress: Progress = NO_PROGRESS, **options: Any) -> Any:
    """Pairs that are not tandems yet but should be (``options`` as :func:`~netlens.analysis.recommend.recommend`)."""
    network = stored_network(store, progress)
    with progress.step("finding recommendations"):
        return recommend(network, **options)


def routes(
    store: Store, source: str, target: str, *, mode: str = "shortest", progress: Progress = NO_PROGRESS, **options: Any
) -> list[Route]:
    """The best routes knowledge can take from ``source`` to ``target`` (``options`` as :func:`transfer_paths`)."""
    network = stored_network(store, progress)
    with progress.step(f"finding {mode} routes"):
        return transfer_paths(network, source, target, mode=mode, **options)


@dataclass(frozen=True)
class MapDrawn:
    """What ``netlens map`` wrote: the map's summary (a :class:`~netlens.render.maps.MapStats`) and the route drawn."""

    stats: Any
    route: Route | None


def draw_map(
    store: Store,
    output: str,
    *,
    level: str = "city",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    metric: str = "pagerank",
    community: bool = False,
    color_by: str | None = None,
    path: tuple[str, str] | None = None,
    backbone: bool = False,
    seed: int = 0,
    progress: Progress = NO_PROGRESS,
    **render: Any,
) -> MapDrawn:
    """Prepare the graph at ``level`` and write the interactive map to ``output`` (``render`` as ``write_map`` takes)."""
    network = stored_network(store, progress)
    with progress.step(f"preparing the {level} graph"):
        G, route = map_graph(
            network,
            level,
            since=since,
            until=until,
            metric=metric,
            community=community or color_by == "community",
            path=path,
            backbone=backbone,
            seed=seed,
        )
    # by default: countries tell cities apart; organisation types (university, company, city…) tell members apart
    colour = color_by or ("community" if community else ("country" if level == "city" else "type"))
    with progress.step("rendering the map"):
        stats = write_map(
            G,
            output,
            size_by=metric,
            color_by=colour,
            highlight_path=list(route.nodes) if route is not None else None,
            seed=seed,
            **render,
        )
    return MapDrawn(stats, route)


def export_store(
    store: Store,
    folder: str,
    formats: Sequence[str],
    *,
    level: str = "full",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    positions: bool = True,
    seed: int = 0,
    progress: Progress = NO_PROGRESS,
) -> Any:
    """Export the store's network (``level="full"``) or its projection at ``level`` into ``folder``, with the
    analysis results the store holds and, unless ``positions`` is false, the positions ``netlens map`` gives the
    members with its default options (``--level bipartite`` for the full graph, else ``level``; ``seed``)."""
    if not formats:
        raise UsageError("--formats is empty; expected one or more of graphml, gexf, neo4j-csv")
    network = stored_network(store, progress)
    source: Any = network
    if level != "full":
        if "neo4j-csv" in formats:
            raise UsageError("neo4j-csv exports the full graph; use --level full or --formats graphml,gexf")
        source = build_graph(network, level, since=since, until=until)
    elif since or until:
        raise UsageError("--since/--until apply to projections; add --level city or organisation")
    with progress.step("reading analysis results"):
        results = read_results(lambda cypher: store.query(cypher).rows)
    xy = None
    if positions and ("graphml" in formats or "gexf" in formats):
        map_level = "bipartite" if level == "full" else level
        with progress.step(f"laying out the {map_level} map"):
            G, _ = map_graph(network, map_level, since=since, until=until, seed=seed)
            xy = layout(G, size_by="pagerank", seed=seed)
    with progress.step("exporting"):
        return export(source, folder, tuple(formats), results=results, level=None if level == "full" else level, positions=xy)
