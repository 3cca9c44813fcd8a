"""Cypher parameters: the ``$names`` a statement uses, declared parameters, and command-line values bound to them.

Takes Cypher text (or a query with declared parameters, e.g. :class:`netlens.querylib.QueryFile`) and the
strings given on the command line (``--param k=v``); returns the parameter names (:func:`named_parameters`)
and the typed values to run the statement with (:func:`bind`, which converts with :func:`convert`).

Values given on the command line are strings. :func:`bind` converts them to the declared type; an undeclared
parameter is read as a bool (``true``/``false``), an integer, a number, an ISO date (``2020-05-01``) or else
text. ``--param k:str=2022`` forces a type (here: text).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from netlens.cypher.lexer import PARAM_NAME, scan
from netlens.errors import QueryError, UsageError

__all__ = ["TYPES", "Param", "DeclaredQuery", "named_parameters", "convert", "bind"]

#: parameter types a query header may declare; ``city`` is text naming a city or organisation (id or name),
#: which :func:`netlens.querylib.run` resolves against the store before the query runs
TYPES = ("str", "int", "float", "bool", "date", "list", "city")

#: the range of a Cypher integer (64-bit signed, in Neo4j and kglite alike)
INT_RANGE = (-(2**63), 2**63 - 1)


def _checked_int(value: str, name: str) -> int:
    number = int(value.strip())
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise QueryError(f"parameter ${name}: {value.strip()} is out of range (a Cypher integer is at most {INT_RANGE[1]:,})")
    return number


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


class DeclaredQuery(Protocol):
    """A query whose parameters are declared (:class:`netlens.querylib.QueryFile` is one)."""

    @property
    def cypher(self) -> str: ...

    @property
    def parameters(self) -> list[str]: ...

    def param(self, name: str) -> Param | None: ...


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
    for kind, chunk in scan(cypher):
        if kind == "quoted" and pending_dollar:
            names.append(chunk[1:-1].replace("``", "`"))
        if kind == "code":
            names += re.findall(rf"\$({PARAM_NAME})", chunk)
            pending_dollar = chunk.endswith("$")
        else:
            pending_dollar = False
    return list(dict.fromkeys(names))


_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def _guess(value: str, name: str = "value") -> Any:
    """An undeclared value: bool, int, float, ISO date, else the text itself."""
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if _INT.match(value.strip()):
        return _checked_int(value, name)
    if _FLOAT.match(value.strip()):
        return float(value)
    if _DATE.match(value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _typed(value: str, type_: str, name: str) -> Any:
    """``value`` as ``type_``; raises ValueError when it is not one (None for an unknown type)."""
    if type_ in ("str", "city"):
        return value
    if type_ == "int":
        return _checked_int(value, name)
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
    return None


def convert(value: str, type_: str | None = None, name: str = "value") -> Any:
    """Convert a command-line string to ``type_``; without a type, guess (bool, int, float, ISO date, text).

    Examples
    --------
    >>> convert("10", "int"), convert("2020-05-01"), convert("0.5"), convert("true"), convert("nantes")
    (10, datetime.date(2020, 5, 1), 0.5, True, 'nantes')
    >>> convert("2022", "str"), convert("energy; ict", "list")
    ('2022', ['energy', 'ict'])
    >>> convert("99999999999999999999", "int", "top")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netlens.errors.QueryError: parameter $top: 99999999999999999999 is out of range (a Cypher integer is at most ...)
    """
    if type_ is None:
        return _guess(value, name)
    if type_ not in TYPES:
        raise UsageError(f"parameter ${name}: unknown type {type_!r}; expected one of {', '.join(TYPES)}")
    try:
        return _typed(value, type_, name)
    except ValueError:
        expected = {"int": "a whole number", "float": "a number", "bool": "true or false", "date": "an ISO date YYYY-MM-DD"}[
            type_
        ]
        raise QueryError(f"parameter ${name} expects {expected}, got {value!r}") from None


def _describe(q: DeclaredQuery | None, name: str) -> str:
    p = q.param(name) if q is not None else None
    if p is None:
        return f"${name}"
    text = str(p)
    return f"{text} ({p.description})" if p.description else text


def _problems(q: DeclaredQuery | None, allowed: list[str], missing: list[str], unknown: list[str]) -> str:
    problems = []
    if missing:
        problems.append(f"missing parameter{'s' if len(missing) > 1 else ''} " + ", ".join(_describe(q, m) for m in missing))
    if unknown:
        problems.append(f"unknown parameter{'s' if len(unknown) > 1 else ''} " + ", ".join(f"${u}" for u in unknown))
    takes = ", ".join(f"${a}" for a in allowed) if allowed else "no parameters"
    return "; ".join(problems) + f" (this query takes {takes})"


def _given(q: DeclaredQuery | None, allowed: list[str], given: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The converted values of ``given`` for ``allowed`` names, and the unknown names."""
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, raw in given.items():
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
    return values, unknown


def bind(query: DeclaredQuery | str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
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
    q = None if isinstance(query, str) else query
    allowed = q.parameters if q is not None else named_parameters(str(query))
    values, unknown = _given(q, allowed, given or {})
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
        raise QueryError(_problems(q, allowed, missing, unknown))
    return {name: values[name] for name in allowed}
