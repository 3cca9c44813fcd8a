"""The network: the eight validated tables as one typed, immutable object, with memoised derived views.

:func:`netlens.validation.validate` returns a :class:`Network`; every analysis, store and renderer takes one
(or any mapping of the same eight tables, which :func:`as_network` wraps). The derived views — members,
activities, memberships per level and time window, id → label and id → name maps — are computed once per
network object and then shared, so one command that draws a map with a path, communities and a backbone builds
each of them once.

Vocabulary
----------
*member*: a city or an organisation (one id namespace). *activity*: a project or an exchange. A member takes part
in a project through ``participations`` and in an exchange through ``attendances`` (the exchange's ``host_id``
counts as an attendance with role ``host``).

Levels
------
``organisation``: members as recorded — every organisation, and every city that takes part in an activity itself.
``city``: each member is replaced by its city (an organisation by its ``city_id``); members without a city are
left out, and a city counted twice in one activity (directly and through an organisation) counts once.

Time windows
------------
One rule everywhere (:func:`overlaps`): an item with dates ``[start, end]`` is inside ``[since, until]`` when the
two intervals overlap; a missing end is the start (or open, for a running tandem); an undated item is outside every
window, and everything is inside when no window is given.

The DataFrames a network holds and returns are shared, not copied: treat them as read-only.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from netlens.errors import UsageError

__all__ = [
    "TABLE_NAMES",
    "LEVELS",
    "LABEL_OF_TABLE",
    "Tables",
    "Network",
    "as_network",
    "check_level",
    "check_window",
    "overlaps",
    "in_window",
]

#: the tables of a network package, in load order
TABLE_NAMES = ("cities", "organisations", "projects", "participations", "exchanges", "attendances", "tandems", "transfers")
#: member levels of the projections
LEVELS = ("city", "organisation")
#: node table -> store label
LABEL_OF_TABLE = {"cities": "City", "organisations": "Organisation", "projects": "Project", "exchanges": "Exchange"}

#: what functions accept: a :class:`Network` or any mapping of the eight tables
Tables = Mapping[str, pd.DataFrame]


def check_level(level: str, allowed: tuple[str, ...] = LEVELS) -> None:
    """Raise a :class:`UsageError` naming the choices when ``level`` is not one of ``allowed``.

    >>> check_level("region")
    Traceback (most recent call last):
    ...
    netlens.errors.UsageError: unknown level 'region'; expected one of city, organisation
    """
    if level not in allowed:
        raise UsageError(f"unknown level {level!r}; expected one of {', '.join(allowed)}")


def check_window(since: _dt.date | None, until: _dt.date | None) -> None:
    """Refuse an inverted window."""
    if since is not None and until is not None and until < since:
        raise UsageError(f"--until {until} is before --since {since}")


def overlaps(lo: Any, hi: Any, since: _dt.date | None, until: _dt.date | None, *, open_end: bool = False) -> bool:
    """Does ``[lo, hi]`` overlap ``[since, until]``? (the window rule of the module docstring)

    >>> d = _dt.date
    >>> overlaps(d(2019, 1, 1), d(2021, 1, 1), d(2020, 1, 1), None), overlaps(None, None, d(2020, 1, 1), None)
    (True, False)
    >>> overlaps(d(2015, 1, 1), None, d(2020, 1, 1), None), overlaps(d(2015, 1, 1), None, d(2020, 1, 1), None, open_end=True)
    (False, True)
    """
    if since is None and until is None:
        return True
    lo = lo if isinstance(lo, _dt.date) else None
    hi = hi if isinstance(hi, _dt.date) else None
    if lo is None and hi is None:
        return False
    start: _dt.date = lo if lo is not None else hi
    end: _dt.date = hi if hi is not None else (_dt.date.max if open_end else start)
    if since is not None and end < since:
        return False
    return not (until is not None and start > until)


def in_window(start: pd.Series, end: pd.Series, since: _dt.date | None, until: _dt.date | None) -> np.ndarray:
    """:func:`overlaps` over two columns: a boolean mask."""
    if since is None and until is None:
        return np.ones(len(start), dtype=bool)
    return np.fromiter(
        (overlaps(lo, hi, since, until) for lo, hi in zip(start.tolist(), end.tolist())), dtype=bool, count=len(start)
    )


def _list_column(values: pd.Series) -> list[list[str]]:
    return [t if isinstance(t, list) else [] for t in values]


@dataclass(frozen=True, eq=False)
class Network(Mapping[str, pd.DataFrame]):
    """The eight tables of a validated network package, plus memoised views.

    Tables (columns as in the input contract, values typed by validation: dates as ``datetime.date``, lists as
    ``list[str]``, missing as ``None``): ``cities``, ``organisations``, ``projects``, ``participations``,
    ``exchanges``, ``attendances``, ``tandems``, ``transfers``. A network is also a read-only mapping
    ``name -> DataFrame``.
    """

    cities: pd.DataFrame
    organisations: pd.DataFrame
    projects: pd.DataFrame
    participations: pd.DataFrame
    exchanges: pd.DataFrame
    attendances: pd.DataFrame
    tandems: pd.DataFrame
    transfers: pd.DataFrame
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- mapping protocol
    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_NAMES)

    def __len__(self) -> int:
        return len(TABLE_NAMES)

    @classmethod
    def from_tables(cls, tables: Tables) -> Network:
        """A network of the eight tables in ``tables`` (a mapping with exactly these keys)."""
        missing = [t for t in TABLE_NAMES if t not in tables]
        if missing:
            raise UsageError(f"a network needs the tables {', '.join(missing)}")
        return cls(**{t: tables[t] for t in TABLE_NAMES})

    def replace(self, **tables: pd.DataFrame) -> Network:
        """A new network with some tables replaced (views are computed afresh)."""
        return Network.from_tables({**{t: self[t] for t in TABLE_NAMES}, **tables})

    def _cached(self, key: Any, build: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # -- views
    def members(self) -> pd.DataFrame:
        """One row per city and organisation, indexed by id.

        Columns: ``name, kind, type, country, lat, lon, population, tags, city_id``. Organisations take
        ``lat``/``lon`` from their city (so they can be placed on a map); cities have ``type == "city"``.
        """
        frame: pd.DataFrame = self._cached("members", self._members)
        return frame

    def activities(self) -> pd.DataFrame:
        """One row per project and exchange, indexed by id.

        Columns: ``kind`` ("project" | "exchange"), ``name``, ``channel`` ("project" or the exchange type),
        ``start``, ``end`` (dates or None; an exchange starts and ends on its date), ``topics`` (list),
        ``project_id`` (the project an exchange belongs to, else None), ``programme``.
        """
        frame: pd.DataFrame = self._cached("activities", self._activities)
        return frame

    def memberships(
        self, *, level: str = "organisation", since: _dt.date | None = None, until: _dt.date | None = None
    ) -> pd.DataFrame:
        """Who took part in what: one row per (member, activity) at ``level``, within the time window.

        Columns: ``member_id, activity_id, kind, channel, start, end, role``, sorted by activity then member.
        """
        check_level(level)
        check_window(since, until)
        frame: pd.DataFrame = self._cached(("memberships", level, since, until), lambda: self._memberships(level, since, until))
        return frame

    def labels(self) -> dict[str, str]:
        """Node id -> store label for every city, organisation, project and exchange."""
        out: dict[str, str] = self._cached("labels", self._labels)
        return out

    def names(self) -> dict[str, str]:
        """Member id -> display name (the id when the name is missing)."""
        out: dict[str, str] = self._cached("names", self._names)
        return out

    # -- builders
    def _labels(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for table, label in LABEL_OF_TABLE.items():
            out.update(dict.fromkeys(self[table]["id"].tolist(), label))
        return out

    def _names(self) -> dict[str, str]:
        mem = self.members()
        return {str(i): (str(n) if isinstance(n, str) else str(i)) for i, n in zip(mem.index, mem["name"])}

    def _members(self) -> pd.DataFrame:
        c, o = self.cities, self.organisations
        cities = pd.DataFrame(
            {
                "name": c["name"].to_numpy(),
                "kind": "city",
                "type": "city",
                "country": c["country"].to_numpy(),
                "lat": c["lat"].to_numpy(),
                "lon": c["lon"].to_numpy(),
                "population": c["population"].to_numpy(),
                "tags": _list_column(c["tags"]),
                "city_id": c["id"].to_numpy(),
            },
            index=pd.Index(c["id"].to_numpy(), name="id"),
            dtype=object,
        )
        lat = dict(zip(c["id"], c["lat"]))
        lon = dict(zip(c["id"], c["lon"]))
        orgs = pd.DataFrame(
            {
                "name": o["name"].to_numpy(),
                "kind": "organisation",
                "type": [t if t is not None else "other" for t in o["type"]],
                "country": o["country"].to_numpy(),
                "lat": [lat.get(x) for x in o["city_id"]],
                "lon": [lon.get(x) for x in o["city_id"]],
                "population": None,
                "tags": [[] for _ in range(len(o))],
                "city_id": o["city_id"].to_numpy(),
            },
            index=pd.Index(o["id"].to_numpy(), name="id"),
            dtype=object,
        )
        return pd.concat([cities, orgs])

    def _activities(self) -> pd.DataFrame:
        p, e = self.projects, self.exchanges
        projects = pd.DataFrame(
            {
                "kind": "project",
                "name": p["name"].to_numpy(),
                "channel": "project",
                "start": p["start"].to_numpy(),
                "end": p["end"].to_numpy(),
                "topics": _list_column(p["topics"]),
                "project_id": None,
                "programme": p["programme"].to_numpy(),
            },
            index=pd.Index(p["id"].to_numpy(), name="id"),
            dtype=object,
        )
        exchanges = pd.DataFrame(
            {
                "kind": "exchange",
                "name": [t if t is not None else i for t, i in zip(e["title"], e["id"])],
                "channel": e["type"].to_numpy(),
                "start": e["date"].to_numpy(),
                "end": e["date"].to_numpy(),
                "topics": _list_column(e["topics"]),
                "project_id": e["project_id"].to_numpy(),
                "programme": None,
            },
            index=pd.Index(e["id"].to_numpy(), name="id"),
            dtype=object,
        )
        return pd.concat([projects, exchanges])

    def _memberships(self, level: str, since: _dt.date | None, until: _dt.date | None) -> pd.DataFrame:
        m: pd.DataFrame = self._cached("recorded", self._recorded)
        if level == "city":
            m = m.assign(member_id=m["member_id"].map(self.members()["city_id"]))
            m = m[m["member_id"].notna()].drop_duplicates(["member_id", "activity_id"])
        m = m[in_window(m["start"], m["end"], since, until)]
        return m.sort_values(["activity_id", "member_id"], kind="stable").reset_index(drop=True)

    def _recorded(self) -> pd.DataFrame:
        """Organisation-level memberships, all dates, with the activity columns joined."""
        parts, att, ex = self.participations, self.attendances, self.exchanges
        frames = [
            pd.DataFrame(
                {"member_id": parts["member_id"], "activity_id": parts["project_id"], "role": parts["role"]}, dtype=object
            ),
            pd.DataFrame({"member_id": att["member_id"], "activity_id": att["exchange_id"], "role": att["role"]}, dtype=object),
        ]
        hosts = ex[ex["host_id"].notna()]
        if len(hosts):
            frames.append(pd.DataFrame({"member_id": hosts["host_id"], "activity_id": hosts["id"], "role": "host"}, dtype=object))
        m = pd.concat(frames, ignore_index=True)
        # a host also listed as attendee: keep one row, preferring the 'host' role
        m["_host"] = m["role"].eq("host")
        m = (
            m.sort_values("_host", ascending=False, kind="stable")
            .drop_duplicates(["member_id", "activity_id"])
            .drop(columns="_host")
        )
        return m.join(self.activities()[["kind", "channel", "start", "end"]], on="activity_id")


def as_network(tables: Tables) -> Network:
    """``tables`` itself when it is a :class:`Network` (its views are shared), else a network of its tables."""
    return tables if isinstance(tables, Network) else Network.from_tables(tables)
