"""A real Bolt server for the Neo4j store's tests: ArcadeDB from PyPI ``arcadedb-embedded`` (not Neo4j).

Neo4j itself cannot be installed on the CI machine; ArcadeDB speaks Bolt (protocol 4/5, as the official ``neo4j``
driver does) and runs the same Cypher netlens sends. Its wheel bundles a Java runtime, the server jar and the Bolt
plugin, so ``pip install -e ".[test]"`` is all it needs. What it does *not* do like Neo4j is listed in
``docs/neo4j.md`` (those behaviours are tested only against a real Neo4j).

The peer listens on two free loopback ports (HTTP for administration, Bolt for netlens), keeps its data in a
temporary folder, has a random root password and one database, ``netlens``.

Usage (the password is printed only by ``env``, whose output is meant for ``eval``)::

    python tools/bolt_peer.py start        # start in the background; the state file remembers it
    eval "$(python tools/bolt_peer.py env)"  # export NETLENS_TEST_NEO4J_URI, _USERNAME, _PASSWORD, _DATABASE
    python tools/bolt_peer.py stop         # stop it and delete its data
    python tools/bolt_peer.py run -- .venv/bin/python -m pytest tests/test_store_contract.py   # all three around one command

From Python (``tests/conftest.py`` does this for a test session)::

    with BoltPeer() as peer:
        os.environ.update(peer.env())

Only the standard library is used; the server is a child in its own process group, killed (SIGTERM, then SIGKILL)
on :meth:`BoltPeer.stop`, and on Linux also when the process that started it dies.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import importlib.util
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["BoltPeer", "PeerUnavailable", "ENV_PREFIX", "package_dir"]

#: the variables the Neo4j tests read (``tests/test_store_contract.py``)
ENV_PREFIX = "NETLENS_TEST_NEO4J_"
DATABASE = "netlens"
USERNAME = "root"
#: what the tests and the docs call this server
NAME = "Bolt peer: ArcadeDB"
SERVER_CLASS = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


class PeerUnavailable(RuntimeError):
    """The peer cannot be started here (package missing, no Java, server did not come up)."""


def package_dir() -> Path:
    """The installed ``arcadedb_embedded`` package folder (with ``jars/`` and ``jre/``)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise PeerUnavailable('arcadedb-embedded is not installed (it is in the test extra: pip install -e ".[test]")')
    pkg = Path(next(iter(spec.submodule_search_locations)))
    if not (pkg / "jars").is_dir() or not any((pkg / "jars").glob("arcadedb-bolt-*.jar")):
        raise PeerUnavailable(f"arcadedb-embedded at {pkg} has no jars/arcadedb-bolt-*.jar (a wheel without the Bolt plugin)")
    return pkg


def java_binary(pkg: Path) -> Path:
    """The Java runtime bundled in the wheel (``jre/bin/java``)."""
    java = pkg / "jre" / "bin" / "java"
    if not os.access(java, os.X_OK):
        raise PeerUnavailable(f"the Java runtime bundled with arcadedb-embedded is missing or not executable: {java}")
    return java


