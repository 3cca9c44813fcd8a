"""The ``netlens`` command line: thin click commands over the library.

Every :class:`~netlens.errors.NetlensError` is turned into ``Error: …`` on stderr and its exit code in
exactly one place, :class:`NetlensGroup`. Usage errors exit 2.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd

from netlens import pipeline
from netlens.config import resolve_store
from netlens.errors import NetlensError, UsageError
from netlens.read.package import SOURCE_FORMATS, read_source
from netlens.render import text as reports
from netlens.render.progress import Steps, enabled
from netlens.store import Store, open_store
from netlens.validation.checks import Tables, validate, validate_or_raise

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
        "--store",
        "store",
        envvar="NETLENS_STORE",
        show_envvar=True,
        default=None,
        metavar="embedded|neo4j|PATH",
        help="Graph store: the embedded file store (default), neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, "
        "NEO4J_DATABASE), or the path of an embedded store file.",
    )
    @click.option(
        "--store-path",
        envvar="NETLENS_STORE_PATH",
        show_envvar=True,
        default=None,
        type=click.Path(dir_okay=False),
        help="Embedded store file [default: $XDG_DATA_HOME/netlens/netlens.kgl, i.e. ~/.local/share/netlens/netlens.kgl].",
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

    @click.option(
        "--format", "fmt", type=click.Choice(reports.FORMATS), default="table", show_default=True, help="Output format."
    )
    @click.option(
        "--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to FILE instead of stdout."
    )
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_output_path(kwargs.get("output"))
        return f(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def _writing_file(output: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise UsageError(f"cannot write {output} ({exc.strerror or exc})") from None


def check_output_path(output: str | None) -> None:
    """Fail before any work (and before anything is written to the store) when ``output`` cannot be written."""
    if not output:
        return
    parent = Path(output).expanduser().absolute().parent
    if not parent.is_dir():
        raise UsageError(f"cannot write {output}: folder {parent} does not exist")
    if Path(output).is_dir():
        raise UsageError(f"cannot write {output}: it is a folder")


def quiet_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--quiet``: no progress bars (shown on stderr, only when stderr is a terminal; see netlens.render.progress)."""

    @click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
    @functools.wraps(f)
    def wrapper(*args: Any, quiet: bool, **kwargs: Any) -> Any:
        root = click.get_current_context().find_root().params.get("quiet", False)
        with Steps(enabled(quiet or bool(root))) as steps:
            return f(*args, steps=steps, **kwargs)

    return wrapper


def _date(until: bool) -> Callable[[click.Context, click.Parameter, str | None], _dt.date | None]:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.date | None:
        if value is None:
            return None
        v = value.strip()
        try:
            if len(v) == 4 and v.isdigit():
                return _dt.date(int(v), 12, 31) if until else _dt.date(int(v), 1, 1)
            return _dt.date.fromisoformat(v)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD or a year YYYY") from None

    return convert


