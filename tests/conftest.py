"""Shared test helpers: tiny packages written to tmp dirs, and the real datasets in ../shared/data."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

from netlens.config import Neo4jSettings

if TYPE_CHECKING:
    from netlens.model.network import Network
    from netlens.read import RawPackage
    from netlens.validation import Issue

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_DATA = Path(os.environ.get("NETLENS_SHARED_DATA", ROOT.parent / "shared" / "data"))

#: the Neo4j tests' settings: NETLENS_TEST_NEO4J_URI, _USERNAME, _PASSWORD, _DATABASE
NEO4J_ENV = "NETLENS_TEST_NEO4J_"
#: what the Neo4j store's tests run against when NETLENS_TEST_NEO4J_URI is not set (tools/bolt_peer.py)
BOLT_PEER = "Bolt peer: ArcadeDB"
#: the id of the Neo4j cases of parametrised tests: says which server they meet
NEO4J_ID = "neo4j" if os.environ.get(NEO4J_ENV + "URI") else f"neo4j, {BOLT_PEER}"


def shared_file(relative: str) -> Path:
    """Path of a real dataset file, or skip the test with a clear reason when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real dataset {relative} not found under {SHARED_DATA} (set NETLENS_SHARED_DATA to its folder)")
    return path


@dataclass(frozen=True)
class Cordis:
    """The full CORDIS H2020 package, read (enriched from its sibling folders) and validated once per test session.
    Tests must not change it: ``package`` is what ``read_cordis`` returned, ``tables``/``issues`` what validation gave."""

    path: Path
    package: RawPackage
    tables: Network
    issues: list[Issue]


@pytest.fixture(scope="session")
def cordis_h2020() -> Cordis:
    """Reading and validating full CORDIS takes ~10 s; four test modules share one copy (skips without the data)."""
    from netlens.read import read_cordis
    from netlens.validation import validate_or_raise

    path = shared_file("cordis-h2020-participation/h2020.csv")
    package = read_cordis(path)
    tables, issues = validate_or_raise(package)
    return Cordis(path, package, tables, list(issues))


def write_package(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{"cities.csv": "id,name,…"}`` into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


MINI: dict[str, str] = {
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


# ------------------------------------------------------------------------------ a Bolt server for the Neo4j store


def bolt_peer_module() -> ModuleType:
    """``tools/bolt_peer.py`` (not a package of netlens; imported from its file)."""
    name = "netlens_tools_bolt_peer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "bolt_peer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Neo4jTarget:
    """The Bolt server the Neo4j store's tests use: ``peer`` describes the ArcadeDB peer, None for the user's server."""

    settings: Neo4jSettings
    peer: str | None = None


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[Neo4jTarget]:
    """The server given by ``NETLENS_TEST_NEO4J_URI``, else an ArcadeDB Bolt peer started for this session.

    Skips (once for the session, with the reason) when neither is available; fails instead when
    ``NETLENS_TEST_REQUIRE_NEO4J=1`` (``.ci/run`` sets it). The peer's JVM is stopped at the end
    of the session, also when it fails; its data is in a temporary folder.
    """
    if os.environ.get(NEO4J_ENV + "URI"):
        yield Neo4jTarget(Neo4jSettings.from_env(prefix=NEO4J_ENV))
        return
    tool = bolt_peer_module()
    peer = tool.BoltPeer()
    try:
        peer.start()
    except tool.PeerUnavailable as exc:
        reason = f"no Neo4j server to test against: NETLENS_TEST_NEO4J_URI is not set and the {BOLT_PEER} cannot start: {exc}"
        if os.environ.get("NETLENS_TEST_REQUIRE_NEO4J") == "1":  # CI: the Neo4j tests must run, not skip
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield Neo4jTarget(Neo4jSettings.from_env(peer.env(), prefix=NEO4J_ENV), peer=peer.describe())
    finally:
        peer.stop()


def pytest_report_header(config: pytest.Config) -> str:
    uri = os.environ.get(NEO4J_ENV + "URI")
    if uri:
        from netlens.store.neo4j import redact_uri

        return f"Neo4j store tests: the server at {redact_uri(uri)} (NETLENS_TEST_NEO4J_URI)"
    return f"Neo4j store tests: {BOLT_PEER} (tools/bolt_peer.py, started on first use); Neo4j-only behaviours are skipped"
