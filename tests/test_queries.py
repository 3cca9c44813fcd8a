"""The query library (``queries/*.cypher``) and ``netlens.querylib``.

Every library query runs on the embedded store against TINY, a package written below whose expected
answers were worked out by hand from its rows (see the comments next to each test). The same files run
unchanged on Neo4j: ``tests/test_store_contract.py`` runs them there when NETLENS_TEST_NEO4J_URI is set.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from netlens.cli import main as cli_main
from netlens.cypher.params import Param, bind, convert, named_parameters
from netlens.cypher.readonly import check_read_only, is_write, write_operations
from netlens.errors import NotFoundError, QueryError, ReadOnlyQueryError, UsageError
from netlens.model.network import Network
from netlens.querylib import (
    QueryFile,
    default_folder,
    library_frame,
    list_queries,
    load_file,
    load_query,
    parse_query,
    run,
)
from netlens.read import read_package
from netlens.render.text import render_frame
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate_or_raise

from .builders import TINY
from .conftest import write_package

REPO = Path(__file__).resolve().parents[1]
SAMPLE = Path(os.environ.get("NETLENS_SAMPLE_DIR", REPO / "data" / "sample"))


@pytest.fixture(scope="module")
def tiny_tables(tmp_path_factory: pytest.TempPathFactory) -> Network:
    tables, _ = validate_or_raise(
        read_package(write_package(tmp_path_factory.mktemp("tiny"), {k: textwrap.dedent(v) for k, v in TINY.items()}))
    )
    return tables


@pytest.fixture()
def tiny(tmp_path: Path, tiny_tables: Network) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "tiny.kgl")
    store.load(tiny_tables)
    return store


def q(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, Any]]:
    return run(store, load_query(name), params).rows


# ------------------------------------------------------------------------------ parameters in the text


@pytest.mark.parametrize(
    ("cypher", "expected"),
    [
        ("MATCH (c:City {id: $city}) RETURN c LIMIT $top", ["city", "top"]),
        ("RETURN '$no', \"$nor\", 'it\\'s $still_no', $yes", ["yes"]),
        ("RETURN 1 // $comment\n, $after /* $block\n $multi */ + $last", ["after", "last"]),
        ("RETURN $a, $b, $a", ["a", "b"]),
        ("RETURN $`spaced name`, $0", ["spaced name", "0"]),
        ("MATCH (`$label`) RETURN n.`$prop`", []),
        ("RETURN 'unterminated $x", []),
        ("", []),
    ],
)
def test_named_parameters(cypher: str, expected: list[str]) -> None:
    assert named_parameters(cypher) == expected


# ------------------------------------------------------------------------------ write detection


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:City {id: 'x'})",
        "MATCH (n) DETACH DELETE n",
        "match (c:City) set c.flag = true",
        "MATCH (c:City) REMOVE c.population",
        "MERGE (t:Topic {id: 'x'})",
        "DROP CONSTRAINT city_id",
        "CREATE INDEX ix FOR (n:City) ON (n.name)",
        "UNWIND [1] AS x FOREACH (y IN [1] | CREATE (:Foo))",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "load   csv with headers from 'file:///x' as r return r",
        "CALL apoc.create.node(['City'], {id: 'x'})",
        "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'SET n.x = 1', {})",
        "CALL apoc.cypher.doIt('CREATE (n)', {})",
        "CALL gds.pageRank.write('g', {writeProperty: 'pr'})",
        "CALL db.createLabel('Foo')",
        "CALL { MATCH (n) SET n.x = 1 } RETURN 1",
        "MATCH (n) WITH n CALL apoc.refactor.rename.label('A', 'B') YIELD total RETURN total",
    ],
)
def test_is_write_catches_writes(cypher: str) -> None:
    assert is_write(cypher)
    with pytest.raises(ReadOnlyQueryError, match="netlens query is read-only; add --write to allow it"):
        check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (c:City) RETURN c.name",
        "MATCH (c:City) WHERE c.name = 'CREATE TABLE; DELETE' RETURN c",
        "MATCH (c:City) RETURN c // DELETE everything\n",
        "MATCH (c:City) /* SET x */ RETURN c.set, c.`delete`, $merge",
        "MATCH (n {create: 1})-[:DELETE]->(:Set) RETURN n",
        "MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
        "CALL db.labels() YIELD label RETURN label",
        "CALL apoc.meta.stats() YIELD labels RETURN labels",
        "MATCH (c:City) RETURN c.settings, c.created, c.offset",
    ],
)
def test_is_write_lets_reads_through(cypher: str) -> None:
    assert not is_write(cypher), write_operations(cypher)


def test_write_operations_names_what_writes() -> None:
    assert write_operations("MATCH (n) SET n.a = 1 WITH n DETACH DELETE n") == ["SET", "DETACH", "DELETE"]
    with pytest.raises(ReadOnlyQueryError, match=r"\(MERGE\)"):
        check_read_only("MERGE (n:City {id: 'x'})")


# ------------------------------------------------------------------------------ header and library


def test_parse_header() -> None:
    text = textwrap.dedent(
        """\

        // Partners of a city
        //
        // Everyone a city shares a project with,
        // wrapped over two lines.
        //
        // Second paragraph.
        //
        // $city: str          the city's id or name
        // $top: int = 10      how many
        // $since: date = 2020-01-01 -- from when
        // $label = "a b"
        // a description line after the parameters
        MATCH (c {id: $city}) RETURN c LIMIT $top
        """
    )
    qf = parse_query(text, "city-partners")
    assert qf.title == "Partners of a city"
    assert qf.description == (
        "Everyone a city shares a project with, wrapped over two lines.\n\nSecond paragraph.\n\n"
        "a description line after the parameters"
    )
    assert qf.params == (
        Param("city", "str", None, "the city's id or name"),
        Param("top", "int", "10", "how many"),
        Param("since", "date", "2020-01-01", "from when"),
        Param("label", None, "a b", ""),
    )
    assert qf.parameters == ["city", "top", "since", "label"]
    assert qf.cypher == text  # the file runs as it is


def test_parse_header_rejects_unknown_type() -> None:
    with pytest.raises(QueryError, match="unknown type 'integer'"):
        parse_query("// T\n// $top: integer = 3\nRETURN $top", "t")


def test_library_has_the_ready_queries() -> None:
    queries = list_queries()
    names = [qf.name for qf in queries]
    assert len(queries) >= 12
    assert set(names) >= {
        "top-hubs",
        "brokers",
        "city-partners",
        "city-tandems",
        "never-hosted",
        "topic-attendees",
        "shortest-route",
        "projects-per-programme-year",
        "lighthouse-followers",
        "isolated-organisations",
        "strongest-ties",
        "communities",
        "new-partners",
        "newcomers-per-year",
        "new-partnerships-per-year",
    }
    for qf in queries:
        assert qf.title and qf.description, qf.name
        declared = [p.name for p in qf.params]
        assert declared == named_parameters(qf.cypher), f"{qf.name}: header parameters differ from the text"
        assert all(p.description for p in qf.params), qf.name
        assert not is_write(qf.cypher), qf.name
        assert "`end`" not in qf.cypher or "p.`end`" in qf.cypher


def test_library_frame_lists_names_titles_parameters() -> None:
    frame = library_frame()
    row = frame.set_index("name").loc["top-hubs"]
    assert row["title"] == "Top hubs"
    assert row["parameters"] == "$level: str = city $top: int = 10"
    assert frame.set_index("name").loc["shortest-route", "parameters"] == "$source: city $target: city"
    assert frame.set_index("name").loc["knowledge-transfers", "parameters"] == '$topic: str = ""'


def test_load_query_by_name_and_path(tmp_path: Path) -> None:
    assert load_query("top-hubs").path == default_folder() / "top-hubs.cypher"
    own = tmp_path / "mine.cypher"
    own.write_text("// Mine\n// $x: int\nRETURN $x AS x\n", encoding="utf-8")
    qf = load_file(str(own))
    assert (qf.name, qf.title, qf.parameters) == ("mine", "Mine", ["x"])
    with pytest.raises(NotFoundError, match="no query named"):  # a path is never a library name
        load_query(str(own))


def test_load_query_unknown_names_suggest() -> None:
    with pytest.raises(NotFoundError, match=r"no query named 'top-hub' in the library; did you mean top-hubs\?"):
        load_query("top-hub")
    with pytest.raises(NotFoundError, match="nowhere.cypher: no such query file"):
        load_file("nowhere.cypher")


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "../queries/top-hubs", "top-hubs.cypher", "/etc/hostname"])
def test_query_names_never_leave_the_library(name: str) -> None:
    with pytest.raises(NotFoundError, match="no query named .* in the library"):
        load_query(name)


def test_query_files_must_be_cypher_files(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    with pytest.raises(UsageError, match="must end in .cypher") as err:
        load_file(secret)
    assert "root:x" not in str(err.value)


def test_cli_query_refuses_paths_as_names(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    store = ["--store-path", str(tmp_path / "s.kgl")]
    by_name = CliRunner().invoke(cli_main, ["query", str(secret), *store])
    assert by_name.exit_code == 6 and "root:x" not in by_name.output
    by_file = CliRunner().invoke(cli_main, ["query", "--file", str(secret), *store])
    assert by_file.exit_code == 2 and "root:x" not in by_file.output and "must end in .cypher" in by_file.output


def test_several_statements_are_refused_before_running(tiny: EmbeddedStore) -> None:
    before = tiny.path.read_bytes()
    with pytest.raises(QueryError, match="2 statements separated by ';'"):
        run(tiny, "RETURN 1 AS a; RETURN 2 AS b")
    with pytest.raises(QueryError, match="2 statements"):  # with --write: nothing is saved
        run(tiny, "MATCH (c:City {id: 'koper'}) SET c.x = 1; RETURN nonsense(", write=True)
    assert tiny.path.read_bytes() == before
    assert run(tiny, "RETURN ';' AS a;  // one statement, a trailing ';'").rows == [{"a": ";"}]


def test_huge_integer_parameters_are_a_query_error(tiny: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match=r"parameter \$top: 99999999999999999999 is out of range"):
        run(tiny, load_query("top-hubs"), {"top": "99999999999999999999"})
    with pytest.raises(QueryError, match="out of range"):  # undeclared: guessed as an integer
        run(tiny, "RETURN $n AS n", {"n": "-99999999999999999999"})
    args = ["query", "top-hubs", "--param", "top=99999999999999999999", "--store-path", str(tiny.path)]
    result = CliRunner().invoke(cli_main, args)
    assert result.exit_code == 5 and "out of range" in result.output and "Traceback" not in result.output


def test_unknown_city_names_closest_members(tiny: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError, match=r"no city or organisation 'Brnoo' in the store; closest: Brno \(city brno, CZ\)"):
        run(tiny, load_query("city-partners"), {"city": "Brnoo"})
    # accents folded: Plzen finds Plzeň
    assert {r["partner_id"] for r in q(tiny, "city-partners", city="Plzen")} == {"brno", "graz", "wien", "org-uni", "org-hub"}


def test_default_folder(tmp_path: Path) -> None:
    assert default_folder({"NETLENS_QUERIES": str(tmp_path)}) == tmp_path
    # a source checkout or an editable install finds the repository's queries/ folder
    assert default_folder({}) == REPO / "queries"
    with pytest.raises(NotFoundError, match="does not exist"):
        list_queries(tmp_path / "missing")


# ------------------------------------------------------------------------------ binding values


def test_convert() -> None:
    assert convert("10", "int") == 10
    assert convert("0.25", "float") == 0.25
    assert convert("Yes", "bool") is True
    assert convert("2020-05-01", "date") == dt.date(2020, 5, 1)
    assert convert("a; b;;c", "list") == ["a", "b", "c"]
    assert convert("007", "str") == "007"
    # without a type: bool, int, float, ISO date, else text
    assert [convert(v) for v in ("true", "42", "-1.5e3", "2021-12-31", "2021-13-45", "nantes", "Plzeň")] == [
        True,
        42,
        -1500.0,
        dt.date(2021, 12, 31),
        "2021-13-45",
        "nantes",
        "Plzeň",
    ]
    for value, type_, expected in (
        ("ten", "int", "a whole number"),
        ("x", "float", "a number"),
        ("maybe", "bool", "true or false"),
        ("01.05.2020", "date", "an ISO date YYYY-MM-DD"),
    ):
        with pytest.raises(QueryError, match=f"parameter \\$p expects {expected}, got '{value}'"):
            convert(value, type_, "p")


def test_bind_uses_header_types_and_defaults() -> None:
    qf = load_query("top-hubs")
    assert bind(qf, {}) == {"level": "city", "top": 10}
    assert bind(qf, {"top": "3"}) == {"level": "city", "top": 3}
    assert bind(load_query("knowledge-transfers"), {}) == {"topic": ""}
    assert bind(load_query("city-partners"), {"city": "2022"}) == {"city": "2022"}  # declared str: no guessing


def test_bind_reports_missing_and_unknown_before_running() -> None:
    with pytest.raises(QueryError) as err:
        bind(load_query("shortest-route"), {"source": "brno", "tagret": "graz"})
    assert str(err.value) == (
        "missing parameter $target: city (id or name of the second city, e.g. berlin); unknown parameter $tagret "
        "(this query takes $source, $target)"
    )
    with pytest.raises(QueryError, match=r"^unknown parameter \$x \(this query takes no parameters\)$"):
        bind(load_query("never-hosted"), {"x": "1"})
    with pytest.raises(QueryError, match=r"^missing parameters \$a, \$b \(this query takes \$a, \$b\)$"):
        bind("RETURN $a + $b", {})


def test_bind_ad_hoc_queries_guess_or_force_types() -> None:
    cypher = "MATCH (c:City) WHERE c.population > $min AND c.id <> $id AND c.since > $d RETURN c"
    assert bind(cypher, {"min": "100000", "id:str": "2022", "d": "2020-01-01"}) == {
        "min": 100000,
        "id": "2022",
        "d": dt.date(2020, 1, 1),
    }
    assert bind(cypher, {"min": 5, "id": "x", "d": None}) == {"min": 5, "id": "x", "d": None}  # typed values pass through
    with pytest.raises(QueryError, match="unknown type 'number'"):
        bind(cypher, {"min:number": "1", "id": "x", "d": "x"})


def test_run_refuses_writes_before_execution(tiny: EmbeddedStore) -> None:
    before = tiny.path.read_bytes()
    with pytest.raises(ReadOnlyQueryError, match=r"writes to the graph \(SET\)"):
        run(tiny, "MATCH (c:City) SET c.flag = true")
    with pytest.raises(QueryError, match="missing parameter"):
        run(tiny, QueryFile("x", "MATCH (c:City) WHERE c.id = $id SET c.flag = true"), {})
    assert tiny.path.read_bytes() == before
    run(tiny, "MATCH (c:City {id: $id}) SET c.flag = true", {"id": "koper"}, write=True)
    assert run(tiny, "MATCH (c:City) WHERE c.flag = true RETURN c.id AS id").rows == [{"id": "koper"}]


# ------------------------------------------------------------------------------ every query on TINY


def test_top_hubs(tiny: EmbeddedStore) -> None:
    # partners: plzen, wien, brno 5 each (shared activities 4, 4, 3); graz 4; org-uni 4 (1 activity); org-hub 3
    rows = q(tiny, "top-hubs")
    assert [(r["id"], r["partners"], r["shared_activities"]) for r in rows] == [
        ("plzen", 5, 4),
        ("wien", 5, 4),
        ("brno", 5, 3),
        ("graz", 4, 3),
        ("org-uni", 4, 1),
        ("org-hub", 3, 2),
    ]
    assert rows[0]["kind"] == "City" and rows[0]["country"] == "CZ" and rows[0]["degree"] is None
    assert [r["id"] for r in q(tiny, "top-hubs", top="2")] == ["plzen", "wien"]


def test_brokers_before_and_after_analysis(tiny: EmbeddedStore) -> None:
    # projects reached (directly or through an exchange's project): org-hub 3; plzen, wien, graz 2; brno, org-uni 1; org-solo 0
    rows = q(tiny, "brokers")
    assert [(r["id"], r["projects"], r["activities"]) for r in rows] == [
        ("org-hub", 3, 3),
        ("plzen", 2, 4),
        ("wien", 2, 4),
        ("graz", 2, 3),
        ("brno", 1, 3),
        ("org-uni", 1, 1),
        ("org-solo", 0, 1),
    ]
    assert rows[0]["betweenness"] is None and rows[0]["burt_constraint"] is None
    scope = ["city; all dates"] * 2
    frame = pd.DataFrame(
        {"betweenness": [0.5, 0.1], "centrality_scope": scope, "constraint": [0.3, 0.9], "brokers_scope": scope},
        index=["brno", "graz"],
    )
    tiny.write_node_properties(frame, {"brno": "City", "graz": "City"})
    rows = q(tiny, "brokers", top="3")
    assert [(r["id"], r["betweenness"], r["burt_constraint"]) for r in rows] == [
        ("brno", 0.5, 0.3),
        ("graz", 0.1, 0.9),
        ("org-hub", None, None),
    ]
    # values of an organisation-level run are not shown as city-level ones, and the other way round
    assert [r["betweenness"] for r in q(tiny, "brokers", top="3", level="organisation")] == [None, None, None]


def test_city_partners(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "city-partners", city="brno")
    assert [(r["partner_id"], r["projects"], r["exchanges"], r["since"]) for r in rows] == [
        ("graz", 1, 1, dt.date(2018, 1, 1)),
        ("plzen", 1, 1, dt.date(2018, 1, 1)),
        ("wien", 1, 1, dt.date(2018, 1, 1)),
        ("org-hub", 0, 1, dt.date(2019, 9, 1)),
    ]  # org-uni (Masaryk University) is based in Brno: it takes part as Brno, not as its partner
    assert rows[0]["shared_projects"] == ["Alpha"] and rows[-1]["shared_projects"] == []
    assert rows[3]["kind"] == "Organisation"
    # by name, any case, with diacritics
    rows = q(tiny, "city-partners", city="PLZEŇ")
    assert {r["partner_id"]: sorted(r["shared_projects"]) for r in rows} == {
        "brno": ["Alpha"],
        "graz": ["Alpha"],
        "wien": ["Alpha"],
        "org-uni": ["Alpha"],
        "org-hub": ["Beta"],
    }
    assert q(tiny, "city-partners", city="koper") == []


def test_city_tandems(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "city-tandems", city="brno")
    assert rows == [
        {
            "member": "Brno",
            "partner_id": "plzen",
            "partner": "Plzeň",
            "country": "CZ",
            "topic": "energy",
            "since": dt.date(2019, 1, 1),
            "until": None,
            "side": "a",
            "joint_exchanges": 1,
        },
        {
            "member": "Brno",
            "partner_id": "wien",
            "partner": "Wien",
            "country": "AT",
            "topic": None,
            "since": None,
            "until": None,
            "side": "b",
            "joint_exchanges": 1,
        },
    ]
    assert q(tiny, "city-tandems", city="graz") == []


def test_never_hosted(tiny: EmbeddedStore) -> None:
    # hosts: brno (x1), wien (x3) and an organisation (x4)
    assert q(tiny, "never-hosted") == [
        {"id": "plzen", "name": "Plzeň", "country": "CZ", "projects": 2, "exchanges_attended": 2},
        {"id": "graz", "name": "Graz", "country": "AT", "projects": 2, "exchanges_attended": 1},
        {"id": "koper", "name": "Koper", "country": "SI", "projects": 0, "exchanges_attended": 0},
    ]


def test_topic_attendees(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "topic-attendees", topic="ENERGY")  # x1, x2
    assert [(r["id"], r["exchanges"], r["hosted"], r["first_date"], r["last_date"]) for r in rows] == [
        ("brno", 2, 1, dt.date(2019, 4, 10), dt.date(2019, 9, 1)),
        ("graz", 1, 0, dt.date(2019, 4, 10), dt.date(2019, 4, 10)),
        ("plzen", 1, 0, dt.date(2019, 4, 10), dt.date(2019, 4, 10)),
        ("org-hub", 1, 0, dt.date(2019, 9, 1), dt.date(2019, 9, 1)),
        ("wien", 1, 0, dt.date(2019, 9, 1), dt.date(2019, 9, 1)),
    ]
    rows = q(tiny, "topic-attendees", topic="data")  # x2, x3
    assert [(r["id"], r["exchanges"], r["hosted"]) for r in rows] == [
        ("wien", 2, 1),
        ("brno", 1, 0),
        ("plzen", 1, 0),
        ("org-hub", 1, 0),
    ]
    assert q(tiny, "topic-attendees", topic="nothing") == []


def test_shortest_route(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "shortest-route", source="org-uni", target="Solo Company")
    assert rows == [
        {
            "route": ["Masaryk University", "Alpha", "Graz", "Solo Company"],
            "via": ["PARTICIPATES_IN", "PARTICIPATES_IN", "BASED_IN"],
            "hops": 3,
        }
    ]
    assert q(tiny, "shortest-route", source="brno", target="plzen")[0]["hops"] == 1  # tandem / transfer
    assert q(tiny, "shortest-route", source="brno", target="koper") == []  # not connected
    assert q(tiny, "shortest-route", source="brno", target="brno") == []


def test_projects_per_programme_year(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "projects-per-programme-year")
    for r in rows:
        r["names"] = sorted(r["names"])
    assert rows == [
        {"programme": "(no programme)", "year": None, "projects": 1, "participations": 1, "budget_eur": 0.0, "names": ["Delta"]},
        {
            "programme": "H2020",
            "year": 2018,
            "projects": 2,
            "participations": 7,
            "budget_eur": 1500000.0,
            "names": ["Alpha", "Beta"],
        },
        {"programme": "Interreg", "year": 2021, "projects": 1, "participations": 2, "budget_eur": 0.0, "names": ["Gamma"]},
    ]


def test_lighthouse_followers(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "lighthouse-followers")
    assert [(r["lighthouse_id"], r["follower_id"], r["joint_exchanges"], r["solutions"]) for r in rows] == [
        ("brno", "graz", 1, []),
        ("brno", "plzen", 1, ["Smart meters"]),
        ("wien", "graz", 0, ["Open data portal"]),
        ("wien", "plzen", 1, []),
    ]
    assert {r["project"] for r in rows} == {"Alpha"}


def test_isolated_organisations(tiny: EmbeddedStore) -> None:
    # org-hub is alone in p-delta but has partners elsewhere; org-lonely has no type (the store must not invent one)
    assert q(tiny, "isolated-organisations") == [
        {"id": "org-lonely", "name": "Lonely NGO", "type": None, "country": "SK", "city": None, "solo_activities": 0},
        {"id": "org-solo", "name": "Solo Company", "type": "company", "country": "AT", "city": "Graz", "solo_activities": 1},
    ]


def test_strongest_ties_after_analysis(tiny: EmbeddedStore) -> None:
    assert q(tiny, "strongest-ties") == []
    ties = pd.DataFrame(
        {
            "u": ["brno", "wien"],
            "v": ["plzen", "graz"],
            "strength": [2.5, 1.0],
            "breakdown": ["1 project, 1 study visit, tandem 2019", "2 projects"],
        }
    )
    tiny.write_ties(ties, {"brno": "City", "plzen": "City", "wien": "City", "graz": "City"}, "city")
    assert q(tiny, "strongest-ties") == [
        {
            "a_id": "brno",
            "a_name": "Brno",
            "b_id": "plzen",
            "b_name": "Plzeň",
            "strength": 2.5,
            "breakdown": "1 project, 1 study visit, tandem 2019",
        },
        {"a_id": "wien", "a_name": "Wien", "b_id": "graz", "b_name": "Graz", "strength": 1.0, "breakdown": "2 projects"},
    ]
    assert [r["a_id"] for r in q(tiny, "strongest-ties", top="1")] == ["brno"]
    # once the organisation level has TIEs too, each level lists its own ties once
    org_ties = pd.DataFrame({"u": ["org-uni"], "v": ["org-hub"], "strength": [9.0], "breakdown": ["x"]})
    tiny.write_ties(org_ties, {"org-uni": "Organisation", "org-hub": "Organisation"}, "organisation")
    assert [(r["a_id"], r["b_id"]) for r in q(tiny, "strongest-ties")] == [("brno", "plzen"), ("wien", "graz")]
    assert [(r["a_id"], r["b_id"]) for r in q(tiny, "strongest-ties", level="organisation")] == [("org-uni", "org-hub")]


def test_top_hubs_shows_analysis_values_of_its_level_only(tiny: EmbeddedStore) -> None:
    frame = pd.DataFrame({"degree": [3.0], "pagerank": [0.4], "centrality_scope": ["bipartite; all dates"]}, index=["plzen"])
    tiny.write_node_properties(frame, {"plzen": "City"})
    assert [(r["id"], r["pagerank"]) for r in q(tiny, "top-hubs", top="1")] == [("plzen", None)]
    frame["centrality_scope"] = "city; all dates"
    tiny.write_node_properties(frame, {"plzen": "City"})
    assert [(r["id"], r["degree"], r["pagerank"]) for r in q(tiny, "top-hubs", top="1")] == [("plzen", 3.0, 0.4)]


def test_communities_after_analysis(tiny: EmbeddedStore) -> None:
    assert q(tiny, "communities") == []
    frame = pd.DataFrame(
        {"community": [0, 0, 0, 1, 1], "pagerank": [0.3, 0.2, 0.1, 0.25, 0.15], "communities_scope": "city; all dates"},
        index=["brno", "plzen", "org-uni", "wien", "graz"],
    )
    frame["centrality_scope"] = frame["communities_scope"]
    kinds = {"brno": "City", "plzen": "City", "org-uni": "Organisation", "wien": "City", "graz": "City"}
    tiny.write_node_properties(frame, kinds)
    assert q(tiny, "communities") == [
        {"community": 0, "members": 3, "leading_members": ["Brno", "Plzeň", "Masaryk University"], "countries": ["CZ"]},
        {"community": 1, "members": 2, "leading_members": ["Wien", "Graz"], "countries": ["AT"]},
    ]
    assert q(tiny, "communities", level="organisation") == []


def test_new_partners(tiny: EmbeddedStore) -> None:
    assert q(tiny, "new-partners", city="brno") == [
        {"year": 2018, "new_partners": 3, "names": ["Graz", "Plzeň", "Wien"]},  # Masaryk University is in Brno
        {"year": 2019, "new_partners": 1, "names": ["Urban Innovation Hub"]},
    ]


def test_newcomers_per_year(tiny: EmbeddedStore) -> None:
    assert q(tiny, "newcomers-per-year") == [
        {"year": 2018, "newcomers": 6, "names": ["Brno", "Graz", "Masaryk University", "Plzeň", "Urban Innovation Hub", "Wien"]},
        {"year": 2022, "newcomers": 1, "names": ["Solo Company"]},
    ]


def test_new_partnerships_per_year(tiny: EmbeddedStore) -> None:
    # 2018: the 10 pairs of p-alpha (6 CZ-AT) + plzen-org-hub (CZ-AT); 2019: brno-org-hub (CZ-AT), wien-org-hub (AT-AT)
    assert q(tiny, "new-partnerships-per-year") == [
        {"year": 2018, "new_partnerships": 11, "cross_border": 7},
        {"year": 2019, "new_partnerships": 2, "cross_border": 1},
    ]


def test_knowledge_transfers(tiny: EmbeddedStore) -> None:
    rows = q(tiny, "knowledge-transfers")
    assert [(r["source_id"], r["target_id"], r["solution"], r["transferred_on"], sorted(r["shared_projects"])) for r in rows] == [
        ("brno", "plzen", "Smart meters", dt.date(2020, 2, 1), ["Alpha"]),
        ("wien", "graz", "Open data portal", dt.date(2021, 7, 1), ["Alpha", "Gamma"]),
        ("plzen", "graz", "Car sharing", dt.date(2022, 1, 1), ["Alpha"]),
    ]
    assert [r["solution"] for r in q(tiny, "knowledge-transfers", topic="DATA")] == ["Open data portal"]


@pytest.mark.parametrize("name", [qf.name for qf in list_queries()])
def test_every_query_runs_on_an_empty_store(tmp_path: Path, name: str) -> None:
    qf = load_query(name)
    required = [p for p in qf.params if p.default is None]
    params = {p.name: "x" for p in required}
    if any(p.type == "city" for p in required):  # a city is looked up first: none in an empty store
        with pytest.raises(NotFoundError, match=r"no city or organisation 'x' in the store$"):
            run(EmbeddedStore(tmp_path / "empty.kgl"), qf, params)
        return
    assert run(EmbeddedStore(tmp_path / "empty.kgl"), qf, params).rows == []


# ------------------------------------------------------------------------------ the sample package

needs_sample = pytest.mark.skipif(not (SAMPLE / "cities.csv").exists(), reason=f"no sample package at {SAMPLE}")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    tables, _ = validate_or_raise(read_package(SAMPLE))
    store = EmbeddedStore(tmp_path_factory.mktemp("sample") / "sample.kgl")
    store.load(tables)
    return store


SAMPLE_PARAMS = {
    "city-partners": {"city": "nantes"},
    "city-tandems": {"city": "arnsberg"},
    "topic-attendees": {"topic": "smart-city"},
    "shortest-route": {"source": "amsterdam", "target": "berlin"},
    "new-partners": {"city": "arnsberg"},
}


@needs_sample
@pytest.mark.parametrize("name", [qf.name for qf in list_queries()])
def test_every_query_runs_on_the_sample(sample: EmbeddedStore, name: str) -> None:
    result = run(sample, load_query(name), SAMPLE_PARAMS.get(name, {}))
    assert result.columns
    if name not in ("communities", "strongest-ties", "isolated-organisations"):
        assert result.rows, name


@needs_sample
def test_sample_facts(sample: EmbeddedStore) -> None:
    # read off data/sample/participations.csv and attendances.csv by hand
    partners = {r["partner_id"] for r in q(sample, "city-partners", city="Nantes")}
    assert partners == {"hamburg", "helsinki", "bydgoszcz", "rijeka", "palencia", "org-cartif"}
    lighthouses = {(r["lighthouse_id"], r["follower_id"]) for r in q(sample, "lighthouse-followers")}
    assert {("nantes", "rijeka"), ("hamburg", "bydgoszcz"), ("helsinki", "palencia")} <= lighthouses
    never = {r["id"] for r in q(sample, "never-hosted")}
    assert not never & {"nantes", "rijeka", "bydgoszcz", "arnsberg", "alba-iulia"}  # the cities that hosted
    tandems = q(sample, "city-tandems", city="arnsberg")
    assert {r["partner_id"] for r in tandems} == {"alba-iulia"}


DOCS = REPO / "docs" / "network-managers.md"


def doc_examples() -> list[tuple[str, str]]:
    """``(command, output)`` of every ``$ netlens query …`` block in docs/network-managers.md."""
    blocks = re.findall(r"```text\n\$ (netlens query [^\n]+)\n(.*?)\n```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return [(cmd, out) for cmd, out in blocks]


def test_docs_have_examples() -> None:
    assert len(doc_examples()) >= 8


@needs_sample
@pytest.mark.parametrize(("command", "output"), doc_examples(), ids=[c for c, _ in doc_examples()])
def test_docs_examples_match_the_sample(sample: EmbeddedStore, command: str, output: str) -> None:
    args = shlex.split(command)[2:]
    name, params = args[0], {}
    for flag, value in zip(args[1::2], args[2::2], strict=True):
        assert flag == "--param"
        key, _, val = value.partition("=")
        params[key] = val
    result = run(sample, load_query(name), params)
    assert render_frame(result.to_frame(), "table", index=False) == output
