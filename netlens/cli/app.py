"""The ``netlens`` click group, and the one place that turns a :class:`~netlens.errors.NetlensError` into
``Error: …`` on stderr and its exit code (usage errors exit 2)."""

from __future__ import annotations

from typing import Any

import click

from netlens.errors import NetlensError

__all__ = ["NetlensGroup", "main", "INTERRUPTED", "epilog"]

#: exit code after Ctrl-C (128 + SIGINT, as shells report it)
INTERRUPTED = 130


class NetlensGroup(click.Group):
    """Maps NetlensError to a message on stderr and the error's exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NetlensError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(INTERRUPTED)


@click.group(cls=NetlensGroup)
@click.version_option(package_name="netlens")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars for any command.")
def main(quiet: bool) -> None:
    """netlens: partnership and knowledge-network analysis for city cooperation.

    Typical run: netlens load data/sample; netlens analyse --metric centrality; netlens map -o map.html.
    """


def epilog(examples: list[str], exit_codes: str) -> str:
    """The text after a command's options in ``--help``: examples, then the exit codes (kept as written)."""
    lines = ["\b", "Examples:", *(f"  {e}" for e in examples), "", "\b", f"Exit codes: {exit_codes}."]
    return "\n".join(lines)
