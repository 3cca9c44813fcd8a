"""Commands that move data in and out: ``load``, ``validate``, ``info``, ``export``."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from netlens.cli.app import epilog, main
from netlens.cli.options import given, quiet_option, source_options, store_options, window_options

if TYPE_CHECKING:
    from netlens.read import RawPackage
    from netlens.render.progress import Steps
    from netlens.store import Store

__all__ = ["load", "validate_cmd", "info", "export"]


def _read(path: str, fmt: str, data_dir: str | None = None, no_enrich: bool = False) -> RawPackage:
    from netlens.read import read_source  # lazy: start-up time

    return read_source(path, fmt, data_dir=data_dir, enrich=not no_enrich)


def _stats_lines(raw: Any) -> list[str]:
    stats = getattr(raw, "stats", None) or {}
    return [f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in stats.items()]


@main.command(
    epilog=epilog(
        [
            "netlens load data/sample",
            "netlens load --format cordis ../shared/data/cordis-h2020-participation/h2020.csv",
            "netlens load data/sample --replace --store-path network.kgl",
        ],
        "0 ok, 2 usage, 3 invalid input (every problem listed), 4 store, 130 interrupted",
    )
)
@click.argument("path", type=click.Path())
@source_options
@click.option("--replace", is_flag=True, help="Rebuild the store from this input instead of merging into it.")
@store_options
@quiet_option
def load(path: str, fmt: str, data_dir: str | None, no_enrich: bool, replace: bool, store: Store, steps: Steps) -> None:
    """Validate PATH and load it into the graph store (idempotent, atomic)."""
    from netlens.pipeline import commands  # lazy: start-up time
    from netlens.render import text as reports

    done = commands.load_source(store, path, fmt, data_dir=data_dir, enrich=not no_enrich, replace=replace, progress=steps)
    click.echo(reports.format_load(done.counts, done.network, store.description))
    for line in _stats_lines(done.raw):
        click.echo(f"# {line}", err=True)
    if done.warnings:
        how = "" if fmt == "package" else f" --format {fmt}" + (f" --data-dir {data_dir}" if data_dir else "")
        click.echo(f"{len(done.warnings)} warning(s); run netlens validate{how} {path} to see them", err=True)


@main.command(
    name="validate",
    epilog=epilog(
        [
            "netlens validate data/sample",
            "netlens validate --format urbact ../shared/data/eucicop-interreg-urbact-etmun/urbact --output-format json",
        ],
        "0 no errors (warnings allowed), 2 usage, 3 errors found",
    ),
)
@click.argument("path", type=click.Path())
@source_options
@click.option(
    "--output-format",
    "report",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
    help="How to report the problems: one line each, or JSON (--format names the input format).",
)
@quiet_option
def validate_cmd(path: str, fmt: str, data_dir: str | None, no_enrich: bool, report: str, steps: Steps) -> None:
    """Check PATH and report every problem (file, row, column, value, expected); exit 3 when there are errors."""
    from netlens.validation import validate  # lazy: start-up time

    with steps.step(f"reading {Path(path).name}"):
        raw = _read(path, fmt, data_dir, no_enrich)
    with steps.step("validating"):
        _, issues = validate(raw)
    errors = sum(i.severity == "error" for i in issues)
    if report == "json":
        rows = [dataclasses.asdict(i) for i in issues]
        summary = {"path": path, "format": fmt, "errors": errors, "warnings": len(issues) - errors, "issues": rows}
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue))
        click.echo(f"{errors} error(s), {len(issues) - errors} warning(s)")
    if errors:
        sys.exit(3)


@main.command(epilog=epilog(["netlens info", "netlens info --format json", "netlens info --store neo4j"], "0 ok, 4 store"))
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True, help="Output format.")
@store_options
@quiet_option
def info(fmt: str, store: Store, steps: Steps) -> None:
    """Show what the store holds: counts per label and relationship type, time span, countries."""
    from netlens.render.info import format_info  # lazy, and light: start-up time

    with steps.step(f"reading {store.description}"):
        summary = store.info()
    if fmt == "json":
        from netlens.values import jsonable

        click.echo(json.dumps(jsonable(dataclasses.asdict(summary)), ensure_ascii=False, indent=2))
    else:
        click.echo(format_info(summary))


@main.command(
    epilog=epilog(
        ["netlens export out/", "netlens export out/ --level city --formats gexf", "netlens export out/ --no-positions"],
        "0 ok, 2 usage, 4 store, 8 output file not written, 130 interrupted",
    )
)
@click.argument("folder", type=click.Path(file_okay=False))
@click.option(
    "--formats",
    default="graphml,gexf,neo4j-csv",
    show_default=True,
    help="Comma-separated: graphml, gexf (Gephi), neo4j-csv (neo4j-admin import).",
)
@click.option(
    "--level",
    type=click.Choice(["full", "city", "organisation"]),
    default="full",
    show_default=True,
    help="full: every node and relationship of the store; city/organisation: the weighted projection.",
)
@click.option(
    "--positions/--no-positions",
    default=True,
    show_default=True,
    help="Give GraphML/GEXF the positions netlens map draws (same level and window, default options; the full graph: "
    "the bipartite map), so that Gephi opens the same picture. --no-positions saves the layout time on large networks.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Layout seed (as netlens map --seed).")
@window_options
@store_options
@quiet_option
def export(
    folder: str,
    formats: str,
    level: str,
    positions: bool,
    seed: int,
    since: _dt.date | None,
    until: _dt.date | None,
    store: Store,
    steps: Steps,
) -> None:
    """Write the network as GraphML and GEXF (for Gephi) and Neo4j-importable CSVs into FOLDER, with the analysis
    results the store holds (node metrics, communities, TIE relationships) and the map's positions."""
    from netlens.pipeline import commands  # lazy: start-up time

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    if level != "full" and not given("formats"):  # a projection has no neo4j-admin form: the default is the other two
        wanted = tuple(f for f in wanted if f != "neo4j-csv")
    res = commands.export_store(
        store, folder, wanted, level=level, since=since, until=until, positions=positions, seed=seed, progress=steps
    )
    for fmt_, files in res.files.items():
        click.echo(f"{fmt_}: " + ", ".join(str(f) for f in files))
    if res.neo4j_command:
        click.echo(f"import into an empty Neo4j database with:\n  {res.neo4j_command}")
