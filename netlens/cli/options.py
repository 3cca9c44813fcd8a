"""Option groups shared by the commands (as decorators), and the helpers that print or write a command's result."""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from netlens import choices
from netlens.config import resolve_store
from netlens.errors import UsageError

if TYPE_CHECKING:
    pass

# Commands import pandas, networkx, rich and the store drivers inside their bodies, not here: `netlens --help`
# and option parsing then start without them (tests/test_startup.py checks which modules a --help loads).

__all__ = [
    "store_options",
    "output_options",
    "quiet_option",
    "window_options",
    "level_option",
    "weights_option",
    "ties_option",
    "source_options",
    "check_output_path",
    "writing_file",
    "emit",
    "print_table",
    "frame_text",
    "format_for",
    "given",
    "tandem_weights",
]


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
        from netlens.store import open_store

        opened = open_store(resolve_store(store, store_path))
        try:
            return f(*args, store=opened, **kwargs)
        finally:
            opened.close()

    return wrapper


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--output``."""

    @click.option(
        "--format", "fmt", type=click.Choice(choices.OUTPUT_FORMATS), default="table", show_default=True, help="Output format."
    )
    @click.option(
        "--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to FILE instead of stdout."
    )
    @click.option(
        "--csv-raw",
        is_flag=True,
        help="CSV: keep cells starting with = + - @ as they are (by default they get a leading ' so that a spreadsheet "
        "shows them as text instead of running them as formulas).",
    )
    @functools.wraps(f)
    def wrapper(*args: Any, csv_raw: bool, **kwargs: Any) -> Any:
        check_output_path(kwargs.get("output"))
        kwargs["fmt"] = format_for(kwargs.get("fmt", "table"), kwargs.get("output"))
        click.get_current_context().meta["netlens.csv_raw"] = csv_raw
        return f(*args, **kwargs)

    return wrapper


def given(name: str) -> bool:
    """Did the user give option ``name`` (rather than click filling in its default)?"""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    source = ctx.get_parameter_source(name)
    return source is not None and source not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def format_for(fmt: str, output: str | None) -> str:
    """The output format: ``--format`` when given, else the one ``-o FILE.csv|.json`` names, else ``fmt``."""
    if output and not given("fmt"):
        return {".csv": "csv", ".json": "json"}.get(Path(output).suffix.lower(), fmt)
    return fmt


@contextlib.contextmanager
def writing_file(output: str) -> Iterator[None]:
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


def _min_seconds() -> float:
    """Steps shorter than this leave no record line (``NETLENS_PROGRESS_MIN_SECONDS``, default 2)."""
    try:
        return float(os.environ.get("NETLENS_PROGRESS_MIN_SECONDS", "2"))
    except ValueError:
        return 2.0


def quiet_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--quiet``: no progress bars (shown on stderr, only when stderr is a terminal; see netlens.render.progress)."""

    @click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
    @functools.wraps(f)
    def wrapper(*args: Any, quiet: bool, **kwargs: Any) -> Any:
        from netlens.render.progress import Steps, enabled

        root = click.get_current_context().find_root().params.get("quiet", False)
        with Steps(enabled(quiet or bool(root)), min_seconds=_min_seconds()) as steps:
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


def level_option(allowed: tuple[str, ...] = choices.LEVELS, default: str = "city") -> Callable[..., Any]:
    return click.option(
        "--level",
        type=click.Choice(allowed),
        default=default,
        show_default=True,
        help="city: city–city ties (organisations count for their city); organisation: members as recorded"
        + ("; bipartite: members linked to their projects and exchanges." if "bipartite" in allowed else "."),
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
        type=click.Choice(choices.TIE_MODES),
        default="auto",
        show_default=True,
        help="Which TIE relationships to write: all, the significant backbone, none, or auto "
        f"(all up to {choices.TIE_AUTO_LIMIT:,} pairs, else the backbone).",
    )(f)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to ``output`` and say so on stderr."""
    if output:
        from netlens.files import write_text

        write_text(output, text + "\n")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


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
        "--format", "fmt", type=click.Choice(choices.SOURCE_FORMATS), default="package", show_default=True, help=_FORMAT_HELP
    )(f)
    return f


def frame_text(frame: Any, fmt: str, *, index: bool = True) -> str:
    """``frame`` rendered as ``fmt`` (text table, CSV or JSON), honouring ``--csv-raw``."""
    from netlens.render.text import render_frame

    ctx = click.get_current_context(silent=True)
    raw = bool(ctx.meta.get("netlens.csv_raw")) if ctx is not None else False
    return render_frame(frame, fmt, index=index, raw_csv=raw)


def print_table(frame: Any, fmt: str, output: str | None, top: int | None, notes: list[str] | None = None) -> None:
    """Print (or write) ``frame``'s first ``top`` rows; notes follow as ``# …`` lines (stderr unless a plain table)."""

    if fmt != "table" and not given("top"):
        top = None  # machine formats are complete unless --top is given
    shown = frame.head(top) if top else frame
    emit(frame_text(shown, fmt), output)
    extra = [n for n in (notes or []) if n]
    if top and len(frame) > top:
        extra.insert(0, f"{top} of {len(frame):,} rows shown (--top N, --all)")
    for line in extra:
        click.echo(f"# {line}", err=bool(fmt != "table" or output))


def tandem_weights(path: str | None) -> Any:
    """The tandem weights: the defaults, with the keys ``path`` (a TOML file) changes."""
    from netlens.analysis.weights import load_weights  # lazy: start-up time

    return load_weights(path)
