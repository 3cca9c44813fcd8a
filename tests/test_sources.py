"""Readers: CSV dialects, workbooks, and the CORDIS participation adapter on the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netlens.sources import read_cordis, read_package
from netlens.store_embedded import EmbeddedStore
from netlens.validate import validate, validate_or_raise

from .conftest import MINI, shared_file, write_package

TRICKY_CITIES = (
    "\ufeffid;name;country;lat;lon;tags\n"
    "litomerice;Litoměřice;CZ;50.5335;14.1318;pitch\n"
    "trinec;Třinec;cz;49.6776;18.6708;\n"
    "xss;<script>alert(1)</script>;EL;;;\n"
    'quoted;"Nantes; Métropole ""NM""";FR;47.2184;-1.5536;lighthouse;follower\n'
)


def test_bom_semicolons_diacritics_and_script_round_trip(tmp_path: Path) -> None:
    # lighthouse;follower is quoted by nobody: with ';' as delimiter the row has one cell too many -> must be quoted
    cities = TRICKY_CITIES.replace("lighthouse;follower\n", '"lighthouse;follower"\n')
    pkg = write_package(tmp_path / "p", {"cities.csv": cities, "tandems.csv": "a_id;b_id;topic\nlitomerice;trinec;energie\n"})
    tables, issues = validate_or_raise(read_package(pkg))
    assert [i.severity for i in issues] == ["warning"]  # xss has no coordinates
    c = tables["cities"].set_index("id")
    assert c.loc["litomerice", "name"] == "Litoměřice"
    assert c.loc["trinec", "name"] == "Třinec" and c.loc["trinec", "country"] == "CZ"
    assert c.loc["xss", "name"] == "<script>alert(1)</script>" and c.loc["xss", "country"] == "GR"
    assert c.loc["quoted", "name"] == 'Nantes; Métropole "NM"'
    assert c.loc["quoted", "tags"] == ["lighthouse", "follower"]
    store = EmbeddedStore(tmp_path / "s.kgl")
    store.load(tables)
    back = EmbeddedStore(tmp_path / "s.kgl").read_tables()["cities"].set_index("id")
    assert back.loc["litomerice", "name"] == "Litoměřice"
    assert back.loc["xss", "name"] == "<script>alert(1)</script>"
    assert back.loc["litomerice", "lat"] == 50.5335


def test_unquoted_list_with_semicolon_delimiter_is_reported(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {"cities.csv": TRICKY_CITIES, "tandems.csv": "a_id;b_id\nlitomerice;trinec\n"})
    _, issues = validate(read_package(pkg))
    assert str(issues[0]) == (
        "error: cities.csv, row 5: 'follower': row has more cells than the header has columns (6); check quoting of ';'"
    )


def test_tab_separated_and_blank_lines(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {"cities.csv": "id\tname\tcountry\n\na\tA\tFR\n\nb\tB\tDE\n", "tandems.csv": "a_id,b_id\na,b\n"})
    tables, _ = validate_or_raise(read_package(pkg))
    assert tables["cities"]["id"].tolist() == ["a", "b"]


def test_row_numbers_count_multiline_cells(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {"cities.csv": 'id,name,country\na,"two\nlines",FR\nb,B,XX\n', "tandems.csv": "a_id,b_id\na,b\n"})
    _, issues = validate(read_package(pkg))
    assert str(issues[0]).startswith("error: cities.csv, row 4, column 'country': 'XX'")


def test_xlsx_workbook_equals_csv_folder(tmp_path: Path, mini: Path) -> None:
    book = tmp_path / "mini.xlsx"
    with pd.ExcelWriter(book) as xl:
        for name in MINI:
            pd.read_csv(mini / name, dtype=str, keep_default_na=False).to_excel(xl, sheet_name=name[:-4], index=False)
    from_csv, _ = validate_or_raise(read_package(mini))
    from_xlsx, issues = validate_or_raise(read_package(book))
    assert issues == []
    for name in from_csv:
        pd.testing.assert_frame_equal(from_csv[name], from_xlsx[name], check_dtype=False)


def test_unknown_files_are_warned_about(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {**MINI, "notes.csv": "a,b\n1,2\n"})
    _, issues = validate_or_raise(read_package(pkg))
    assert [str(i) for i in issues] == [
        "warning: notes.csv: notes.csv is not a netlens table (cities, organisations, projects, participations, exchanges, "
        "attendances, tandems, transfers); ignored"
    ]


def test_cordis_participations_full_file() -> None:
    path = shared_file("cordis-h2020-participation/h2020.csv")
    tables, issues = validate_or_raise(read_cordis(path))
    # figures from ../shared/data/cordis-h2020-participation/SOURCE.md (independent pandas check)
    assert len(tables["participations"]) == 144_726
    assert len(tables["organisations"]) == 35_871
    assert len(tables["projects"]) == 31_451
    assert tables["organisations"]["type"].value_counts()["public_agency"] == 2_524  # PUB
    countries = set(tables["organisations"]["country"].dropna())
    assert "GR" in countries and "GB" in countries and "EL" not in countries and "UK" not in countries
    msl = tables["projects"].set_index("id").loc["206242"]  # mySMARTLife
    assert msl["programme"] == "H2020 SC3" and str(msl["start"]) == "2016-12-01"
    roles = tables["participations"]["role"].value_counts().to_dict()
    assert roles == {"participant": 106_108, "coordinator": 31_476, "partner": 7_142}
