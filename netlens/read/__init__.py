"""Readers: network packages and the real datasets, all read as text into a :class:`RawPackage`.

The names other areas use are re-exported here (``from netlens.read import read_source, read_package``):

- :func:`read_source` / :data:`SOURCE_FORMATS` (:mod:`netlens.read.source`): the one dispatcher by format;
- :class:`RawPackage`, :class:`RawTable`, :func:`read_package`, :func:`read_csv_text` (:mod:`netlens.read.package`);
- :func:`read_cordis` (:mod:`netlens.read.cordis`), :func:`read_fp7` (:mod:`netlens.read.fp7`),
  :func:`read_sod_h2020` (:mod:`netlens.read.sod`), :func:`read_urbact` (:mod:`netlens.read.urbact`);
- :mod:`netlens.read.geocode` (offline GeoNames geocoder) and :mod:`netlens.read.countries` (ISO codes) are
  used through their modules.

Typing and checking of the text tables happen in :mod:`netlens.validation`.
"""

from __future__ import annotations

from netlens.read.cordis import read_cordis
from netlens.read.fp7 import read_fp7
from netlens.read.package import RawPackage, RawTable, read_csv_text, read_package
from netlens.read.sod import read_sod_h2020
from netlens.read.source import SOURCE_FORMATS, read_source
from netlens.read.urbact import read_urbact

__all__ = [
    "SOURCE_FORMATS",
    "read_source",
    "RawPackage",
    "RawTable",
    "read_package",
    "read_csv_text",
    "read_cordis",
    "read_fp7",
    "read_sod_h2020",
    "read_urbact",
]
