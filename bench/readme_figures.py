"""The README's dataset figures, computed from the real datasets in ../shared/data (never typed by hand).

    python bench/readme_figures.py            # print the figures and what the README says
    python bench/readme_figures.py --write    # also rewrite the README's "result (measured)" cells

Each figure is a count of the validated tables netlens loads (or a coverage figure the reader reports), so the
README, ``netlens load`` and ``tests/test_real_data.py`` agree: that test recomputes every cell with
:func:`cell` and compares it with the README text. The cells live in the "Real data" table, one row per format;
the row is found by its command (``netlens load --format cordis …``) and only its last cell is replaced.
Timings are not here: they are ratios measured by the other bench scripts, whose result files the README names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: format -> path of its input, relative to the shared data folder
SOURCES = {
    "cordis": "cordis-h2020-participation/h2020.csv",
    "fp7": "cordis-sod-hackathon/fp7_2016",
    "urbact": "eucicop-interreg-urbact-etmun/urbact",
}


def figures(fmt: str, stats: Mapping[str, Any], tables: Mapping[str, Any]) -> dict[str, int]:
    """The counts quoted for ``fmt``: table sizes of the validated network plus the reader's own statistics."""
    out = {
        "organisations": len(tables["organisations"]),
        "projects": len(tables["projects"]),
        "participations": len(tables["participations"]),
        "cities": len(tables["cities"]),
    }
    if fmt == "cordis":
        out["organisations named"] = int(stats.get("organisations named", 0))
        out["projects with acronym"] = int(stats.get("projects with acronym", 0))
    if fmt == "urbact":
        out["cities with coordinates"] = int(tables["cities"]["lat"].notna().sum())
    return out


def cell(fmt: str, f: Mapping[str, int]) -> str:
    """The README's "result (measured)" cell for ``fmt``.

    >>> cell("fp7", {"organisations": 30973, "projects": 25788, "participations": 135667, "cities": 6076})
    '30,973 organisations, 25,788 projects, 135,667 participations, 6,076 cities'
    """
    if fmt == "cordis":
        return (
            f"{f['organisations']:,} organisations ({f['organisations named']:,} named), {f['projects']:,} projects "
            f"({f['projects with acronym']:,} with an acronym), {f['participations']:,} participations, "
            f"{f['cities']:,} geocoded cities"
        )
    if fmt == "fp7":
        counts = (f"{f['organisations']:,} organisations", f"{f['projects']:,} projects")
        counts += (f"{f['participations']:,} participations",)
        return ", ".join(counts) + f", {f['cities']:,} cities"
    missing = f["cities"] - f["cities with coordinates"]
    coords = "all with coordinates" if not missing else ("all but one" if missing == 1 else f"all but {missing:,}")
    coords += "" if not missing else " with coordinates"
    return f"{f['cities']:,} cities ({coords}), {f['projects']:,} networks, {f['participations']:,} participations"


def readme_cell(fmt: str, text: str) -> str | None:
    """The last cell of the Real-data row of ``fmt`` in the README ``text`` (None when the row is missing)."""
    for line in text.splitlines():
        if line.startswith(f"| `netlens load --format {fmt} "):
            return line.rstrip().removesuffix("|").rsplit(" | ", 1)[1].strip()
    return None


def rewrite(text: str, cells: Mapping[str, str]) -> str:
    """``text`` with the last cell of each format's row replaced by ``cells[fmt]``."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        for fmt, new in cells.items():
            if line.startswith(f"| `netlens load --format {fmt} "):
                head = line.rstrip().removesuffix("|").rsplit(" | ", 1)[0]
                lines[i] = f"{head} | {new} |\n"
    return "".join(lines)


def measure(data: Path) -> dict[str, dict[str, int]]:
    """Read each dataset as ``netlens load --format <fmt>`` does (with enrichment) and count."""
    from netlens.read import read_source
    from netlens.validation import validate_or_raise

    out = {}
    for fmt, rel in SOURCES.items():
        package = read_source(data / rel, fmt)
        tables, _ = validate_or_raise(package)
        out[fmt] = figures(fmt, package.stats, tables)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NETLENS_SHARED_DATA", ROOT.parent / "shared" / "data")))
    ap.add_argument("--write", action="store_true", help="rewrite the README cells")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no shared data at {args.data}", file=sys.stderr)
        return 2
    measured = measure(args.data)
    text = README.read_text(encoding="utf-8")
    cells = {fmt: cell(fmt, f) for fmt, f in measured.items()}
    print(json.dumps(measured, indent=1))
    for fmt, new in cells.items():
        old = readme_cell(fmt, text)
        print(f"{fmt}: {'same' if old == new else f'README says {old!r}'}\n  {new}")
    if args.write:
        README.write_text(rewrite(text, cells), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