def window_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--since`` / ``--until``: the time window (activities overlapping it)."""
    f = click.option(
        "--until",
        callback=_date(True),
        metavar="DATE",
        help="Only activities that started by DATE (YYYY-MM-DD, or YYYY = end of that year).",
    )(f)
    f = click.option(
        "--since",
        callback=_date(False),
        metavar="DATE",
        help="Only activities that ended on or after DATE (YYYY-MM-DD, or YYYY = start of that year).",
    )(f)
    return f


def level_option(choices: tuple[str, ...] = pipeline.LEVELS, default: str = "city") -> Callable[..., Any]:
    return click.option(
        "--level",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="city: city–city ties (organisations count for their city); organisation: members as recorded"
        + ("; bipartite: members linked to their projects and exchanges." if "bipartite" in choices else "."),
    )


def weights_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--weights",
        type=click.Path(dir_okay=False),
        default=None,
        envvar="NETLENS_TANDEM_WEIGHTS",
        help="TOML file with tandem weights β, λ, γ (only the keys that change; defaults: netlens/tandem_weights.toml).",
    )(f)


def ties_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--ties``: which TIE relationships a tandem analysis writes."""
    return click.option(
        "--ties",
        "ties_mode",
        type=click.Choice(pipeline.TIE_MODES),
        default="auto",
        show_default=True,
        help="Which TIE relationships to write: all, the significant backbone, none, or auto "
        f"(all up to {pipeline.TIE_AUTO_LIMIT:,} pairs, else the backbone).",
    )(f)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to ``output`` and say so on stderr."""
    if output:
        with _writing_file(output):
            Path(output).write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


@click.group(cls=NetlensGroup)
@click.version_option(package_name="netlens")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars for any command.")
def main(quiet: bool) -> None:
    """netlens: partnership and knowledge-network analysis for city cooperation.

    Typical run: netlens load data/sample; netlens analyse --metric centrality; netlens map -o map.html.
    """


_FORMAT_HELP = (
    "package: a folder of CSVs or an .xlsx workbook; cordis: a CORDIS H2020 participation CSV (names, cities and "
    "acronyms added from the extracts beside it when found); fp7: the cordis-sod-hackathon/fp7_2016 folder; "
    "urbact: the eucicop-interreg-urbact-etmun/urbact folder."
)


def source_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format``, ``--data-dir``, ``--no-enrich``: how to read PATH."""
    f = click.option("--no-enrich", is_flag=True, help="cordis/fp7: skip names, acronyms and geocoding.")(f)
    f = click.option(
        "--data-dir",
        type=click.Path(exists=True, file_okay=False),
        default=None,
        help="cordis/fp7: the folder holding geonames-cities and the CORDIS extracts [searched upwards from PATH].",
    )(f)
    f = click.option(
        "--format", "fmt", type=click.Choice(SOURCE_FORMATS), default="package", show_default=True, help=_FORMAT_HELP
    )(f)
    return f


def _read(path: str, fmt: str, data_dir: str | None = None, no_enrich: bool = False) -> Any:
    return read_source(path, fmt, data_dir=data_dir, enrich=not no_enrich)


def _stats_lines(raw: Any) -> list[str]:
    stats = getattr(raw, "stats", None) or {}
    return [f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in stats.items()]


@main.command()
@click.argument("path", type=click.Path())
@source_options
@click.option("--replace", is_flag=True, help="Rebuild the store from this input instead of merging into it.")
@store_options
@quiet_option
def load(path: str, fmt: str, data_dir: str | None, no_enrich: bool, replace: bool, store: Store, steps: Steps) -> None:
    """Validate PATH and load it into the graph store (idempotent, atomic)."""
    with steps.step(f"reading {Path(path).name}"):
        raw = _read(path, fmt, data_dir, no_enrich)
    with steps.step("validating"):
        tables, issues = validate_or_raise(raw)
    warnings = [i for i in issues if i.severity == "warning"]
    with steps.step(f"writing to {store.description}"):
        counts = store.load(tables, replace=replace)
    click.echo(reports.format_load(counts, tables, store.description))
    for line in _stats_lines(raw):
        click.echo(f"# {line}", err=True)
    if warnings:
        how = "" if fmt == "package" else f" --format {fmt}" + (f" --data-dir {data_dir}" if data_dir else "")
        click.echo(f"{len(warnings)} warning(s); run netlens validate{how} {path} to see them", err=True)


@main.command(name="validate")
@click.argument("path", type=click.Path())
@source_options
def validate_cmd(path: str, fmt: str, data_dir: str | None, no_enrich: bool) -> None:
    """Check PATH and report every problem (file, row, column, value, expected)."""
    _, issues = validate(_read(path, fmt, data_dir, no_enrich))
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


# ------------------------------------------------------------------------------------------- analyse


def _tables(store: Store, steps: Steps) -> Tables:
    with steps.step(f"reading {store.description}"):
        tables = store.read_tables()
    if not any(len(tables[t]) for t in ("cities", "organisations")):
        raise UsageError(f"{store.description} is empty; load a network first: netlens load PATH")
    return tables


