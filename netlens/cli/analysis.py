"""Analysis commands: ``analyse``, ``tandems``, ``paths``."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import click

from netlens import choices
from netlens.cli.app import epilog, main
from netlens.cli.options import (
    emit,
    frame_text,
    level_option,
    output_options,
    print_table,
    quiet_option,
    store_options,
    tandem_weights,
    ties_option,
    weights_option,
    window_options,
)
from netlens.errors import UsageError

if TYPE_CHECKING:
    from netlens.render.progress import Steps
    from netlens.store import Store

__all__ = ["analyse", "tandems", "paths"]


@main.command(
    epilog=epilog(
        [
            "netlens analyse --metric centrality --top 10",
            "netlens analyse --metric communities --level organisation --format csv -o communities.csv",
            "netlens analyse --metric brokers --partition country --since 2018 --no-write",
        ],
        "0 ok, 2 usage, 4 store, 8 output file not written, 130 interrupted",
    )
)
@click.option(
    "--metric",
    "-m",
    type=click.Choice(choices.METRICS),
    default="centrality",
    show_default=True,
    help="centrality: degree, strength, betweenness, closeness, harmonic, eigenvector, PageRank, k-core. "
    "communities: Leiden/Louvain with modularity. brokers: Burt constraint and effective size, "
    "Gould–Fernandez roles, articulation points and bridges. structure: components, density, diameter, "
    "clustering, degree distribution. tandems: tandem strength of every pair.",
)
@level_option()
@window_options
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show.")
@click.option("--all", "all_rows", is_flag=True, help="Show every row.")
@click.option(
    "--partition", type=click.Choice(choices.PARTITIONS), default=None, help="brokers: groups for the Gould–Fernandez roles."
)
@click.option(
    "--method",
    type=click.Choice(choices.COMMUNITY_METHODS),
    default="leiden",
    show_default=True,
    help="communities: the algorithm.",
)
@click.option("--resolution", type=float, default=1.0, show_default=True, help="communities: modularity resolution.")
@click.option(
    "--betweenness",
    "path_mode",
    type=click.Choice(choices.PATH_MODES),
    default="auto",
    show_default=True,
    help="centrality: betweenness/closeness exact, sampled (with its error) or auto by size.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=2),
    default=None,
    help="centrality: pivots for sampled betweenness [128]; their batches run on every core (NETLENS_WORKERS=N to choose).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (sampling, communities).")
@weights_option
@click.option("--topic", default=None, help="tandems: only activities about this topic.")
@click.option("--significant-only", is_flag=True, help="tandems: only ties the disparity filter keeps.")
@click.option("--no-write", is_flag=True, help="Do not write the results back into the store.")
@ties_option
@output_options
@store_options
@quiet_option
def analyse(
    metric: str,
    level: str,
    since: _dt.date | None,
    until: _dt.date | None,
    top: int,
    all_rows: bool,
    partition: str | None,
    method: str,
    resolution: float,
    path_mode: str,
    samples: int | None,
    seed: int,
    weights: str | None,
    topic: str | None,
    significant_only: bool,
    no_write: bool,
    ties_mode: str,
    fmt: str,
    output: str | None,
    store: Store,
    steps: Steps,
) -> None:
    """Compute a metric on the network at --level and write the results back into the store.

    Node results become properties (c.pagerank, c.community, c.constraint, …) and tandem strengths
    TIE relationships, so Cypher users see them: MATCH (c:City) RETURN c.name, c.pagerank.
    """
    from netlens.pipeline import commands  # lazy: start-up time

    a, written, unwritten = _analysed(
        commands,
        store,
        metric,
        write=not no_write,
        ties_mode=ties_mode,
        progress=steps,
        level=level,
        since=since,
        until=until,
        partition_by=partition,
        method=method,
        resolution=resolution,
        betweenness=path_mode,
        samples=samples,
        seed=seed,
        weights=tandem_weights(weights) if metric == "tandems" else None,
        topic=topic,
        significant_only=significant_only,
    )
    notes = [f"{metric} at level {a.level}", *a.notes]
    if written:
        notes.append(f"written to {store.description}: {written}")
    if metric == "structure" and fmt == "json":  # one object: typed measures and the whole degree distribution
        from netlens.render.text import structure_json

        emit(structure_json(a.summary or {}), output)
        for line in notes:
            click.echo(f"# {line}", err=True)
        return
    print_table(a.rows_for(fmt), fmt, output, None if all_rows or metric == "structure" else top, notes)
    if unwritten is not None:
        raise unwritten


def _analysed(commands: Any, *args: Any, **kwargs: Any) -> tuple[Any, str, Any]:
    """``commands.run_analysis``; a failed write-back still gives the results (and the error to raise after them)."""
    try:
        a, written = commands.run_analysis(*args, **kwargs)
    except commands.ResultsNotWritten as exc:
        return exc.analysis, "", exc
    return a, written, None


@main.command(
    epilog=epilog(
        ["netlens tandems --top 5", "netlens tandems --explain Rijeka Palencia", "netlens tandems --recommend --max-km 800"],
        "0 ok, 2 usage, 4 store, 6 a name not found, 8 output file not written, 130 interrupted",
    )
)
@level_option(("city", "organisation"))
@window_options
@weights_option
@click.option("--topic", default=None, help="Only activities, tandems and transfers about this topic.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show.")
@click.option("--all", "all_rows", is_flag=True, help="Show every row.")
@click.option("--significant-only", is_flag=True, help="Only ties the disparity filter keeps (the backbone).")
@click.option("--explain", nargs=2, metavar="A B", default=None, help="The full breakdown of one pair (ids or names).")
@click.option("--recommend", is_flag=True, help="Pairs that are not tandems yet but should be, with the reason.")
@click.option("--max-km", type=click.FloatRange(min=0), default=None, help="--recommend: at most this far apart.")
@click.option("--same-language", is_flag=True, help="--recommend: only pairs with the same main language.")
@click.option("--no-write", is_flag=True, help="Do not write TIE relationships into the store.")
@ties_option
@output_options
@store_options
@quiet_option
def tandems(
    level: str,
    since: _dt.date | None,
    until: _dt.date | None,
    weights: str | None,
    topic: str | None,
    top: int,
    all_rows: bool,
    significant_only: bool,
    explain: tuple[str, str] | None,
    recommend: bool,
    max_km: float | None,
    same_language: bool,
    no_write: bool,
    ties_mode: str,
    fmt: str,
    output: str | None,
    store: Store,
    steps: Steps,
) -> None:
    """Tandem strength of every pair that shares an activity, strongest first, each with its breakdown.

    Same as `netlens analyse --metric tandems`, plus --explain A B and --recommend. The ranking is written
    back as TIE relationships (unless --no-write or with --explain/--recommend, which only read).
    """
    from netlens.pipeline import commands  # lazy: start-up time
    from netlens.render import text as reports

    if explain and recommend:
        raise UsageError("use either --explain A B or --recommend, not both")
    if recommend and topic:
        raise UsageError("--recommend looks at every topic; leave out --topic")
    w = tandem_weights(weights)
    window = {"level": level, "weights": w, "since": since, "until": until}
    if explain:
        ex = commands.explain(store, explain[0], explain[1], progress=steps, topic=topic, **window)
        emit(ex.text if fmt == "table" else reports.render_records([vars(x) for x in ex.activities], fmt), output)
        return
    if recommend:
        top_n = None if all_rows else top
        rec = commands.recommendations(store, progress=steps, top=top_n, max_km=max_km, same_language=same_language, **window)
        shown = rec[["a_name", "b_name", "score", "distance_km", "explanation"]]
        notes = [f"{len(rec)} recommendation(s) of pairs not tied yet: complementary themes × closeness (resource allocation)"]
        notes += [f"none because {rec.attrs['why']}"] if rec.attrs.get("why") else []
        print_table(shown, fmt, output, None, notes)
        return
    an, written, unwritten = _analysed(
        commands,
        store,
        "tandems",
        write=not no_write,
        ties_mode=ties_mode,
        progress=steps,
        topic=topic,
        significant_only=significant_only,
        **window,
    )
    notes = [f"tandems at level {level}", *an.notes] + ([f"written to {store.description}: {written}"] if written else [])
    print_table(an.rows_for(fmt), fmt, output, None if all_rows else top, notes)
    if unwritten is not None:
        raise unwritten


@main.command(
    epilog=epilog(
        [
            "netlens paths --from Nantes --to Palencia -k 2",
            "netlens paths --from Nantes --to Palencia --mode widest --time-respecting",
        ],
        "0 ok, 2 usage, 4 store, 6 a name not found, 7 no route, 8 output file not written, 130 interrupted",
    )
)
@click.option("--from", "source", required=True, metavar="A", help="Where the knowledge is (id or name).")
@click.option("--to", "target", required=True, metavar="B", help="Who wants it (id or name).")
@click.option("--topic", default=None, help="Only ties carried by activities about this topic.")
@click.option(
    "--mode",
    type=click.Choice(choices.ROUTE_MODES),
    default="shortest",
    show_default=True,
    help="shortest: least Σ 1/strength; widest: strongest weakest tie; reliable: highest Π (1 − e^(−κ·strength)).",
)
@click.option("-k", "k", type=click.IntRange(min=1, max=50), default=3, show_default=True, help="Alternative routes (Yen).")
@click.option("--time-respecting", is_flag=True, help="Each hop's activity must not be earlier than the previous hop's.")
@level_option(("city", "organisation"))
@window_options
@weights_option
@output_options
@store_options
@quiet_option
def paths(
    source: str,
    target: str,
    topic: str | None,
    mode: str,
    k: int,
    time_respecting: bool,
    level: str,
    since: _dt.date | None,
    until: _dt.date | None,
    weights: str | None,
    fmt: str,
    output: str | None,
    store: Store,
    steps: Steps,
) -> None:
    """The best routes knowledge can take from A to B, each hop named with the activity that carries it."""
    from netlens.pipeline import commands
    from netlens.render import text as reports

    found = commands.routes(
        store,
        source,
        target,
        mode=mode,
        progress=steps,
        k=k,
        topic=topic,
        time_respecting=time_respecting,
        level=level,
        weights=tandem_weights(weights),
        since=since,
        until=until,
    )
    if fmt == "json":
        emit(reports.routes_json(found), output)
    elif fmt == "csv":
        emit(frame_text(reports.hops_frame(found), fmt, index=False), output)
    else:
        emit(reports.format_routes(found), output)
