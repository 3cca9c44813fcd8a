"""``netlens map``: the interactive HTML map."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import click

from netlens import choices
from netlens.cli.app import epilog, main
from netlens.cli.options import (
    check_output_path,
    level_option,
    quiet_option,
    store_options,
    window_options,
    writing_file,
)
from netlens.errors import UsageError

if TYPE_CHECKING:
    from netlens.render.progress import Steps
    from netlens.store import Store

__all__ = ["map_cmd"]


@main.command(
    name="map",
    epilog=epilog(
        [
            "netlens map -o map.html",
            "netlens map --community --level organisation -o orgs.html",
            "netlens map --path Nantes Palencia --geo -o route.html",
        ],
        "0 ok, 2 usage, 4 store, 6 a name not found, 7 no route, 8 output file not written, 130 interrupted",
    ),
)
@level_option()
@window_options
@click.option("--metric", type=click.Choice(choices.NODE_METRICS), default="pagerank", show_default=True, help="Node size.")
@click.option("--community", is_flag=True, help="Colour nodes by Leiden community (default: by type).")
@click.option(
    "--color-by",
    type=click.Choice(choices.COLOR_BY),
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
@click.option(
    "--renderer",
    type=click.Choice(choices.RENDERERS),
    default="webgl",
    show_default=True,
    help="webgl: sigma.js on WebGL (smooth on maps of 35k members; focus mode, routes, year slider); "
    "vis: vis-network on a 2D canvas, for browsers without WebGL (fewer features).",
)
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
    renderer: str,
    output: str,
    store: Store,
    steps: Steps,
) -> None:
    """Write an interactive, self-contained HTML map (opens offline, zero network requests)."""
    from netlens.pipeline import commands  # lazy: start-up time
    from netlens.render import text as reports

    if top and backbone:
        raise UsageError("use either --top N or --backbone, not both")
    check_output_path(output)
    with writing_file(output):
        drawn = commands.draw_map(
            store,
            output,
            level=level,
            since=since,
            until=until,
            metric=metric,
            community=community,
            color_by=color_by,
            path=path_ends,
            backbone=backbone,
            seed=seed,
            progress=steps,
            geo=geo,
            top=top,
            label_top=label_top,
            title=title or f"netlens: {level} network",
            renderer=renderer,
        )
    if drawn.route is not None:
        click.echo(drawn.route.text, err=True)
    click.echo(reports.format_map_stats(output, drawn.stats, geo=geo))
