"""Export the network for other tools: GraphML, GEXF (Gephi) and CSVs for ``neo4j-admin database import``.

The exported graph is the full typed graph the stores hold, built from the same write plan
(:func:`netlens.store.plan.write_plan`, read as data): every node label (City, Organisation, Project, Exchange, Topic) and
relationship type (BASED_IN, PARTICIPATES_IN, ATTENDED, PART_OF, ABOUT, TANDEM, TRANSFERRED), with
their properties. Values are written as GraphML/GEXF can hold them: ``;``-lists joined with ``;``,
dates as ISO text, empty values left out.

Attributes for Gephi
--------------------
Nodes: ``label`` (the name, an exchange's title, or the id: Gephi's display label) and ``labels`` (the
node label, ``City`` …, to colour or filter by), then the node's properties. Edges: ``label`` and
``rel_type`` (the relationship type), then its properties. A property whose name clashes with these is
written with a trailing ``_``. In GEXF, a project's ``start``/``end`` become the node's time interval
(GEXF's own ``start``/``end`` attributes, so Gephi's timeline shows when projects ran).
Positions (``positions``, from :func:`netlens.render.maps.layout`): GraphML ``x``/``y`` node attributes and GEXF
``viz:position``, with ``y`` flipped (the map's grows downwards, Gephi's upwards), so Gephi opens the picture
``netlens map`` draws. Analysis results (``results``) come as result properties and ``TIE`` relationships.

Node keys are the member/activity ids; topics are keyed ``topic:NAME`` (topic names may equal an id).

Neo4j CSVs
----------
``nodes_<Label>.csv`` (``id:ID,name,…,:LABEL``) and ``rels_<TYPE>.csv`` (``:START_ID,:END_ID,:TYPE,…``) with
typed headers (``:long``, ``:double``, ``:date``, ``:string[]`` …), plus a ``README.md`` with the
``neo4j-admin database import full`` command and the constraints to create afterwards. Cities,
organisations, projects and exchanges share one id space (their ids are unique across the four
tables); topics have their own (``id:ID(Topic)``).

Cells are written as the data has them, also when they start with ``=``, ``+``, ``-`` or ``@``: these files are
for ``neo4j-admin`` (a machine), and a prefix such as ``'`` would change the values Neo4j imports (a city named
``-Nord`` or a budget note ``=10%`` must stay as it is). Do not open them in a spreadsheet program that evaluates
formulas; the CSVs of ``netlens query``/``analyse --format csv`` are the ones meant for people. Column names are
never raw text from a user in a way that can shift columns: names with ``,`` ``:`` ``"`` or control characters are
refused by validation, and refused again here (:class:`~netlens.errors.InputError`) for tables built by hand.

Writing
-------
Every file goes through :func:`netlens.files.atomic_write` (a full disk or an unwritable folder is an
:class:`~netlens.errors.OutputError`, exit 8, and leaves the previous file unchanged). GraphML and GEXF are
always well-formed XML: characters XML 1.0 forbids are refused by validation and removed here from graphs built
by hand.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from netlens.errors import InputError, NetlensError, OutputError, UsageError
from netlens.files import atomic_write, write_text
from netlens.model.network import Tables
from netlens.store import NODE_LABELS, PlanItem, statements, write_plan
from netlens.store.plan import Constraint, NodeWrite, RelationshipWrite
from netlens.store.readback import StoredResults
from netlens.validation.text import strip_forbidden_xml
from netlens.values import plain

__all__ = ["FORMATS", "ExportResult", "typed_graph", "export", "neo4j_import_command"]

FORMATS = ("graphml", "gexf", "neo4j-csv")
#: node key -> (x, y) in map pixels, y downwards (what :func:`netlens.render.maps.layout` returns)
Positions = dict[Any, tuple[float, float]]
#: the files of each format, inside the export folder
GRAPHML_FILE = "network.graphml"
GEXF_FILE = "network.gexf"
NEO4J_FOLDER = "neo4j-import"


@dataclass
class ExportResult:
    """What :func:`export` wrote: the files per format and the ``neo4j-admin`` command (for neo4j-csv)."""

    folder: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    neo4j_command: str | None = None


def _key(label: str, node_id: str) -> str:
    return f"topic:{node_id}" if label == "Topic" else node_id


def _plain(v: Any) -> Any:
    """A value as GraphML/GEXF/CSV can hold it; ``None`` when it should be left out.

    Not :func:`netlens.values.jsonable`: lists become ``;``-joined text here, and values of other types text.
    """
    v = plain(v)
    if v is None:
        return None
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in map(_plain, v) if x is not None)
    if isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _attrs(reserved: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    out = dict(reserved)
    for k, v in props.items():
        pv = _plain(v)
        if pv is None:
            continue
        name = k
        while name in out:
            name += "_"
        out[name] = pv
    return out


def _add_node_results(g: nx.Graph, results: StoredResults) -> None:
    """Result properties onto the nodes of ``g`` that have them (a node's own attributes keep their names)."""
    for node_id, props in results.nodes.items():
        if node_id in g:
            node = g.nodes[node_id]
            node.update(_attrs({}, {k: v for k, v in props.items() if k not in node}))


def _add_level_results(g: nx.Graph, results: StoredResults | None, level: str) -> None:
    """Analysis results onto a projection at ``level``: result properties (with their ``<metric>_scope``) on its
    members, and each ``TIE`` of that level onto its pair's edge (added when only a tandem or transfer ties them)."""
    if results is None:
        return
    _add_node_results(g, results)
    for a, b, props in results.ties:
        if props.get("level") != level or a not in g or b not in g:
            continue
        if not g.has_edge(a, b):
            g.add_edge(a, b)
        edge = g.edges[a, b]
        edge.update(_attrs({}, {k: v for k, v in props.items() if k not in edge}))


def _add_results(g: nx.MultiDiGraph, results: StoredResults | None) -> None:
    """Analysis results onto the typed graph: result properties on their nodes, one ``TIE`` edge per relationship."""
    if results is None:
        return
    _add_node_results(g, results)
    for i, (a, b, props) in enumerate(results.ties):
        level = props.get("level", "")
        g.add_edge(a, b, key=f"TIE:{level}:{i}", **_attrs({"label": "TIE", "rel_type": "TIE"}, props))


def typed_graph(tables: Tables, results: StoredResults | None = None) -> nx.MultiDiGraph:
    """The full typed graph of ``tables`` (validated) as the stores hold it, with export-ready attributes.

    Examples
    --------
    >>> import pandas as pd
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["plzen"], "name": ["Plzeň"], "country": ["CZ"], "lat": [None], "lon": [None],
    ...                             "population": [168733], "tags": [["pitch", "czech"]]}, dtype=object)
    >>> g = typed_graph(t)
    >>> dict(g.nodes["plzen"])
    {'label': 'Plzeň', 'labels': 'City', 'name': 'Plzeň', 'country': 'CZ', 'population': 168733, 'tags': 'pitch;czech'}
    """
    g = nx.MultiDiGraph()
    for item in write_plan(tables):
        _add_item(g, item)
    _add_results(g, results)
    return g


def _unknown(item: PlanItem) -> NetlensError:
    return NetlensError(f"export does not know how to write the plan item {item.what!r}; update netlens.render.export")


def _rel_props(rel: RelationshipWrite) -> Iterable[tuple[Any, Any, Any, dict[str, Any]]]:
    """``(start, end, key, properties)`` per relationship; a MERGE key property comes first."""
    keys = rel.keys if rel.key_name else (None,) * len(rel.starts)
    for a, b, k, props in zip(rel.starts, rel.ends, keys, rel.props):
        yield a, b, k, ({rel.key_name: k, **props} if rel.key_name else dict(props))


def _add_item(g: nx.MultiDiGraph, item: PlanItem) -> None:
    if isinstance(item, Constraint):
        return
    if isinstance(item, NodeWrite):
        for node_id, props in item.properties():
            display = props.get("name") or props.get("title") or node_id
            g.add_node(_key(item.label, node_id), **_attrs({"label": str(display), "labels": item.label}, props))
        return
    if isinstance(item, RelationshipWrite):
        rel = item.type
        for a, b, k, props in _rel_props(item):
            edge_key = rel if not item.key_name else f"{rel}:{k}"
            g.add_edge(
                _key(item.from_label, a), _key(item.to_label, b), key=edge_key, **_attrs({"label": rel, "rel_type": rel}, props)
            )
        return
    raise _unknown(item)


def _harmonise(items: Iterable[dict[str, Any]]) -> None:
    """Give every attribute one type across all items (int+float -> float, anything mixed -> str), in place."""
    items = list(items)
    kinds: dict[str, set[type]] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, ts in kinds.items():
        if len(ts) <= 1:
            continue
        target: type = float if ts <= {int, float} else str
        for d in items:
            if k in d:
                v = d[k]
                d[k] = (str(v).lower() if isinstance(v, bool) else str(v)) if target is str else float(v)


#: attribute names GEXF keeps for itself (renamed with a trailing ``_``): node id, pid, viz, parents, slices,
#: spells; edge id and type (directed|undirected|mutual); an edge's start/end (only a project node's interval
#: is a GEXF time interval)
_GEXF_NODE_SPECIAL = ("id", "pid", "viz", "parents", "slices", "spells")
_GEXF_EDGE_SPECIAL = ("id", "type", "start", "end")


def _xml_plain(v: Any) -> Any:
    """:func:`_plain`, text without the characters XML 1.0 forbids."""
    pv = _plain(v)
    return strip_forbidden_xml(pv) if isinstance(pv, str) else pv


def _xml_attrs(d: dict[str, Any], special: tuple[str, ...]) -> dict[str, Any]:
    """Plain attribute values (None dropped), names in ``special`` renamed with a trailing ``_``."""
    attrs = {strip_forbidden_xml(str(k)): pv for k, v in d.items() if (pv := _xml_plain(v)) is not None}
    for name in special:
        if name in attrs:
            attrs[name + "_"] = attrs.pop(name)
    return attrs


def _xml_key(n: Any) -> str:
    return strip_forbidden_xml(str(n))


def _for_xml(graph: nx.Graph, gexf: bool = False, positions: Positions | None = None) -> nx.Graph:
    """A copy of ``graph`` with plain attribute values (lists joined, dates ISO, None dropped), one type per key;
    ``positions`` as Gephi reads them: GraphML ``x``/``y`` attributes (a property of that name gets a trailing
    ``_``), GEXF ``viz:position``; ``y`` is flipped (the map's grows downwards, Gephi's upwards)."""
    out = graph.__class__()
    for n, d in graph.nodes(data=True):
        attrs = {strip_forbidden_xml(str(k)): pv for k, v in d.items() if (pv := _xml_plain(v)) is not None}
        if "label" not in attrs:
            attrs["label"] = strip_forbidden_xml(str(attrs.get("name") or n))
        if not gexf and positions:
            attrs = _xml_attrs(attrs, ("x", "y"))
            if n in positions:
                attrs["x"], attrs["y"] = positions[n][0], -positions[n][1]
        out.add_node(_xml_key(n), **(_xml_attrs(attrs, _GEXF_NODE_SPECIAL) if gexf else attrs))
    edges = (
        graph.edges(keys=True, data=True) if graph.is_multigraph() else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    )
    for u, v, k, d in edges:
        attrs = _xml_attrs(d, _GEXF_EDGE_SPECIAL if gexf else ())
        if graph.is_multigraph():
            out.add_edge(_xml_key(u), _xml_key(v), key=None if k is None else _xml_key(k), **attrs)
        else:
            out.add_edge(_xml_key(u), _xml_key(v), **attrs)
    _harmonise(d for _, d in out.nodes(data=True))
    _harmonise(d for *_, d in out.edges(data=True))
    if gexf and positions:
        for n, (x, y) in positions.items():
            if n in graph:
                out.nodes[_xml_key(n)]["viz"] = {"position": {"x": x, "y": -y, "z": 0.0}}
    return out


# ------------------------------------------------------------------------------ Neo4j CSVs


def _kind(v: Any) -> str:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (list, tuple)):
        return "string[]"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return "date"
    return ""


