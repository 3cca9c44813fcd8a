"""The one member-name resolver: which member an id or a name (case- and accent-insensitive) means at a level.

:func:`resolve_member` takes a network and a query and returns a member id; paths, explanations and the CLI all
use it. :func:`normalise` is the text key it compares (also used to match topics).
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Any

import pandas as pd

from netlens.errors import NotFoundError, UsageError
from netlens.model.network import Tables, as_network, check_level
from netlens.values import is_missing

__all__ = ["normalise", "resolve_member"]


def normalise(text: Any) -> str:
    """The comparison key of a name or id: accents removed, case-folded, ``_`` as space, spaces collapsed.

    >>> normalise('  Köln_Bonn ')
    'koln bonn'
    """
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().replace("_", " ").split())


def resolve_member(network: Tables, query: str, *, level: str = "city") -> str:
    """The member id at ``level`` meant by ``query`` (an id or a name; case- and accent-insensitive).

    At city level an organisation stands for its city. Unknown names raise
    :class:`~netlens.errors.NotFoundError` with close matches; a name shared by several members raises
    :class:`~netlens.errors.UsageError` listing their ids.

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["muenchen", "koeln"], "name": ["München", "Köln"], "country": ["DE", "DE"],
    ...                             "lat": [None] * 2, "lon": [None] * 2, "population": [None] * 2, "tags": [None] * 2})
    >>> resolve_member(t, "MUNCHEN")
    'muenchen'
    >>> resolve_member(t, "Munich")
    Traceback (most recent call last):
    ...
    netlens.errors.NotFoundError: no city 'Munich'; did you mean: München (muenchen)?
    """
    check_level(level)
    return _resolve(as_network(network).members(), query, level)


def _resolve(mem: pd.DataFrame, query: str, level: str) -> str:
    """:func:`resolve_member` on the members frame (:meth:`netlens.model.network.Network.members`)."""
    q = str(query).strip()
    hit = q if q in mem.index else _match(mem, query, level)
    if level == "city" and mem.at[hit, "kind"] != "city":
        city = mem.at[hit, "city_id"]
        if is_missing(city):
            raise NotFoundError(f"{mem.at[hit, 'name']} ({hit}) is an organisation without a city; use level organisation")
        return str(city)
    return str(hit)


def _match(mem: pd.DataFrame, query: str, level: str) -> str:
    """The one member whose normalised id (else name) is the normalised query (cities first at city level)."""
    nq = normalise(str(query).strip())
    by_id = [i for i in mem.index if normalise(i) == nq]
    by_name = [i for i, n in zip(mem.index, mem["name"]) if n is not None and normalise(n) == nq]
    found = list(dict.fromkeys(by_id or by_name))
    if level == "city" and len(found) > 1:  # prefer cities over same-named organisations
        cities = [i for i in found if mem.at[i, "kind"] == "city"]
        found = cities or found
    if len(found) > 1:
        listed = ", ".join(f"{mem.at[i, 'name']} ({_where(mem, i)})" for i in found)
        raise UsageError(f"{query!r} is ambiguous: {listed}; use an id")
    if not found:
        raise _not_found(mem, query, nq, level)
    return str(found[0])


def _where(mem: pd.DataFrame, i: str) -> str:
    """``id, country`` of a member (just the id when its country is unknown), so same-named members tell apart."""
    country = mem.at[i, "country"] if "country" in mem.columns else None
    return f"{i}, {country}" if isinstance(country, str) and country else str(i)


def _not_found(mem: pd.DataFrame, query: str, nq: str, level: str) -> NotFoundError:
    """The error for an unknown member, naming up to five close matches."""
    kind = "city" if level == "city" else "member"
    pool = mem if level != "city" else mem[mem["kind"] == "city"]
    keys: dict[str, str] = {}
    for i, n in zip(pool.index, pool["name"]):
        keys.setdefault(normalise(i), i)
        if n is not None:
            keys.setdefault(normalise(n), i)
    close = difflib.get_close_matches(nq, list(keys), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(keys[c] for c in close))
    listed = ", ".join(f"{mem.at[i, 'name']} ({i})" for i in ids)
    hint = f"; did you mean: {listed}?" if ids else ""
    return NotFoundError(f"no {kind} {query!r}{hint}")
