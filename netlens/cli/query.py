"""``netlens query``: the Cypher query library and ad-hoc Cypher."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from netlens.cli.app import epilog, main
from netlens.cli.options import emit, frame_text, output_options, quiet_option, store_options
from netlens.errors import UsageError

if TYPE_CHECKING:
    from netlens.render.progress import Steps
    from netlens.store import Store

__all__ = ["query"]


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE (or NAME:TYPE=VALUE)")
        k, v = item.split("=", 1)
        if not k.strip():
            raise UsageError(f"--param {item!r}: the name is empty")
        out[k.strip()] = v
    return out


@main.command(
    epilog=epilog(
        [
            "netlens query --list",
            "netlens query city-partners --param city=Nantes",
            "netlens query --file my-question.cypher --param top=5",
            "netlens query -c 'MATCH (c:City) RETURN c.name, c.pagerank ORDER BY c.pagerank IS NULL, c.pagerank DESC LIMIT 5'",
        ],
        "0 ok, 2 usage, 4 store, 5 query error or a write without --write, 6 query or city not found, 8 output file not written",
    )
)
@click.argument("name", required=False)
@click.option("--cypher", "-c", default=None, help="Run this Cypher text instead of a library query.")
@click.option("--file", "-f", "file_", default=None, metavar="PATH", help="Run the query in this .cypher file.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable); NAME:TYPE=VALUE forces a type (str, int, float, bool, date, list).",
)
@click.option("--list", "list_", is_flag=True, help="List the query library (queries/) with parameters.")
@click.option("--show", is_flag=True, help="Print the query's Cypher instead of running it.")
@click.option("--write", is_flag=True, help="Allow statements that change the graph (CREATE, MERGE, SET, DELETE…).")
@output_options
@store_options
@quiet_option
def query(
    name: str | None,
    cypher: str | None,
    file_: str | None,
    params: tuple[str, ...],
    list_: bool,
    show: bool,
    write: bool,
    fmt: str,
    output: str | None,
    store: Store,
    steps: Steps,
) -> None:
    """Run a library query (NAME, e.g. top-hubs), a --file PATH.cypher, or --cypher TEXT. Read-only unless --write."""
    from netlens import querylib as qs
    from netlens.render import text as reports  # lazy: start-up time

    if list_:
        emit(frame_text(qs.library_frame(), fmt, index=False), output)
        return
    if sum(1 for x in (name, cypher, file_) if x) != 1:
        raise UsageError("give one query NAME, --file PATH or --cypher TEXT (netlens query --list shows the library)")
    q: Any = qs.load_query(name) if name else qs.load_file(file_) if file_ else cypher
    if show:
        click.echo(q if cypher else q.cypher)
        return
    with steps.step("running the query"):
        result = qs.run(store, q, _params(params), write=write)
    frame = result.to_frame()
    for column in frame.columns:
        frame[column] = [reports.graph_value(v) for v in frame[column]]
    emit(frame_text(frame, fmt, index=False), output)
    if fmt == "table" and not output:
        click.echo(f"# {len(result.rows)} row(s)", err=True)
