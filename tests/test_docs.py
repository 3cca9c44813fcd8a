"""The README's commands: present, and the CI script runs exactly the test command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netlens.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)


def test_readme_has_run_and_test_commands() -> None:
    run, test = fenced_commands()[:2]
    assert "netlens load data/sample" in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test = fenced_commands()[1].replace(" -q", "")
    ci = (ROOT / ".ci" / "run").read_text().replace(" -q", "")
    assert test in ci


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert f"netlens {name}" in README, name


def test_readme_example_output_matches_the_sample(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    r = CliRunner().invoke(main, ["load", str(ROOT / "data" / "sample"), "--store-path", store])
    assert r.output.splitlines()[0] in README
    info = CliRunner().invoke(main, ["info", "--store-path", store]).output.splitlines()
    for line in info[1:]:
        assert line in README, line


def test_readme_analysis_output_matches_the_sample(tmp_path: Path) -> None:
    store = str(tmp_path / "s.kgl")
    CliRunner().invoke(main, ["load", str(ROOT / "data" / "sample"), "--store-path", store])
    for args in (
        ["analyse", "--metric", "centrality", "--top", "10"],
        ["tandems", "--top", "3"],
        ["paths", "--from", "Nantes", "--to", "Palencia", "-k", "2"],
    ):
        r = CliRunner().invoke(main, [*args, "--store-path", store])
        assert r.exit_code == 0, r.output
        for line in r.stdout.splitlines():
            if not line.startswith("# written to"):
                assert line in README, line


def test_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = re.findall(r"```python\n(.+?)\n```", README, flags=re.S)
    monkeypatch.chdir(ROOT)
    scope: dict[str, Any] = {}
    exec(code, scope)  # noqa: S102 - the README's own example
    assert len(scope["g"]) == 35


def test_ci_runs_the_neo4j_tests_against_the_bolt_peer() -> None:
    """The peer is installed by the test extra, and in CI the Neo4j tests fail rather than skip without it."""
    ci = (ROOT / ".ci" / "run").read_text()
    test = fenced_commands()[1].replace(" -q", "")
    assert "export NETLENS_TEST_REQUIRE_NEO4J=1" in ci
    assert ci.index("export NETLENS_TEST_REQUIRE_NEO4J=1") < ci.replace(" -q", "").index(test)
    assert '"arcadedb-embedded==26.10.2.post1"' in (ROOT / "pyproject.toml").read_text()


def test_ci_runs_the_linters_and_the_type_checker_before_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    checks = [
        ".venv/bin/ruff check netlens tests",
        ".venv/bin/ruff format --check netlens tests",
        ".venv/bin/mypy --strict netlens tests",
    ]
    test = fenced_commands()[1].replace(" -q", "")
    for check in checks:
        assert check in ci, check
        assert ci.index(check) < ci.replace(" -q", "").index(test), f"{check} runs before the tests"
