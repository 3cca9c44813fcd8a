"""The ``netlens`` command line: thin click commands over the library (parse options, call the library, render).

Layout: :mod:`.app` (the group and the one error handler), :mod:`.options` (shared option decorators and output
helpers), one module per command family — :mod:`.data` (load, validate, info, export), :mod:`.analysis` (analyse,
tandems, paths), :mod:`.maps` (map), :mod:`.query` (query).
"""

from __future__ import annotations

from netlens.cli import analysis, data, maps, query  # noqa: F401  (importing them registers their commands)
from netlens.cli.app import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
