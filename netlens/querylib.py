"""The query library: ready Cypher files with their declared parameters, and running them on a store.

A query file (``queries/NAME.cypher``) is plain Cypher that runs unchanged on the embedded store and on
Neo4j 5. It starts with a header comment::

    // Partners of a city
    //
    // Everyone a city (or organisation) shares a project or an exchange with, and what they share.
    //
    // $city: city       the city's id or name, e.g. nantes or Plzeň
    // $top: int = 10    how many rows to show

The first header line is the title, the other plain lines are the description, and each ``// $name``
line declares a parameter: an optional type (``str``, ``int``, ``float``, ``bool``, ``date``, ``list``,
``city``), an optional default after ``=`` (quote it if it has spaces) and a description. The header ends
at the first line that is not a ``//`` comment. A ``city`` parameter names a city or organisation by id or
name; :func:`run` resolves it against the store first (accents folded; an unknown name raises
:class:`~netlens.errors.NotFoundError` listing the closest members with their countries).

A query is one statement (a trailing ``;`` is allowed): :func:`run` refuses ``;``-separated statements.
Library queries are found by name only (:func:`load_query` never opens a path); a file of one's own is
opened with :func:`load_file`, which accepts ``.cypher`` files only.

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

from netlens.analysis.names import normalise
from netlens.cypher.lexer import PARAM_NAME, statements
from netlens.cypher.params import TYPES, Param, bind, convert, named_parameters
from netlens.cypher.readonly import READ_ONLY_MESSAGE, check_read_only, is_write, write_operations
from netlens.errors import NotFoundError, QueryError, UsageError
from netlens.store.protocol import QueryResult, Store

__all__ = [
    "TYPES",
    "Param",
    "QueryFile",
    "default_folder",
    "list_queries",
    "load_query",
    "load_file",
    "single_statement",
    "resolve_member",
    "resolve_members",
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


#: a query name: letters, digits, ``-`` and ``_`` (never a path)
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def load_query(name: str, folder: str | Path | None = None) -> QueryFile:
    """A query of the library by name (``top-hubs``); names never leave the library folder (files: :func:`load_file`)."""
    text = str(name)
    library = list_queries(folder)
    if _QUERY_NAME.match(text):
        for q in library:
            if q.name == text:
                return q
    close = difflib.get_close_matches(text, [q.name for q in library], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    file_hint = " (a query file is run with --file PATH)" if ("/" in text or os.sep in text or "." in text) else ""
    raise NotFoundError(f"no query named {text!r} in the library{hint}{file_hint} (netlens query --list shows them)")


def load_file(path: str | Path) -> QueryFile:
    """A query file given explicitly (``netlens query --file PATH``): it must be a ``.cypher`` file."""
    p = Path(path).expanduser()
    if p.suffix.lower() != ".cypher":
        raise UsageError(f"{path}: a query file must end in .cypher")
    if not p.is_file():
        raise NotFoundError(f"{path}: no such query file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query file ({exc})") from None
    return parse_query(text, p.stem, p)


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


def single_statement(cypher: str) -> str:
    """``cypher`` as one statement (a trailing ``;`` removed); several ``;``-separated statements are refused."""
    parts = statements(cypher)
    if len(parts) > 1:
        raise QueryError(
            f"the query has {len(parts)} statements separated by ';'; netlens query runs one statement at a time "
            "(run them one by one)"
        )
    return parts[0].strip() if parts else cypher


_MEMBERS = (
    "MATCH (m) WHERE m:City OR m:Organisation RETURN m.id AS id, m.name AS name, m.country AS country, labels(m)[0] AS kind"
)


def _member_text(m: Mapping[str, Any]) -> str:
    where = f", {m['country']}" if m.get("country") else ""
    return f"{m.get('name')} ({m.get('kind', '').lower()} {m.get('id')}{where})"


def resolve_member(members: list[dict[str, Any]], value: str, name: str = "city") -> str:
    """The value to pass for a ``city`` parameter: ``value`` when a member has it as id or name (any case),
    else the id of the one member whose id or name matches with accents folded (``Plzen`` → ``plzen``).

    Raises :class:`NotFoundError` (exit 6) naming up to 5 close names with their countries.

    >>> ms = [{"id": "plzen", "name": "Plzeň", "country": "CZ", "kind": "City"},
    ...       {"id": "paris", "name": "Paris", "country": "FR", "kind": "City"}]
    >>> resolve_member(ms, "PLZEŇ"), resolve_member(ms, "Plzen")
    ('PLZEŇ', 'plzen')
    >>> resolve_member(ms, "Pariss")
    Traceback (most recent call last):
    ...
    netlens.errors.NotFoundError: $city: no city or organisation 'Pariss' in the store; closest: Paris (city paris, FR)
    """
    low = value.casefold()
    if any(m.get("id") == value or str(m.get("name") or "").casefold() == low for m in members):
        return value
    key = normalise(value)
    folded = [m for m in members if normalise(m.get("id") or "") == key or normalise(m.get("name") or "") == key]
    cities = [m for m in folded if m.get("kind") == "City"]
    chosen = cities or folded
    if len(chosen) == 1:
        return str(chosen[0]["id"])
    if len(chosen) > 1:
        listed = "; ".join(_member_text(m) for m in chosen[:5])
        raise NotFoundError(f"${name}: {value!r} matches several members: {listed}; give an id")
    by_key: dict[str, list[dict[str, Any]]] = {}
    for m in members:
        by_key.setdefault(normalise(m.get("name") or ""), []).append(m)
        by_key.setdefault(normalise(m.get("id") or ""), []).append(m)
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6)
    shown = list({id(m): m for k in close for m in by_key[k]}.values())[:5]
    hint = "; closest: " + "; ".join(_member_text(m) for m in shown) if shown else ""
    raise NotFoundError(f"${name}: no city or organisation {value!r} in the store{hint}")


def resolve_members(store: Store, query: QueryFile | str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every ``city``-typed parameter resolved against the store's members (:func:`resolve_member`)."""
    if not isinstance(query, QueryFile):
        return params
    names = [p.name for p in query.params if p.type == "city" and isinstance(params.get(p.name), str)]
    if not names:
        return params
    members = store.query(_MEMBERS).rows
    return {k: resolve_member(members, v, k) if k in names else v for k, v in params.items()}


def run(store: Store, query: QueryFile | str, given: Mapping[str, Any] | None = None, *, write: bool = False) -> QueryResult:
    """Bind the parameters of ``query`` (a :class:`QueryFile` or Cypher text), check it, and run it on ``store``.

    Missing/unknown parameters, several ``;``-separated statements and (unless ``write``) write clauses are
    refused before execution; ``city`` parameters are resolved first (an unknown city: :class:`NotFoundError`).
    """
    cypher = single_statement(query.cypher if isinstance(query, QueryFile) else query)
    params = bind(query, given)
    if not write:
        check_read_only(cypher)
    params = resolve_members(store, query, params)
    return store.query(cypher, params, write=write)
