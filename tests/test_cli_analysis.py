"""CLI analysis commands end to end on the sample network: analyse, tandems, paths, map, query, export.

Expected values are computed independently of netlens.model.projection/metrics: the city graph is rebuilt here with
networkx's own ``collaboration_weighted_projected_graph`` from the CSV tables, and metrics with networkx.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from netlens.cli import main
from netlens.render.maps import read_map_data
from netlens.render.progress import Steps
from netlens.store.embedded import EmbeddedStore

from .conftest import SAMPLE


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env or {})


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "sample.kgl"
    r = run("load", str(SAMPLE), "--store-path", str(path))
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> str:
    """A private copy of the loaded sample store (analyse writes into it)."""
    copy = tmp_path / "s.kgl"
    shutil.copy(loaded, copy)
    return str(copy)


def city_graph() -> nx.Graph:
    """The city-level Newman projection, rebuilt from the CSVs with networkx alone."""

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)

    cities = read("cities")
    orgs = read("organisations")
    city_of = dict(zip(cities["id"], cities["id"])) | {o: c for o, c in zip(orgs["id"], orgs["city_id"]) if c}
    pairs = set(zip(read("participations")["member_id"], read("participations")["project_id"]))
    pairs |= set(zip(read("attendances")["member_id"], read("attendances")["exchange_id"]))
    ex = read("exchanges")
    pairs |= {(h, x) for h, x in zip(ex["host_id"], ex["id"]) if h}
    B = nx.Graph()
    for member, activity in pairs:
        if member in city_of:
            B.add_edge(("m", city_of[member]), ("a", activity))
    members = [n for n in B if n[0] == "m"]
    P = nx.bipartite.collaboration_weighted_projected_graph(B, members)
    return nx.relabel_nodes(P, {n: n[1] for n in P})


def test_analyse_centrality_writes_networkx_values(store: str) -> None:
    r = run("analyse", "--metric", "centrality", "--store-path", store, "--format", "json", "--all")
    assert r.exit_code == 0, r.output
    G = city_graph()
    rows = json.loads(r.stdout)
    assert len(rows) == G.number_of_nodes() == 35
    expected = nx.pagerank(G, weight="weight", tol=1e-15, max_iter=100_000)  # igraph solves exactly (PRPACK)
    printed = {row["id"]: row["pagerank"] for row in rows}
    assert printed == pytest.approx(expected, abs=1e-9)
    ranks = [row["pagerank"] for row in rows]
    assert all(a >= b - 1e-12 for a, b in zip(ranks, ranks[1:]))  # strongest first
    # written back: a Cypher user sees the same numbers
    got = EmbeddedStore(Path(store)).query("MATCH (c:City) RETURN c.id AS id, c.pagerank AS pr, c.degree AS d").rows
    assert {x["id"]: x["pr"] for x in got} == pytest.approx(expected, abs=1e-9)
    assert {x["id"]: x["d"] for x in got} == dict(G.degree())
    assert "written to embedded store" in r.stderr and "35 nodes got degree, strength, betweenness" in r.stderr


def test_analyse_top_and_notes_in_table_format(store: str) -> None:
    r = run("analyse", "--store-path", store, "--top", "3", "--no-write")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "name", "kind"] and len([x for x in lines if not x.startswith("#")]) == 4
    assert "# 3 of 35 rows shown (--top N, --all)" in lines
    assert "# betweenness: exact" in lines
    assert EmbeddedStore(Path(store)).query("MATCH (c:City) WHERE c.pagerank IS NOT NULL RETURN count(c) AS n").rows == [{"n": 0}]


def test_analyse_communities_modularity_matches_networkx(store: str) -> None:
    r = run("analyse", "-m", "communities", "--store-path", store)
    assert r.exit_code == 0, r.output
    rows = EmbeddedStore(Path(store)).query("MATCH (c:City) RETURN c.id AS id, c.community AS k").rows
    groups: dict[int, set[str]] = {}
    for x in rows:
        groups.setdefault(x["k"], set()).add(x["id"])
    G = city_graph()
    q = nx.community.modularity(G, groups.values(), weight="weight")
    assert f"modularity Q = {q:.4f}" in r.stdout
    assert len(groups) >= 3  # at least the three components of the sample


def test_analyse_brokers_and_structure(store: str) -> None:
    G = city_graph()
    r = run("analyse", "-m", "brokers", "--partition", "country", "--store-path", store, "--format", "json", "--all")
    assert r.exit_code == 0, r.output
    rows = {x["id"]: x for x in json.loads(r.stdout)}
    cut = set(nx.articulation_points(G))
    assert {k for k, x in rows.items() if x["articulation"]} == cut
    expected = nx.constraint(G, weight="weight")
    assert {k: x["constraint"] for k, x in rows.items()} == pytest.approx(expected, abs=1e-9)
    r = run("analyse", "-m", "structure", "--store-path", store, "--format", "json")
    values = json.loads(r.stdout)  # one object of typed measures (issue 12), no longer records of text
    assert values["components"] == nx.number_connected_components(G)
    assert values["edges"] == G.number_of_edges()
    assert values["density"] == pytest.approx(nx.density(G), rel=1e-5)


def test_time_window_uses_whole_years(store: str) -> None:
    # exchanges are dated 2019-2024; projects span 2016-2024. 2023 keeps only activities overlapping 2023.
    r = run("analyse", "-m", "structure", "--since", "2023", "--until", "2023", "--store-path", store, "--format", "json")
    assert r.exit_code == 0, r.output
    assert "activities overlapping 2023-01-01 – 2023-12-31" in r.stderr
    r = run("analyse", "--since", "2023-13-01", "--store-path", store)
    assert r.exit_code == 2 and "is not a date; expected YYYY-MM-DD or a year YYYY" in r.output


def test_tandems_write_ties_for_cypher_users(store: str) -> None:
    r = run("tandems", "--store-path", store, "--format", "json", "--all")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    G = city_graph()
    t = pd.read_csv(SAMPLE / "tandems.csv", dtype=str)
    tr = pd.read_csv(SAMPLE / "transfers.csv", dtype=str)
    pairs = {frozenset(e) for e in G.edges} | {frozenset(p) for p in zip(t["a_id"], t["b_id"])}
    pairs |= {frozenset(p) for p in zip(tr["from_id"], tr["to_id"])}
    assert len(rows) == len(pairs)
    s = EmbeddedStore(Path(store))
    assert s.info().relationships["TIE"] == len(pairs)
    top = run("query", "strongest-ties", "-p", "top=1", "--store-path", store, "--format", "json")
    best = json.loads(top.stdout)[0]
    assert {best["a_name"], best["b_name"]} == {rows[0]["a_name"], rows[0]["b_name"]}
    assert best["strength"] == pytest.approx(rows[0]["strength"]) and best["breakdown"] == rows[0]["explanation"]
    run("tandems", "--store-path", store)  # re-running replaces the ties
    assert s.info().relationships["TIE"] == len(pairs)


def test_tandems_explain_and_recommend(store: str) -> None:
    r = run("tandems", "--explain", "Rijeka", "palencia", "--store-path", store)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Rijeka (rijeka) – Palencia (palencia), level city: tandem strength ")
    assert "× multiplexity" in r.stdout
    r = run("tandems", "--recommend", "--top", "2", "--store-path", store, "--format", "json")
    assert r.exit_code == 0, r.output
    recs = json.loads(r.stdout)
    assert len(recs) == 2 and all(" offers " in x["explanation"] for x in recs)
    r = run("tandems", "--explain", "Atlantis", "Rijeka", "--store-path", store)
    assert r.exit_code == 6 and "Atlantis" in r.output and "Traceback" not in r.output


def test_paths_routes_and_no_path(store: str) -> None:
    r = run("paths", "--from", "Nantes", "--to", "Palencia", "-k", "2", "--store-path", store)
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    assert first.startswith("1. Nantes —") and first.endswith("→ Palencia")
    G = city_graph()
    assert nx.has_path(G, "nantes", "palencia")
    other = next(c for c in nx.connected_components(G) if "nantes" not in c)
    target = sorted(other)[0]
    r = run("paths", "--from", "nantes", "--to", target, "--store-path", store)
    assert r.exit_code == 7, r.output
    assert r.output.startswith("Error: no route") and "Traceback" not in r.output


def test_map_command_writes_the_graph(store: str, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    r = run("map", "--community", "--path", "Nantes", "Palencia", "-o", str(out), "--store-path", store)
    assert r.exit_code == 0, r.output
    data = read_map_data(out.read_text(encoding="utf-8"))
    G = city_graph()
    assert sorted(data["nodes"]["id"]) == sorted(G.nodes)
    assert f"wrote {out}" in r.stdout and "35 of 35 nodes" in r.stdout
    again = tmp_path / "again.html"
    run("map", "--community", "--path", "Nantes", "Palencia", "-o", str(again), "--store-path", store)
    assert again.read_bytes() == out.read_bytes()  # deterministic
    r = run("map", "--top", "3", "--backbone", "-o", str(out), "--store-path", store)
    assert r.exit_code == 2 and "either --top N or --backbone" in r.output


def test_query_is_read_only_unless_write(store: str) -> None:
    cypher = "MATCH (c:City {id: $id}) SET c.note = 'checked' RETURN c.id AS id"
    r = run("query", "--cypher", cypher, "-p", "id=nantes", "--store-path", store)
    assert r.exit_code == 5 and "add --write" in r.output
    r = run("query", "--cypher", cypher, "-p", "id=nantes", "--write", "--store-path", store)
    assert r.exit_code == 0, r.output
    r = run("query", "--cypher", "MATCH (c:City {id: 'nantes'}) RETURN c.note AS note", "--store-path", store, "--format", "csv")
    assert r.stdout.splitlines() == ["note", "checked"]
    r = run("query", "city-partners", "--store-path", store)
    assert r.exit_code == 5 and "missing parameter" in r.output.lower()
    r = run("query", "--list", "--format", "json")
    assert len(json.loads(r.stdout)) >= 12


def test_export_writes_files(store: str, tmp_path: Path) -> None:
    r = run("export", str(tmp_path / "out"), "--store-path", store)
    assert r.exit_code == 0, r.output
    G = nx.read_graphml(tmp_path / "out" / "network.graphml")
    s = EmbeddedStore(Path(store)).info()
    assert G.number_of_nodes() == sum(s.nodes.values())
    r = run("export", str(tmp_path / "p"), "--level", "city", "--formats", "gexf", "--store-path", store)
    assert r.exit_code == 0, r.output
    assert nx.read_gexf(tmp_path / "p" / "network.gexf").number_of_edges() == city_graph().number_of_edges()


def test_commands_on_an_empty_store_say_what_to_do(tmp_path: Path) -> None:
    r = run("analyse", "--store-path", str(tmp_path / "none.kgl"))
    assert r.exit_code != 0 and "load a network first: netlens load PATH" in r.output


def test_progress_goes_to_stderr_and_quiet_silences_it(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Steps(True, min_seconds=0) as steps:
        with steps.step("reading the store"):
            pass
    err = capsys.readouterr().err
    assert "reading the store" in err
    r = run("-q", "analyse", "--store-path", store, "--no-write", "--format", "csv", env={"NETLENS_PROGRESS": "1"})
    assert r.exit_code == 0 and "analysing" not in r.stderr
    r = run("analyse", "--quiet", "--store-path", store, "--no-write", "--format", "csv", env={"NETLENS_PROGRESS": "1"})
    assert r.exit_code == 0 and "analysing" not in r.stderr


DOCS = Path(__file__).resolve().parents[1] / "docs" / "network-managers.md"


def analysed_doc_blocks() -> list[tuple[str, str, str]]:
    import re

    text = DOCS.read_text(encoding="utf-8")
    return re.findall(r"```text\n\$ (netlens analyse [^\n]+)\n\$ (netlens query [^\n]+)\n(.*?)\n```", text, flags=re.S)


def test_docs_blocks_after_analysis_match(store: str) -> None:
    blocks = analysed_doc_blocks()
    assert len(blocks) >= 4
    for step in blocks[0][0].split(" && "):
        r = run(*step.split()[1:], "--store-path", store)
        assert r.exit_code == 0, r.output
    for analyses, command, output in blocks:
        assert analyses == blocks[0][0]
        r = run(*command.split()[1:], "--store-path", store)
        assert r.stdout.rstrip("\n") == output, command


def test_weights_file_changes_the_ranking(store: str, tmp_path: Path) -> None:
    # Palencia–Rijeka ranks 2nd mostly through two transfers (5.71 of its base 7.17, see README); with transfers
    # weighted 0 it must fall behind Bydgoszcz–Rijeka, which keeps its study visits and gains nothing from transfers
    # relative to Palencia–Rijeka.
    def rank(args: list[str]) -> list[tuple[str, str]]:
        r = run("tandems", "--all", "--no-write", "--format", "json", "--store-path", store, *args)
        assert r.exit_code == 0, r.output
        return [(x["a_name"], x["b_name"]) for x in json.loads(r.stdout)]

    default = rank([])
    assert default.index(("Palencia", "Rijeka")) == 1
    weights = tmp_path / "w.toml"
    weights.write_text("[channels]\ntransfer = 0.0\n", encoding="utf-8")
    changed = rank(["--weights", str(weights)])
    assert changed.index(("Palencia", "Rijeka")) > changed.index(("Bydgoszcz", "Rijeka"))
    weights.write_text("[channels]\ntransfr = 0.0\n", encoding="utf-8")
    r = run("tandems", "--weights", str(weights), "--store-path", store)
    assert r.exit_code == 2 and "transfr" in r.output


def test_ties_option_chooses_what_is_written(store: str) -> None:
    s = EmbeddedStore(Path(store))
    r = run("tandems", "--ties", "significant", "--store-path", store, "--format", "json", "--all")
    assert r.exit_code == 0, r.output
    significant = sum(x["significant"] for x in json.loads(r.stdout))
    assert 0 < significant < len(json.loads(r.stdout))
    assert s.info().relationships["TIE"] == significant
    assert f"the {significant:,} significant of" in r.stderr
    rows = s.query("MATCH ()-[t:TIE]->() RETURN t.significant AS sig, t.transfer AS tr, t.project AS p").rows
    assert all(x["sig"] for x in rows)
    assert any(x["tr"] is None for x in rows)  # a channel a pair does not share is no property, not 0
    run("tandems", "--ties", "none", "--store-path", store)
    assert s.info().relationships["TIE"] == significant  # none: the earlier ties stay untouched


def test_ties_auto_keeps_the_backbone_of_large_networks(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlens.pipeline import analyses

    monkeypatch.setattr(analyses, "TIE_AUTO_LIMIT", 100)  # the sample has 159 pairs
    r = run("tandems", "--store-path", store, "--format", "json", "--all")
    significant = sum(x["significant"] for x in json.loads(r.stdout))
    assert EmbeddedStore(Path(store)).info().relationships["TIE"] == significant
    assert "(more than 100 pairs; --ties all writes every one)" in r.stderr
    run("tandems", "--ties", "all", "--store-path", store)
    assert EmbeddedStore(Path(store)).info().relationships["TIE"] == 159


def test_rerunning_an_analysis_replaces_every_earlier_value(store: str) -> None:
    s = EmbeddedStore(Path(store))
    assert run("analyse", "--store-path", store).exit_code == 0
    total = s.query("MATCH (c:City) RETURN sum(c.pagerank) AS s, count(c.pagerank) AS n").rows[0]
    assert total["s"] == pytest.approx(1.0) and total["n"] == 35
    r = run("analyse", "--until", "2017", "--store-path", store)  # only mySMARTLife (2016-2021) overlaps
    assert r.exit_code == 0, r.output
    rows = s.query("MATCH (c:City) WHERE c.pagerank IS NOT NULL RETURN c.pagerank AS pr, c.centrality_scope AS scope").rows
    assert len(rows) == 6 and sum(x["pr"] for x in rows) == pytest.approx(1.0)
    assert {x["scope"] for x in rows} == {"city; activities overlapping … – 2017-12-31"}
    run("analyse", "--level", "bipartite", "--store-path", store)
    scopes = s.query("MATCH (n) WHERE n.degree IS NOT NULL RETURN DISTINCT n.centrality_scope AS scope").rows
    assert scopes == [{"scope": "bipartite; all dates"}]


def test_bad_output_paths_fail_before_any_work(store: str, tmp_path: Path) -> None:
    r = run("analyse", "-o", str(tmp_path / "missing" / "x.csv"), "--store-path", store)
    assert r.exit_code == 2 and "folder" in r.output and "does not exist" in r.output and "Traceback" not in r.output
    assert EmbeddedStore(Path(store)).query("MATCH (c:City) RETURN count(c.pagerank) AS n").rows == [{"n": 0}]
    r = run("map", "-o", "/dev/full", "--store-path", store)
    assert r.exit_code == 8 and r.output.startswith("Error: cannot write /dev/full")
    r = run("export", str(tmp_path / "e"), "--formats", "", "--store-path", store)
    assert r.exit_code == 2 and "--formats is empty" in r.output


def test_empty_window_and_organisation_only_packages_say_why(store: str, tmp_path: Path) -> None:
    r = run("map", "--since", "2030", "--store-path", store, "-o", str(tmp_path / "m.html"))
    assert r.exit_code == 2 and "nothing to analyse at level city: no activity overlaps 2030-01-01" in r.output
    pkg = tmp_path / "orgs"
    pkg.mkdir()
    (pkg / "organisations.csv").write_text("id,name,country\no1,A,FR\no2,B,DE\n", encoding="utf-8")
    (pkg / "projects.csv").write_text("id,name\np1,P\n", encoding="utf-8")
    (pkg / "participations.csv").write_text("project_id,member_id\np1,o1\np1,o2\n", encoding="utf-8")
    s2 = str(tmp_path / "orgs.kgl")
    assert run("load", str(pkg), "--store-path", s2).exit_code == 0
    r = run("analyse", "--store-path", s2)
    assert r.exit_code == 2 and "(try --level organisation)" in r.output
    r = run("analyse", "--level", "organisation", "-m", "communities", "--store-path", s2)
    assert r.exit_code == 0 and "1 community, modularity Q = 0.0000" in r.output


def test_load_urbact_from_the_cli_and_map_it_geographically(tmp_path: Path) -> None:
    from .conftest import shared_file

    folder = shared_file("eucicop-interreg-urbact-etmun/urbact")
    s = str(tmp_path / "u.kgl")
    r = run("load", "--format", "urbact", str(folder), "--store-path", s)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "read: cities 591, projects 172, participations 1,509"
    assert "# networks: 172" in r.stderr
    assert "run netlens validate --format urbact" in r.stderr  # the hint repeats the format
    r = run("map", "--geo", "-o", str(tmp_path / "u.html"), "--store-path", s)
    assert r.exit_code == 0, r.output
    data = read_map_data((tmp_path / "u.html").read_text(encoding="utf-8"))
    assert len(data["nodes"]["id"]) + len(data["unplaced"]["id"]) == 591  # one city has no coordinates
