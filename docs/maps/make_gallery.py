"""Regenerate the gallery in docs/maps/: screenshots of netlens maps of the sample, URBACT and CORDIS.

Usage (from the repository root, with the package installed and the real data beside the repository or in
``$NETLENS_SHARED_DATA``)::

    python docs/maps/make_gallery.py [--only NAME …] [--work DIR] [--html-dir DIR]

Each map is written with ``netlens load`` + ``netlens map`` into a scratch store (``--work``, default a
temporary folder), opened in Debian's headless Chromium (``/usr/bin/chromium`` through the playwright
package; never ``playwright install``; WebGL through SwiftShader) at 1200 × 800, and saved as ``docs/maps/NAME.png`` once the page
reports ``window.netlensReady`` (quantised by ``pngquant`` when installed).  Maps whose data is missing are
skipped with a message.  ``docs/maps/README.md`` shows them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
from tools.chromium import CHROMIUM  # noqa: E402
from tools.chromium import WEBGL_ARGS as ARGS  # noqa: E402  (the maps draw with WebGL: SwiftShader here)


def shared() -> Path:
    return Path(os.environ.get("NETLENS_SHARED_DATA") or ROOT.parent / "shared" / "data")


def stores() -> dict[str, tuple[list[str], Path | None]]:
    """Store name -> (netlens load arguments, the input that must exist)."""
    data = shared()
    return {
        "sample": (["load", str(ROOT / "data" / "sample")], ROOT / "data" / "sample"),
        "urbact": (
            ["load", "--format", "urbact", str(data / "eucicop-interreg-urbact-etmun" / "urbact")],
            data / "eucicop-interreg-urbact-etmun" / "urbact",
        ),
        "cordis": (
            ["load", "--format", "cordis", str(data / "cordis-h2020-participation" / "h2020.csv")],
            data / "cordis-h2020-participation" / "h2020.csv",
        ),
    }


#: Gallery entry -> (store, netlens map arguments, caption).
MAPS: dict[str, tuple[str, list[str], str]] = {
    "sample": ("sample", ["--level", "city"], "Sample data, cities coloured by country"),
    "sample-path": (
        "sample",
        ["--level", "city", "--path", "Nantes", "Palencia"],
        "Sample data with a highlighted transfer path",
    ),
    "urbact-community": ("urbact", ["--level", "city", "--community"], "URBACT cities (591), Leiden communities"),
    "urbact-geo": ("urbact", ["--level", "city", "--geo"], "URBACT cities on the map (--geo)"),
    "urbact-path": ("urbact", ["--level", "city", "--path", "Tartu", "Seville"], "URBACT: route Tartu → Seville"),
    "cordis-city": ("cordis", ["--level", "city", "--community"], "CORDIS H2020 cities (3,686), communities"),
    "cordis-city-geo": ("cordis", ["--level", "city", "--geo"], "CORDIS H2020 cities on the world map"),
    "cordis-org": ("cordis", ["--level", "organisation"], "CORDIS H2020 organisations (35,871), by type"),
    "cordis-org-focus": ("cordis", ["--level", "organisation"], "CORDIS organisations: the largest one selected (focus mode)"),
}

#: Gallery entry -> what to do in the page before the screenshot (a script evaluated by playwright, which the page's CSP
#: does not restrict): select the largest member and wait for the camera to settle.
ACTIONS: dict[str, str] = {
    "cordis-org-focus": "async () => { netlens.select(netlens.data.nodes.id[netlens.data.nodes.label[0]], true);"
    " await new Promise((r) => setTimeout(r, 1500)); }",
}


def netlens(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "netlens", *args, "-q"], check=True, cwd=ROOT)


def screenshot(pages: list[tuple[Path, Path, str | None]]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for html, png, action in pages:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(html.as_uri())
            # the page's CSP forbids eval: wait on the attribute the viewer sets when ready
            page.wait_for_selector('body[data-netlens-ready="1"]', state="attached", timeout=240_000)
            time.sleep(0.5)
            if action:
                page.evaluate(action)
            page.screenshot(path=str(png))
            page.close()
            _shrink(png)
            print(f"wrote {png.relative_to(ROOT)} ({png.stat().st_size / 1e3:.0f} kB)")
        browser.close()


def _shrink(png: Path) -> None:
    """Quantise the screenshot to 256 colours with pngquant when it is installed (apt-get install pngquant)."""
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--output", str(png), "256", str(png)], check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None, help="gallery entries to redo (default: all)")
    ap.add_argument("--work", default=None, help="folder for the stores and HTML files (default: a temporary one)")
    args = ap.parse_args()
    names = args.only or list(MAPS)
    work = Path(args.work or tempfile.mkdtemp(prefix="netlens-gallery-"))
    work.mkdir(parents=True, exist_ok=True)
    loaded: set[str] = set()
    written: dict[tuple[str, ...], Path] = {}
    pages = []
    for name in names:
        store, map_args, _ = MAPS[name]
        load_args, needed = stores()[store]
        if needed is not None and not needed.exists():
            print(f"skipped {name}: {needed} not found")
            continue
        kgl = work / f"{store}.kgl"
        if store not in loaded and not kgl.exists():
            netlens(*load_args, "--store-path", str(kgl))
        loaded.add(store)
        key = (store, *map_args)
        if key not in written:  # entries with the same map (e.g. cordis-org and its focus view) share one file
            written[key] = work / f"{name}.html"
            netlens("map", *map_args, "--store-path", str(kgl), "-o", str(written[key]))
        pages.append((written[key], HERE / f"{name}.png", ACTIONS.get(name)))
    screenshot(pages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
