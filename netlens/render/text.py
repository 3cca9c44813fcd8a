"""Text renderings of results, in one place: tables as aligned text / CSV / JSON, store summaries, load reports,
transfer routes and map summaries. The CLI prints what these return; nothing here prints."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from netlens.render.info import format_info
from netlens.values import jsonable

if TYPE_CHECKING:  # pandas and the schema are imported where they are used: `netlens info` needs neither
    import pandas as pd

    from netlens.store import LoadResult

__all__ = [
    "FORMATS",
    "render_frame",
    "format_info",
    "format_load",
    "format_routes",
    "format_map_stats",
    "render_records",
    "graph_value",
    "structure_json",
    "routes_json",
    "hops_frame",
    "HOP_FIELDS",
    "FORMULA_START",
]

FORMATS = ("table", "csv", "json")


@functools.cache
def _label_columns() -> dict[str, frozenset[str]]:
    """The input columns of each node label (which of kglite's invented properties are real)."""
    from netlens.store.schema import LABEL_OF_TABLE
    from netlens.validation.specs import SPECS

    return {label: frozenset(SPECS[table].column_names) for table, label in LABEL_OF_TABLE.items() if table in SPECS}


def _cell(v: Any) -> str:
    v = jsonable(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return ";".join(_cell(x) for x in v)
    return str(v)


#: a cell starting with one of these is a formula to a spreadsheet (CSV injection); a leading ' makes it text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(v: Any, raw: bool = False) -> str:
    """A CSV cell: full precision (``repr`` of floats round-trips), lists joined with ``;``; text that a spreadsheet
    would run as a formula gets a leading ``'`` unless ``raw`` (numbers are never changed).

    >>> _csv_cell("=HYPERLINK(1)"), _csv_cell("=HYPERLINK(1)", raw=True), _csv_cell(-0.5)
    ("'=HYPERLINK(1)", '=HYPERLINK(1)', '-0.5')
    """
    v = jsonable(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        return ";".join(_csv_cell(x, raw) for x in v)
    text = str(v)
    if not raw and isinstance(v, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def render_frame(frame: pd.DataFrame, fmt: str = "table", *, index: bool = True, raw_csv: bool = False) -> str:
    """Render ``frame`` as an aligned text table, CSV or JSON records (a list of objects).

    CSV is meant for people and spreadsheets: text cells that would run as formulas get a leading ``'`` (``raw_csv``
    keeps them as they are).

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Index(["rijeka", "nantes"], name="id")
    >>> df = pd.DataFrame({"name": ["Rijeka", "Nantes"], "pagerank": [0.25, 0.125]}, index=ids)
    >>> print(render_frame(df))
    id      name    pagerank
    rijeka  Rijeka  0.25
    nantes  Nantes  0.125
    >>> print(render_frame(df, "json"))
    [
      {"id": "rijeka", "name": "Rijeka", "pagerank": 0.25},
      {"id": "nantes", "name": "Nantes", "pagerank": 0.125}
    ]
    """
    if index and frame.index.name is not None:
        frame = frame.reset_index()
    if fmt == "csv":
        out = frame.copy()
        for c in out.columns:
            out[c] = [_csv_cell(v, raw_csv) for v in out[c]]
        return str(out.to_csv(index=False)).rstrip("\n")
    if fmt == "json":
        records = [{str(k): jsonable(v) for k, v in r.items()} for r in frame.to_dict("records")]
        if not records:
            return "[]"
        return "[\n" + ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in records) + "\n]"
    cols = [str(c) for c in frame.columns]
    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def render_records(records: Sequence[Mapping[str, Any]], fmt: str = "table") -> str:
    """Render a list of flat records (dicts of one shape) like :func:`render_frame` renders a table."""
    import pandas as pd

    return render_frame(pd.DataFrame(list(records)), fmt, index=False)


def format_load(counts: LoadResult, tables: Mapping[str, pd.DataFrame], description: str) -> str:
    """The text ``netlens load`` prints: rows read per table and what the store gained."""
    read = ", ".join(f"{name} {len(df):,}" for name, df in tables.items() if len(df))
    created_n = counts.nodes_created
    created_r = counts.relationships_created
    secs = counts.seconds_ms / 1000
    return (
        f"read: {read}\n"
        f"loaded into {description} in {secs:.1f} s: {created_n:,} nodes and {created_r:,} relationships created"
        + (" (nothing new: already loaded)" if created_n == 0 and created_r == 0 else "")
    )


def format_routes(routes: Sequence[Any]) -> str:
    """The text ``netlens paths`` prints: each route on one line, then its cost, weakest tie, reliability, brokers.

    ``routes`` are :class:`netlens.analysis.paths.Route` objects (anything with ``rank``, ``text``, ``hops``,
    ``cost``, ``bottleneck``, ``reliability`` and ``brokers``).
    """
    lines = []
    for r in routes:
        lines.append(f"{r.rank}. {r.text}")
        lines.append(
            f"   {len(r.hops)} hop(s); cost Σ1/S {r.cost:.4g}, weakest tie {r.bottleneck:.4g}, "
            f"reliability {r.reliability:.3f}; brokered by {', '.join(r.brokers) or 'nobody (direct tie)'}"
        )
    return "\n".join(lines)


def format_map_stats(output: str, stats: Any, *, geo: bool = False) -> str:
    """The line ``netlens map`` prints: file size and how many nodes and ties were drawn (``stats``: a MapStats)."""
    return (
        f"wrote {output} ({stats.bytes / 1e6:.2f} MB): {stats.nodes_shown:,} of {stats.nodes_total:,} nodes, "
        f"{stats.edges_shown:,} of {stats.edges_total:,} ties drawn"
        + (f" ({stats.edges_hidden:,} weakest hidden to keep the page fast)" if stats.edges_hidden else "")
        + (f"; {stats.nodes_unplaced:,} without coordinates listed beside the map" if geo and stats.nodes_unplaced else "")
    )


def _is_node(v: Any) -> bool:
    return isinstance(v, Mapping) and "labels" in v and "properties" in v


def _is_relationship(v: Any) -> bool:
    return isinstance(v, Mapping) and "type" in v and "properties" in v and "start" in v and "end" in v


def _property_map(props: Mapping[str, Any]) -> str:
    if not props:
        return ""
    inner = ", ".join(f"{k}: {json.dumps(jsonable(props[k]), ensure_ascii=False, default=str)}" for k in sorted(props))
    return " {" + inner + "}"


def _node_text(v: Mapping[str, Any]) -> str:
    labels = [str(x) for x in v.get("labels") or []]
    props = dict(v.get("properties") or {})
    from netlens.store.schema import INVENTED

    for label in labels:  # kglite invents `title` and `type` on nodes whose schema lacks them
        own = _label_columns().get(label, frozenset())
        for inv in INVENTED:
            if inv in props and (inv not in own or props[inv] == label):
                props.pop(inv)
    return "(" + "".join(f":{x}" for x in labels) + _property_map(props) + ")"


def graph_value(v: Any) -> Any:
    """A node, relationship or path of a query result as Neo4j Browser's table view shows it; other values as is.

    Nodes are labels + property map (no engine-internal id; the ``title``/``type`` kglite invents are hidden),
    relationships ``[:TYPE {…}]``, paths ``(…)-[:TYPE]->(…)``; lists are converted element by element.

    >>> paris = {"id": "paris", "name": "Paris", "type": "City", "title": "Paris"}
    >>> graph_value({"id": 0, "labels": ["City"], "properties": paris})
    '(:City {id: "paris", name: "Paris"})'
    >>> graph_value({"id": 3, "start": 1, "end": 0, "type": "BASED_IN", "properties": {}})
    '[:BASED_IN]'
    >>> graph_value([1, {"labels": ["Topic"], "properties": {"name": "energy"}}])
    [1, '(:Topic {name: "energy"})']
    """
    if isinstance(v, list):
        return [graph_value(x) for x in v]
    if _is_node(v):
        return _node_text(v)
    if _is_relationship(v):
        return f"[:{v['type']}{_property_map(v.get('properties') or {})}]"
    if isinstance(v, Mapping) and set(v) == {"nodes", "relationships"} and v["nodes"]:
        nodes, rels = list(v["nodes"]), list(v["relationships"])
        text = _node_text(nodes[0])
        for node_prev, node, rel in zip(nodes, nodes[1:], rels, strict=False):
            arrow = f"[:{rel.get('type')}{_property_map(rel.get('properties') or {})}]"
            forward = rel.get("start") == node_prev.get("id")
            text += (f"-{arrow}->" if forward else f"<-{arrow}-") + _node_text(node)
        return text
    return v


def structure_json(summary: Mapping[str, Any]) -> str:
    """``analyse --metric structure --format json``: one object of typed measures plus the degree distribution
    as ``[{"degree": d, "count": n}, …]``."""
    out = {k: jsonable(v) for k, v in summary.items() if k != "degree_distribution"}
    dist = summary.get("degree_distribution")
    if dist is not None:
        out["degree_distribution"] = [{"degree": int(d), "count": int(c)} for d, c in dist["count"].items()]
    return json.dumps(out, ensure_ascii=False, indent=2)


#: the fields of one hop in machine formats
HOP_FIELDS = ("from", "to", "from_name", "to_name", "activity_id", "activity", "channel", "start", "end", "when", "strength")


def _hop_record(h: Any) -> dict[str, Any]:
    return {
        "from": h.source,
        "to": h.target,
        "from_name": h.source_name,
        "to_name": h.target_name,
        "activity_id": h.activity_id,
        "activity": h.activity,
        "channel": h.channel,
        "start": jsonable(h.start),
        "end": jsonable(h.end),
        "when": jsonable(h.when),
        "strength": h.strength,
    }


def routes_json(routes: Sequence[Any]) -> str:
    """``paths --format json``: each route with its node ids and its hops (from, to, activity id/type/dates,
    strength), beside the figures the table view shows."""
    records = [
        {
            "rank": r.rank,
            "route": r.text,
            "nodes": list(r.nodes),
            "hops": [_hop_record(h) for h in r.hops],
            "cost": r.cost,
            "bottleneck": r.bottleneck,
            "reliability": r.reliability,
            "brokers": list(r.brokers),
        }
        for r in routes
    ]
    return json.dumps(records, ensure_ascii=False, indent=2)


def hops_frame(routes: Sequence[Any]) -> pd.DataFrame:
    """``paths --format csv``: one row per hop of every route (``rank``, ``hop``, then the hop's fields)."""
    import pandas as pd

    rows = [{"rank": r.rank, "hop": i, **_hop_record(h)} for r in routes for i, h in enumerate(r.hops, start=1)]
    return pd.DataFrame(rows, columns=["rank", "hop", *HOP_FIELDS])