def _print_table(frame: Any, fmt: str, output: str | None, top: int | None, notes: list[str] | None = None) -> None:
    """Print (or write) ``frame``'s first ``top`` rows; notes follow as ``# …`` lines (stderr unless a plain table)."""
    shown = frame.head(top) if top else frame
    emit(reports.render_frame(shown, fmt), output)
    extra = [n for n in (notes or []) if n]
    if top and len(frame) > top:
        extra.insert(0, f"{top} of {len(frame):,} rows shown (--top N, --all)")
    for line in extra:
        click.echo(f"# {line}", err=bool(fmt != "table" or output))


def _write_back(store: Store, tables: Tables, a: pipeline.Analysis, steps: Steps, ties_mode: str = "auto") -> str:
    kinds = pipeline.labels(tables)
    parts = []
    nodes = pipeline.results_for_store(a)
    if nodes is not None and len(nodes):
        with steps.step("writing results to the store"):
            n = store.write_node_properties(nodes, kinds)
        parts.append(f"{n:,} nodes got {', '.join(nodes.columns)}")
    ties, which = pipeline.ties_to_write(a, ties_mode)
    if ties is not None:
        with steps.step("writing TIE relationships"):
            n = store.write_ties(ties, kinds, a.level)
        parts.append(f"{n:,} TIE relationships (level {a.level}): {which}")
    return "; ".join(parts)


def _weights(path: str | None) -> Any:
    from netlens.analysis import tandems

    return tandems.load_weights(path)


@main.command()
@click.option(
    "--metric",
    "-m",
    type=click.Choice(pipeline.METRICS),
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
    "--partition", type=click.Choice(pipeline.PARTITIONS), default=None, help="brokers: groups for the Gould–Fernandez roles."
)
@click.option(
    "--method", type=click.Choice(["leiden", "louvain"]), default="leiden", show_default=True, help="communities: the algorithm."
)
@click.option("--resolution", type=float, default=1.0, show_default=True, help="communities: modularity resolution.")
@click.option(
    "--betweenness",
    "path_mode",
    type=click.Choice(["auto", "exact", "sampled", "none"]),
    default="auto",
    show_default=True,
    help="centrality: betweenness/closeness exact, sampled (with its error) or auto by size.",
)
@click.option("--samples", type=click.IntRange(min=2), default=None, help="centrality: pivots for sampled betweenness [128].")
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
    tables = _tables(store, steps)
    w = _weights(weights) if metric == "tandems" else None
    graph = None
    if metric != "tandems":
        with steps.step(f"building the {level} graph"):
            graph = pipeline.build_graph(tables, level, since=since, until=until)
    with steps.step(f"analysing {metric}"):
        a = pipeline.analyse(
            tables,
            metric,
            level=level,
            since=since,
            until=until,
            partition_by=partition,
            method=method,
            resolution=resolution,
            betweenness=path_mode,
            samples=samples,
            seed=seed,
            weights=w,
            topic=topic,
            significant_only=significant_only,
            graph=graph,
        )
    written = "" if no_write else _write_back(store, tables, a, steps, ties_mode)
    table = a.table
    notes = [f"{metric} at level {a.level}", *a.notes]
    if written:
        notes.append(f"written to {store.description}: {written}")
    _print_table(table, fmt, output, None if all_rows or metric == "structure" else top, notes)


# ------------------------------------------------------------------------------------------- tandems


