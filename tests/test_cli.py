"""CLI: exit codes and exact messages (click CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netlens.cli import main

from .conftest import MINI, SAMPLE, write_package


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env or {})


def test_load_then_info(mini: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "g.kgl")
    r = run("load", str(mini), "--store-path", store)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "read: cities 3, organisations 1, projects 1, participations 4, exchanges 1, attendances 2"
    assert lines[1].startswith(f"loaded into embedded store {store} in ")
    assert lines[1].endswith(": 9 nodes and 11 relationships created")
    r = run("load", str(mini), "--store-path", store)
    assert r.output.splitlines()[1].endswith("0 nodes and 0 relationships created (nothing new: already loaded)")
    r = run("info", "--store-path", store)
    assert r.exit_code == 0
    assert "  City                   3" in r.output and "  ATTENDED               3" in r.output
    assert "time span: 2016-12-01 .. 2021-11-30" in r.output
    assert "countries (4): DE, ES, FR, HR" in r.output


def test_store_from_environment(mini: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "env.kgl")
    assert run("load", str(mini), env={"NETLENS_STORE_PATH": store}).exit_code == 0
    assert Path(store).exists()
    assert run("info", env={"NETLENS_STORE": store}).output.startswith(f"embedded store {store}\n")


def test_validate_reports_and_exits_3(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {**MINI, "cities.csv": MINI["cities.csv"] + "bad,Bad,ZZ,,,\n"})
    r = run("validate", str(pkg))
    assert r.exit_code == 3
    assert r.output.splitlines() == [
        "error: cities.csv, row 5, column 'country': 'ZZ': is not an ISO 3166 alpha-2 country code such as CZ or FR (EL and UK are accepted)",  # noqa: E501
        "warning: cities.csv, row 5: city 'bad' has no coordinates (lat, lon); it is left out of --geo maps",
        "1 error(s), 1 warning(s)",
    ]


def test_validate_clean_exits_0(mini: Path) -> None:
    r = run("validate", str(mini))
    assert r.exit_code == 0 and r.output == "0 error(s), 0 warning(s)\n"


def test_failed_load_exits_nonzero_and_leaves_store(mini: Path, tmp_path: Path) -> None:
    store = tmp_path / "g.kgl"
    run("load", str(mini), "--store-path", str(store))
    before = store.read_bytes()
    pkg = write_package(tmp_path / "p", {**MINI, "participations.csv": MINI["participations.csv"] + "p-msl,ghost,partner\n"})
    r = run("load", str(pkg), "--store-path", str(store))
    assert r.exit_code == 3
    assert "Error: 1 error(s) in" in r.output
    assert "participations.csv, row 6, column 'member_id': 'ghost': references an unknown id" in r.output
    assert store.read_bytes() == before


def test_missing_path_exits_6(tmp_path: Path) -> None:
    r = run("load", str(tmp_path / "nope"), "--store-path", str(tmp_path / "g.kgl"))
    assert r.exit_code == 6
    assert (
        r.output == f"Error: {tmp_path / 'nope'}: no such file or folder; expected a folder of CSV files or an .xlsx workbook\n"
    )


def test_conflicting_store_options_exit_2(tmp_path: Path) -> None:
    r = run("info", "--store", str(tmp_path / "a.kgl"), "--store-path", str(tmp_path / "b.kgl"))
    assert r.exit_code == 2
    assert "is a path and --store-path" in r.output


def test_neo4j_without_uri_is_a_usage_error() -> None:
    r = run("info", "--store", "neo4j")
    assert r.exit_code == 2
    assert (
        r.output == "Error: the Neo4j store needs NEO4J_URI (e.g. bolt://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io)\n"
    )


def test_info_on_empty_store(tmp_path: Path) -> None:
    r = run("info", "--store-path", str(tmp_path / "none.kgl"))
    assert r.exit_code == 0
    assert "empty (nothing loaded yet" in r.output


def test_machine_formats_are_complete_and_the_extension_names_the_format(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    assert CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store]).exit_code == 0
    r = CliRunner().invoke(main, ["analyse", "--no-write", "--format", "csv", "--store-path", store])
    assert r.exit_code == 0
    assert len(r.stdout.strip().splitlines()) == 1 + 35  # header + every city, not the 20 of the table view
    assert "rows shown" not in r.output
    r = CliRunner().invoke(main, ["analyse", "--no-write", "--format", "csv", "--top", "3", "--store-path", store])
    assert len(r.stdout.strip().splitlines()) == 1 + 3  # an explicit --top still cuts
    out = tmp_path / "cities.json"
    r = CliRunner().invoke(main, ["analyse", "--no-write", "-o", str(out), "--store-path", store])
    assert r.exit_code == 0
    rows = json.loads(out.read_text())
    assert len(rows) == 35 and {"id", "name", "pagerank"} <= set(rows[0])


def test_csv_keeps_full_precision(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store])
    table = CliRunner().invoke(main, ["analyse", "--no-write", "--format", "json", "--store-path", store]).stdout
    csv_text = CliRunner().invoke(main, ["analyse", "--no-write", "--format", "csv", "--store-path", store]).stdout
    expected = {r["id"]: r["pagerank"] for r in json.loads(table)}
    got = {row["id"]: float(row["pagerank"]) for row in csv.DictReader(io.StringIO(csv_text))}
    assert got == expected  # exactly equal: no 6-digit rounding in CSV


def test_validate_reports_as_json(tmp_path: Path) -> None:
    bad = write_package(tmp_path / "bad", {**MINI, "cities.csv": "id,name,country\nnantes,Nantes,France\n"})
    r = CliRunner().invoke(main, ["validate", str(bad), "--output-format", "json"])
    assert r.exit_code == 3
    report = json.loads(r.stdout)
    assert report["errors"] >= 1 and report["errors"] + report["warnings"] == len(report["issues"])
    country = [i for i in report["issues"] if i["file"] == "cities.csv" and i["severity"] == "error"]
    assert country == [{**country[0], "severity": "error", "row": 2, "column": "country", "value": "France"}]


def test_every_command_help_has_examples_and_exit_codes() -> None:
    for name in main.commands:
        text = CliRunner().invoke(main, [name, "--help"]).output
        assert "Examples:" in text and f"netlens {name}" in text.split("Examples:")[1], name
        assert "Exit codes: 0 " in text, name


def test_csv_for_people_neutralises_formulas_and_csv_raw_keeps_them(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store])
    cypher = "RETURN '=HYPERLINK(\"http://x\")' AS a, '@SUM(A1)' AS b, '+1' AS c, 'plain' AS d, -0.5 AS e"
    r = CliRunner().invoke(main, ["query", "--cypher", cypher, "--format", "csv", "--store-path", store])
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader(io.StringIO(r.stdout)))
    assert row == {"a": '\'=HYPERLINK("http://x")', "b": "'@SUM(A1)", "c": "'+1", "d": "plain", "e": "-0.5"}
    r = CliRunner().invoke(main, ["query", "--cypher", cypher, "--format", "csv", "--csv-raw", "--store-path", store])
    assert next(csv.DictReader(io.StringIO(r.stdout)))["a"] == '=HYPERLINK("http://x")'


def _loaded(tmp_path: Path) -> str:
    store = str(tmp_path / "s.kgl")
    assert CliRunner().invoke(main, ["load", str(SAMPLE), "--store-path", store]).exit_code == 0
    return store


def test_machine_formats_carry_complete_rows(tmp_path: Path) -> None:
    store = _loaded(tmp_path)

    def out(*args: str) -> str:
        r = CliRunner().invoke(main, [*args, "--store-path", store])
        assert r.exit_code == 0, r.output
        return r.stdout

    ties = list(csv.DictReader(io.StringIO(out("tandems", "--no-write", "--format", "csv"))))
    assert len(ties) == 159  # every pair, as the TIE relationships
    top = ties[0]
    assert (top["a_id"], top["b_id"]) == ("alba-iulia", "arnsberg")
    # the per-channel parts add up to the base, and base × (1 + γ·multiplexity) × reciprocity is the strength
    parts = sum(float(top[c]) for c in ("project", "mentoring", "study_visit", "tandem_meeting", "workshop", "conference",
                                        "webinar", "other", "tandem", "transfer"))  # fmt: skip
    assert parts == pytest.approx(float(top["base"]))
    assert float(top["base"]) * (1 + 0.25 * int(top["multiplexity"])) * float(top["reciprocity"]) == pytest.approx(
        float(top["strength"])
    )
    members = json.loads(out("analyse", "--metric", "communities", "--no-write", "--format", "json"))
    assert len(members) == 35 and {"id", "name", "community"} == set(members[0])
    summary = out("analyse", "--metric", "communities", "--no-write")
    sizes = Counter(m["community"] for m in members)
    assert f"{sizes.most_common(1)[0][1]}" in summary  # the table view is still the per-community summary
    structure = json.loads(out("analyse", "--metric", "structure", "--no-write", "--format", "json"))
    assert structure["nodes"] == 35 and structure["edges"] == 159 and isinstance(structure["density"], float)
    assert sum(d["count"] for d in structure["degree_distribution"]) == 35
    routes = json.loads(out("paths", "--from", "Nantes", "--to", "Palencia", "-k", "2", "--format", "json"))
    assert routes[0]["nodes"] == ["nantes", "rijeka", "palencia"]
    assert [(h["from"], h["to"]) for h in routes[0]["hops"]] == [("nantes", "rijeka"), ("rijeka", "palencia")]
    hops = list(csv.DictReader(io.StringIO(out("paths", "--from", "Nantes", "--to", "Palencia", "-k", "2", "--format", "csv"))))
    assert [(h["rank"], h["hop"]) for h in hops] == [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    info = json.loads(out("info", "--format", "json"))
    assert info["exists"] is True and info["nodes"]["City"] == 35 and info["relationships"]["TANDEM"] == 7


def test_export_of_a_projection_with_default_formats_writes_graphml_and_gexf(tmp_path: Path) -> None:
    store = _loaded(tmp_path)
    r = CliRunner().invoke(main, ["export", str(tmp_path / "out"), "--level", "city", "--store-path", store])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["network.gexf", "network.graphml"]
    r = CliRunner().invoke(
        main, ["export", str(tmp_path / "o2"), "--level", "city", "--formats", "neo4j-csv", "--store-path", store]
    )
    assert r.exit_code == 2 and "neo4j-csv exports the full graph" in r.output
