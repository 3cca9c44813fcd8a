"""Readers: CSV dialects, workbooks, and the CORDIS participation adapter on the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netlens.errors import InputError, NotFoundError, UsageError
from netlens.read import read_cordis, read_fp7, read_package, read_source, read_urbact
from netlens.store.embedded import EmbeddedStore
from netlens.validation import validate, validate_or_raise

from .builders import GAZETTEER
from .conftest import MINI, Cordis, write_package

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
    pkg = write_package(
        tmp_path / "p", {"cities.csv": "id\tname\tcountry\n\na\tA\tFR\n\nb\tB\tDE\n", "tandems.csv": "a_id,b_id\na,b\n"}
    )
    tables, _ = validate_or_raise(read_package(pkg))
    assert tables["cities"]["id"].tolist() == ["a", "b"]


def test_row_numbers_count_multiline_cells(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path / "p", {"cities.csv": 'id,name,country\na,"two\nlines",FR\nb,B,XX\n', "tandems.csv": "a_id,b_id\na,b\n"}
    )
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


def test_cordis_participations_full_file(cordis_h2020: Cordis) -> None:
    tables = cordis_h2020.tables  # read_cordis + validate_or_raise of the full file
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


# ------------------------------------------------------------------ real-data adapters on tiny hand-made files

H2020_CSV = (
    "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost\n"
    "206242,coordinator,998928602,PUB,100,DE,2016-12-01,2021-11-30,1000.5,2000\n"
    "206242,participant,998901539,PUB,50,FR,2016-12-01,2021-11-30,1000.5,2000\n"
    "206242,participant,997664207,PUB,NA,FI,2016-12-01,2021-11-30,1000.5,2000\n"
    "194441,coordinator,998928602,PUB,10,DE,2015-01-01,2019-12-31,777,800\n"
    "194441,participant,111111111,PRC,10,EL,2015-01-01,2019-12-31,777,800\n"
    "300000,coordinator,222222222,HES,5,UK,2019-01-01,2020-12-31,555,600\n"
)


def _cordis_tree(root: Path) -> Path:
    """A miniature shared-data folder: participation file, enrichment extracts and a GeoNames table."""
    write_package(root / "cordis-h2020-participation", {"h2020.csv": H2020_CSV})
    write_package(root / "geonames-cities", {"cities1000_europe.csv": GAZETTEER})
    write_package(
        root / "cordis-sod-hackathon" / "h2020_2016",
        {
            "projects.tsv": "rcn\treference\tacronym\r\n194441\t646456\tGrowSmarter\r\n",
            "unique_org.tsv": "new_org_id\tname\tcountry\r\n111111111\tACME HELLAS\tEL\r\n"
            "0002ed6e6953fbf120f6ac982c803700\tNO PIC\tFR\r\n",
        },
    )
    write_package(
        root / "cordis-sod-hackathon" / "h2020_2017",
        {
            "stacked_dump.csv": "orgId,name,city,country,activityType\n998901539,Nantes M√©tropole,NANTES,FR,PUB\n"
            "998928602,OLD NAME HAMBURG,HAMBURG,DE,PUB\n",
        },
    )
    write_package(
        root / "cordis-h2020-dashboard-extracts",
        {
            "h2020-projects.csv": "Project Title,Project Acronym,H2020 EU Contribution (EUR),Project Nbr,Topic Code,CORDIS link\n"
            "Smart Lives,mySMARTLife,1000.5,731297,SCC-1-2016-2017,http://cordis.europa.eu/project/id/731297\n"
            "Growing,GrowSmarter,777.0,646456,SCC-01-2014,http://cordis.europa.eu/project/id/646456\n"
            "Same amount A,AAA,555,900001,X,\nSame amount B,BBB,555,900002,X,\n",
            "dashboard-export-2021.csv": "project_id,pic,legal_name,city,country_code\n"
            "101000001,998928602,FREIE UND HANSESTADT HAMBURG,HAMBURG,DE\n101000001,997664207,HELSINGIN KAUPUNKI,HELSINGIN,FI\n",
            "cordis-plus-2014.csv": "project_id,pic,legal_name,country_code,framework_programme\n646456,111111111,NA,EL,H2020\n",
        },
    )
    return root / "cordis-h2020-participation" / "h2020.csv"


def test_cordis_enrichment_joins(tmp_path: Path) -> None:
    path = _cordis_tree(tmp_path / "data")
    package = read_cordis(path)
    tables, issues = validate_or_raise(package)
    orgs = tables["organisations"].set_index("id")
    # dashboard 2021 beats the 2017 stacked dump; mojibake repaired; unique_org only for 9-digit PICs; EL -> GR
    assert orgs.loc["998928602", "name"] == "FREIE UND HANSESTADT HAMBURG"
    assert orgs.loc["998901539", "name"] == "Nantes Métropole"
    assert orgs.loc["111111111", "name"] == "ACME HELLAS" and orgs.loc["111111111", "country"] == "GR"
    assert orgs.loc["222222222", "name"] == "222222222" and orgs.loc["222222222", "country"] == "GB"
    # cities: Hamburg is not in the tiny gazetteer, Nantes neither, Helsingin is a genitive: nothing matches ...
    assert orgs["city_id"].isna().all() and tables["cities"].empty
    projects = tables["projects"].set_index("id")
    assert projects.loc["194441", "name"] == "GrowSmarter" and projects.loc["194441", "acronym_join"] == "sod2016"
    assert projects.loc["206242", "name"] == "mySMARTLife" and projects.loc["206242", "acronym_join"] == "contribution"
    assert projects.loc["206242", "topics"] == ["SCC-1-2016-2017"] and projects.loc["206242", "title"] == "Smart Lives"
    assert projects.loc["300000", "name"] == "300000"  # amount 555 is shared by two grants: no guess
    assert package.stats["organisations named"] == 4 and package.stats["organisations"] == 5
    assert package.stats["projects with acronym"] == 2
    assert package.stats["organisations with a city"] == 3 and package.stats["organisations geocoded"] == 0
    assert issues == []


def test_cordis_enrichment_geocodes_known_cities(tmp_path: Path) -> None:
    path = _cordis_tree(tmp_path / "data")
    gaz = tmp_path / "data" / "geonames-cities" / "cities1000_europe.csv"
    gaz.write_text(GAZETTEER + "2911298,Hamburg,DE,EU,04,53.55073,9.99302,1845229,Europe/Berlin,Hambourg\n", encoding="utf-8")
    package = read_cordis(path)
    tables, _ = validate_or_raise(package)
    orgs = tables["organisations"].set_index("id")
    assert orgs.loc["998928602", "city_id"] == "gn:2911298"
    city = tables["cities"].set_index("id").loc["gn:2911298"]
    assert (city["name"], city["country"], city["lat"], city["population"]) == ("Hamburg", "DE", 53.55073, 1845229)
    assert package.stats["city names geocoded"] == 1 and package.stats["city names (name, country)"] == 3  # HAMBURG of 3


def test_cordis_without_enrichment_files_is_unchanged(tmp_path: Path) -> None:
    path = write_package(tmp_path / "lonely", {"h2020.csv": H2020_CSV}) / "h2020.csv"
    package = read_cordis(path)
    assert package.stats == {} and "cities" not in package.tables
    assert read_cordis(_cordis_tree(tmp_path / "data"), enrich=False).stats == {}
    tables, _ = validate_or_raise(package)
    assert tables["organisations"].set_index("id").loc["998928602", "name"] == "998928602"


def test_enrichment_file_with_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = _cordis_tree(tmp_path / "data")
    (tmp_path / "data" / "cordis-h2020-dashboard-extracts" / "dashboard-export-2021.csv").write_text(
        "project_id,pic,name,city,country_code\n1,2,X,Y,DE\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"dashboard-export-2021\.csv: missing column\(s\) legal_name"):
        read_cordis(path)


FP7_ORGS = (
    "<<<<<<< HEAD:fp7org_sod16.csv\r\n"
    "new_org_id;organisationName;organisationShortName;organizationUrl;REGION_Level_NUTS_3;country;street;city;postCode;provincia\r\n"
    "=======\r\n"
    "new_org_id;name;shortName;organizationUrl;REGION_Level_NUTS_3;country;street;city;postCode;provincia\r\n"
    ">>>>>>> build-fp7-stable-graph:FP7/FP7Data/fp7orgs.csv\r\n"
    "aaa;ACME GMBH;ACME;;;DE;Str 1;MUENCHEN;;\r\n"
    "bbb;Universita di Roma;UNIROMA;;;IT;Via 2;Atlantis;;\r\n"
    "ccc;PRISTINA INSTITUTE;;;;KO;;PRISTINA;;\r\n"
    "aaa;ACME GMBH (second address);;;;DE;;KOLN;;\r\n"
)
FP7_EDGES = "projectRcn\tnew_org_id\r\n100\taaa\r\n100\tbbb\r\n100\taaa\r\n200\tccc\r\n200\taaa\r\n"


def test_read_fp7_tiny(tmp_path: Path) -> None:
    root = tmp_path / "data"
    write_package(root / "geonames-cities", {"cities1000_europe.csv": GAZETTEER})
    folder = write_package(root / "cordis-sod-hackathon" / "fp7_2016", {"fp7orgs.csv": FP7_ORGS, "fp7edges.tsv": FP7_EDGES})
    package = read_source(folder, "fp7")
    tables, issues = validate_or_raise(package)
    assert issues == []
    orgs = tables["organisations"].set_index("id")
    assert list(orgs.index) == ["aaa", "bbb", "ccc"]  # first of a repeated id wins
    assert orgs.loc["aaa", "city_id"] == "gn:2867714" and orgs.loc["bbb", "city_id"] is None
    assert orgs.loc["ccc", "country"] == "XK"  # the old code KO for Kosovo
    assert package.tables["organisations"].rows == [6, 7, 8]  # rows as in the file (5 conflict/header lines)
    assert sorted(tables["projects"]["id"]) == ["100", "200"] and set(tables["projects"]["programme"]) == {"FP7"}
    assert len(tables["participations"]) == 4 and package.stats["duplicate edges dropped"] == 1
    assert package.stats["organisations geocoded"] == 1 and package.stats["organisations with a city"] == 3


def test_read_fp7_missing_column(tmp_path: Path) -> None:
    folder = write_package(tmp_path / "fp7", {"fp7orgs.csv": "new_org_id;name;country\nx;X;DE\n", "fp7edges.tsv": FP7_EDGES})
    with pytest.raises(InputError, match=r"fp7orgs\.csv: missing column\(s\) city"):
        read_fp7(folder)
    write_package(folder, {"fp7orgs.csv": FP7_ORGS, "fp7edges.tsv": "projectRcn\torg\n1\tx\n"})
    with pytest.raises(InputError, match=r"fp7edges\.tsv: missing column\(s\) new_org_id"):
        read_fp7(folder)
    with pytest.raises(NotFoundError, match="fp7orgs.csv and fp7edges.tsv"):
        read_fp7(tmp_path)


URBACT_MEMBERS = (
    "Code_Network;NameCity;CodeCity;Country;Continent;Region;City.Statut;Sources;Years;Network;Description;"
    "LeadPartnerCountry;Url;Start;End;geonameId;asciiName;lng_GN;lat_GN\n"
    "1;Porto;PT18;PT;Europe;S;Partner;u;2016;2nd Chance;d;IT;u;2015;2018;2735943;Porto;-8,61099;41,14961\n"
    "1;Naples;IT23;IT;Europe;S;Lead Partner;u;2016;2nd Chance;d;IT;u;2015;2018;3172394;Naples;14,26811;40,85216\n"
    "2;Berlin;DE3;DE;Europe;W;Partner;u;2016;Net 2;d;DE;u;2019;NA;2950159;Berlin;13,41053;52,52437\n"
    "2;Berlin;DE3;DE;Europe;W;Lead Partner;u;2016;Net 2;d;DE;u;2019;NA;2950159;Berlin;13,41053;52,52437\n"
    "2;Morne-à-l’Eau;FR20;FR;Europe;W;Partner;u;2016;Net 2;d;DE;u;2019;NA;GN00;NA;NA;NA\n"
    "2;Porto;PT18;PT;Europe;S;Partner;u;2016;Net 2;d;DE;u;2019;NA;2735943;Porto;-8,61099;41,14961\n"
)
URBACT_NETWORKS = (
    "Main.Key.Word;Additionnal.key.words;Name;Code_Network;Description;LeadPartnerCountry;Url;Start;End;Aims;Activities;"
    "Members;Continent;Region;NbCities;CodeCity;LeadPartner;Phase;Type\n"
    "Governance;Abandoned Spaces / Culture<U+00A0>& Heritage;2nd Chance;1;Vacant buildings;IT;http://urbact.eu/2nd-chance;"
    '2015;2018;"Aims\non two lines";;Cities;Europe;S;2;IT23;Naples;Urbact III;Action Planning\n'
    "Inclusion;;Net 2;2;Second;DE;;2019;NA;;;Cities;Europe;W;3;DE3;Berlin;Urbact III;Transfer\n"
)


def test_read_urbact_tiny(tmp_path: Path) -> None:
    folder = write_package(
        tmp_path / "urbact",
        {
            "URBACT_Membership_GNidCorr_complete_V2.csv": URBACT_MEMBERS,
            "UrbactNetworks_complete_V2.csv": URBACT_NETWORKS,
        },
    )
    package = read_source(folder, "urbact")
    tables, issues = validate_or_raise(package)
    assert [str(i) for i in issues] == [
        "warning: URBACT_Membership_GNidCorr_complete_V2.csv, row 6: city 'urbact-city:FR20' has no coordinates (lat, lon); "
        "it is left out of --geo maps"
    ]
    cities = tables["cities"].set_index("id")
    assert list(cities.index) == ["gn:2735943", "gn:3172394", "gn:2950159", "urbact-city:FR20"]
    assert cities.loc["gn:2735943", "lat"] == 41.14961 and cities.loc["gn:2735943", "lon"] == -8.61099
    projects = tables["projects"].set_index("id")
    p1 = projects.loc["urbact:1"]
    assert (p1["name"], p1["programme"], str(p1["start"]), str(p1["end"])) == ("2nd Chance", "URBACT", "2015-01-01", "2018-12-31")
    assert p1["topics"] == ["Governance", "Abandoned Spaces", "Culture & Heritage"]
    assert projects.loc["urbact:2", "end"] is None and projects.loc["urbact:2", "network_type"] == "Transfer"
    parts = tables["participations"]
    assert len(parts) == 5 and package.stats["duplicate memberships dropped"] == 1
    berlin = parts[(parts["project_id"] == "urbact:2") & (parts["member_id"] == "gn:2950159")]
    assert berlin["role"].tolist() == ["lead partner"]


def test_read_urbact_bad_input(tmp_path: Path) -> None:
    folder = write_package(
        tmp_path / "urbact",
        {
            "URBACT_Membership_GNidCorr_complete_V2.csv": URBACT_MEMBERS.replace("geonameId", "gnid", 1),
        },
    )
    with pytest.raises(InputError, match=r"URBACT_Membership_GNidCorr_complete_V2\.csv: missing column\(s\) geonameId"):
        read_urbact(folder)
    networks = URBACT_NETWORKS.replace("\nInclusion;;Net 2;2;", "\nInclusion;;Net 2;9;")
    write_package(
        folder, {"URBACT_Membership_GNidCorr_complete_V2.csv": URBACT_MEMBERS, "UrbactNetworks_complete_V2.csv": networks}
    )
    with pytest.raises(InputError, match=r"Code_Network '2' .* not in UrbactNetworks_complete_V2\.csv"):
        read_urbact(folder)
    with pytest.raises(NotFoundError):
        read_urbact(tmp_path / "nowhere")


def test_read_source_dispatch(tmp_path: Path, mini: Path) -> None:
    assert set(read_source(mini).tables) == set(read_package(mini).tables)
    assert read_source(mini, "PACKAGE").path == mini
    with pytest.raises(UsageError, match="unknown format 'csv'; expected one of package, cordis, fp7, urbact"):
        read_source(mini, "csv")


def test_xlsx_with_real_date_and_number_cells(tmp_path: Path, mini: Path) -> None:
    """Excel users type dates as dates and coordinates as numbers: they read as ISO dates and plain numbers."""
    import datetime as dt

    book = tmp_path / "typed.xlsx"
    with pd.ExcelWriter(book) as xl:
        for name in MINI:
            frame = pd.read_csv(mini / name, dtype=str, keep_default_na=False)
            if name == "projects.csv":
                frame["start"] = [dt.datetime(2016, 12, 1)]
                frame["end"] = [dt.datetime(2021, 11, 30)]
            if name == "cities.csv":
                frame["lat"] = frame["lat"].astype(float)
            frame.to_excel(xl, sheet_name=name[:-4], index=False)
    from_csv, _ = validate_or_raise(read_package(mini))
    from_xlsx, issues = validate_or_raise(read_package(book))
    assert issues == []
    assert from_xlsx["projects"].loc[0, "start"] == dt.date(2016, 12, 1)
    for name in from_csv:
        pd.testing.assert_frame_equal(from_csv[name], from_xlsx[name], check_dtype=False)
