"""The vocabularies users choose from on the command line — levels, metrics, formats, modes — in one module that
imports nothing, so ``netlens --help`` builds every option without loading pandas, networkx or a store driver.

The modules that implement each choice import their tuple from here (one definition each).
"""

from __future__ import annotations

__all__ = [
    "MEMBER_LEVELS",
    "LEVELS",
    "METRICS",
    "NODE_METRICS",
    "PARTITIONS",
    "TIE_MODES",
    "TIE_AUTO_LIMIT",
    "PATH_MODES",
    "COMMUNITY_METHODS",
    "ROUTE_MODES",
    "SOURCE_FORMATS",
    "OUTPUT_FORMATS",
    "EXPORT_FORMATS",
    "COLOR_BY",
    "RENDERERS",
]

#: levels of the member–member projections
MEMBER_LEVELS = ("city", "organisation")
#: levels an analysis runs at: the projections, or the member–activity graph itself
LEVELS = (*MEMBER_LEVELS, "bipartite")
METRICS = ("centrality", "communities", "brokers", "structure", "tandems")
#: the centralities written as node properties (and drawn as node sizes by ``netlens map --metric``)
NODE_METRICS = ("degree", "strength", "betweenness", "closeness", "harmonic", "eigenvector", "pagerank", "kcore")
#: groupings for the Gould–Fernandez brokerage roles
PARTITIONS = ("country", "tags", "role", "programme", "type", "community")
#: which TIE relationships a tandem analysis writes
TIE_MODES = ("auto", "all", "significant", "none")
#: ``--ties auto`` writes every tie up to this many pairs, else only the significant ones (the backbone)
TIE_AUTO_LIMIT = 200_000
#: betweenness/closeness: exact, sampled (Brandes–Pich pivots), by component size, or not at all
PATH_MODES = ("auto", "exact", "sampled", "none")
COMMUNITY_METHODS = ("leiden", "louvain")
#: transfer-route objectives
ROUTE_MODES = ("shortest", "widest", "reliable")
SOURCE_FORMATS = ("package", "cordis", "fp7", "urbact")
OUTPUT_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("graphml", "gexf", "neo4j-csv")
#: node colourings of ``netlens map``
COLOR_BY = ("kind", "type", "country", "community", "programme")
#: map renderers: vis-network (canvas) or sigma.js + graphology (WebGL)
RENDERERS = ("webgl", "vis")
