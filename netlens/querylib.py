"""The query library: ready Cypher files, their parameters, and the read-only check.

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

Parameters are also found in the query text itself (:func:`named_parameters`, which ignores ``$x`` inside
string literals and comments, like datasette's ``named_parameters``), so ad-hoc ``--cypher`` queries are
checked too: :func:`bind` reports missing *and* unknown parameters before anything runs.

Values given on the command line (``--param k=v``) are strings. :func:`bind` converts them to the
declared type; an undeclared parameter is read as a bool (``true``/``false``), an integer, a number, an
ISO date (``2020-05-01``) or else text. ``--param k:str=2022`` forces a type (here: text).

:func:`is_write` is a conservative check for statements that change the graph (``CREATE``, ``MERGE``,
``SET``, ``DELETE``, ``REMOVE``, ``DROP``, ``FOREACH``, ``LOAD CSV``, write procedures such as
``apoc.create.*`` or ``gds.*.write`` …) that both stores apply in addition to the engine's own
read-only mode (kglite's read-only mode lets ``LOAD CSV`` read local files, for instance).

Where the library lives
-----------------------
In a source checkout or an editable install: the ``queries/`` folder at the top of the repository. In
an installed wheel: ``netlens/query_files/`` inside the package (shipped as package data, see
``pyproject.toml``). ``NETLENS_QUERIES`` points at another folder.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from netlens.errors import NotFoundError, QueryError, ReadOnlyQueryError, UsageError

if TYPE_CHECKING:
    from netlens.store.core import QueryResult, Store

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
    "return_columns",
    "READ_ONLY_MESSAGE",
    "library_frame",
    "run",
]

#: parameter types a header may declare
TYPES = ("str", "int", "float", "bool", "date", "list")

READ_ONLY_MESSAGE = "this query writes to the graph ({ops}) and netlens query is read-only; add --write to allow it"

_PARAM_NAME = r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+"


@dataclass(frozen=True)
class Param:
    """A parameter declared in a query header."""

    name: str
    type: str | None = None
    default: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def __str__(self) -> str:
        text = f"${self.name}"
        if self.type:
            text += f": {self.type}"
        if self.default is not None:
            shown = f'"{self.default}"' if self.default == "" or any(c.isspace() for c in self.default) else self.default
            text += f" = {shown}"
        return text


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


# ------------------------------------------------------------------------------ scanning Cypher text


def _scan(text: str) -> Iterator[tuple[str, str]]:
    """Split Cypher ``text`` into ``(kind, chunk)``: ``code``, ``string``, ``comment`` or ``quoted`` (`` `x` ``)."""
    i, n, start = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch in "'\"" or ch == "`" or text.startswith("//", i) or text.startswith("/*", i):
            if i > start:
                yield "code", text[start:i]
            if ch in "'\"":
                j = i + 1
                while j < n and text[j] != ch:
                    j += 2 if text[j] == "\\" else 1
                yield "string", text[i : j + 1]
            elif ch == "`":
                j = i + 1
                while j < n:
                    if text[j] == "`":
                        if text.startswith("``", j):  # a doubled backtick escapes one
                            j += 2
                            continue
                        break
                    j += 1
                yield "quoted", text[i : j + 1]
            elif text.startswith("//", i):
                j = text.find("\n", i)
                j = n - 1 if j < 0 else j - 1
                yield "comment", text[i : j + 1]
            else:
                j = text.find("*/", i + 2)
                j = n - 1 if j < 0 else j + 1
                yield "comment", text[i : j + 1]
            i = start = j + 1
        else:
            i += 1
    if start < n:
        yield "code", text[start:]


def named_parameters(cypher: str) -> list[str]:
    """The ``$parameters`` of ``cypher`` in order of first use, ignoring strings and comments.

    Examples
    --------
    >>> named_parameters("MATCH (c:City {id: $city}) WHERE c.name <> '$not' // $nor\\nRETURN c LIMIT $top")
    ['city', 'top']
    >>> named_parameters("RETURN $`odd name`, $0, $city, $city")
    ['odd name', '0', 'city']
    """
    names: list[str] = []
    pending_dollar = False
    for kind, chunk in _scan(cypher):
        if kind == "quoted" and pending_dollar:
            names.append(chunk[1:-1].replace("``", "`"))
        if kind == "code":
            names += re.findall(rf"\$({_PARAM_NAME})", chunk)
            pending_dollar = chunk.endswith("$")
        else:
            pending_dollar = False
    return list(dict.fromkeys(names))


_WRITE_CLAUSES = re.compile(
    r"(?<![\w.:$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|INSERT|ALTER|GRANT|DENY|REVOKE|RENAME|TERMINATE)\b(?!\s*:)"
    r"|(?<![\w.:$])(LOAD\s+CSV|(?:START|STOP)\s+DATABASE)\b",
    re.IGNORECASE,
)
_CALL = re.compile(r"(?<![\w.:$])CALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
#: words in a procedure name that mark it as writing (apoc.create.node, apoc.periodic.iterate,
#: apoc.cypher.doIt, gds.pageRank.write, db.createLabel, apoc.load.json, apoc.export.csv.all …)
_WRITE_WORDS = {
    "create",
    "merge",
    "delete",
    "remove",
    "set",
    "refactor",
    "periodic",
    "doit",
    "write",
    "drop",
    "import",
    "export",
    "load",
    "atomic",
    "assert",
    "add",
    "install",
    "clear",
    "insert",
    "update",
    "rename",
    "truncate",
    "kill",
    "terminate",
}


def _code_only(cypher: str) -> str:
    """``cypher`` with strings and comments blanked and quoted names replaced by ``x``."""
    parts = []
    for kind, chunk in _scan(cypher):
        if kind == "code":
            parts.append(chunk)
        elif kind == "quoted":
            parts.append("x")
        else:
            parts.append(" ")
    return "".join(parts)


def write_operations(cypher: str) -> list[str]:
    """The clauses or procedures that make ``cypher`` a write (empty for a read), upper-cased.

    Examples
    --------
    >>> write_operations("MATCH (n:City) WHERE n.name = 'CREATE' SET n.seen = true // DELETE")
    ['SET']
    >>> write_operations("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})")
    ['CALL apoc.periodic.iterate']
    >>> write_operations("MATCH (n {set: 1})-[:CREATE]->(m) RETURN n.delete, $merge")
    []
    """
    code = _code_only(cypher)
    ops = [re.sub(r"\s+", " ", m.group(0)).upper() for m in _WRITE_CLAUSES.finditer(code)]
    for m in _CALL.finditer(code):
        words = {w.lower() for seg in m.group(1).split(".") for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", seg)}
        words |= {seg.lower() for seg in m.group(1).split(".")}
        if words & _WRITE_WORDS:
            ops.append(f"CALL {m.group(1)}")
    return list(dict.fromkeys(ops))


def is_write(cypher: str) -> bool:
    """Whether ``cypher`` (outside strings and comments) changes the graph or touches files.

    Conservative: used together with the engine's read-only mode, never instead of it.

    Examples
    --------
    >>> is_write("MATCH (c:City) RETURN c.name")
    False
    >>> is_write("match (c:City) merge (c)-[:TIE]->(c)")
    True
    >>> is_write("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")
    True
    """
    return bool(write_operations(cypher))


def check_read_only(cypher: str) -> None:
    """Raise :class:`ReadOnlyQueryError` if ``cypher`` writes (see :func:`is_write`)."""
    ops = write_operations(cypher)
    if ops:
        raise ReadOnlyQueryError(READ_ONLY_MESSAGE.format(ops=", ".join(ops)))


_TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|.", re.S)


def _tokens(cypher: str) -> list[tuple[str, int, str]]:
    """``(kind, depth, text)`` of every token outside comments: ``word``, ``quoted``, ``string``, ``space``, ``punct``.

    ``depth`` counts the brackets ``( [ {`` around the token (an opening bracket has the outer depth).
    """
    out: list[tuple[str, int, str]] = []
    depth = 0
    for kind, chunk in _scan(cypher):
        if kind == "comment":
            out.append(("space", depth, " "))
        elif kind != "code":
            out.append((kind, depth, chunk))
        else:
            for m in _TOKEN.finditer(chunk):
                tok = m.group()
                if tok.isspace():
                    out.append(("space", depth, tok))
                elif tok[0].isalpha() or tok[0] == "_":
                    out.append(("word", depth, tok))
                elif tok in ")]}":
                    depth = max(depth - 1, 0)
                    out.append(("punct", depth, tok))
                else:
                    out.append(("punct", depth, tok))
                    if tok in "([{":
                        depth += 1
    return out


def return_columns(cypher: str) -> list[str] | None:
    """The column names a query's final ``RETURN`` gives, read from its text (``None`` for ``RETURN *`` or none).

    A column is its alias (``AS name``, backticks removed) or, without one, the expression as written — the
    names Neo4j gives. Only the top-level ``RETURN`` counts (not those inside ``CALL {}``, ``COUNT {}`` or
    ``EXISTS {}``); with ``UNION`` the first part's. The Neo4j store uses this when a server sends an empty
    result without column names (ArcadeDB does).

    Examples
    --------
    >>> return_columns("MATCH (c:City) RETURN c.id AS id, c.name AS `the name`, count(*) ORDER BY id LIMIT 3")
    ['id', 'the name', 'count(*)']
    >>> return_columns("MATCH (c) WHERE COUNT { MATCH (c)--() RETURN c } > 1 RETURN DISTINCT c.country, /* x */ {a: [2]} AS m")
    ['c.country', 'm']
    >>> return_columns("CALL { MATCH (n) RETURN n } RETURN n.id AS `a``b` UNION RETURN 'x' AS `a``b`")
    ['a`b']
    >>> return_columns("MATCH (n) RETURN *"), return_columns("MATCH (n) SET n.x = 1")
    (None, None)
    """
    toks = _tokens(cypher)
    top = [i for i, (kind, depth, _) in enumerate(toks) if depth == 0 and kind != "space"]

    def word(i: int, *names: str) -> bool:
        return toks[i][0] == "word" and toks[i][2].upper() in names

    union = next((k for k, i in enumerate(top) if word(i, "UNION")), len(top))
    starts = [k for k in range(union) if word(top[k], "RETURN")]
    if not starts:
        return None
    begin = starts[-1] + 1
    end = next((k for k in range(begin, union) if word(top[k], "ORDER", "SKIP", "LIMIT") or toks[top[k]][2] == ";"), union)
    if begin < end and word(top[begin], "DISTINCT"):
        begin += 1
    items: list[list[int]] = [[]]
    for k in range(begin, end):
        if toks[top[k]][2] == ",":
            items.append([])
        else:
            items[-1].append(k)
    columns: list[str] = []
    for item in items:
        if not item:
            return None
        if len(item) == 1 and toks[top[item[0]]][2] == "*":
            return None
        if len(item) >= 3 and word(top[item[-2]], "AS"):
            kind, _, text = toks[top[item[-1]]]
            columns.append(text[1:-1].replace("``", "`") if kind == "quoted" else text)
        else:
            first, last = top[item[0]], top[item[-1]]
            columns.append("".join(t[2] for t in toks[first : last + 1]).strip())
    return columns


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
    rf"^\$(?P<name>{_PARAM_NAME})\s*(?::\s*(?P<type>\w+))?\s*(?:=\s*(?P<default>\"[^\"]*\"|'[^']*'|\S+))?\s*(?P<desc>.*)$"
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


# ------------------------------------------------------------------------------ binding values

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def convert(value: str, type_: str | None = None, name: str = "value") -> Any:
    """Convert a command-line string to ``type_``; without a type, guess (bool, int, float, ISO date, text).

    Examples
    --------
    >>> convert("10", "int"), convert("2020-05-01"), convert("0.5"), convert("true"), convert("nantes")
    (10, datetime.date(2020, 5, 1), 0.5, True, 'nantes')
    >>> convert("2022", "str"), convert("energy; ict", "list")
    ('2022', ['energy', 'ict'])
    """
    if type_ is None:
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
        if _INT.match(value.strip()):
            return int(value)
        if _FLOAT.match(value.strip()):
            return float(value)
        if _DATE.match(value.strip()):
            try:
                return _dt.date.fromisoformat(value.strip())
            except ValueError:
                return value
        return value
    try:
        if type_ == "str":
            return value
        if type_ == "int":
            return int(value.strip())
        if type_ == "float":
            return float(value.strip())
        if type_ == "bool":
            low = value.strip().lower()
            if low in _TRUE | _FALSE:
                return low in _TRUE
            raise ValueError
        if type_ == "date":
            if not _DATE.match(value.strip()):
                raise ValueError
            return _dt.date.fromisoformat(value.strip())
        if type_ == "list":
            return [x.strip() for x in value.split(";") if x.strip()]
    except ValueError:
        expected = {"int": "a whole number", "float": "a number", "bool": "true or false", "date": "an ISO date YYYY-MM-DD"}[
            type_
        ]
        raise QueryError(f"parameter ${name} expects {expected}, got {value!r}") from None
    raise UsageError(f"parameter ${name}: unknown type {type_!r}; expected one of {', '.join(TYPES)}")


def _describe(q: QueryFile | None, name: str) -> str:
    p = q.param(name) if q is not None else None
    if p is None:
        return f"${name}"
    text = str(p)
    return f"{text} ({p.description})" if p.description else text


def bind(query: QueryFile | str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameter values for ``query`` from ``given`` (``{"top": "5"}`` or ``{"top:int": "5"}``) and defaults.

    Raises :class:`QueryError` naming every missing and every unknown parameter, before anything runs.
    Values that are not strings are passed through unchanged.

    Examples
    --------
    >>> bind("MATCH (c:City {id: $city}) RETURN c LIMIT $top", {"city": "nantes", "top": "3"})
    {'city': 'nantes', 'top': 3}
    >>> bind("RETURN $a", {"b": "1"})
    Traceback (most recent call last):
    ...
    netlens.errors.QueryError: missing parameter $a; unknown parameter $b (this query takes $a)
    """
    q = query if isinstance(query, QueryFile) else None
    cypher = query.cypher if isinstance(query, QueryFile) else query
    allowed = q.parameters if q is not None else named_parameters(cypher)
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, raw in (given or {}).items():
        name, _, forced = str(key).partition(":")
        name = name.strip().lstrip("$")
        if name not in allowed:
            unknown.append(name)
            continue
        if forced and forced not in TYPES:
            raise QueryError(f"parameter ${name}: unknown type {forced!r}; expected one of {', '.join(TYPES)}")
        declared = q.param(name) if q is not None else None
        type_ = forced or (declared.type if declared else None)
        values[name] = convert(raw, type_, name) if isinstance(raw, str) else raw
    missing = []
    for name in allowed:
        if name in values:
            continue
        declared = q.param(name) if q is not None else None
        if declared is not None and declared.default is not None:
            values[name] = convert(declared.default, declared.type, name)
        else:
            missing.append(name)
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing parameter{'s' if len(missing) > 1 else ''} " + ", ".join(_describe(q, m) for m in missing))
        if unknown:
            problems.append(f"unknown parameter{'s' if len(unknown) > 1 else ''} " + ", ".join(f"${u}" for u in unknown))
        takes = ", ".join(f"${a}" for a in allowed) if allowed else "no parameters"
        raise QueryError("; ".join(problems) + f" (this query takes {takes})")
    return {name: values[name] for name in allowed}


def run(store: Store, query: QueryFile | str, given: Mapping[str, Any] | None = None, *, write: bool = False) -> QueryResult:
    """Bind the parameters of ``query`` (a :class:`QueryFile` or Cypher text), check it, and run it on ``store``.

    Missing/unknown parameters and (unless ``write``) write clauses are refused before execution.
    """
    cypher = query.cypher if isinstance(query, QueryFile) else query
    params = bind(query, given)
    if not write:
        check_read_only(cypher)
    return store.query(cypher, params, write=write)
