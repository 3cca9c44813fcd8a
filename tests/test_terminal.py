"""What a person sees in a real terminal: results intact on stdout, progress only on stderr and never over a result.

Commands run in a pseudo-terminal (stdout and stderr both a tty, as in an interactive shell); the bytes they write
are replayed into a VT100 screen emulator (pyte), and every line the same command prints to a pipe must be on the
screen, whole.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest

from .conftest import SAMPLE

COLUMNS, ROWS = 80, 400


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETLENS_PROGRESS")}
    env.update({"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": "50", **extra})
    return env


def in_terminal(args: list[str], env: dict[str, str], *, interrupt_after: float | None = None) -> tuple[int, str]:
    """Run ``args`` with stdin/stdout/stderr on a pseudo-terminal; return (exit code, raw output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    start = time.monotonic()
    sent = False
    while True:
        if interrupt_after is not None and not sent and time.monotonic() - start > interrupt_after:
            proc.send_signal(signal.SIGINT)
            sent = True
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def screen_lines(raw: str) -> list[str]:
    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.Stream(screen)
    stream.feed(raw.replace("\n", "\r\n") if "\r\n" not in raw else raw)
    return [line.rstrip() for line in screen.display]


def piped(args: list[str], env: dict[str, str]) -> list[str]:
    r = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    return r.stdout.splitlines()


def _wrapped(line: str) -> list[str]:
    return [line[i : i + COLUMNS].rstrip() for i in range(0, max(len(line), 1), COLUMNS)]


def assert_on_screen(expected: list[str], screen: list[str]) -> None:
    text = "\n".join(screen)
    for line in expected:
        for part in _wrapped(line):
            assert part in text, f"result line lost or damaged on the terminal: {part!r}\n--- screen ---\n{text.strip()}"


NETLENS = [sys.executable, "-m", "netlens"]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("tty") / "s.kgl")
    subprocess.run([*NETLENS, "load", str(SAMPLE), "--store-path", path], check=True, capture_output=True, env=_env())
    return path


def test_the_screen_emulator_sees_overwrites() -> None:
    """The check can fail: a line erased by a redraw is gone from the emulated screen."""
    assert screen_lines("result line\r\n\x1b[1A\x1b[2Kbar ━━━\r\n")[0] == "bar ━━━"


@pytest.mark.parametrize(
    "args",
    [
        ["analyse", "--metric", "centrality", "--top", "10"],
        ["tandems", "--top", "3"],
        ["paths", "--from", "Nantes", "--to", "Palencia", "-k", "2"],
        ["info"],
    ],
    ids=["analyse", "tandems", "paths", "info"],
)
def test_every_result_line_survives_the_progress_display(sample_store: str, tmp_path: Path, args: list[str]) -> None:
    store = tmp_path / "s.kgl"
    shutil.copy(sample_store, store)
    env = _env(NETLENS_PROGRESS_MIN_SECONDS="0")  # every step draws and leaves a record line
    expected = piped(
        [*NETLENS, *args, "--store-path", str(store), "--no-write" if args[0] in ("analyse", "tandems") else "-q"], env
    )
    code, raw = in_terminal([*NETLENS, *args, "--store-path", str(store)], env)
    assert code == 0, raw
    screen = screen_lines(raw)
    assert_on_screen([line for line in expected if not line.startswith("# written")], screen)
    assert any(line.startswith("✓ ") for line in screen), "progress record lines are shown in a terminal"


def test_map_summary_line_survives(sample_store: str, tmp_path: Path) -> None:
    env = _env(NETLENS_PROGRESS_MIN_SECONDS="0")
    out = tmp_path / "m.html"
    code, raw = in_terminal([*NETLENS, "map", "-o", str(out), "--store-path", sample_store], env)
    assert code == 0, raw
    screen = "\n".join(screen_lines(raw))
    assert f"wrote {out}" in screen.replace("\n", "") and "35 of 35 nodes" in screen.replace("\n", "")


def test_progress_never_reaches_a_pipe(sample_store: str) -> None:
    r = subprocess.run(
        [*NETLENS, "analyse", "--store-path", sample_store, "--no-write", "--format", "csv"],
        capture_output=True,
        text=True,
        env=_env(NETLENS_PROGRESS_MIN_SECONDS="0"),
    )
    assert r.returncode == 0
    assert "✓" not in r.stderr and "━" not in r.stderr and "✓" not in r.stdout


def test_steps_between_results_keep_every_line() -> None:
    """Result lines printed between long steps (the live bar redraws meanwhile) all stay on the screen."""
    script = (
        "import sys, time\n"
        "from netlens.render.progress import Steps\n"
        "with Steps(True, min_seconds=0) as steps:\n"
        "    for i in range(3):\n"
        "        with steps.step(f'step {i} writing to embedded store ' + '/x' * 60):\n"
        "            time.sleep(0.35)\n"  # long enough for several redraws of the live line
        "        print(f'result line {i}', flush=True)\n"
    )
    code, raw = in_terminal([sys.executable, "-c", script], _env())
    assert code == 0, raw
    screen = screen_lines(raw)
    assert_on_screen([f"result line {i}" for i in range(3)], screen)
    records = [line for line in screen if line.startswith("✓ step")]
    assert len(records) == 3 and all(len(line) <= COLUMNS for line in records)


def test_ctrl_c_exits_130_and_no_tick_for_the_interrupted_step() -> None:
    script = (
        "import time\n"
        "from netlens.cli.app import main\n"
        "from netlens.cli.options import quiet_option\n"
        "@main.command()\n"
        "@quiet_option\n"
        "def slow(steps):\n"
        "    with steps.step('slow step'):\n"
        "        time.sleep(30)\n"
        "main()\n"
    )
    code, raw = in_terminal([sys.executable, "-c", script, "slow"], _env(), interrupt_after=1.5)
    screen = "\n".join(screen_lines(raw))
    assert code == 130, screen
    assert "interrupted" in screen and "✗ slow step interrupted" in screen
    assert "✓ slow step" not in screen


def test_the_load_bar_counts_rows_written(tmp_path: Path) -> None:
    """Issue 12: a countable step shows n/N on the live line (here the rows written into the store: the sample's
    102 nodes and 197 relationships); the record line it leaves and the result lines stay whole."""
    env = _env(NETLENS_PROGRESS_MIN_SECONDS="0")
    code, raw = in_terminal([*NETLENS, "load", str(SAMPLE), "--store-path", str(tmp_path / "s.kgl")], env)
    assert code == 0, raw
    assert "299/299" in raw  # drawn on the live line before it is cleared
    screen = screen_lines(raw)
    text = "\n".join(screen).replace("\n", "")  # the result lines may wrap at 80 columns
    assert "read: cities 35, organisations 19, projects 4, participations 36" in text
    assert "102 nodes and 197 relationships created" in text
    assert any(line.startswith("✓ writing") for line in screen)
