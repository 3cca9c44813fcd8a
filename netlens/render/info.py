"""The text ``netlens info`` prints. Its own module, importing nothing heavy: ``netlens info`` on an empty store
answers in a fraction of a second (pandas, which :mod:`netlens.render.text` needs, takes ~0.6 s to import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netlens.store.protocol import StoreInfo

__all__ = ["format_info"]


def format_info(info: StoreInfo) -> str:
    """The text ``netlens info`` prints."""
    if not info.exists:
        return f"{info.description}: empty (nothing loaded yet; run netlens load PATH)"
    lines = [info.description, "nodes:"]
    lines += [f"  {label:<15}{n:>9,}" for label, n in info.nodes.items()]
    lines.append("relationships:")
    lines += [f"  {rel:<15}{n:>9,}" for rel, n in info.relationships.items()]
    span = info.span
    lines.append(f"time span: {span[0].isoformat()} .. {span[1].isoformat()}" if span else "time span: (no dates)")
    countries = info.countries
    shown = ", ".join(countries[:40]) + (f", … (+{len(countries) - 40})" if len(countries) > 40 else "")
    lines.append(f"countries ({len(countries)}): {shown}")
    return "\n".join(lines)
