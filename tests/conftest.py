"""Shared test helpers: tiny packages written to tmp dirs, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_DATA = Path(os.environ.get("NETLENS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_file(relative: str) -> Path:
    """Path of a real dataset file, or skip the test with a clear reason when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real dataset {relative} not found under {SHARED_DATA} (set NETLENS_SHARED_DATA to its folder)")
    return path


def write_package(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{"cities.csv": "id,name,…"}`` into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


MINI = {
    "cities.csv": "id,name,country,lat,lon,tags\n"
    "nantes,Nantes,FR,47.2184,-1.5536,lighthouse\n"
    "hamburg,Hamburg,DE,53.5511,9.9937,lighthouse\n"
    "rijeka,Rijeka,HR,45.3271,14.4422,follower\n",
    "organisations.csv": "id,name,type,city_id,country\norg-cartif,CARTIF,research,,ES\n",
    "projects.csv": "id,name,programme,start,end,topics\np-msl,mySMARTLife,H2020,2016-12-01,2021-11-30,energy;mobility\n",
    "participations.csv": "project_id,member_id,role\n"
    "p-msl,nantes,lighthouse\np-msl,hamburg,lighthouse\np-msl,rijeka,follower\np-msl,org-cartif,coordinator\n",
    "exchanges.csv": "id,type,date,title,host_id,project_id,topics\n"
    "x-rijeka,study_visit,2019-05-28,Study visit: ICT services,rijeka,p-msl,ict\n",
    "attendances.csv": "exchange_id,member_id,role\nx-rijeka,nantes,participant\nx-rijeka,hamburg,participant\n",
}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A 3-city, 1-organisation package (mySMARTLife excerpt) checked by hand."""
    return write_package(tmp_path / "mini", MINI)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Caches (the geocoder index) go to a temporary folder, never to the user's ~/.cache."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
