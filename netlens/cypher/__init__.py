"""Cypher text tools shared by the stores and the query library: scanning, parameters, the read-only check.

- :mod:`netlens.cypher.lexer`: code vs strings/comments (:func:`scan`, :func:`code_only`).
- :mod:`netlens.cypher.params`: ``$parameters`` (:func:`named_parameters`), :func:`convert`, :func:`bind`.
- :mod:`netlens.cypher.readonly`: :func:`write_operations`, :func:`is_write`, :func:`check_read_only`.
- :mod:`netlens.cypher.columns`: :func:`return_columns` (the names a query's final ``RETURN`` gives).
"""

from __future__ import annotations

from netlens.cypher.columns import return_columns
from netlens.cypher.lexer import code_only, scan
from netlens.cypher.params import TYPES, DeclaredQuery, Param, bind, convert, named_parameters
from netlens.cypher.readonly import READ_ONLY_MESSAGE, check_read_only, is_write, write_operations

__all__ = [
    "scan",
    "code_only",
    "TYPES",
    "Param",
    "DeclaredQuery",
    "named_parameters",
    "convert",
    "bind",
    "READ_ONLY_MESSAGE",
    "write_operations",
    "is_write",
    "check_read_only",
    "return_columns",
]
