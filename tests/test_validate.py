"""One test per kind of problem `netlens validate` reports, asserting the exact message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest

from netlens.errors import InputError, ValidationFailed
from netlens.read import read_csv_text, read_package
from netlens.validation import validate, validate_or_raise

from .conftest import MINI, write_package

CITIES = "id,name,country\nnantes,Nantes,FR\nrijeka,Rijeka,HR\n"
PARTS = "project_id,member_id\np1,nantes\np1,rijeka\n"
PROJECTS = "id,name\np1,P1\n"


def messages(tmp_path: Path, files: Mapping[str, str | bytes], severity: str = "error") -> list[str]:
    _, issues = validate(read_package(write_package(tmp_path / "pkg", files)))
    return [str(i) for i in issues if i.severity == severity]


def test_clean_package_has_no_issues(mini: Path) -> None:
    tables, issues = validate_or_raise(read_package(mini))
    assert issues == []
    assert len(tables["cities"]) == 3 and len(tables["participations"]) == 4
    assert tables["projects"].loc[0, "start"] == dt.date(2016, 12, 1)
    assert tables["projects"].loc[0, "topics"] == ["energy", "mobility"]
    assert tables["cities"].loc[0, "tags"] == ["lighthouse"]


def test_missing_required_column(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": "id,name\nnantes,Nantes\n", "projects.csv": PROJECTS, "participations.csv": PARTS})
    assert msgs[0] == "error: cities.csv, row 1, column 'country': required column is missing; cities needs id, name, country"


def test_bad_date(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path, {"cities.csv": CITIES, "projects.csv": "id,name,start\np1,P1,2019-13-01\n", "participations.csv": PARTS}
    )
    assert msgs == ["error: projects.csv, row 2, column 'start': '2019-13-01': is not an ISO date YYYY-MM-DD"]


def test_date_in_other_format(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path, {"cities.csv": CITIES, "projects.csv": "id,name,start\np1,P1,28.05.2019\n", "participations.csv": PARTS}
    )
    assert msgs == ["error: projects.csv, row 2, column 'start': '28.05.2019': is not an ISO date YYYY-MM-DD"]


def test_bad_country(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": "id,name,country\nnantes,Nantes,France\nrijeka,Rijeka,HR\n",
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == [
        "error: cities.csv, row 2, column 'country': 'France': is not an ISO 3166 alpha-2 country code such as CZ or FR "
        "(EL and UK are accepted)"
    ]


def test_eu_country_aliases_are_normalised(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path / "p",
        {"cities.csv": "id,name,country\nathens,Athens,EL\nlondon,London,uk\n", "tandems.csv": "a_id,b_id\nathens,london\n"},
    )
    tables, issues = validate_or_raise(read_package(pkg))
    assert tables["cities"]["country"].tolist() == ["GR", "GB"]


def test_bad_number(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": 'id,name,country,population\nnantes,Nantes,FR,"320,732"\nrijeka,Rijeka,HR,128624\n',
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == ["error: cities.csv, row 2, column 'population': '320,732': is not a whole number"]


def test_coordinates_out_of_range(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": "id,name,country,lat,lon\nnantes,Nantes,FR,47.2,-181\nrijeka,Rijeka,HR,45.3,14.4\n",
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == ["error: cities.csv, row 2, column 'lon': '-181': is not a longitude between -180 and 180"]


def test_duplicate_id(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path, {"cities.csv": CITIES + "nantes,Nantes again,FR\n", "projects.csv": PROJECTS, "participations.csv": PARTS}
    )
    assert msgs == ["error: cities.csv, row 4, column 'id': 'nantes': duplicate id; first used in row 2; expected each id once"]


def test_duplicate_relation_row(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS + "p1,nantes\n"})
    assert msgs == [
        "error: participations.csv, row 4: 'p1, nantes': duplicate (project_id, member_id); first used in row 2; "
        "expected each (project_id, member_id) once"
    ]


def test_unknown_reference(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS + "p1,helsinki\n"})
    assert msgs == [
        "error: participations.csv, row 4, column 'member_id': 'helsinki': references an unknown id; expected an id from cities or organisations"  # noqa: E501
    ]


def test_id_used_for_city_and_organisation(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": CITIES,
            "organisations.csv": "id,name\nrijeka,City of Rijeka\n",
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == [
        "error: organisations.csv, row 2, column 'id': 'rijeka': is also an id in cities; "
        "ids must be unique across cities, organisations, projects and exchanges"
    ]


def test_empty_file(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS, "tandems.csv": ""})
    assert msgs == ["error: tandems.csv: file is empty; expected a header row and data rows"]


def test_header_only_file_is_a_warning(tmp_path: Path) -> None:
    files = {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS, "tandems.csv": "a_id,b_id\n"}
    assert messages(tmp_path, files) == []
    assert "warning: tandems.csv: has a header but no rows" in messages(tmp_path, files, "warning")


def test_wrong_encoding(tmp_path: Path) -> None:
    cp1250 = "id,name,country\nlitomerice,Litoměřice,CZ\n".encode("cp1250")  # 'ě' is byte 0xEC at offset 16+11+5 = 32
    msgs = messages(tmp_path, {"cities.csv": cp1250, "tandems.csv": "a_id,b_id\nx,y\n"})
    assert msgs[0] == (
        "error: cities.csv: not valid UTF-8 at line 2 (byte 32: b'\\xec'); expected a UTF-8 encoded CSV file (re-save it as 'CSV UTF-8')"  # noqa: E501
    )


def test_unreadable_csv_raises_input_error() -> None:
    with pytest.raises(InputError):
        read_csv_text(b"\xff\xfeid", "x.csv", "cities")


def test_unknown_organisation_type(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": CITIES,
            "organisations.csv": "id,name,type\no1,Acme,startup\n",
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == [
        "error: organisations.csv, row 2, column 'type': 'startup': is not one of municipality, company, university, research, "
        "ngo, innovation_hub, public_agency, network, other"
    ]


def test_end_before_start(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {"cities.csv": CITIES, "projects.csv": "id,name,start,end\np1,P1,2020-01-01,2019-12-31\n", "participations.csv": PARTS},
    )
    assert msgs == ["error: projects.csv, row 2, column 'end': '2019-12-31': is before start (2020-01-01)"]


def test_pair_with_itself(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": CITIES, "tandems.csv": "a_id,b_id\nnantes,nantes\n"})
    assert msgs == ["error: tandems.csv, row 2, column 'b_id': 'nantes': equals a_id; a pair needs two different members"]


def test_missing_relation_table(tmp_path: Path) -> None:
    msgs = messages(tmp_path, {"cities.csv": CITIES})
    assert msgs == ["error: pkg: no relation table; a package needs one of participations, attendances, tandems, transfers"]


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": "id,name,country\nnantes,Nantes,FR,extra\nrijeka,Rijeka,HR\n",
            "projects.csv": PROJECTS,
            "participations.csv": PARTS,
        },
    )
    assert msgs == ["error: cities.csv, row 2: 'extra': row has more cells than the header has columns (3); check quoting of ','"]


def test_required_value_empty(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {"cities.csv": "id,name,country\nnantes,,FR\nrijeka,Rijeka,HR\n", "projects.csv": PROJECTS, "participations.csv": PARTS},
    )
    assert msgs == ["error: cities.csv, row 2, column 'name': is empty; expected text"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    msgs = messages(
        tmp_path,
        {
            "cities.csv": "id,name,country,lat\nnantes,Nantes,XX,95\n",
            "projects.csv": "id,name,end\np1,P1,soon\n",
            "participations.csv": PARTS,
        },
    )
    assert len(msgs) == 4  # country, lat, end date, unknown member rijeka


def test_missing_coordinates_warn_but_do_not_block(tmp_path: Path) -> None:
    files = {"cities.csv": CITIES, "projects.csv": PROJECTS, "participations.csv": PARTS}
    assert messages(tmp_path, files) == []
    assert messages(tmp_path, files, "warning")[0] == (
        "warning: cities.csv, row 2: city 'nantes' has no coordinates (lat, lon); it is left out of --geo maps"
    )


def test_validate_or_raise_lists_errors(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", {**MINI, "cities.csv": MINI["cities.csv"] + "bad,Bad,ZZ,,,\n"})
    with pytest.raises(ValidationFailed) as exc:
        validate_or_raise(read_package(pkg))
    assert exc.value.exit_code == 3
    assert "error: cities.csv, row 5, column 'country': 'ZZ'" in str(exc.value)


@pytest.mark.parametrize("tandems", ["a_id,b_id\nc1,c2\nc1,c2\n", "a_id,b_id,topic\nc1,c2,\nc1,c2,\n"])
def test_duplicate_tandems_without_topic(tmp_path: Path, tandems: str) -> None:
    files = {"cities.csv": "id,name,country,lat,lon\nc1,A,FR,1,1\nc2,B,DE,2,2\n", "tandems.csv": tandems}
    assert messages(tmp_path, files) == [
        "error: tandems.csv, row 3: 'c1, c2': duplicate (a_id, b_id, topic); first used in row 2; "
        "expected each (a_id, b_id, topic) once"
    ]
