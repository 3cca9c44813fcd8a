"""Orchestration: network → graph at a level → analysis → results for the store, and the one call each command makes.

- :mod:`.graphs`: the graph analysed or drawn at a level (projection or bipartite), member annotations for maps,
  partitions for brokerage roles, the graph ``netlens map`` draws;
- :mod:`.analyses`: one ``analyse`` run as data (:class:`Analysis`): table, node properties, ``TIE`` rows, notes;
- :mod:`.commands`: what each command does against a store — read, analyse and write back, explain, route,
  draw, export — each one call, with progress reported to an optional :class:`~.commands.Progress`.

Analysis functions (:mod:`netlens.analysis`) take graphs or networks and never touch a store; this package builds
their inputs and turns their outputs into rows for the store and tables for the CLI. It imports no click, so the
benchmark scripts use it too.
"""

from __future__ import annotations

from netlens.choices import LEVELS, METRICS, NODE_METRICS, PARTITIONS, TIE_AUTO_LIMIT, TIE_MODES
from netlens.pipeline import commands
from netlens.pipeline.analyses import Analysis, analyse, results_for_store, ties_to_write
from netlens.pipeline.graphs import annotate, build_graph, check_not_empty, labels, map_graph, partition, window_text

__all__ = [
    "commands",
    "LEVELS",
    "METRICS",
    "NODE_METRICS",
    "PARTITIONS",
    "TIE_AUTO_LIMIT",
    "TIE_MODES",
    "Analysis",
    "analyse",
    "results_for_store",
    "ties_to_write",
    "annotate",
    "build_graph",
    "check_not_empty",
    "labels",
    "map_graph",
    "partition",
    "window_text",
]
