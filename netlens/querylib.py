"""The query library: ready Cypher files with their declared parameters, and running them on a store.

A query file (``queries/NAME.cypher``) is plain Cypher that runs unchanged on the embedded store and on
Neo4j 5. It starts with a header comment::

    // Partners of a city
    //
    // Everyone a city (or organisation) shares a project or an exchange with, and what they share.
    //
    // $city: str        the city's id or name, e.g. nantes or Plzeň
    // $top: int = 10    how many rows to show

The first header line is the title, the other plain lines are the description, and each ``// $name``
line declares a parameter: an optional type (``str``, ``int``, ``float``, ``bool``, ``date``, ``list``),
an optional default after ``=`` (quote it if it has spaces) and a description. The header ends at the
first line that is not a ``//`` comment.

Parameters are also found in the query text itself (:func:`netlens.cypher.params.named_parameters`, which
ignores ``$x`` inside string literals and comments, like datasette's ``named_parameters``), so ad-hoc
``--cypher`` queries are checked too: :func:`netlens.cypher.params.bind` reports missing *and* unknown
parameters before anything runs, and :func:`netlens.cypher.readonly.check_read_only` refuses writes (``CREATE``,
``MERGE``, ``SET``, ``DELETE``, ``LOAD CSV``, write procedures …) unless ``write`` is given.

Takes query files (or Cypher text) and a :class:`~netlens.store.Store`; returns :class:`QueryFile` objects, the
library as a table (:func:`library_frame`) and query results (:func:`run`). The scanning, parameter and read-only
functions live in :mod:`netlens.cypher` and are re-exported here for existing callers.

Where the library lives
-----------------------
In a source checkout or an editable install: the ``queries/`` folder at the top of the repository. In
an installed wheel: ``netlens/query_files/`` inside the package (shipped as package data, see
``pyproject.toml``). ``NETLENS_QUERIES`` points at another folder.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from netlens.cypher.lexer import PARAM_NAME
from netlens.cypher.params import TYPES, Param, bind, convert, named_parameters
from netlens.cypher.readonly import READ_ONLY_MESSAGE, check_read_only, is_write, write_operations
from netlens.errors import NotFoundError, QueryError
from netlens.store.protocol import QueryResult, Store

__all__ = [
    "TYPES",
    "Param",
    "QueryFile",
    "default_folder",
    "list_queries",
    "load_query",
    "parse_query",
    "named_parameters",
    "bind",
    "convert",
    "is_write",
    "write_operations",
    "check_read_only",
    "READ_ONLY_MESSAGE",
    "library_frame",
    "run",
]


@dataclass(frozen=True)
class QueryFile:
    """One query of the library (or any ``.cypher`` file)."""

    name: str
    cypher: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def parameters(self) -> list[str]:
        """Every parameter the query takes: those used in the text, then declared-only ones."""
        names = named_parameters(self.cypher)
        return names + [p.name for p in self.params if p.name not in names]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# ------------------------------------------------------------------------------ files


def default_folder(env: Mapping[str, str] | None = None) -> Path:
    """Where the query library lives (see the module docstring)."""
    env = os.environ if env is None else env
    if env.get("NETLENS_QUERIES"):
        return Path(env["NETLENS_QUERIES"]).expanduser()
    here = Path(__file__).resolve().parent
    for candidate in (here / "query_files", here.parent / "queries"):
        if candidate.is_dir() and any(candidate.glob("*.cypher")):
            return candidate
    return here.parent / "queries"


_PARAM_LINE = re.compile(
    rf"^\$(?P<name>{PARAM_NAME})\s*(?::\s*(?P<type>\w+))?\s*(?:=\s*(?P<default>\"[^\"]*\"|'[^']*'|\S+))?\s*(?P<desc>.*)$"
)


def parse_query(text: str, name: str = "query", path: Path | None = None) -> QueryFile:
    """Read the header comment of ``text`` (title, description, ``$parameters``).

    Examples
    --------
    >>> text = "// Top hubs\\n//\\n// Members with most partners.\\n// $top: int = 10  how many\\nMATCH (n) RETURN n LIMIT $top"
    >>> q = parse_query(text)
    >>> q.title, q.description, [str(p) for p in q.params], q.params[0].description
    ('Top hubs', 'Members with most partners.', ['$top: int = 10'], 'how many')
    """
    header: list[str] = []
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if not stripped and not header:
            continue
        if not stripped.startswith("//"):
            break
        header.append(stripped[2:].strip())
    title = ""
    desc: list[str] = []
    params: list[Param] = []
    for line in header:
        m = _PARAM_LINE.match(line)
        if m:
            ptype = m.group("type")
            if ptype is not None and ptype not in TYPES:
                where = path or name
                raise QueryError(
                    f"{where}: parameter ${m.group('name')} has unknown type {ptype!r}; expected one of {', '.join(TYPES)}"
                )
            default = m.group("default")
            if default is not None and default[:1] in "\"'" and len(default) >= 2:
                default = default[1:-1]
            descr = re.sub(r"^(?:--|—|-|:)\s*", "", m.group("desc").strip())
            params.append(Param(m.group("name"), ptype, default, descr))
        elif not title and line:
            title = line
        elif title:
            desc.append(line)
    description = "\n".join(desc).strip()
    description = re.sub(r"(?<!\n)\n(?!\n)", " ", description)  # unwrap lines, keep paragraphs
    return QueryFile(name=name, cypher=text, title=title, description=description, params=tuple(params), path=path)


def list_queries(folder: str | Path | None = None) -> list[QueryFile]:
    """Every ``*.cypher`` file of ``folder`` (default: the library), sorted by name."""
    root = Path(folder) if folder is not None else default_folder()
    if not root.is_dir():
        raise NotFoundError(f"{root}: the query library folder does not exist")
    return [parse_query(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(root.glob("*.cypher"))]


def load_query(name_or_path: str | Path, folder: str | Path | None = None) -> QueryFile:
    """A query of the library by name (``top-hubs``), or any ``.cypher`` file by path."""
    text = str(name_or_path)
    path = Path(text).expanduser()
    looks_like_path = text.endswith(".cypher") or os.sep in text or "/" in text
    if looks_like_path:
        if not path.is_file():
            raise NotFoundError(f"{text}: no such query file")
        return parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    library = list_queries(folder)
    for q in library:
        if q.name == text:
            return q
    close = difflib.get_close_matches(text, [q.name for q in library], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFoundError(f"no query named {text!r} in the library{hint} (netlens query --list shows them)")


def library_frame(queries: list[QueryFile] | None = None) -> pd.DataFrame:
    """The library as a table: name, title, parameters (for ``netlens query --list``)."""
    queries = list_queries() if queries is None else queries
    rows = [
        {
            "name": q.name,
            "title": q.title,
            "parameters": " ".join(str(q.param(p) or Param(p)) for p in q.parameters),
        }
        for q in queries
    ]
    return pd.DataFrame(rows, columns=["name", "title", "parameters"])


def run(store: Store, query: QueryFile | str, given: Mapping[str, Any] | None = None, *, write: bool = False) -> QueryResult:
    """Bind the parameters of ``query`` (a :class:`QueryFile` or Cypher text), check it, and run it on ``store``.

    Missing/unknown parameters and (unless ``write``) write clauses are refused before execution.
    """
    cypher = query.cypher if isinstance(query, QueryFile) else query
    params = bind(query, given)
    if not write:
        check_read_only(cypher)
    return store.query(cypher, params, write=write)
