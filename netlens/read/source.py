"""The one dispatcher of the readers: a path and a format name in, a :class:`~netlens.read.package.RawPackage` out.

:data:`SOURCE_FORMATS` lists the formats the command line offers (``--format``); :func:`read_source` calls the
reader of the format. This module imports every adapter; the adapters import only
:mod:`netlens.read.package`, :mod:`netlens.read.common` and each other downwards (fp7 -> sod), never this module.
"""

from __future__ import annotations

from pathlib import Path

from netlens.errors import UsageError
from netlens.read.cordis import read_cordis
from netlens.read.fp7 import read_fp7
from netlens.read.package import RawPackage, read_package
from netlens.read.urbact import read_urbact

__all__ = ["SOURCE_FORMATS", "read_source"]

#: formats understood by :func:`read_source`
SOURCE_FORMATS = ("package", "cordis", "fp7", "urbact")


def read_source(path: str | Path, fmt: str = "package", *, data_dir: str | Path | None = None, enrich: bool = True) -> RawPackage:
    """Read ``path`` in format ``fmt`` (one of :data:`SOURCE_FORMATS`) into a :class:`RawPackage`.

    - ``package``: a folder of netlens CSV tables or one .xlsx workbook (:func:`netlens.read.package.read_package`);
    - ``cordis``: the H2020 participation CSV (``cordis-h2020-participation/h2020.csv``)
      (:func:`netlens.read.cordis.read_cordis`);
    - ``fp7``: the folder ``cordis-sod-hackathon/fp7_2016`` (:func:`netlens.read.fp7.read_fp7`);
    - ``urbact``: the folder ``eucicop-interreg-urbact-etmun/urbact`` (:func:`netlens.read.urbact.read_urbact`).

    Parameters
    ----------
    path : the file or folder to read.
    fmt : the format name (case and surrounding spaces ignored).
    data_dir : the folder holding ``geonames-cities`` and the other extracts, for ``cordis`` and ``fp7``;
        by default it is searched upwards from ``path``.
    enrich : enrich CORDIS and geocode FP7 organisation cities.

    >>> read_source(".", "xml")
    Traceback (most recent call last):
    ...
    netlens.errors.UsageError: unknown format 'xml'; expected one of package, cordis, fp7, urbact
    """
    key = fmt.strip().lower()
    if key == "package":
        return read_package(path)
    if key == "cordis":
        return read_cordis(path, enrich=enrich, data_dir=data_dir)
    if key == "fp7":
        return read_fp7(path, data_dir=data_dir, geocode=enrich)
    if key == "urbact":
        return read_urbact(path)
    raise UsageError(f"unknown format {fmt!r}; expected one of {', '.join(SOURCE_FORMATS)}")
