"""One exception hierarchy for netlens; every error carries its exit code.

The CLI maps these to exit codes in exactly one place (``netlens.cli.app.NetlensGroup``).
"""

from __future__ import annotations

__all__ = [
    "NetlensError",
    "UsageError",
    "InputError",
    "ValidationFailed",
    "StoreError",
    "QueryError",
    "ReadOnlyQueryError",
    "NotFoundError",
    "NoPathError",
    "OutputError",
]


class NetlensError(Exception):
    """Root of every error netlens raises on purpose."""

    exit_code = 1


class UsageError(NetlensError):
    """The caller asked for something that does not make sense (bad option values)."""

    exit_code = 2


class InputError(NetlensError):
    """An input file cannot be read at all (missing, unreadable, wrong encoding)."""

    exit_code = 3


class ValidationFailed(NetlensError):
    """A network package has errors; ``issues`` holds every problem found."""

    exit_code = 3

    def __init__(self, message: str, issues: list | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.issues = issues or []


class StoreError(NetlensError):
    """The graph store cannot be opened, read or written."""

    exit_code = 4


class QueryError(NetlensError):
    """A Cypher query is malformed, misses parameters, or failed."""

    exit_code = 5


class ReadOnlyQueryError(QueryError):
    """A write was attempted without ``--write``."""

    exit_code = 5


class NotFoundError(NetlensError):
    """A named city, organisation, query or file does not exist."""

    exit_code = 6


class NoPathError(NetlensError):
    """No route exists between two members under the given constraints."""

    exit_code = 7


class OutputError(NetlensError):
    """A result file cannot be written (missing folder, no permission, full disk); the previous file is unchanged."""

    exit_code = 8
