"""tools/bolt_peer.py: the ArcadeDB Bolt peer starts on loopback only, never prints its password unasked, and stops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import NEO4J_ENV, ROOT, bolt_peer_module

TOOL = ROOT / "tools" / "bolt_peer.py"


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of the IPv4/IPv6 TCP sockets ``pid`` listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # state LISTEN
                addr, port = cols[1].split(":")
                raw = bytes.fromhex(addr)
                if len(raw) == 4:
                    host = ".".join(str(b) for b in raw[::-1])
                else:  # ::ffff:a.b.c.d is stored as four little-endian words
                    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
                    v4 = words[3]
                    host = ".".join(str(b) for b in v4) if b"".join(words[:3]) == b"\0" * 10 + b"\xff\xff" else raw.hex()
                found.add((host, int(port, 16)))
    return found


def test_start_env_stop(tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("reads /proc")
    try:
        bolt_peer_module().package_dir()
    except bolt_peer_module().PeerUnavailable as exc:
        if os.environ.get("NETLENS_TEST_REQUIRE_NEO4J") == "1":
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))
    state = tmp_path / "peer.json"
    cli = [sys.executable, str(TOOL), "--state", str(state)]
    started = subprocess.run([*cli, "start"], capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    try:
        recorded = json.loads(state.read_text())
        password = recorded["env"][NEO4J_ENV + "PASSWORD"]
        assert len(password) >= 16 and password not in started.stdout + started.stderr
        assert oct(state.stat().st_mode & 0o777) == "0o600"
        pid = int(recorded["pid"])
        uri = recorded["env"][NEO4J_ENV + "URI"]
        assert uri.startswith("bolt://127.0.0.1:")
        sockets = listening(pid)
        assert (("127.0.0.1", int(uri.rsplit(":", 1)[1]))) in sockets
        assert sockets and all(host == "127.0.0.1" for host, _ in sockets), sockets
        env = subprocess.run([*cli, "env"], capture_output=True, text=True, timeout=30)
        assert f"export {NEO4J_ENV}URI={uri}" in env.stdout.splitlines()
        assert f"export {NEO4J_ENV}PASSWORD={password}" in env.stdout.splitlines()
        status = subprocess.run([*cli, "status"], capture_output=True, text=True, timeout=30)
        assert status.returncode == 0 and "running" in status.stdout and password not in status.stdout
    finally:
        stopped = subprocess.run([*cli, "stop"], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0, stopped.stderr
    deadline = time.monotonic() + 15
    while bolt_peer_module()._alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not bolt_peer_module()._alive(pid)  # gone (or a zombie its new parent has yet to reap)
    assert not Path(recorded["root"]).exists() and not state.exists()