@main.command()
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
    from netlens.analysis import tandems as tm

    if explain and recommend:
        raise UsageError("use either --explain A B or --recommend, not both")
    tables = _tables(store, steps)
    w = _weights(weights)
    if explain:
        with steps.step("explaining the pair"):
            ex = tm.explain_pair(tables, explain[0], explain[1], level=level, weights=w, since=since, until=until, topic=topic)
        if fmt == "table":
            emit(ex.text, output)
        else:
            rows = pd.DataFrame([vars(x) for x in ex.activities])
            emit(reports.render_frame(rows, fmt, index=False), output)
        return
    if recommend:
        if topic:
            raise UsageError("--recommend looks at every topic; leave out --topic")
        with steps.step("finding recommendations"):
            rec = tm.recommend(
                tables,
                level=level,
                top=None if all_rows else top,
                max_km=max_km,
                same_language=same_language,
                weights=w,
                since=since,
                until=until,
            )
        shown = rec[["a_name", "b_name", "score", "distance_km", "explanation"]]
        notes = [f"{len(rec)} recommendation(s): complementary topics × closeness (resource allocation)"]
        _print_table(shown, fmt, output, None, notes)
        return
    with steps.step("computing tandem strength"):
        an = pipeline.analyse(
            tables, "tandems", level=level, since=since, until=until, weights=w, topic=topic, significant_only=significant_only
        )
    written = "" if no_write else _write_back(store, tables, an, steps, ties_mode)
    notes = [f"tandems at level {level}", *an.notes] + ([f"written to {store.description}: {written}"] if written else [])
    _print_table(an.table, fmt, output, None if all_rows else top, notes)


# --------------------------------------------------------------------------------------------- paths


