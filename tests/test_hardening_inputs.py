"""Issue 14, inputs and exports: hostile packages (small files built here) never lose data, leak, hang or trace back.

Each test reproduces one reported problem first: the package that triggered it, then the message or behaviour now.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import openpyxl
import pandas as pd
import pytest

from netlens.errors import InputError
from netlens.read import package as package_module
from netlens.read import read_package
from netlens.render.export import export
from netlens.store.schema import RESULT_PROPERTIES
from netlens.validation import validate, validate_or_raise
from netlens.validation.specs import RESULT_PROPERTIES as SPEC_RESULT_PROPERTIES

from .conftest import write_package

CITIES = "id,name,country\nnantes,Nantes,FR\nrijeka,Rijeka,HR\n"
NO_COORDINATES = "has no coordinates (lat, lon)"
PROJECTS = "id,name\np1,P1\n"
PARTS = "project_id,member_id\np1,nantes\np1,rijeka\n"
RESERVED = (
    "articulation, betweenness, brokers_scope, centrality_scope, closeness, communities_scope, community, constraint, "
    "degree, effective_size, eigenvector, gf_coordinator, gf_gatekeeper, gf_itinerant, gf_liaison, gf_representative, "
    "harmonic, kcore, pagerank, split_size, strength, structure_scope, tandems_scope"
)


def issues_of(folder: Path, severity: str = "error") -> list[str]:
    """The issues of one severity, without the warnings about cities without coordinates (CITIES has none)."""
    _, issues = validate(read_package(folder))
    return [str(i) for i in issues if i.severity == severity and NO_COORDINATES not in i.message]


def package(tmp_path: Path, **files: str | bytes) -> Path:
    base: dict[str, str | bytes] = {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS}
    base.update({f"{k}.csv": v for k, v in files.items()})
    return write_package(tmp_path / "pkg", base)


def workbook(path: Path, sheets: Mapping[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for r in rows:
            ws.append(r)
    book.save(path)
    return path


SHEETS: dict[str, list[list[object]]] = {
    "cities": [["id", "name", "country"], ["nantes", "Nantes", "FR"], ["rijeka", "Rijeka", "HR"]],
    "projects": [["id", "name"], ["p1", "P1"]],
    "participations": [["project_id", "member_id"], ["p1", "nantes"], ["p1", "rijeka"]],
}


# ------------------------------------------------------------------ analysis results never collide with user columns


def test_result_names_are_one_definition_shared_by_store_and_validation() -> None:
    assert RESULT_PROPERTIES is SPEC_RESULT_PROPERTIES
    # every metric's scope (netlens.choices.METRICS) is reserved: the pipeline writes "<metric>_scope"
    assert ", ".join(sorted(RESULT_PROPERTIES)) == RESERVED


@pytest.mark.parametrize("column", ["community", "degree", "strength", "pagerank", "constraint", "tandems_scope"])
def test_extra_column_named_like_a_result_is_refused(tmp_path: Path, column: str) -> None:
    # before: loaded without a word, hidden on read-back and export, wiped by the next analyse
    folder = package(tmp_path, cities=f"id,name,country,{column}\nnantes,Nantes,FR,7\nrijeka,Rijeka,HR,8\n")
    assert issues_of(folder) == [
        f"error: cities.csv, row 1, column {column!r}: is a name netlens analyse writes its results under; rename the "
        f"column (the next analyse would overwrite it). Reserved names: {RESERVED}"
    ]


def test_a_result_name_in_another_case_is_a_different_property_and_kept(tmp_path: Path) -> None:
    folder = package(tmp_path, cities="id,name,country,Degree\nnantes,Nantes,FR,7\nrijeka,Rijeka,HR,8\n")
    tables, _ = validate_or_raise(read_package(folder))
    assert tables["cities"]["Degree"].tolist() == ["7", "8"]


# ------------------------------------------------------------------ workbooks


def test_two_sheets_for_one_table_are_an_error(tmp_path: Path) -> None:
    # before: the sheet 'cities' was silently replaced by 'Cities '
    sheets: dict[str, list[list[object]]] = {**SHEETS, "Cities ": [["id", "name", "country"], ["hamburg", "Hamburg", "DE"]]}
    book = workbook(tmp_path / "book.xlsx", sheets)
    assert issues_of(book) == [
        "error: book.xlsx:Cities : two sheets for table 'cities' ('cities' and 'Cities '); expected one, rename or "
        "delete the other"
    ]


def test_stray_cell_at_xfd1048576_is_read_as_stored_not_as_the_dimension_says(tmp_path: Path) -> None:
    # before: 8 GB and 48 s (openpyxl trusted the dimension A1:XFD1048576 and padded every row to 16,384 cells)
    path = workbook(tmp_path / "book.xlsx", SHEETS)
    book = openpyxl.load_workbook(path)
    book["cities"]["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 20_000
    assert issues_of(path) == [
        "error: book.xlsx:cities, row 1048576: 'x': row has more cells than the header has columns (3); check quoting of ','",
        "error: book.xlsx:cities, row 1048576, column 'id': is empty; expected an id",
        "error: book.xlsx:cities, row 1048576, column 'name': is empty; expected text",
        "error: book.xlsx:cities, row 1048576, column 'country': is empty; expected an ISO 3166 alpha-2 country code "
        "such as CZ or FR (EL and UK are accepted)",
    ]


def test_sheet_over_the_cell_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit is package.MAX_CELLS (20 million rows × columns); lowered here so that a small sheet passes it
    monkeypatch.setattr(package_module, "MAX_CELLS", 8)
    book = workbook(tmp_path / "book.xlsx", SHEETS)
    assert "error: book.xlsx:cities: the sheet holds more than 8 cells (rows × columns) by row 3; a netlens sheet is " in (
        "\n".join(issues_of(book))
    )


def test_missing_netlens_sheets_are_named(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"Sheet1": [["id", "name"]], "Notes": [["x"]]})
    errors = issues_of(book)
    assert errors[0] == (
        "error: book.xlsx: no sheet is a netlens table (found 'Sheet1', 'Notes'); expected sheets named cities, "
        "organisations, projects, participations, exchanges, attendances, tandems, transfers"
    )


def test_file_named_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "book.xlsx"
    fake.write_text(CITIES, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_package(fake)
    assert str(exc.value) == (
        "book.xlsx: is not an .xlsx workbook (not a zip file: an old .xls, or a CSV file renamed?); save it as "
        "'Excel Workbook (.xlsx)' or use a folder of CSV files"
    )


def test_workbook_reads_like_the_csv_folder(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {**SHEETS, "projects": [["id", "name", "start"], ["p1", "P1", "2020-01-01"]]})
    tables, issues = validate_or_raise(read_package(book))
    assert [i for i in issues if NO_COORDINATES not in i.message] == []
    assert tables["cities"]["id"].tolist() == ["nantes", "rijeka"]
    assert tables["projects"].loc[0, "start"].isoformat() == "2020-01-01"


# ------------------------------------------------------------------ absurd widths


def test_twenty_thousand_columns_are_refused(tmp_path: Path) -> None:
    # before: 82 s and 12 GB to load 3 rows (quadratic in the number of columns)
    wide = "id,name,country" + "," * 20_000 + "\n" + "nantes,Nantes,FR\n" * 3
    folder = package(tmp_path, cities=wide)
    assert issues_of(folder)[0] == (
        "error: cities.csv: the header has 20003 columns; a netlens table has at most 1000 (remove the empty or unused columns)"
    )


# ------------------------------------------------------------------ characters


@pytest.mark.parametrize(
    ("column", "shown"), [("a,b", "','"), ("x\ny", "U+000A"), (":LABEL", "':'"), ("evil:ID", "':'"), ('q"', "'\"'")]
)
def test_column_names_that_would_shift_neo4j_headers_are_refused(tmp_path: Path, column: str, shown: str) -> None:
    # before: written raw into nodes_City.csv, shifting every column and adding labels or ids on import
    header = '"' + column.replace('"', '""') + '"'
    folder = package(tmp_path, cities=f"id,name,country,{header}\nnantes,Nantes,FR,1\nrijeka,Rijeka,HR,2\n")
    assert issues_of(folder) == [
        f"error: cities.csv, row 1, column {column!r}: has the character {shown}, which neo4j-admin headers use for ids, "
        "types and labels; use letters, digits, _ or -"
    ]


def test_export_refuses_such_a_column_name_in_tables_built_by_hand(tmp_path: Path) -> None:
    tables, _ = validate_or_raise(read_package(package(tmp_path)))
    cities = tables["cities"].assign(**{"evil:ID": ["x", "y"]})
    with pytest.raises(InputError) as exc:
        export({**tables, "cities": cities}, tmp_path / "out", ["neo4j-csv"])
    assert "nodes_City.csv: the property name 'evil:ID' cannot be a neo4j-admin CSV header field" in str(exc.value)


def test_control_characters_are_refused_at_validation(tmp_path: Path) -> None:
    folder = package(tmp_path, cities="id,name,country\nnantes,Nan\x07tes,FR\nrijeka,Rijeka,HR\n")
    assert issues_of(folder) == [
        "error: cities.csv, row 2, column 'name': 'Nan\\x07tes': contains the control character U+0007, which "
        "GraphML/GEXF (XML 1.0) cannot hold; remove it"
    ]


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_bidi_and_zero_width_characters_in_names_get_a_warning(tmp_path: Path, char: str) -> None:
    folder = package(tmp_path, cities=f"id,name,country\nnantes,Nan{char}tes,FR\nrijeka,Rijeka,HR\n")
    warnings = issues_of(folder, "warning")
    assert len(warnings) == 1
    value = repr(f"Nan{char}tes")
    assert warnings[0].startswith(f"warning: cities.csv, row 2, column 'name': {value}: contains the invisible character U+")
    assert warnings[0].endswith("it changes how the name is displayed and searched; remove it")
    assert issues_of(folder) == []


def test_graphml_and_gexf_are_well_formed_for_hostile_text(tmp_path: Path) -> None:
    # quotes, <, &, newlines, bidi controls and formula-like text pass validation and read back unchanged
    odd = 'A "<b>" & \u202eC\n='
    folder = package(
        tmp_path,
        cities=f'id,name,country,note\nnantes,"{odd.replace(chr(34), chr(34) * 2)}",FR,=1+1\nrijeka,Rijeka,HR,@x\n',
    )
    tables, _ = validate_or_raise(read_package(folder))
    export(tables, tmp_path / "out", ["graphml", "gexf"])
    g = nx.read_graphml(tmp_path / "out" / "network.graphml")
    assert g.nodes["nantes"]["name"] == odd and g.nodes["nantes"]["note"] == "=1+1"
    x = nx.read_gexf(tmp_path / "out" / "network.gexf")
    assert x.nodes["nantes"]["name"] == odd


def test_control_characters_in_a_graph_built_by_hand_are_removed_from_xml(tmp_path: Path) -> None:
    # before: a traceback (lxml) or a file no XML parser reads (ElementTree)
    g = nx.Graph()
    g.add_node("a\x01", name="Nan\x07tes")
    g.add_edge("a\x01", "b", note="x\x1fy")
    export(g, tmp_path / "out", ["graphml", "gexf"])
    back = nx.read_graphml(tmp_path / "out" / "network.graphml")
    assert back.nodes["a"]["name"] == "Nantes" and back.edges["a", "b"]["note"] == "xy"
    assert nx.read_gexf(tmp_path / "out" / "network.gexf").nodes["a"]["label"] == "Nantes"


def test_neo4j_csv_cells_starting_like_formulas_stay_as_the_data_has_them(tmp_path: Path) -> None:
    # documented in netlens.render.export: the files are for neo4j-admin, a prefix would change the imported values
    folder = package(tmp_path, cities="id,name,country,note\nnantes,-Nord,FR,=1+1\nrijeka,@Rijeka,HR,+7\n")
    tables, _ = validate_or_raise(read_package(folder))
    export(tables, tmp_path / "out", ["neo4j-csv"])
    text = (tmp_path / "out" / "neo4j-import" / "nodes_City.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "id:ID,name,country,lat,lon,population,tags,note,:LABEL",
        '"nantes","-Nord","FR",,,,,"=1+1","City"',
        '"rijeka","@Rijeka","HR",,,,,"+7","City"',
    ]


# ------------------------------------------------------------------ writing exports


def test_export_on_a_full_disk_is_an_output_error(tmp_path: Path) -> None:
    # a file size limit makes every write past 300 bytes fail with EFBIG, as a full disk fails with ENOSPC
    folder = package(tmp_path)
    code = textwrap.dedent(
        f"""
        import resource, signal, sys
        from netlens.errors import NetlensError
        from netlens.read import read_package
        from netlens.render.export import export
        from netlens.validation import validate_or_raise
        tables, _ = validate_or_raise(read_package({str(folder)!r}))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        try:
            export(tables, {str(tmp_path / "out")!r}, ["graphml"])
            print("no error")
        except NetlensError as exc:
            print(type(exc).__name__, exc.exit_code, exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stderr == ""
    name, exit_code, message = done.stdout.split(" ", 2)
    assert (name, exit_code) == ("OutputError", "8")
    assert message.startswith(f"cannot write {tmp_path / 'out' / 'network.graphml'} (File too large)")
    assert not (tmp_path / "out" / "network.graphml").exists()


# ------------------------------------------------------------------ clear messages


def test_population_the_store_cannot_hold_is_refused_by_validate(tmp_path: Path) -> None:
    # before: validate passed 1e30, load refused it with exit 4 and no row
    folder = package(tmp_path, cities="id,name,country,population\nnantes,Nantes,FR,1e30\nrijeka,Rijeka,HR,9223372036854775807\n")
    assert issues_of(folder) == [
        "error: cities.csv, row 2, column 'population': '1e30': is too large; expected a whole number the store can "
        "hold (at most 9223372036854775807)"
    ]


def test_negative_budget_says_must_be_at_least_zero(tmp_path: Path) -> None:
    folder = package(tmp_path, projects="id,name,budget_eur\np1,P1,-5\n")
    assert issues_of(folder) == ["error: projects.csv, row 2, column 'budget_eur': '-5': must be ≥ 0"]


@pytest.mark.parametrize("value", ["1_000", "1 000"])
def test_digit_separators_are_refused_as_the_message_says(tmp_path: Path, value: str) -> None:
    folder = package(tmp_path, projects=f"id,name,budget_eur\np1,P1,{value}\n")
    assert issues_of(folder) == [
        f"error: projects.csv, row 2, column 'budget_eur': {value!r}: is not a number (dot as decimal separator, no "
        "thousands separator)"
    ]


def test_utf16_file_is_called_utf16(tmp_path: Path) -> None:
    folder = package(tmp_path, cities=CITIES.encode("utf-16"))
    assert issues_of(folder)[0] == (
        "error: cities.csv: the file is UTF-16 encoded (Excel's 'Unicode Text'); expected a UTF-8 encoded CSV file "
        "(re-save it as 'CSV UTF-8')"
    )


def test_unreadable_member_table_is_reported_once_not_per_relation_row(tmp_path: Path) -> None:
    # before: one "references an unknown id" per participation row on top of the root cause
    folder = package(tmp_path, cities=CITIES.encode("utf-16"))
    _, issues = validate(read_package(folder))
    assert [str(i) for i in issues] == [
        "error: cities.csv: the file is UTF-16 encoded (Excel's 'Unicode Text'); expected a UTF-8 encoded CSV file "
        "(re-save it as 'CSV UTF-8')",
        "warning: participations.csv, column 'member_id': references not checked: cities could not be read (see the error above)",
    ]


def test_unterminated_quote_is_named(tmp_path: Path) -> None:
    # before: "column 'country' is empty" (the rest of the file had been read as one cell)
    folder = package(tmp_path, cities='id,name,country\nnantes,"Nantes,FR\nrijeka,Rijeka,HR\n')
    assert issues_of(folder)[0] == (
        'error: cities.csv: line 2: a quote (") opened in this row is never closed, so the rest of the file was read '
        'as one cell; close the quote or double it ("") inside a quoted cell'
    )


def test_package_with_headers_only_says_it_has_no_rows(tmp_path: Path) -> None:
    folder = package(tmp_path, cities="id,name,country\n", projects="id,name\n", participations="project_id,member_id\n")
    assert issues_of(folder) == [
        "error: pkg: the package has no rows: every table has a header only; expected data rows below the headers"
    ]


def test_empty_workbook_frame_is_not_a_problem_for_pandas_users(tmp_path: Path) -> None:
    # a sheet with a header only reads as a table without rows (columns kept)
    book = workbook(tmp_path / "book.xlsx", {**SHEETS, "tandems": [["a_id", "b_id"]]})
    raw = read_package(book)
    assert list(raw.tables["tandems"].frame.columns) == ["a_id", "b_id"] and raw.tables["tandems"].rows == []
    assert isinstance(raw.tables["tandems"].frame, pd.DataFrame)


def test_formula_without_a_saved_value_and_merged_cells_get_their_own_messages(tmp_path: Path) -> None:
    # before: both read as empty cells ("column 'name': is empty", or nothing at all for an optional column)
    path = workbook(tmp_path / "book.xlsx", SHEETS)
    book = openpyxl.load_workbook(path)
    book["cities"]["B2"] = '=CONCAT("Nan","tes")'  # openpyxl saves formulas without a cached value
    book["participations"].merge_cells("A2:A3")
    book.save(path)
    errors = [e for e in issues_of(path) if "is empty; expected" not in e]  # B2 and A3 are empty, reported as well
    assert errors == [
        "error: book.xlsx:cities: cell B2 holds a formula without a saved value (the program that wrote the workbook did "
        "not calculate it), so it reads as empty; open and save the workbook in Excel or LibreOffice, or paste the values",
        "error: book.xlsx:participations: cells A2:A3 are merged: only A2 holds a value and the others read as empty; "
        "unmerge them and fill every cell",
    ]
