"""The parameters of tandem strength, significance, paths and recommendations.

:func:`load_weights` reads the packaged defaults (``netlens/tandem_weights.toml``), then a user TOML file, then
overrides, and returns a frozen :class:`TandemWeights`; :data:`CHANNELS` names every channel of evidence.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from netlens.errors import NotFoundError, UsageError

__all__ = ["CHANNELS", "TandemWeights", "load_weights"]


#: Every channel, in the order used for columns and explanations.
CHANNELS = (
    "project",
    "mentoring",
    "study_visit",
    "tandem_meeting",
    "workshop",
    "conference",
    "webinar",
    "other",
    "tandem",
    "transfer",
)


_DISCOUNTS = ("newman", "sqrt", "none")

_MULTIPLEXITY_MODES = ("count", "normalised")

_CLOSENESS = ("resource_allocation", "adamic_adar")


@dataclass(frozen=True)
class TandemWeights:
    """The parameters of tandem strength, significance, paths and recommendations (see the TOML file).

    Build it with :func:`load_weights`; change a copy with :func:`dataclasses.replace`.
    """

    beta: Mapping[str, float]
    size_discount: str = "newman"
    lam: float = math.log(2) / 5
    reference_date: _dt.date | None = None  # None = latest date in the data (or `until`)
    gamma: float = 0.25
    multiplexity_mode: str = "count"
    reciprocity_bonus: float = 0.5
    threshold: float = 0.05
    keep_degree_one: bool = False
    kappa: float = 1.0
    max_candidates: int = 5000
    closeness: str = "resource_allocation"
    source: str = field(default="defaults", compare=False)

    def g(self, n: np.ndarray) -> np.ndarray:
        """Size discount g(n) for activity sizes ``n`` (n ≥ 2)."""
        n = np.asarray(n, dtype=float)
        if self.size_discount == "newman":
            return 1.0 / (n - 1.0)
        if self.size_discount == "sqrt":
            return 1.0 / np.sqrt(n - 1.0)
        return np.ones_like(n)

    def describe(self, dated: bool = True) -> str:
        """One line naming every parameter, for explanations; ``dated=False`` (nothing in the data has a date)
        says that no decay applies instead of quoting λ.

        >>> load_weights().describe(dated=False).split("; ")[2]
        'no decay (nothing is dated)'
        """
        g = {"newman": "1/(n−1)", "sqrt": "1/√(n−1)", "none": "1"}[self.size_discount]
        half = f"half-life {math.log(2) / self.lam:.1f} years" if self.lam > 0 else "no decay"
        beta = ", ".join(f"{c} {self.beta[c]:g}" for c in CHANNELS)
        decay = f"λ = {self.lam:.4g}/year ({half})" if dated else "no decay (nothing is dated)"
        return (
            f"β: {beta}; g(n) = {g}; {decay}; γ = {self.gamma:g} ({self.multiplexity_mode}); "
            f"reciprocity bonus {self.reciprocity_bonus:g}"
        )


def _default_config() -> dict[str, Any]:
    text = resources.files("netlens").joinpath("tandem_weights.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], extra: Mapping[str, Any], source: str) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for section, values in extra.items():
        if section not in out:
            close = difflib.get_close_matches(section, list(out), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (sections: {', '.join(out)})"
            raise UsageError(f"{source}: unknown section {section!r}{hint}")
        if not isinstance(values, Mapping):
            raise UsageError(f"{source}: {section!r} must be a table of keys, e.g. [{section}]")
        for key, value in values.items():
            if key not in out[section]:
                close = difflib.get_close_matches(key, list(out[section]), n=1)
                hint = f" (did you mean {section}.{close[0]}?)" if close else f" (known: {', '.join(out[section])})"
                raise UsageError(f"{source}: unknown key {section}.{key}{hint}")
            out[section][key] = value
    return out


def _number(
    cfg: dict[str, Any],
    section: str,
    key: str,
    source: str,
    *,
    low: float = 0.0,
    low_open: bool = False,
    high: float | None = None,
) -> float:
    v = cfg[section][key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise UsageError(f"{source}: {section}.{key} must be a number, got {v!r}")
    if v < low or (low_open and v == low) or (high is not None and v > high):
        rng = f"{'>' if low_open else '≥'} {low:g}" + (f" and ≤ {high:g}" if high is not None else "")
        raise UsageError(f"{source}: {section}.{key} must be {rng}, got {v!r}")
    return float(v)


def _choice(cfg: dict[str, Any], section: str, key: str, choices: tuple[str, ...], source: str) -> str:
    v = cfg[section][key]
    if v not in choices:
        raise UsageError(f"{source}: {section}.{key} must be one of {', '.join(choices)}, got {v!r}")
    return str(v)


def load_weights(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> TandemWeights:
    """The tandem weights: the packaged defaults, then a user TOML file, then ``overrides`` (same layout).

    A user file only needs the keys it changes. Unknown sections/keys and bad values raise
    :class:`~netlens.errors.UsageError` naming the key; a missing file raises
    :class:`~netlens.errors.NotFoundError`.

    Examples
    --------
    >>> w = load_weights()
    >>> b = w.beta
    >>> b["mentoring"] > b["study_visit"] > b["tandem_meeting"] > b["workshop"] > b["webinar"] > b["project"]
    True
    >>> round(math.log(2) / w.lam, 3), w.gamma, w.reference_date
    (5.0, 0.25, None)
    >>> load_weights(overrides={"decay": {"lamda": 0.1}})
    Traceback (most recent call last):
    ...
    netlens.errors.UsageError: overrides: unknown key decay.lamda (did you mean decay.lambda?)
    """
    cfg = _default_config()
    source = "defaults"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise NotFoundError(f"{p}: no such weights file; expected a TOML file like netlens/tandem_weights.toml")
        try:
            user = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{p.name}: not valid TOML ({exc})") from None
        cfg = _merge(cfg, user, p.name)
        source = str(p)
    if overrides:
        cfg = _merge(cfg, overrides, "overrides")
    src = "overrides" if overrides else Path(source).name
    beta = {c: _number(cfg, "channels", c, src) for c in CHANNELS}
    ref = cfg["decay"]["reference_date"]
    if isinstance(ref, _dt.datetime):
        ref = ref.date()
    if isinstance(ref, str):
        if ref == "latest":
            ref = None
        else:
            try:
                ref = _dt.date.fromisoformat(ref)
            except ValueError:
                raise UsageError(f'{src}: decay.reference_date must be "latest" or an ISO date, got {ref!r}') from None
    elif not isinstance(ref, _dt.date):
        raise UsageError(f'{src}: decay.reference_date must be "latest" or an ISO date, got {ref!r}')
    keep1 = cfg["significance"]["keep_degree_one"]
    if not isinstance(keep1, bool):
        raise UsageError(f"{src}: significance.keep_degree_one must be true or false, got {keep1!r}")
    maxc = cfg["paths"]["max_candidates"]
    if isinstance(maxc, bool) or not isinstance(maxc, int) or maxc < 1:
        raise UsageError(f"{src}: paths.max_candidates must be a whole number ≥ 1, got {maxc!r}")
    return TandemWeights(
        beta=types.MappingProxyType(beta),
        size_discount=_choice(cfg, "size", "discount", _DISCOUNTS, src),
        lam=_number(cfg, "decay", "lambda", src),
        reference_date=ref,
        gamma=_number(cfg, "multiplexity", "gamma", src),
        multiplexity_mode=_choice(cfg, "multiplexity", "mode", _MULTIPLEXITY_MODES, src),
        reciprocity_bonus=_number(cfg, "reciprocity", "bonus", src),
        threshold=_number(cfg, "significance", "threshold", src, low_open=True, high=1.0),
        keep_degree_one=keep1,
        kappa=_number(cfg, "paths", "kappa", src, low_open=True),
        max_candidates=int(maxc),
        closeness=_choice(cfg, "recommend", "closeness", _CLOSENESS, src),
        source=source if not overrides else f"{source} + overrides",
    )
