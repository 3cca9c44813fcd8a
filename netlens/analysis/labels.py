"""Readable labels of activities and lists: "mySMARTLife (2016–2021)", "study visit 2019", "a, b, +2 more".

Plain text helpers shared by tie evidence, explanations, paths and recommendations (they take names, channels and
dates and return text); :func:`activity_label` is also available from :mod:`netlens.analysis.evidence`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

__all__ = ["CHANNEL_LABELS", "year", "span", "list_items", "tandem_item", "activity_label"]

CHANNEL_LABELS = {  # singular, plural
    "project": ("project", "projects"),
    "mentoring": ("mentoring", "mentoring sessions"),
    "study_visit": ("study visit", "study visits"),
    "tandem_meeting": ("tandem meeting", "tandem meetings"),
    "workshop": ("workshop", "workshops"),
    "conference": ("conference", "conferences"),
    "webinar": ("webinar", "webinars"),
    "other": ("exchange", "exchanges"),
    "tandem": ("declared tandem", "declared tandems"),
    "transfer": ("transfer", "transfers"),
}


def year(d: Any) -> str:
    """The year of a date as text, '' for anything else."""
    return str(d.year) if isinstance(d, _dt.date) else ""


def span(start: Any, end: Any) -> str:
    """'2016–2021' (or one year, or '') for an activity's start and end.

    >>> span(_dt.date(2016, 1, 1), _dt.date(2021, 1, 1)), span(None, _dt.date(2020, 1, 1))
    ('2016–2021', '2020')
    """
    a, b = year(start), year(end)
    if a and b and a != b:
        return f"{a}–{b}"
    return a or b


def list_items(parts: list[str], limit: int = 3) -> str:
    """The first ``limit`` parts joined with commas, then '+k more'.

    >>> list_items(['a', 'b', 'c', 'd'], 2)
    'a, b, +2 more'
    """
    shown = parts[:limit]
    more = len(parts) - len(shown)
    return ", ".join(shown) + (f", +{more} more" if more else "")


def tandem_item(name: str, start: Any, end: Any) -> str:
    """'on <topic> 2019–2021' / 'since 2019' / 'until 2021' for a declared tandem."""
    s = f"on {name}" if name else ""
    if isinstance(start, _dt.date) and isinstance(end, _dt.date):
        s += f" {span(start, end)}"
    elif isinstance(start, _dt.date):
        s += f" since {start.year}"
    elif isinstance(end, _dt.date):
        s += f" until {end.year}"
    return s.strip()


def activity_label(channel: str, name: str, start: Any, end: Any) -> str:
    """A short label for one activity, e.g. "mySMARTLife (2016–2021)", "study visit 2019", "transfer Open data 2020".

    Parameters
    ----------
    channel : str
        One of :data:`~netlens.analysis.weights.CHANNELS`.
    name : str
        The activity's name (a project's name, a transfer's solution, a declared tandem's topics).
    start, end : datetime.date or None

    Returns
    -------
    str

    Examples
    --------
    >>> activity_label("study_visit", "", _dt.date(2019, 5, 28), None)
    'study visit 2019'
    >>> activity_label("transfer", "Open data", _dt.date(2020, 1, 1), None)
    'transfer Open data 2020'
    """
    if channel == "project":
        years = span(start, end)
        return f"{name} ({years})" if years else name
    if channel == "tandem":
        return f"declared tandem {tandem_item(name, start, end)}".strip()
    if channel == "transfer":
        return f"transfer {name} {year(start)}".strip()
    return f"{CHANNEL_LABELS.get(channel, CHANNEL_LABELS['other'])[0]} {year(start)}".strip()  # an exchange: one day