@main.command()
@click.option("--from", "source", required=True, metavar="A", help="Where the knowledge is (id or name).")
@click.option("--to", "target", required=True, metavar="B", help="Who wants it (id or name).")
@click.option("--topic", default=None, help="Only ties carried by activities about this topic.")
@click.option(
    "--mode",
    type=click.Choice(["shortest", "widest", "reliable"]),
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
    from netlens.analysis import paths as pt

    tables = _tables(store, steps)
    with steps.step(f"finding {mode} routes"):
        routes = pt.transfer_paths(
            tables,
            source,
            target,
            mode=mode,
            k=k,
            topic=topic,
            time_respecting=time_respecting,
            level=level,
            weights=_weights(weights),
            since=since,
            until=until,
        )
    if fmt == "table":
        lines = []
        for r in routes:
            lines.append(f"{r.rank}. {r.text}")
            lines.append(
                f"   {len(r.hops)} hop(s); cost Σ1/S {r.cost:.4g}, weakest tie {r.bottleneck:.4g}, "
                f"reliability {r.reliability:.3f}; brokered by {', '.join(r.brokers) or 'nobody (direct tie)'}"
            )
        emit("\n".join(lines), output)
    else:
        emit(reports.render_frame(pt.routes_frame(routes), fmt, index=False), output)


# ----------------------------------------------------------------------------------------------- map


@main.command(name="map")
@level_option()
@window_options
@click.option("--metric", type=click.Choice(pipeline.NODE_METRICS), default="pagerank", show_default=True, help="Node size.")
@click.option("--community", is_flag=True, help="Colour nodes by Leiden community (default: by type).")
@click.option(
    "--color-by",
    type=click.Choice(["kind", "type", "country", "community", "programme"]),
    default=None,
    help="Colour nodes by this attribute [default: country at level city, else type].",
)
@click.option("--path", "path_ends", nargs=2, metavar="A B", default=None, help="Highlight the shortest transfer path A → B.")
@click.option("--geo", is_flag=True, help="Place cities at their coordinates on a Europe outline (no tiles needed).")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Keep only the N largest nodes (by --metric).")
@click.option("--backbone", is_flag=True, help="Keep only ties the disparity filter finds significant.")
@click.option("--label-top", type=click.IntRange(min=0), default=50, show_default=True, help="Nodes whose name is drawn.")
@click.option("--title", default=None, help="Page title [netlens: LEVEL network].")
@click.option("--seed", type=int, default=0, show_default=True, help="Layout seed: same input and seed, same file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True, help="The HTML file to write.")
@store_options
@quiet_option
def map_cmd(
    level: str,
    since: _dt.date | None,
    until: _dt.date | None,
    metric: str,
    community: bool,
    color_by: str | None,
    path_ends: tuple[str, str] | None,
    geo: bool,
    top: int | None,
    backbone: bool,
    label_top: int,
    title: str | None,
    seed: int,
    output: str,
    store: Store,
    steps: Steps,
) -> None:
    """Write an interactive, self-contained HTML map (opens offline, zero network requests)."""
    from netlens.render import maps

    if top and backbone:
        raise UsageError("use either --top N or --backbone, not both")
    check_output_path(output)
    tables = _tables(store, steps)
    with steps.step(f"preparing the {level} graph"):
        G, route = pipeline.map_graph(
            tables,
            level,
            since=since,
            until=until,
            metric=metric,
            community=community or color_by == "community",
            path=path_ends,
            backbone=backbone,
            seed=seed,
        )
    if route is not None:
        click.echo(route.text, err=True)
    # by default: countries tell cities apart; organisation types (university, company, city…) tell members apart
    colour = color_by or ("community" if community else ("country" if level == "city" else "type"))
    with steps.step("rendering the map"), _writing_file(output):
        stats = maps.write_map(
            G,
            output,
            size_by=metric,
            color_by=colour,
            highlight_path=list(route.nodes) if route is not None else None,
            geo=geo,
            top=top,
            label_top=label_top,
            title=title or f"netlens: {level} network",
            seed=seed,
        )
    click.echo(
        f"wrote {output} ({stats.bytes / 1e6:.2f} MB): {stats.nodes_shown:,} of {stats.nodes_total:,} nodes, "
        f"{stats.edges_shown:,} of {stats.edges_total:,} ties drawn"
        + (f" ({stats.edges_hidden:,} weakest hidden to keep the page fast)" if stats.edges_hidden else "")
        + (f"; {stats.nodes_unplaced:,} without coordinates listed beside the map" if geo and stats.nodes_unplaced else "")
    )


# --------------------------------------------------------------------------------------------- query


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


@main.command()
@click.argument("name", required=False)
@click.option("--cypher", "-c", default=None, help="Run this Cypher text instead of a library query.")
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
def query(
    name: str | None,
    cypher: str | None,
    params: tuple[str, ...],
    list_: bool,
    show: bool,
    write: bool,
    fmt: str,
    output: str | None,
    store: Store,
) -> None:
    """Run a library query (NAME, e.g. top-hubs), a .cypher FILE, or --cypher TEXT. Read-only unless --write."""
    from netlens import querylib as qs

    if list_:
        emit(reports.render_frame(qs.library_frame(), fmt, index=False), output)
        return
    if bool(name) == bool(cypher):
        raise UsageError("give a query NAME or FILE, or --cypher TEXT (netlens query --list shows the library)")
    q: Any = qs.load_query(name) if name else cypher
    if show:
        click.echo(q.cypher if name else q)
        return
    result = qs.run(store, q, _params(params), write=write)
    emit(reports.render_frame(result.to_frame(), fmt, index=False), output)
    if fmt == "table" and not output:
        click.echo(f"# {len(result.rows)} row(s)", err=True)


# -------------------------------------------------------------------------------------------- export


@main.command()
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
@window_options
@store_options
@quiet_option
def export(
    folder: str, formats: str, level: str, since: _dt.date | None, until: _dt.date | None, store: Store, steps: Steps
) -> None:
    """Write the network as GraphML and GEXF (for Gephi) and Neo4j-importable CSVs into FOLDER."""
    from netlens.render import export as ex

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not wanted:
        raise UsageError("--formats is empty; expected one or more of graphml, gexf, neo4j-csv")
    tables = _tables(store, steps)
    source: Any = tables
    if level != "full":
        if "neo4j-csv" in wanted:
            raise UsageError("neo4j-csv exports the full graph; use --level full or --formats graphml,gexf")
        source = pipeline.build_graph(tables, level, since=since, until=until)
    elif since or until:
        raise UsageError("--since/--until apply to projections; add --level city or organisation")
    with steps.step("exporting"):
        res = ex.export(source, folder, wanted)
    for fmt_, files in res.files.items():
        click.echo(f"{fmt_}: " + ", ".join(str(f) for f in files))
    if res.neo4j_command:
        click.echo(f"import into an empty Neo4j database with:\n  {res.neo4j_command}")


if __name__ == "__main__":  # pragma: no cover
    main()
