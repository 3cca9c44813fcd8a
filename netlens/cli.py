"""The ``netlens`` command line: thin click commands over the library.

Every :class:`~netlens.errors.NetlensError` is turned into ``Error: …`` on stderr and its exit code in
exactly one place, :class:`NetlensGroup`. Usage errors exit 2.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import reports
from .config import resolve_store
from .errors import NetlensError
from .sources import read_cordis, read_package
from .store import Store, open_store
from .validate import validate, validate_or_raise

__all__ = ["main"]


class NetlensGroup(click.Group):
    """Maps NetlensError to a message on stderr and the error's exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NetlensError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def store_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--store`` / ``--store-path``: which graph store to use."""

    @click.option(
        "--store", "store", envvar="NETLENS_STORE", show_envvar=True, default=None, metavar="embedded|neo4j|PATH",
        help="Graph store: the embedded file store (default), neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, "
        "NEO4J_DATABASE), or the path of an embedded store file.",
    )
    @click.option(
        "--store-path", envvar="NETLENS_STORE_PATH", show_envvar=True, default=None, type=click.Path(dir_okay=False),
        help="Embedded store file [default: ~/.local/share/netlens/netlens.kgl].",
    )
    @functools.wraps(f)
    def wrapper(*args: Any, store: str | None, store_path: str | None, **kwargs: Any) -> Any:
        opened = open_store(resolve_store(store, store_path))
        try:
            return f(*args, store=opened, **kwargs)
        finally:
            opened.close()

    return wrapper


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--output``."""

    @click.option("--format", "fmt", type=click.Choice(reports.FORMATS), default="table", show_default=True, help="Output format.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to FILE instead of stdout.")
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapper


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to ``output`` and say so on stderr."""
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


@click.group(cls=NetlensGroup)
@click.version_option(package_name="netlens")
def main() -> None:
    """netlens: partnership and knowledge-network analysis for city cooperation."""


def _read(path: str, fmt: str) -> Any:
    return read_cordis(path) if fmt == "cordis" else read_package(path)


@main.command()
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["package", "cordis"]), default="package", show_default=True,
              help="package: a folder of CSVs or an .xlsx workbook; cordis: a CORDIS participation table.")
@click.option("--replace", is_flag=True, help="Rebuild the store from this input instead of merging into it.")
@store_options
def load(path: str, fmt: str, replace: bool, store: Store) -> None:
    """Validate PATH and load it into the graph store (idempotent, atomic)."""
    tables, issues = validate_or_raise(_read(path, fmt))
    warnings = [i for i in issues if i.severity == "warning"]
    counts = store.load(tables, replace=replace)
    click.echo(reports.format_load(counts, tables, store.description))
    if warnings:
        click.echo(f"{len(warnings)} warning(s); run netlens validate {path} to see them", err=True)


@main.command(name="validate")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["package", "cordis"]), default="package", show_default=True)
def validate_cmd(path: str, fmt: str) -> None:
    """Check PATH and report every problem (file, row, column, value, expected)."""
    _, issues = validate(_read(path, fmt))
    for issue in issues:
        click.echo(str(issue))
    errors = sum(i.severity == "error" for i in issues)
    click.echo(f"{errors} error(s), {len(issues) - errors} warning(s)")
    if errors:
        sys.exit(3)


@main.command()
@store_options
def info(store: Store) -> None:
    """Show what the store holds: counts per label and relationship type, time span, countries."""
    click.echo(reports.format_info(store.info()))


if __name__ == "__main__":  # pragma: no cover
    main()
