"""netlens: graph-based partnership and knowledge-network analysis for city cooperation.

The public API, from reading a network package to a map::

    import netlens
    net, warnings = netlens.validate_or_raise(netlens.read_package("data/sample"))
    g = netlens.projection(net, level="city")          # networkx Graph, Newman-weighted city–city ties
    netlens.centrality(g).sort_values("pagerank")      # DataFrame: degree … pagerank, kcore
    netlens.explain_pair(net, "Rijeka", "Palencia")    # tandem strength of one pair, with its breakdown
    netlens.transfer_paths(net, "Nantes", "Palencia")  # routes knowledge can take, hop by hop
    netlens.write_map(g, "map.html")                   # one self-contained, offline HTML file

Names are loaded on first use, so ``import netlens`` (and ``netlens --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netlens.analysis.backbone import disparity_filter
    from netlens.analysis.brokerage import bridges, brokers
    from netlens.analysis.centrality import centrality
    from netlens.analysis.communities import communities
    from netlens.analysis.explain import explain_pair
    from netlens.analysis.paths import transfer_paths
    from netlens.analysis.recommend import recommend
    from netlens.analysis.strength import tandem_strength
    from netlens.analysis.structure import structure
    from netlens.analysis.weights import load_weights
    from netlens.errors import NetlensError
    from netlens.model.network import Network
    from netlens.model.projection import bipartite_graph, projection
    from netlens.read import read_package, read_source
    from netlens.render.export import export
    from netlens.render.maps import render_map, write_map
    from netlens.store import open_store
    from netlens.validation import validate, validate_or_raise

__version__ = "0.1.0"

#: public name -> the module that defines it
_API = {
    "read_package": "netlens.read",
    "read_source": "netlens.read",
    "validate": "netlens.validation",
    "validate_or_raise": "netlens.validation",
    "Network": "netlens.model.network",
    "projection": "netlens.model.projection",
    "bipartite_graph": "netlens.model.projection",
    "centrality": "netlens.analysis.centrality",
    "communities": "netlens.analysis.communities",
    "brokers": "netlens.analysis.brokerage",
    "bridges": "netlens.analysis.brokerage",
    "structure": "netlens.analysis.structure",
    "disparity_filter": "netlens.analysis.backbone",
    "load_weights": "netlens.analysis.weights",
    "tandem_strength": "netlens.analysis.strength",
    "explain_pair": "netlens.analysis.explain",
    "recommend": "netlens.analysis.recommend",
    "transfer_paths": "netlens.analysis.paths",
    "open_store": "netlens.store",
    "render_map": "netlens.render.maps",
    "write_map": "netlens.render.maps",
    "export": "netlens.render.export",
    "NetlensError": "netlens.errors",
}

__all__ = [
    "__version__",
    "read_package",
    "read_source",
    "validate",
    "validate_or_raise",
    "Network",
    "projection",
    "bipartite_graph",
    "centrality",
    "communities",
    "brokers",
    "bridges",
    "structure",
    "disparity_filter",
    "load_weights",
    "tandem_strength",
    "explain_pair",
    "recommend",
    "transfer_paths",
    "open_store",
    "render_map",
    "write_map",
    "export",
    "NetlensError",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'netlens' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
