"""How netlens' benchmarks and the map gallery start Debian's headless Chromium (never a browser of playwright's own).

``ARGS`` draws on a canvas (``--disable-gpu``); ``WEBGL_ARGS`` turns on WebGL through SwiftShader, which the sigma.js
renderer needs. Without the background-networking flags Chromium tries to reach the network at every start.
"""

from __future__ import annotations

__all__ = ["CHROMIUM", "ARGS", "WEBGL_ARGS"]

CHROMIUM = "/usr/bin/chromium"
_QUIET = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", *_QUIET]
WEBGL_ARGS = ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", *_QUIET]
