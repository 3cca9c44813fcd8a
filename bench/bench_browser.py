"""Browser benchmark of the map renderers: today's vis-network page against the WebGL (sigma.js) page
built from the same data block, in the same Chromium, alternating.

Usage: python bench/bench_browser.py MAP.html [MAP.html …] [--steps 15] [--out DIR] [--shots]

Each MAP.html is a page written by ``netlens map`` / ``netlens.render.maps.write_map`` (vis-network);
its WebGL twin is made by :func:`webgl_page` (same JSON block, CSP and template placeholders; only
the inlined scripts, CSS and template differ).  Per renderer and map it records:

- requests besides the file itself (must be 0) and console errors;
- ``first draw``: navigation start to the first rendered frame (vis ``afterDrawing`` /
  sigma ``afterRender``), from ``performance.now()`` in the page;
- ``zoom``: a programmatic camera zoom step (alternately ×1.25 in and out) until the next frame has
  been rendered (the render-complete event, then one ``requestAnimationFrame``);
- ``pan``: a programmatic camera move of 60 px, same timing;
- ``hover``: a real mouse move (playwright) onto a member's screen position until the tooltip is
  shown and the next frame is rendered, timed in the page from the ``mousemove`` event;
- ``frame work``: main-thread time of one rendered frame during those zoom and pan steps (sigma
  ``beforeRender`` → ``afterRender``, our label overlay included; vis ``beforeDrawing`` → ``afterDrawing``),
  also split into the frames of the zoom steps and of the pan steps (``zoom frame work``, ``pan frame work``).
  The step times above cannot go below two display frames (~33 ms at 60 Hz: the frame, then one
  ``requestAnimationFrame``), so this is the figure that shows how much faster a renderer draws;
- ``animated zoom``: frames per second rendered during a 2 s animated zoom in and out (camera animation /
  ``moveTo`` with animation), what a user sees when zooming with the wheel or the +/− buttons.

Chromium is Debian's /usr/bin/chromium with WebGL through SwiftShader (no GPU on this machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netlens.render.maps import assemble, read_map_data  # noqa: E402
from tools.chromium import ARGS as CANVAS_ARGS  # noqa: E402, F401  (re-exported: 2D canvas only, for the no-WebGL test)
from tools.chromium import CHROMIUM  # noqa: E402
from tools.chromium import WEBGL_ARGS as ARGS  # noqa: E402


def webgl_html(data: dict[str, Any]) -> str:
    """The WebGL page for a ``netlens-map/1`` data block (what ``netlens map --renderer webgl`` writes)."""
    return assemble.to_html(data, str(data["meta"].get("title", "netlens map")), "webgl")


def webgl_page(page: str) -> str:
    """The WebGL page for a map page of either renderer, keeping its data block."""
    return webgl_html(read_map_data(page))


def vis_page(page: str) -> str:
    """The vis-network page for a map page of either renderer, keeping its data block."""
    data = read_map_data(page)
    return assemble.to_html(data, str(data["meta"].get("title", "netlens map")), "vis")


# ----------------------------------------------------------------------------------------------
# in-page measurements (functions evaluated by playwright; the page's CSP forbids eval, but
# playwright's evaluate runs in an isolated world through the DevTools protocol)

_STEP_JS = """async ([kind, what, n]) => {
  const raf = () => new Promise(r => requestAnimationFrame(() => r()));
  const out = [];
  for (let s = 0; s < n; s++) {
    await raf(); await raf();
    const t0 = performance.now();
    let timer = null;
    const guard = new Promise(resolve => { timer = setTimeout(() => resolve('timeout'), 10000); });
    const r = await Promise.race([guard, new Promise(resolve => {
      if (kind === 'webgl') {
        const R = netlens.renderer, cam = R.getCamera(), st = cam.getState();
        R.once('afterRender', () => requestAnimationFrame(() => resolve()));
        if (what === 'zoom') cam.setState({ratio: st.ratio * (s % 2 ? 1.25 : 0.8)});
        else { const a = R.viewportToFramedGraph({x: 0, y: 0}), b = R.viewportToFramedGraph({x: 60, y: 0});
               cam.setState({x: st.x + (s % 2 ? 1 : -1) * (b.x - a.x)}); }
      } else {
        const net = window.network;
        net.once('afterDrawing', () => requestAnimationFrame(() => resolve()));
        if (what === 'zoom') net.moveTo({scale: net.getScale() * (s % 2 ? 0.8 : 1.25)});
        else { const p = net.getViewPosition();
               net.moveTo({position: {x: p.x + (s % 2 ? 1 : -1) * 60 / net.getScale(), y: p.y}}); }
      }
    })]);
    clearTimeout(timer);
    out.push(r === 'timeout' ? -1 : performance.now() - t0);
  }
  return out;
}"""

_HOVER_ARM_JS = """() => {
  const tip = document.getElementById('nl-tooltip');
  window.__hover = {t0: null, t1: null};
  const c = document.getElementById('nl-network');
  const onMove = () => { if (window.__hover.t0 === null) window.__hover.t0 = performance.now(); };
  c.addEventListener('mousemove', onMove, {capture: true});
  const obs = new MutationObserver(() => {
    if (!tip.hidden && window.__hover.t1 === null) {
      requestAnimationFrame(() => { window.__hover.t1 = performance.now(); });
      obs.disconnect(); c.removeEventListener('mousemove', onMove, {capture: true});
    }
  });
  obs.observe(tip, {attributes: true, attributeFilter: ['hidden']});
}"""

_NODE_POS_JS = {
    "webgl": "(id) => { const p = netlens.nodeViewport(id); return [p.x, p.y]; }",
    "vis": "(id) => { const p = network.canvasToDOM(network.getPosition(id)); return [p.x, p.y]; }",
}
_NODE_AT_JS = {
    "webgl": "([x, y]) => { const n = netlens.renderer.getNodeAtPosition({x, y}); return n === null ? null : n; }",
    "vis": "([x, y]) => { const n = network.getNodeAt({x, y}); return n === undefined ? null : String(n); }",
}


def _open(browser: Any, path: Path, viewport: tuple[int, int]) -> tuple[Any, dict[str, Any]]:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    rec: dict[str, Any] = {"requests": [], "errors": []}
    page.on("request", lambda r: rec["requests"].append(r.url))
    page.on("console", lambda m: rec["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: rec["errors"].append(str(e)))
    url = path.resolve().as_uri()
    t = time.perf_counter()
    page.goto(url, timeout=300_000)
    page.wait_for_selector('body[data-netlens-ready="1"]', state="attached", timeout=300_000)
    rec["ready_s"] = time.perf_counter() - t
    rec["first_draw_ms"] = page.evaluate("netlens.firstDrawMs")
    # complete: every tie drawn too (the WebGL page adds the ties of large maps after the first
    # frame; vis' ready = first frame with final positions)
    rec["complete_ms"] = page.evaluate("netlens.completeMs || netlens.readyMs || netlens.firstDrawMs")
    rec["url"] = url
    return page, rec


def _hover_targets(page: Any, kind: str, n: int) -> list[tuple[float, float]]:
    """Screen positions of large visible members that are the member under the pointer there."""
    ids = page.evaluate("() => netlens.data.meta.path.length >= 0 && netlens.data.nodes.label.map(k => netlens.data.nodes.id[k])")
    out: list[tuple[float, float]] = []
    box = page.locator("#nl-network").bounding_box()
    for node_id in ids:
        x, y = page.evaluate(_NODE_POS_JS[kind], node_id)
        if not (20 < x < box["width"] - 20 and 20 < y < box["height"] - 20):
            continue
        if page.evaluate(_NODE_AT_JS[kind], [x, y]) != node_id:
            continue
        out.append((box["x"] + x, box["y"] + y))
        if len(out) >= n:
            break
    return out


def _hover(page: Any, kind: str, n: int) -> tuple[list[float], int]:
    """Hover times, and how many hovers showed no tooltip within 5 s."""
    targets = _hover_targets(page, kind, n)
    box = page.locator("#nl-network").bounding_box()
    times: list[float] = []
    missed = 0
    for x, y in targets:
        page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)  # an empty corner: no hover
        page.wait_for_timeout(150)
        if page.evaluate("!document.getElementById('nl-tooltip').hidden"):
            continue
        page.evaluate(_HOVER_ARM_JS)
        page.mouse.move(x, y)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            h = page.evaluate("window.__hover")
            if h["t1"] is not None and h["t0"] is not None:
                times.append(h["t1"] - h["t0"])
                break
            page.wait_for_timeout(10)
        else:
            missed += 1
    return times, missed


_WORK_ARM_JS = """(kind) => {
  window.__work = [];
  let t0 = null;
  const on = (a, b) => kind === 'webgl' ? netlens.renderer.on(a, b) : network.on(a, b);
  on(kind === 'webgl' ? 'beforeRender' : 'beforeDrawing', () => { t0 = performance.now(); });
  on(kind === 'webgl' ? 'afterRender' : 'afterDrawing', () => {
    if (t0 !== null) window.__work.push(performance.now() - t0);
    t0 = null;
  });
}"""

_ANIMATE_JS = """async ([kind, ms]) => {
  const out = [];
  for (const f of [4, 0.25]) {
    let frames = 0;
    const count = () => { frames++; };
    if (kind === 'webgl') {
      const R = netlens.renderer, cam = R.getCamera();
      R.on('afterRender', count);
      cam.animate({ratio: cam.getState().ratio / f}, {duration: ms, easing: 'linear'});
      await new Promise(r => setTimeout(r, ms));
      R.off('afterRender', count);
    } else {
      network.on('afterDrawing', count);
      network.moveTo({scale: network.getScale() * f, animation: {duration: ms, easingFunction: 'linear'}});
      await new Promise(r => setTimeout(r, ms));
      network.off('afterDrawing', count);
    }
    out.push(frames / (ms / 1000));
    await new Promise(r => setTimeout(r, 300));
  }
  return out;
}"""


def measure(browser: Any, path: Path, kind: str, steps: int, shot: Path | None, viewport: tuple[int, int]) -> dict[str, Any]:
    page, rec = _open(browser, path, viewport)
    page.wait_for_timeout(300)
    if shot:
        page.screenshot(path=str(shot))
    page.evaluate(_WORK_ARM_JS, kind)
    rec["zoom"] = page.evaluate(_STEP_JS, [kind, "zoom", steps])
    rec["work_zoom"] = page.evaluate("window.__work.splice(0)")
    print(f"#   {path.name} {kind}: zoom done", file=sys.stderr, flush=True)
    rec["pan"] = page.evaluate(_STEP_JS, [kind, "pan", steps])
    rec["work_pan"] = page.evaluate("window.__work.splice(0)")
    print(f"#   {path.name} {kind}: pan done", file=sys.stderr, flush=True)
    rec["work"] = rec["work_zoom"] + rec["work_pan"]
    rec["animated"] = page.evaluate(_ANIMATE_JS, [kind, 2000])
    rec["hover"], rec["hover_missed"] = _hover(page, kind, max(3, steps // 2))
    print(f"#   {path.name} {kind}: hover done", file=sys.stderr, flush=True)
    for k in ("zoom", "pan"):  # a step whose frame never came (10 s) is counted, not timed
        rec[k + "_timeouts"] = sum(1 for v in rec[k] if v < 0)
        rec[k] = [v for v in rec[k] if v >= 0]
    others = [u for u in rec["requests"] if u != rec["url"] and not u.startswith("data:")]
    rec["other_requests"] = len(others)
    page.close()
    return rec


def webgl_info(browser: Any) -> dict[str, Any]:
    page = browser.new_page()
    page.goto("about:blank")
    info = page.evaluate(
        """() => { const c = document.createElement('canvas'), gl = c.getContext('webgl');
        if (!gl) return {webgl: false};
        const e = gl.getExtension('WEBGL_debug_renderer_info');
        return {webgl: true, webgl2: !!document.createElement('canvas').getContext('webgl2'),
                renderer: e ? gl.getParameter(e.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)}; }"""
    )
    page.close()
    return dict(info)


def _fmt(xs: list[float]) -> str:
    if not xs:
        return "n/a"
    return f"{statistics.median(xs):7.1f} ({min(xs):.1f}–{max(xs):.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("maps", nargs="+", help="map pages written by netlens (either renderer: both pages are made from the data)")
    ap.add_argument("--steps", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds old/new per map")
    ap.add_argument("--out", default="/tmp/netlens-bench-browser")
    ap.add_argument("--shots", action="store_true", help="save a screenshot of each page after load")
    ap.add_argument("--viewport", default="1400x900")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    vw, vh = (int(v) for v in a.viewport.split("x"))
    print(f"# bench_browser {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; no GPU")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print(f"# chromium {browser.version}, args {' '.join(ARGS)}")
        print(f"# WebGL: {webgl_info(browser)}")
        print(
            f"# viewport {vw}x{vh}; {a.steps} zoom and pan steps, "
            f"hovers on up to {max(3, a.steps // 2)} members; {a.rounds} rounds"
        )
        print(
            "# times in ms: median (min–max); first draw = navigation start to the first rendered frame; "
            "all ties drawn = to the first frame with every tie (WebGL draws the ties of maps over 5,000 "
            "ties one frame later)"
        )
        for src in (Path(m) for m in a.maps):
            text = src.read_text(encoding="utf-8")
            new = out / f"{src.stem}.webgl.html"
            new.write_text(webgl_page(text), encoding="utf-8")
            old = out / f"{src.stem}.vis.html"
            old.write_text(vis_page(text), encoding="utf-8")
            meta = read_map_data(text)["meta"]["counts"]
            print(
                f"\n## {src.name}: {meta['nodes_shown']:,} members, {meta['edges_shown']:,} ties drawn; "
                f"{old.stat().st_size / 1e6:.2f} MB (vis) / {new.stat().st_size / 1e6:.2f} MB (webgl)"
            )
            acc: dict[str, dict[str, list[float]]] = {
                k: {
                    "first": [],
                    "complete": [],
                    "zoom": [],
                    "pan": [],
                    "hover": [],
                    "work": [],
                    "work_zoom": [],
                    "work_pan": [],
                    "animated": [],
                }
                for k in ("vis", "webgl")
            }
            notes: dict[str, set[str]] = {"vis": set(), "webgl": set()}
            for r in range(a.rounds):
                for kind, path in (("vis", old), ("webgl", new)):
                    shot = out / f"{src.stem}.{kind}.png" if a.shots and r == 0 else None
                    rec = measure(browser, path, kind, a.steps, shot, (vw, vh))
                    acc[kind]["first"].append(rec["first_draw_ms"])
                    acc[kind]["complete"].append(rec["complete_ms"])
                    for k in ("zoom", "pan", "hover", "work", "work_zoom", "work_pan", "animated"):
                        acc[kind][k].extend(rec[k])
                    notes[kind].add(f"requests besides the file: {rec['other_requests']}, console errors: {len(rec['errors'])}")
                    if rec["hover_missed"]:
                        notes[kind].add(f"hovers without a tooltip in 5 s: {rec['hover_missed']}")
                    if rec["zoom_timeouts"] or rec["pan_timeouts"]:
                        notes[kind].add(f"steps without a frame in 10 s: zoom {rec['zoom_timeouts']}, pan {rec['pan_timeouts']}")
                    for e in rec["errors"][:3]:
                        notes[kind].add("error: " + e[:200])
            cols_all = ("first", "complete", "zoom", "pan", "hover", "work", "work_zoom", "work_pan", "animated")
            heads = (
                "first draw",
                "all ties drawn",
                "zoom step",
                "pan step",
                "hover",
                "frame work",
                "zoom frame work",
                "pan frame work",
                "animated zoom fps",
            )
            print(f"{'renderer':<9}" + "".join(f"{h:>26}" for h in heads))
            for kind in ("vis", "webgl"):
                r2 = acc[kind]
                print(f"{kind:<9}" + "".join(f"{_fmt(r2[k]):>26}" for k in cols_all))

            def ratio(k: str, inverse: bool = False, acc: dict[str, dict[str, list[float]]] = acc) -> str:
                v, w = acc["vis"][k], acc["webgl"][k]
                if not v or not w or not statistics.median(v) or not statistics.median(w):
                    return "n/a"
                r = statistics.median(w) / statistics.median(v) if inverse else statistics.median(v) / statistics.median(w)
                return f"×{r:.1f}"

            for kind in ("vis", "webgl"):
                print(f"# {kind}: {'; '.join(sorted(notes[kind]))}")
            print(
                f"# webgl against vis (medians): zoom step {ratio('zoom')}, pan step {ratio('pan')}, hover {ratio('hover')}, "
                f"frame work {ratio('work')} (zoom {ratio('work_zoom')}, pan {ratio('work_pan')}), "
                f"animated zoom frames/s {ratio('animated', inverse=True)}"
            )
            sys.stdout.flush()
        browser.close()


if __name__ == "__main__":
    main()
