"""Exports: GraphML and GEXF read back with networkx, Neo4j admin-import CSVs and their README."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import networkx as nx
import pytest

from netlens.errors import UsageError
from netlens.model import projection as model
from netlens.model.network import Network
from netlens.read import read_package
from netlens.render.export import export, neo4j_import_command, typed_graph
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate_or_raise

from .builders import TINY
from .conftest import write_package

# TINY (tests/builders.py): 5 cities, 4 organisations, 4 projects, 4 exchanges, topics energy, mobility, data
#   BASED_IN 3, PARTICIPATES_IN 10, ATTENDED 6 listed + 3 hosts = 9, PART_OF 2, ABOUT 4 (projects) + 5 (exchanges) = 9,
#   TANDEM 2, TRANSFERRED 3
NODES = {"City": 5, "Organisation": 4, "Project": 4, "Exchange": 4, "Topic": 3}
RELS = {"BASED_IN": 3, "PARTICIPATES_IN": 10, "ATTENDED": 9, "PART_OF": 2, "ABOUT": 9, "TANDEM": 2, "TRANSFERRED": 3}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = write_package(tmp_path_factory.mktemp("tiny"), {k: textwrap.dedent(v) for k, v in TINY.items()})
    return validate_or_raise(read_package(folder))[0]


@pytest.fixture(scope="module")
def exported(tables: Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    export(tables, folder)
    return folder


def counts(g: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    nodes: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        nodes[d["labels"]] = nodes.get(d["labels"], 0) + 1
    rels: dict[str, int] = {}
    for *_, d in g.edges(data=True):
        rels[d["rel_type"]] = rels.get(d["rel_type"], 0) + 1
    return nodes, rels


def test_typed_graph_is_what_the_store_holds(tables: Network, tmp_path: Path) -> None:
    g = typed_graph(tables)
    assert counts(g) == (NODES, RELS)
    store = EmbeddedStore(tmp_path / "s.kgl")
    store.load(tables)
    info = store.info()
    assert info.nodes == NODES
    assert {k: v for k, v in info.relationships.items() if v} == RELS


def test_graphml_reads_back_with_all_labels_types_and_properties(exported: Path) -> None:
    g = nx.read_graphml(exported / "network.graphml")
    assert isinstance(g, nx.MultiDiGraph)
    assert counts(g) == (NODES, RELS)
    assert g.nodes["plzen"] == {
        "label": "Plzeň",
        "labels": "City",
        "name": "Plzeň",
        "country": "CZ",
        "lat": 49.747,
        "lon": 13.378,
        "population": 168733,
        "tags": "follower",
    }
    # lists joined with ';', dates ISO, empty values left out (p-beta has no end, title or topics list of two)
    assert g.nodes["p-alpha"]["topics"] == "energy;mobility"
    assert g.nodes["p-alpha"]["start"] == "2018-01-01" and g.nodes["p-alpha"]["end"] == "2020-12-31"
    assert "end" not in g.nodes["p-beta"] and "title" not in g.nodes["p-beta"]
    assert g.nodes["x1"]["label"] == "Brno study visit" and g.nodes["x1"]["type"] == "study_visit"
    assert g.nodes["topic:energy"] == {"label": "energy", "labels": "Topic", "name": "energy"}
    assert "type" not in g.nodes["org-lonely"]  # no type: nothing invented
    edges = g.get_edge_data("brno", "plzen")
    assert {k: (d["rel_type"], d.get("topic"), d.get("solution")) for k, d in edges.items()} == {
        "TANDEM:energy": ("TANDEM", "energy", None),
        "TRANSFERRED:Smart meters": ("TRANSFERRED", "energy", "Smart meters"),
    }
    assert edges["TANDEM:energy"]["since"] == "2019-01-01" and edges["TANDEM:energy"]["label"] == "TANDEM"
    assert g.get_edge_data("brno", "x1")["ATTENDED"]["role"] == "host"


def test_gexf_reads_back_with_gephi_attributes(exported: Path) -> None:
    g = nx.read_gexf(exported / "network.gexf")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == sum(NODES.values()) and g.number_of_edges() == sum(RELS.values())
    assert all("label" in d and "labels" in d for _, d in g.nodes(data=True))
    assert all("label" in d and "rel_type" in d for *_, d in g.edges(data=True))
    assert g.nodes["wien"]["label"] == "Wien" and g.nodes["wien"]["population"] == 1982097
    assert g.nodes["p-alpha"]["start"] == "2018-01-01"  # a project's run is the node's GEXF time interval
    text = (exported / "network.gexf").read_text(encoding="utf-8")
    assert 'timeformat="date"' in text and 'label="Plzeň"' in text


def test_neo4j_csvs(exported: Path) -> None:
    folder = exported / "neo4j-import"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.md"] + sorted([f"nodes_{label}.csv" for label in NODES] + [f"rels_{rel}.csv" for rel in RELS])
    with (folder / "nodes_City.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id:ID", "name", "country", "lat:double", "lon:double", "population:long", "tags:string[]", ":LABEL"]
    assert rows[2] == ["plzen", "Plzeň", "CZ", "49.747", "13.378", "168733", "follower", "City"]
    assert len(rows) == 1 + NODES["City"]
    lines = (folder / "rels_PARTICIPATES_IN.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ":START_ID,:END_ID,:TYPE,role,contribution_eur:double"
    assert lines[1] == '"brno","p-alpha","PARTICIPATES_IN","lighthouse",300000.0'
    assert '"org-uni","p-alpha","PARTICIPATES_IN","partner",' in lines  # an empty cell: no property
    assert (folder / "nodes_Topic.csv").read_text(encoding="utf-8").splitlines()[0] == "id:ID(Topic),name,:LABEL"
    assert (folder / "rels_ABOUT.csv").read_text(encoding="utf-8").splitlines()[0] == ":START_ID,:END_ID(Topic),:TYPE"
    tandem = (folder / "rels_TANDEM.csv").read_text(encoding="utf-8").splitlines()
    assert tandem[0] == ":START_ID,:END_ID,:TYPE,topic,since:date,until"
    assert '"wien","brno","TANDEM","",,' in tandem  # no topic is stored as '' (a quoted empty string), as the stores do
    project = (folder / "nodes_Project.csv").read_text(encoding="utf-8").splitlines()[0]
    assert project == "id:ID,name,title,programme,start:date,end:date,budget_eur:double,topics:string[],url,:LABEL"
    for rel, n in RELS.items():
        assert len((folder / f"rels_{rel}.csv").read_text(encoding="utf-8").splitlines()) == 1 + n


def test_neo4j_readme_has_the_import_command_and_constraints(exported: Path) -> None:
    readme = (exported / "neo4j-import" / "README.md").read_text(encoding="utf-8")
    assert "neo4j-admin database import full neo4j \\\n  --nodes=nodes_City.csv \\\n" in readme
    for label in NODES:
        assert f"--nodes=nodes_{label}.csv" in readme
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE;" in readme
    for rel in RELS:
        assert f"--relationships=rels_{rel}.csv" in readme
    assert '--array-delimiter=";"' in readme and "netlens load PACKAGE --store neo4j" in readme


def test_export_returns_files_and_command(tables: Network, tmp_path: Path) -> None:
    result = export(tables, tmp_path / "out", formats=("neo4j-csv",))
    assert set(result.files) == {"neo4j-csv"} and not (tmp_path / "out" / "network.graphml").exists()
    assert result.neo4j_command is not None and result.neo4j_command.startswith("neo4j-admin database import full neo4j")
    result = export(tables, tmp_path / "out2", formats=("graphml",))
    assert result.files == {"graphml": [tmp_path / "out2" / "network.graphml"]} and result.neo4j_command is None


def test_export_a_projection_graph(tables: Network, tmp_path: Path) -> None:
    g = model.projection(tables, level="city")
    result = export(g, tmp_path, formats=("graphml", "gexf"))
    back = nx.read_graphml(result.files["graphml"][0])
    assert set(back.nodes) == set(g.nodes)
    assert back.nodes["plzen"]["tags"] == "follower" and "lat" in back.nodes["plzen"]
    assert nx.read_gexf(result.files["gexf"][0]).number_of_edges() == g.number_of_edges()
    with pytest.raises(UsageError, match="neo4j-csv needs the network's tables"):
        export(g, tmp_path, formats=("neo4j-csv",))


def test_unknown_format(tables: Network, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format pdf; expected graphml, gexf, neo4j-csv"):
        export(tables, tmp_path, formats=("pdf",))


def test_neo4j_import_command_lists_every_file() -> None:
    assert neo4j_import_command(["nodes_A.csv"], [], database="net") == (
        "neo4j-admin database import full net \\\n  --nodes=nodes_A.csv \\\n"
        '  --array-delimiter=";" --multiline-fields=true --overwrite-destination=true'
    )