def free_ports(n: int) -> list[int]:
    """``n`` distinct free TCP ports on 127.0.0.1 (bound to port 0 together, then released)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGKILL when the process that started it dies (prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


class BoltPeer:
    """One ArcadeDB server with Bolt on a free loopback port; a context manager (started on enter, stopped on exit).

    ``root`` is its data folder (a new temporary folder, deleted on :meth:`stop`, when not given).
    ``tie_to_parent`` kills the server when this process dies (not for ``tools/bolt_peer.py start``).
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        heap: str = "768m",
        startup_timeout: float = 90.0,
        tie_to_parent: bool = True,
    ) -> None:
        self.root = root
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.tie_to_parent = tie_to_parent
        self.password = secrets.token_urlsafe(18)
        self.http_port = 0
        self.bolt_port = 0
        self.pid: int | None = None
        self.version = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._own_root = root is None

    # ------------------------------------------------------------------ what the tests need
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def env(self) -> dict[str, str]:
        """The ``NETLENS_TEST_NEO4J_*`` settings (with the password)."""
        return {
            ENV_PREFIX + "URI": self.uri,
            ENV_PREFIX + "USERNAME": USERNAME,
            ENV_PREFIX + "PASSWORD": self.password,
            ENV_PREFIX + "DATABASE": DATABASE,
        }

    def describe(self) -> str:
        """One line without the password."""
        version = f" {self.version}" if self.version else ""
        return f"{NAME}{version} at {self.uri} (database {DATABASE}, pid {self.pid}, data {self.root})"

    # ------------------------------------------------------------------ lifecycle
    def command(self, pkg: Path) -> list[str]:
        assert self.root is not None
        return [
            str(java_binary(pkg)),
            f"-Xmx{self.heap}",
            "-cp",
            str(pkg / "jars" / "*"),
            f"-Darcadedb.server.rootPath={self.root}",
            f"-Darcadedb.server.rootPassword={self.password}",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={self.http_port}",
            f"-Darcadedb.server.plugins={BOLT_PLUGIN}",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={self.bolt_port}",
            SERVER_CLASS,
        ]

    def start(self) -> BoltPeer:
        """Start the server, wait until it answers, create the database; :class:`PeerUnavailable` if it cannot."""
        if self._proc is not None:
            return self
        pkg = package_dir()
        self.version = _wheel_version()
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="netlens-bolt-peer-"))
        self.root.mkdir(parents=True, exist_ok=True)
        last = ""
        for _attempt in range(3):  # a free port can be taken between our probe and the server's bind
            self.http_port, self.bolt_port = free_ports(2)
            log = (self.root / "server.log").open("wb")
            try:
                self._proc = subprocess.Popen(
                    self.command(pkg),
                    cwd=self.root,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stop() kills the JVM and anything it started
                    preexec_fn=_die_with_parent if self.tie_to_parent and sys.platform == "linux" else None,  # noqa: PLW1509
                )
            finally:
                log.close()
            self.pid = self._proc.pid
            try:
                self._wait_ready()
                self._create_database()
                return self
            except PeerUnavailable as exc:
                last = str(exc)
                self._kill()
                if "Address already in use" not in self.log_tail():
                    break
        self.stop()
        raise PeerUnavailable(last)

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's log, password removed."""
        if self.root is None or not (self.root / "server.log").exists():
            return ""
        text = (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.replace(self.password, "***").splitlines()[-lines:])

    def _http(self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 5.0) -> int:
        auth = base64.b64encode(f"{USERNAME}:{self.password}".encode()).decode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http://127.0.0.1 only
            return int(resp.status)

    def _poll(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + self.startup_timeout
        delay = 0.1
        while True:
            if self._proc is not None and self._proc.poll() is not None:
                raise PeerUnavailable(
                    f"the ArcadeDB server exited with status {self._proc.returncode} {what}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                if ready():
                    return
            if time.monotonic() > deadline:
                raise PeerUnavailable(
                    f"the ArcadeDB server was not ready {what} within {self.startup_timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)

    def _wait_ready(self) -> None:
        self._poll(lambda: self._http("GET", "/api/v1/ready", timeout=2.0) in (200, 204), "(HTTP /api/v1/ready)")

        def bolt_open() -> bool:
            with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=2.0):
                return True

        self._poll(bolt_open, f"(Bolt port {self.bolt_port})")

    def _create_database(self) -> None:
        try:
            self._http("POST", "/api/v1/server", {"command": f"create database {DATABASE}"}, timeout=60.0)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", errors="replace").replace(self.password, "***")
            if "already exists" not in body:
                raise PeerUnavailable(f"creating database {DATABASE} failed: HTTP {exc.code} {body[:300]}") from None
        except OSError as exc:
            raise PeerUnavailable(f"creating database {DATABASE} failed: {exc}") from None

    def _kill(self) -> None:
        if self._proc is None:
            return
        _kill_group(self._proc.pid, wait=self._proc.wait)
        self._proc = None

    def stop(self) -> None:
        """Stop the server (its whole process group) and delete its data folder if this peer made it."""
        self._kill()
        if self._own_root and self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> BoltPeer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _kill_group(pid: int, *, wait: Callable[[float], Any] | None = None, grace: float = 10.0) -> None:
    """SIGTERM the process group ``pid`` leads, SIGKILL it after ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if wait is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                wait(0.2)
                return
        elif not _alive(pid):
            return
        else:
            time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    if wait is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            wait(5.0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie (our detached child already exited) counts as gone
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def _wheel_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("arcadedb-embedded")
    except PackageNotFoundError:
        return ""


# ---------------------------------------------------------------------------------------------- command line


def default_state_file() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"netlens-bolt-peer-{os.getuid()}.json"


def _read_state(path: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"no Bolt peer recorded in {path}; start one with: python tools/bolt_peer.py start") from None
    return state


def _write_state(path: Path, state: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the password
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)


def _exports(env: dict[str, str]) -> str:
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items())


@contextlib.contextmanager
def _started(timeout: float, tie_to_parent: bool) -> Iterator[BoltPeer]:
    peer = BoltPeer(startup_timeout=timeout, tie_to_parent=tie_to_parent)
    try:
        peer.start()
    except PeerUnavailable as exc:
        raise SystemExit(f"bolt_peer: cannot start the {NAME} server: {exc}") from None
    try:
        yield peer
    except BaseException:
        peer.stop()
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bolt_peer.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", type=Path, default=None, help="state file (default: %(default)s in $XDG_RUNTIME_DIR or /tmp)")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for the server (default 90)")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("start", help="start a peer in the background and record it in the state file")
    sub.add_parser("env", help="print export lines for NETLENS_TEST_NEO4J_* (with the password; for eval)")
    sub.add_parser("stop", help="stop the recorded peer and delete its data")
    sub.add_parser("status", help="say whether the recorded peer runs (no password)")
    run = sub.add_parser("run", help="start a peer, run COMMAND with its settings in the environment, stop it")
    run.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    state_file: Path = args.state or default_state_file()

    if args.action == "run":
        cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not cmd:
            parser.error("run needs a command: run -- COMMAND …")
        with _started(args.timeout, tie_to_parent=True) as peer:
            print(f"bolt_peer: {peer.describe()}", file=sys.stderr)
            try:
                return subprocess.call(cmd, env={**os.environ, **peer.env()})
            finally:
                peer.stop()
    if args.action == "start":
        if state_file.exists() and _alive(int(_read_state(state_file)["pid"])):
            raise SystemExit(f"a Bolt peer is already recorded in {state_file}; stop it first (python tools/bolt_peer.py stop)")
        with _started(args.timeout, tie_to_parent=False) as peer:
            _write_state(state_file, {"pid": peer.pid, "root": str(peer.root), "env": peer.env(), "describe": peer.describe()})
        print(f"started {peer.describe()}")
        print(f'settings: eval "$(python {sys.argv[0]} env)"; stop it with: python {sys.argv[0]} stop')
        return 0
    state = _read_state(state_file)
    if args.action == "env":
        print(_exports(state["env"]))
    elif args.action == "status":
        alive = _alive(int(state["pid"]))
        print(f"{state['describe']}: {'running' if alive else 'not running'}")
        return 0 if alive else 1
    elif args.action == "stop":
        _kill_group(int(state["pid"]))
        shutil.rmtree(state["root"], ignore_errors=True)
        state_file.unlink(missing_ok=True)
        print(f"stopped {state['describe']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