def _csv_type(values: list[Any]) -> str:
    """The neo4j-admin header type of a column ('' for text): one kind for all values, long+double -> double."""
    kinds = {_kind(v) for v in values if v is not None}
    if kinds == {"long", "double"}:
        return "double"
    return kinds.pop() if len(kinds) == 1 else ""


def _csv_value(v: Any) -> Any:
    v = plain(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    return v


def _cell(v: Any) -> str:
    """One CSV cell: text quoted (``""`` is an empty string), numbers bare, ``None`` an empty cell (no property)."""
    v = _csv_value(v)
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace('"', '""') + '"'


#: characters that give a neo4j-admin header field a meaning (``,`` ``:`` ``"``) and controls
_UNSAFE_HEADER = ',:"\n\r'


def _header_name(name: str, where: str) -> str:
    """``name`` as a neo4j-admin header field; InputError for a name that would shift or retype the columns."""
    if any(ch in _UNSAFE_HEADER or ord(ch) < 0x20 for ch in name) or not name:
        raise InputError(
            f"{where}: the property name {name!r} cannot be a neo4j-admin CSV header field (it has ',', ':', '\"' or a "
            "control character, or is empty); rename the column"
        )
    return name


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with atomic_write(path) as fh:
        fh.write((",".join(header) + "\n").encode("utf-8"))
        for r in rows:
            fh.write((",".join(_cell(v) for v in r) + "\n").encode("utf-8"))


NodeRecords = dict[str, list[dict[str, Any]]]
RelRecords = dict[str, list[tuple[Any, Any, dict[str, Any]]]]


def _records(tables: Tables, results: StoredResults | None = None) -> tuple[NodeRecords, RelRecords, list[str]]:
    """Node records per label (``id`` first), ``(start, end, properties)`` per relationship type, constraint Cypher."""
    nodes: NodeRecords = {}
    rels: RelRecords = {}
    constraints: list[Constraint] = []
    for item in write_plan(tables):
        if isinstance(item, Constraint):
            constraints.append(item)
        elif isinstance(item, NodeWrite):
            recs = nodes.setdefault(item.label, [])
            recs += [{"id": i, **{k: v for k, v in props.items() if k != "id"}} for i, props in item.properties()]
        elif isinstance(item, RelationshipWrite):
            rels.setdefault(item.type, []).extend((a, b, props) for a, b, _, props in _rel_props(item))
        else:
            raise _unknown(item)
    if results is not None:
        for recs in nodes.values():
            for r in recs:
                r.update({k: v for k, v in results.nodes.get(str(r["id"]), {}).items() if k not in r})
        if results.ties:
            rels["TIE"] = [(a, b, dict(p)) for a, b, p in results.ties]
    return nodes, rels, [st.cypher for st in statements(constraints)]


def _typed_header(cols: list[str], records: list[dict[str, Any]]) -> list[str]:
    """``name:type`` headers for the columns ``cols`` of ``records``; text columns stay untyped."""
    return [f"{c}:{t}" if (t := _csv_type([r.get(c) for r in records])) else c for c in cols]


def _checked_cols(cols: list[str], where: str) -> list[str]:
    return [_header_name(str(c), where) for c in cols]


def _node_csvs(nodes: NodeRecords, folder: Path) -> list[Path]:
    written: list[Path] = []
    for label in NODE_LABELS:
        recs = nodes.get(label)
        if not recs:
            continue
        cols = _checked_cols([c for c in dict.fromkeys(k for r in recs for k in r) if c != "id"], f"nodes_{label}.csv")
        id_col = "id:ID(Topic)" if label == "Topic" else "id:ID"
        header = [id_col] + _typed_header(cols, recs) + [":LABEL"]
        path = folder / f"nodes_{label}.csv"
        _write_csv(path, header, [[r["id"]] + [r.get(c) for c in cols] + [label] for r in recs])
        written.append(path)
    return written


def _rel_csvs(rels: RelRecords, folder: Path) -> list[Path]:
    written: list[Path] = []
    for rel in sorted(rels):
        recs = rels[rel]
        cols = _checked_cols(list(dict.fromkeys(k for *_, p in recs for k in p)), f"rels_{rel}.csv")
        end = ":END_ID(Topic)" if rel == "ABOUT" else ":END_ID"
        header = [":START_ID", end, ":TYPE"] + _typed_header(cols, [p for *_, p in recs])
        path = folder / f"rels_{rel}.csv"
        _write_csv(path, header, [[a, b, rel] + [p.get(c) for c in cols] for a, b, p in recs])
        written.append(path)
    return written


def _neo4j_csvs(tables: Tables, folder: Path, results: StoredResults | None = None) -> tuple[list[Path], str]:
    _mkdir(folder)
    nodes, rels, constraints = _records(tables, results)
    node_files = _node_csvs(nodes, folder)
    rel_files = _rel_csvs(rels, folder)
    command = neo4j_import_command([p.name for p in node_files], [p.name for p in rel_files])
    readme = folder / "README.md"
    write_text(readme, _readme(command, constraints))
    return [*node_files, *rel_files, readme], command


def neo4j_import_command(node_files: Sequence[str], rel_files: Sequence[str], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for the exported files (run in their folder).

    >>> print(neo4j_import_command(["nodes_City.csv"], ["rels_TANDEM.csv"]))
    neo4j-admin database import full neo4j \\
      --nodes=nodes_City.csv \\
      --relationships=rels_TANDEM.csv \\
      --array-delimiter=";" --multiline-fields=true --overwrite-destination=true
    """
    lines = [f"neo4j-admin database import full {database}"]
    lines += [f"  --nodes={f}" for f in node_files]
    lines += [f"  --relationships={f}" for f in rel_files]
    lines.append('  --array-delimiter=";" --multiline-fields=true --overwrite-destination=true')
    return " \\\n".join(lines)


def _readme(command: str, constraints: list[str]) -> str:
    cons = "\n".join(c + ";" for c in constraints)
    return f"""# netlens network: CSV files for neo4j-admin import

Written by `netlens export`. One file per node label (`nodes_<Label>.csv`) and per relationship type
(`rels_<TYPE>.csv`), in the header format of `neo4j-admin database import` (Neo4j 5). Lists are
`;`-separated (`--array-delimiter=";"`), dates are `:date` columns, an empty cell is no property.
Cities, organisations, projects and exchanges share one id space; topics have their own (`Topic`).

## Import into a new database

`neo4j-admin database import full` writes a database that does not exist yet (or replaces one with
`--overwrite-destination=true`); the database must be stopped. Run it on the Neo4j server, in this
folder (or give the files' full paths):

```sh
{command}
```

Then start the database (`START DATABASE neo4j` in the `system` database, or restart Neo4j) and create
the uniqueness constraints netlens expects:

```cypher
{cons}
```

Neo4j Aura and other servers you cannot reach with `neo4j-admin` load the network with
`netlens load PACKAGE --store neo4j` instead (uses NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE).
"""


# ------------------------------------------------------------------------------ entry point


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the export folder ({exc.strerror or exc})") from None


def export(
    tables_or_graph: Tables | nx.Graph,
    folder: str | Path,
    formats: Sequence[str] = FORMATS,
    results: StoredResults | None = None,
    *,
    level: str | None = None,
    positions: Positions | None = None,
) -> ExportResult:
    """Write ``tables_or_graph`` to ``folder`` in ``formats`` (``graphml``, ``gexf``, ``neo4j-csv``).

    ``results``: analysis results read back from the store (:func:`netlens.store.readback.read_results`). With
    tables: result properties on their nodes (``pagerank``, ``community``, ``<metric>_scope`` …) and ``TIE``
    relationships with their properties (``rel_type`` ``TIE``). With a projection graph at ``level`` (``city`` or
    ``organisation``): the result properties on its members and the TIE properties of that level on its edges.
    ``positions``: node key -> ``(x, y)`` map pixels (:func:`netlens.render.maps.layout`), written for Gephi
    (GraphML ``x``/``y``, GEXF ``viz:position``, ``y`` upwards) in GraphML and GEXF.

    ``tables_or_graph``: validated tables (the full typed graph is exported), or any networkx graph
    (a projection, say) for GraphML/GEXF. Files: ``network.graphml``, ``network.gexf`` and the folder
    ``neo4j-import/`` (CSVs and ``README.md``). Existing files of the same names are replaced.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown export format {', '.join(unknown)}; expected {', '.join(FORMATS)}")
    is_graph = isinstance(tables_or_graph, nx.Graph)
    if is_graph and "neo4j-csv" in formats:
        raise UsageError("neo4j-csv needs the network's tables (a graph has lost the node labels and ids the import needs)")
    root = Path(folder)
    _mkdir(root)
    result = ExportResult(root)
    graph: nx.Graph | None = None
    if "graphml" in formats or "gexf" in formats:
        if isinstance(tables_or_graph, nx.Graph):
            graph = tables_or_graph
            if results is not None:
                if level is None:
                    raise UsageError("results with a graph need the graph's level (city or organisation)")
                graph = graph.copy()  # the caller's graph is not changed
                _add_level_results(graph, results, level)
        else:
            graph = typed_graph(tables_or_graph, results)
    if "graphml" in formats and graph is not None:
        path = root / GRAPHML_FILE
        with atomic_write(path) as fh:
            nx.write_graphml(_for_xml(graph, positions=positions), fh, infer_numeric_types=True)
        result.files["graphml"] = [path]
    if "gexf" in formats and graph is not None:
        path = root / GEXF_FILE
        with atomic_write(path) as fh:
            nx.write_gexf(_for_xml(graph, gexf=True, positions=positions), fh)
        result.files["gexf"] = [path]
    if "neo4j-csv" in formats and not isinstance(tables_or_graph, nx.Graph):
        files, command = _neo4j_csvs(tables_or_graph, root / NEO4J_FOLDER, results)
        result.files["neo4j-csv"] = files
        result.neo4j_command = command
    return result
