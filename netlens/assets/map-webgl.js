/* netlens map viewer, WebGL edition: draws the embedded `netlens-map/1` JSON block with sigma.js 3
 * (WebGL) on a graphology graph; labels, rings and geographic outlines go on two 2D canvases of
 * our own (under and over sigma's layers).
 * Every piece of data-derived text reaches the DOM through textContent (never innerHTML) and
 * labels are drawn on a canvas, so names from CSV files cannot inject markup. */
(function () {
  "use strict";
  var T0 = performance.now();
  var D = JSON.parse(document.getElementById("netlens-data").textContent);
  var timing = {parse: performance.now() - T0};
  var M = D.meta, N = D.nodes, E = D.edges;
  var nN = N.id.length, nE = E.source.length;
  var LIB = window.NetlensSigma;
  /* Without WebGL (turned off, or a very old browser) say so instead of failing silently. */
  function hasWebGL() {
    try { var c = document.createElement("canvas"); return !!(c.getContext("webgl2") || c.getContext("webgl")); } catch (e) { return false; }
  }
  if (!hasWebGL()) {
    var box = document.getElementById("nl-empty"), p1 = document.createElement("p"), p2 = document.createElement("p");
    p1.textContent = "This map is drawn with WebGL, which this browser has turned off (or lacks).";
    p2.textContent = "Turn WebGL (hardware acceleration) on, or write the map for a 2D canvas: netlens map --renderer vis …";
    box.appendChild(p1); box.appendChild(p2);
    box.hidden = false;
    document.body.setAttribute("data-netlens-error", "no-webgl");
    document.body.setAttribute("data-netlens-ready", "1");
    return;
  }
  /* Ties get opaque colours: sigma's WebGL edges come out white (invisible) for an rgba colour whose
     alpha is below its colour channels (e.g. rgba(90,90,90,0.3), measured in Chromium); the 2D
     canvases (geo curves) take the translucent ones. */
  var PATH_COLOR = "#d62728", HIDDEN_TIE_COLOR = "#e67800", FOCUS_TIE_COLOR = "#3c3c3c", DIM_TIE_COLOR = "#f2f2f2";
  var byId = Object.create(null);
  var i, j;
  for (i = 0; i < nN; i++) byId[N.id[i]] = i;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.join("; ");
    if (typeof v === "number") {
      if (Number.isInteger(v)) return Math.abs(v) >= 10000 ? v.toLocaleString("en") : String(v);
      return Math.abs(v) >= 1000 ? v.toLocaleString("en", {maximumFractionDigits: 0}) : String(Number(v.toPrecision(4)));
    }
    return String(v);
  }
  function g(v) { return v.toLocaleString("en"); }

  /* ---- adjacency: drawn ties, and (when the data block carries them) the thinned ones ---- */
  var adj = new Array(nN);
  for (i = 0; i < nN; i++) adj[i] = [];
  for (j = 0; j < nE; j++) { adj[E.source[j]].push(j); adj[E.target[j]].push(j); }
  /* Every tie of the input graph with a drawn end, drawn or thinned away: the data's `neighbours`
     block (encoding documented in netlens/render/maps/extras.py: each tie once under its lower
     end, partners as steps, all as base64 LEB128 varints). Decoded on the first selection into
     per-member lists (CSR: NB.offsets, NB.index = partner's node number or -(k+1) for entry k of
     `extra`, the partners not on this map; NB.weight). Focus mode draws the thinned ones in
     orange and lists them all with names and weights. */
  var NB_DATA = D.neighbours && D.neighbours.encoding === "delta-varint-base64/1" ? D.neighbours : null;
  var NB_EXTRA = NB_DATA && NB_DATA.extra ? NB_DATA.extra : {id: [], name: []};
  var NB = null;
  function varints(b64, count) {
    var bin = atob(b64), out = new Float64Array(count), q = 0, v = 0, mul = 1;
    for (var p = 0; p < bin.length; p++) {
      var c = bin.charCodeAt(p);
      v += (c & 127) * mul;
      if (c < 128) { out[q++] = v; v = 0; mul = 1; } else mul *= 128;
    }
    if (q !== count) throw new Error("neighbours: expected " + count + " values, found " + q);
    return out;
  }
  function neighbourLists() {
    if (NB || !NB_DATA) return NB;
    var m = NB_DATA.ties, count = varints(NB_DATA.count, nN), step = varints(NB_DATA.partner, m);
    var code = varints(NB_DATA.weight, m), table = NB_DATA.weights;
    var lo = new Int32Array(m), hi = new Int32Array(m), deg = new Int32Array(nN), q = 0, u, c;
    for (u = 0; u < nN; u++) {
      var p = u;
      for (c = 0; c < count[u]; c++, q++) { p += step[q]; lo[q] = u; hi[q] = p; deg[u]++; if (p < nN) deg[p]++; }
    }
    var offsets = new Int32Array(nN + 1);
    for (u = 0; u < nN; u++) offsets[u + 1] = offsets[u] + deg[u];
    var index = new Int32Array(offsets[nN]), weight = new Float64Array(offsets[nN]), fill = offsets.slice(0, nN);
    for (q = 0; q < m; q++) {
      var a = lo[q], b = hi[q], w = table[code[q]], at = fill[a]++;
      index[at] = b < nN ? b : -(b - nN + 1); weight[at] = w;
      if (b < nN) { at = fill[b]++; index[at] = a; weight[at] = w; }
    }
    return (NB = {offsets: offsets, index: index, weight: weight});
  }
  function thinnedOf(k) {  // [{o: node or -1, x: extra index or -1, w}] of ties not drawn
    var out = [], nb = neighbourLists();
    if (!nb) return out;
    var drawnTo = Object.create(null);
    adj[k].forEach(function (jj) { drawnTo[E.source[jj] === k ? E.target[jj] : E.source[jj]] = 1; });
    for (var q = nb.offsets[k]; q < nb.offsets[k + 1]; q++) {
      var o = nb.index[q];
      if (o >= 0) { if (!drawnTo[o]) out.push({o: o, x: -1, w: nb.weight[q]}); }
      else out.push({o: -1, x: -o - 1, w: nb.weight[q]});
    }
    return out;
  }
  function totalTies(k) { var nb = neighbourLists(); return nb ? nb.offsets[k + 1] - nb.offsets[k] : N.deg[k]; }
  /* The route shown: the file's highlighted path (`--path`) or one picked in the page. */
  var onPath = new Uint8Array(nN), edgeOnPath = new Uint8Array(nE), routeNodes = [];
  function markRoute(nodes, edges) {
    onPath.fill(0); edgeOnPath.fill(0);
    routeNodes = nodes.slice();
    nodes.forEach(function (k) { onPath[k] = 1; });
    edges.forEach(function (j) { if (j >= 0) edgeOnPath[j] = 1; });
  }
  /* one entry per hop: short = drawn on the map at the hop's middle, long = the list's line */
  var routeHops = fileHops();
  function fileHops() {
    var PH = M.path_hops || [], out = [];
    for (var q = 0; q + 1 < (M.path || []).length; q++) {
      var h = PH[q];
      if (!h) { out.push({short: "", long: ""}); continue; }
      var long = [h.activity && h.activity !== h.label ? h.activity : null, h.label,
                  h.strength !== null && h.strength !== undefined ? "strength " + fmt(h.strength) : null];
      out.push({short: h.label || (h.year ? String(h.year) : ""), long: long.filter(function (x) { return x; }).join(" · ")});
    }
    return out;
  }
  markRoute(M.path || [], E.path || []);
  var topLabel = new Uint8Array(nN);
  (N.label || []).forEach(function (k) { topLabel[k] = 1; });

  /* ---- sizes: sigma sizes are screen pixels at the "fit" zoom, growing with sqrt(zoom) ---- */
  var SIZE_K = nN <= 300 ? 0.6 : nN <= 3000 ? 0.42 : nN <= 15000 ? 0.3 : 0.24;
  var EDGE_K = nE <= 2000 ? 1 : nE <= 20000 ? 0.6 : 0.4;
  function sizeOf(k) { return Math.max(1.6, N.size[k] * SIZE_K); }
  var order = [];  // largest first: label priority
  for (i = 0; i < nN; i++) order.push(i);
  order.sort(function (a, b) { return N.size[b] - N.size[a] || (N.id[a] < N.id[b] ? -1 : 1); });

  function pale(hex) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex);
    if (!m) return "#e4e4e4";
    var v = parseInt(m[1], 16), r = v >> 16, gg = (v >> 8) & 255, b = v & 255;
    function mix(c) { return Math.round(c + (255 - c) * 0.82); }
    return "rgb(" + mix(r) + "," + mix(gg) + "," + mix(b) + ")";
  }
  var cats = M.categories;
  var paleOf = cats.map(function (c) { return pale(c.color); });
  /* WebGL lines are thinner and lighter than vis' canvas strokes (anti-aliased sub-pixel edges):
     a darker grey and about twice vis' opacity give the same look. */
  var EDGE_ALPHA = Math.min(0.7, 2 * M.edge_alpha);
  var edgeGrey = (function () { var c = Math.round(255 - (255 - 90) * EDGE_ALPHA); return "rgb(" + c + "," + c + "," + c + ")"; })();
  /* the geo curves on the 2D canvas: crisp strokes need no doubling, and Europe must show through */
  var edgeGreyAlpha = "rgba(90,90,90," + M.edge_alpha + ")";

  /* ---- graph ---- */
  var graph = new LIB.Graph({type: M.directed ? "directed" : "undirected", multi: false, allowSelfLoops: false});
  /* one import of plain arrays: about twice as fast as addNode/addEdge one by one */
  var gNodes = new Array(nN), gEdges = new Array(nE);
  for (i = 0; i < nN; i++) {
    gNodes[i] = {key: N.id[i], attributes: {i: i, x: N.x[i], y: -N.y[i], size: sizeOf(i), color: cats[N.cat[i]].color, label: N.name[i]}};
  }
  for (j = 0; j < nE; j++) {
    gEdges[j] = {key: "e" + j, source: N.id[E.source[j]], target: N.id[E.target[j]], attributes: {
      j: j, size: Math.max(0.5, E.width[j] * EDGE_K), color: edgeGrey, zIndex: 0
    }};
  }
  /* Large maps draw their members first and add the ties right after that first frame (one
     import, one re-render): the map shows up about a second sooner at CORDIS scale. */
  var PROGRESSIVE = nE > 5000;
  graph.import({nodes: gNodes, edges: PROGRESSIVE ? [] : gEdges});
  gNodes = null;

  /* ---- filter state ---- */
  var state = {cats: cats.map(function () { return true; }), sel: {}, y0: null, y1: null};
  var attrCol = {};
  (M.attrs || []).forEach(function (k) { attrCol[k] = N.attrs[k]; });
  function overlapsWith(a, b, lo, hi) {
    if (a === null || a === undefined) return true;
    if (lo !== null && b !== null && b !== undefined && b < lo) return false;
    if (hi !== null && a > hi) return false;
    return true;
  }
  function yearsInverted() { return state.y0 !== null && state.y1 !== null && state.y0 > state.y1; }
  /* One test per active filter, so an empty view can say which filter empties it. */
  function activeTests() {
    var tests = [];
    var hiddenCats = [];
    cats.forEach(function (c, n) { if (!state.cats[n]) hiddenCats.push(c.label); });
    if (hiddenCats.length) tests.push({what: "hidden in the legend: " + hiddenCats.join(", "), ok: function (k) { return state.cats[N.cat[k]]; }});
    Object.keys(state.sel).forEach(function (key) {
      var want = state.sel[key];
      if (want === "") return;
      var col = attrCol[key];
      tests.push({what: key + " = " + want, ok: function (k) {
        var v = col[k];
        if (Array.isArray(v)) return v.indexOf(want) >= 0;
        return v !== null && v !== undefined && String(v) === want;
      }});
    });
    if (N.t0 && (state.y0 !== null || state.y1 !== null)) {
      var lo = state.y0, hi = state.y1;
      tests.push({what: "years " + (lo === null ? M.time.min : lo) + "–" + (hi === null ? M.time.max : hi),
                  ok: function (k) { return !yearsInverted() && overlapsWith(N.t0[k], N.t1[k], lo, hi); }});
    }
    return tests;
  }
  /* Isolated members (no drawn tie) start hidden on network maps when the data says so: they
     are summarised by a count with a button that draws them (and search still finds them). */
  var ISO = M.isolates || {count: 0, nodes: [], hidden: false};
  var isIso = new Uint8Array(nN);
  (ISO.nodes || []).forEach(function (k) { isIso[k] = 1; });
  var isoHidden = !!ISO.hidden && (ISO.nodes || []).length > 0;
  var visibleNode = new Uint8Array(nN), nVisible = nN, nIsoMatching = 0;
  function computeVisible() {
    var tests = activeTests();
    nVisible = 0; nIsoMatching = 0;
    for (var k = 0; k < nN; k++) {
      var ok = true;
      for (var q = 0; ok && q < tests.length; q++) ok = tests[q].ok(k);
      if (ok && isoHidden && isIso[k]) { nIsoMatching++; ok = false; }
      visibleNode[k] = ok ? 1 : 0;
      nVisible += visibleNode[k];
    }
    return tests;
  }
  /* The box the camera fits: the members drawn by default (the isolated ones excepted while hidden). */
  function fitBox() {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var k = 0; k < nN; k++) {
      if (isoHidden && isIso[k]) continue;
      var x = N.x[k], y = -N.y[k];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    return x0 <= x1 ? {x: [x0, x1], y: [y0, y1]} : null;
  }
  function edgeVisible(jj) {
    if (!visibleNode[E.source[jj]] || !visibleNode[E.target[jj]]) return false;
    if (yearsInverted()) return false;
    if (E.t0) return overlapsWith(E.t0[jj], E.t1[jj], state.y0, state.y1);
    return true;
  }
  computeVisible();

  /* ---- focus (selection) ---- */
  var focus = null;           // node index or null
  var inFocus = new Uint8Array(nN);
  var focusEdges = [];        // keys of the temporary edges for thinned ties
  function nodeReducer(key, a) {
    var k = a.i, out = {x: a.x, y: a.y, size: a.size, color: a.color, label: a.label, zIndex: 0};
    if (!visibleNode[k]) { out.hidden = true; return out; }
    if (focus !== null) {
      if (inFocus[k]) { out.zIndex = 2; if (k === focus) out.size = a.size + 2; }
      else out.color = paleOf[N.cat[k]];
    }
    if (onPath[k]) out.zIndex = Math.max(out.zIndex, 1);
    return out;
  }
  /* Geo maps carry a Bézier control point per tie (edges.cx/cy): those ties are drawn curved on
     the canvas under the members (drawCurves), with the colour and width the reducer gives them;
     sigma keeps them as invisible, still pickable lines for hover. */
  var CURVED = !!(M.curved_edges && E.cx && E.cy && E.cx.length === nE);
  var curveColour = CURVED ? new Array(nE) : null, curveSize = CURVED ? new Float32Array(nE) : null;
  function edgeReducer(key, a) {
    var out = {size: a.size, color: a.color, zIndex: a.zIndex};
    if (a.j === undefined) { out.hidden = focus === null; return out; }  // a thinned tie shown in focus
    if (CURVED) curveColour[a.j] = null;
    if (!edgeVisible(a.j)) { out.hidden = true; return out; }
    if (edgeOnPath[a.j]) { out.color = PATH_COLOR; out.size = a.size + 2.5; out.zIndex = 2; }
    if (focus !== null) {
      var s = E.source[a.j], t = E.target[a.j];
      if (s === focus || t === focus) { out.color = edgeOnPath[a.j] ? PATH_COLOR : FOCUS_TIE_COLOR; out.size = a.size + 0.8; out.zIndex = 3; }
      else if (!edgeOnPath[a.j]) out.color = DIM_TIE_COLOR;
    }
    if (CURVED) {
      curveColour[a.j] = out.color === edgeGrey ? edgeGreyAlpha : out.color === DIM_TIE_COLOR ? "rgba(150,150,150,0.06)" : out.color;
      curveSize[a.j] = out.size;
      out.color = "rgba(0,0,0,0)";
    }
    return out;
  }

  /* ---- renderer ---- */
  var container = $("nl-network");
  var wrap = $("nl-canvas-wrap");
  timing.graph = performance.now() - T0;
  /* sigma starts on an empty graph (its constructor renders at once, before our listeners exist);
     the real graph comes with setGraph below, after them: one indexation, one first frame. */
  var renderer = new LIB.Sigma(new LIB.Graph(), container, {
    renderLabels: false,            // our own collision-free labels (drawLabels)
    renderEdgeLabels: false,
    enableEdgeEvents: nE <= 20000,
    zIndex: true,
    defaultEdgeType: "rectangle",
    edgeProgramClasses: {rectangle: LIB.EdgeRectangleProgram},
    nodeReducer: nodeReducer,
    edgeReducer: edgeReducer,
    minCameraRatio: 0.002,
    maxCameraRatio: 4,
    labelFont: "system-ui, sans-serif",
    labelSize: 13,
    minEdgeThickness: 0.6,
    stagePadding: 40,
    zoomDuration: 200
  });
  timing.sigma = performance.now() - T0;
  var camera = renderer.getCamera();
  var layers = renderer.getCanvases();
  function addCanvas(id, before) {
    var c = document.createElement("canvas");
    c.id = id;
    container.insertBefore(c, before);
    return c;
  }
  var bg = addCanvas("nl-bg", layers.edges);
  var overlay = addCanvas("nl-overlay", layers.hovers || layers.mouse);

  var api = {renderer: renderer, graph: graph, data: D, camera: camera, ready: false, selected: null,
             state: state, labels: [], frames: 0, timing: timing};
  window.netlens = api;
  window.netlensReady = false;

  /* ---- per-frame overlay: outlines under the map; labels and rings over it ---- */
  function sizeCanvas(c) {
    var dpr = window.devicePixelRatio || 1, w = container.clientWidth, h = container.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
      c.style.width = w + "px"; c.style.height = h + "px";
    }
    var ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }
  function transform() {  // graph -> viewport is affine (no rotation): three points give it
    var o = renderer.graphToViewport({x: 0, y: 0}), px = renderer.graphToViewport({x: 1, y: 0}),
        py = renderer.graphToViewport({x: 0, y: 1});
    return {ax: px.x - o.x, bx: py.x - o.x, cx: o.x, ay: px.y - o.y, by: py.y - o.y, cy: o.y};
  }
  function drawOutlines(T) {
    var ctx = sizeCanvas(bg), O = D.outlines;
    function stroke(lines, colour) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (var a = 0; a < lines.length; a++) {
        var L = lines[a];
        for (var b = 0; b < L.length; b += 2) {
          var x = L[b], y = -L[b + 1];
          var vx = T.ax * x + T.bx * y + T.cx, vy = T.ay * x + T.by * y + T.cy;
          if (b === 0) ctx.moveTo(vx, vy); else ctx.lineTo(vx, vy);
        }
      }
      ctx.stroke();
    }
    ctx.lineJoin = "round";
    if (O) {
      stroke(O.graticule || [], "#eeeeee");
      stroke(O.arcs || [], "#b9b9b9");
    }
    if (CURVED) drawCurves(ctx, T);
  }
  function drawCurves(ctx, T) {
    var px = renderer.scaleSize(1), late = [];
    function p(x, y) { return [T.ax * x + T.bx * -y + T.cx, T.ay * x + T.by * -y + T.cy]; }
    function one(jj) {
      var a = p(N.x[E.source[jj]], N.y[E.source[jj]]), b = p(N.x[E.target[jj]], N.y[E.target[jj]]), c = p(E.cx[jj], E.cy[jj]);
      ctx.strokeStyle = curveColour[jj];
      ctx.lineWidth = Math.max(0.5, (edgeOnPath[jj] ? 1 : 0.6) * curveSize[jj] * px);
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.quadraticCurveTo(c[0], c[1], b[0], b[1]); ctx.stroke();
    }
    ctx.lineCap = "round";
    for (var jj = 0; jj < nE; jj++) {
      if (!curveColour[jj]) continue;
      if (edgeOnPath[jj] || (focus !== null && (E.source[jj] === focus || E.target[jj] === focus))) { late.push(jj); continue; }
      one(jj);
    }
    late.forEach(one);  // the path and the selected member's ties over the others
  }
  api.curved = CURVED;

  var widthCache = Object.create(null);
  var FONT = "system-ui, sans-serif";
  /* A label's text and width: names wider than LABEL_MAX_PX (CORDIS legal names run to 120
     characters) are cut with an ellipsis; the tooltip, panel and search keep the whole name. */
  var LABEL_MAX_PX = 300;
  function labelOf(ctx, k, bold) {
    var key = (bold ? "b" : "") + k, c = widthCache[key];
    if (c === undefined) {
      ctx.font = (bold ? "bold 13px " : "12px ") + FONT;
      var t = String(N.name[k]), w = ctx.measureText(t).width;
      if (w > LABEL_MAX_PX) {
        var lo = 1, hi = t.length;
        while (lo < hi) {  // the longest prefix that fits with the ellipsis
          var mid = (lo + hi + 1) >> 1;
          if (ctx.measureText(t.slice(0, mid).trimEnd() + "…").width <= LABEL_MAX_PX) lo = mid; else hi = mid - 1;
        }
        t = t.slice(0, lo).trimEnd() + "…";
        w = ctx.measureText(t).width;
      }
      c = widthCache[key] = {text: t, w: w};
    }
    return c;
  }
  var searched = null;  // index of the last member picked in the search box
  /* Greedy, collision-free labels: forced ones first (selected, searched, path), then focus
     neighbours, then by size; a label is drawn only where it overlaps no drawn label. How many
     qualify grows with the zoom: a member is labelled once its dot is LOD_PX wide on screen. */
  var LOD_PX = 3.6;
  function drawLabels(T) {
    var ctx = sizeCanvas(overlay), Hh = container.clientHeight;
    var W = container.clientWidth - (panel && !panel.hidden ? Math.min(panel.offsetWidth, container.clientWidth / 2) : 0);  // labels stay clear of the details panel
    var px = renderer.scaleSize(1), CELL = 80, grid = Object.create(null), placed = [];
    var budget = Math.max(40, Math.min(500, Math.round(W * Hh / 2500)));
    function pos(k) {
      var x = N.x[k], y = -N.y[k];
      return {x: T.ax * x + T.bx * y + T.cx, y: T.ay * x + T.by * y + T.cy};
    }
    function fits(bx) {
      var c0 = Math.floor(bx.l / CELL), c1 = Math.floor(bx.r / CELL), r0 = Math.floor(bx.t / CELL), r1 = Math.floor(bx.b / CELL);
      for (var cx = c0; cx <= c1; cx++) for (var cy = r0; cy <= r1; cy++) {
        var list = grid[cx + "," + cy];
        if (!list) continue;
        for (var q = 0; q < list.length; q++) {
          var o = list[q];
          if (bx.l < o.r && bx.r > o.l && bx.t < o.b && bx.b > o.t) return false;
        }
      }
      return true;
    }
    function put(bx) {
      var c0 = Math.floor(bx.l / CELL), c1 = Math.floor(bx.r / CELL), r0 = Math.floor(bx.t / CELL), r1 = Math.floor(bx.b / CELL);
      for (var cx = c0; cx <= c1; cx++) for (var cy = r0; cy <= r1; cy++) {
        var key = cx + "," + cy;
        (grid[key] || (grid[key] = [])).push(bx);
      }
      placed.push(bx);
    }
    function tryLabel(k, forced) {
      var p = pos(k), r = graph.getNodeAttribute(N.id[k], "size") * px;
      if (p.x < -200 || p.x > W + 50 || p.y < -20 || p.y > Hh + 20) return false;
      var bold = forced, lab = labelOf(ctx, k, bold), w = lab.w, h = bold ? 15 : 14;
      var l = p.x + r + 2;
      if (l + w + 2 > W) {  // at the right edge: flip to the left of the dot, else slide it into the canvas
        l = p.x - r - 4 - w >= 0 ? p.x - r - 4 - w : Math.max(2, W - w - 4);
      }
      if (p.x >= 0 && p.x <= W && l < 2) l = 2;
      var bx = {l: l, r: l + w + 2, t: p.y - h / 2, b: p.y + h / 2, k: k, bold: bold, x: p.x, y: p.y, label: lab.text};
      if (!forced && !fits(bx)) return false;
      put(bx);
      return true;
    }
    var forced = [];
    if (focus !== null) forced.push(focus);
    if (searched !== null && searched !== focus && visibleNode[searched]) forced.push(searched);
    routeNodes.forEach(function (k) { if (visibleNode[k] && forced.indexOf(k) < 0) forced.push(k); });
    forced.forEach(function (k) { tryLabel(k, true); });
    /* the route over everything (sigma's ties lie under the discs): a red line, and each hop's
       activity and year at its middle, placed like a forced label */
    var hopBoxes = [];
    if (routeNodes.length > 1) {
      ctx.strokeStyle = PATH_COLOR; ctx.lineWidth = 3; ctx.lineCap = "round";
      ctx.beginPath();
      for (q = 0; q + 1 < routeNodes.length; q++) {
        var ra = routeNodes[q], rb = routeNodes[q + 1];
        if (!visibleNode[ra] || !visibleNode[rb]) continue;
        var pa = pos(ra), pb = pos(rb);
        ctx.moveTo(pa.x, pa.y); ctx.lineTo(pb.x, pb.y);
        var txt = routeHops[q] ? routeHops[q].short : "";
        if (!txt) continue;
        ctx.font = "italic 11px " + FONT;
        var tw = ctx.measureText(txt).width;
        /* the middle of the hop, else a bit off it (above, below, a third along): the first spot free */
        var spots = [[0.5, 0], [0.5, -12], [0.5, 12], [0.33, 0], [0.67, 0], [0.33, -12], [0.67, 12]];
        for (var sp = 0; sp < spots.length; sp++) {
          var mx = pa.x + (pb.x - pa.x) * spots[sp][0], my = pa.y + (pb.y - pa.y) * spots[sp][0] + spots[sp][1];
          var hb = {l: mx - tw / 2 - 1, r: mx + tw / 2 + 1, t: my - 7, b: my + 7, k: -1, text: txt, hop: q};
          if (fits(hb)) { put(hb); hopBoxes.push(hb); break; }
        }
      }
      ctx.stroke();
    }
    var q, k;
    if (focus !== null) {
      var nb = focusList.slice(0, 400);
      for (q = 0; q < nb.length && placed.length < budget; q++) if (visibleNode[nb[q].o]) tryLabel(nb[q].o, false);
    } else {
      for (q = 0; q < nN && placed.length < budget; q++) {
        k = order[q];
        if (!visibleNode[k] || onPath[k]) continue;
        if (sizeOf(k) * px < LOD_PX && !topLabel[k]) {
          if (sizeOf(k) * px < LOD_PX * 0.5) break;  // sorted by size: nothing smaller qualifies
          continue;
        }
        tryLabel(k, false);
      }
    }
    /* rings: path members red, the focused member black, its partners orange */
    ctx.lineWidth = 2;
    if (routeNodes.length) {
      ctx.strokeStyle = PATH_COLOR;
      ctx.beginPath();
      routeNodes.forEach(function (kk) {
        if (!visibleNode[kk]) return;
        var p = pos(kk), r = graph.getNodeAttribute(N.id[kk], "size") * px + 2;
        ctx.moveTo(p.x + r, p.y); ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      });
      ctx.stroke();
    }
    if (focus !== null) {
      var p0 = pos(focus), r0 = (sizeOf(focus) + 2) * px + 3;
      ctx.lineWidth = 3; ctx.strokeStyle = "#111";
      ctx.beginPath(); ctx.arc(p0.x, p0.y, r0, 0, 2 * Math.PI); ctx.stroke();
    }
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (q = 0; q < placed.length; q++) {
      var b = placed[q], label = b.text !== undefined ? b.text : b.label;
      ctx.font = b.text !== undefined ? "italic 11px " + FONT : (b.bold ? "bold 13px " : "12px ") + FONT;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(label, b.l + (b.text !== undefined ? 1 : 0), (b.t + b.b) / 2);
      ctx.fillStyle = b.text !== undefined ? "#8c1515" : "#111";
      ctx.fillText(label, b.l + (b.text !== undefined ? 1 : 0), (b.t + b.b) / 2);
    }
    api.labels = placed.filter(function (bx) { return bx.text === undefined; }).map(function (bx) {
      return {id: N.id[bx.k], l: bx.l, r: bx.r, t: bx.t, b: bx.b};
    });
    api.hopLabels = hopBoxes.map(function (bx) { return {hop: bx.hop, text: bx.text, l: bx.l, r: bx.r, t: bx.t, b: bx.b}; });
  }
  renderer.on("afterRender", function () {
    var T = transform();
    drawOutlines(T);
    drawLabels(T);
    api.frames++;
    if (renderer.getGraph() !== graph) return;
    if (api.firstDrawMs === undefined) {
      timing.firstFrame = performance.now() - T0;
      api.firstDrawMs = performance.now();
      if (gEdges) { setTimeout(addEdges, 0); return; }
    }
    if (!api.ready && !gEdges) {
      timing.complete = performance.now() - T0;
      api.completeMs = performance.now();
      api.ready = true;
      window.netlensReady = true;
      document.body.setAttribute("data-netlens-ready", "1");
    }
  });
  function addEdges() {
    var list = gEdges;
    gEdges = null;
    quietly(function () { graph.import({edges: list}); });
  }
  /* Change the graph with sigma's graph listeners off, then re-index once: sigma reacts to each
     added edge with a partial refresh and to each dropped one with a full re-indexation. */
  function quietly(change) {
    var can = typeof renderer.unbindGraphHandlers === "function" && typeof renderer.bindGraphHandlers === "function";
    if (can) renderer.unbindGraphHandlers();
    try { change(); } finally { if (can) renderer.bindGraphHandlers(); }
    renderer.refresh();
  }
  if (!PROGRESSIVE) gEdges = null;

  /* ---- tooltip: shown on hover, hidden on leave, on any camera move and when the pointer
     leaves the map, so it can never stay behind ---- */
  var tip = $("nl-tooltip");
  function hideTip() { tip.hidden = true; api.hovered = null; }
  function showTip(lines, title, x, y) {
    tip.textContent = "";
    tip.appendChild(el("b", null, title));
    lines.forEach(function (l) { tip.appendChild(el("div", null, l)); });
    tip.hidden = false;
    var w = wrap.clientWidth, h = wrap.clientHeight;
    tip.style.left = Math.max(0, Math.min(x + 14, w - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(0, Math.min(y + 14, h - tip.offsetHeight - 4)) + "px";
  }
  function nodeLines(k, limit) {
    var lines = [M.metric + ": " + fmt(N.metric[k])];
    lines.push("ties: " + fmt(N.deg[k]) + (adj[k].length !== N.deg[k] ? " (" + fmt(adj[k].length) + " drawn)" : ""));
    for (var q = 0; q < M.attrs.length && lines.length < limit; q++) {
      var key = M.attrs[q], v = N.attrs[key][k];
      if (v === null || v === undefined || v === "" || key === M.metric) continue;
      lines.push(key + ": " + fmt(v));
    }
    return lines;
  }
  renderer.on("enterNode", function (ev) {
    var k = byId[ev.node];
    if (k === undefined) return;
    api.hovered = ev.node;
    showTip(nodeLines(k, 12), N.name[k], ev.event.x, ev.event.y);
    container.style.cursor = "pointer";
  });
  renderer.on("leaveNode", function () { hideTip(); container.style.cursor = ""; });
  renderer.on("enterEdge", function (ev) {
    var a = graph.getEdgeAttributes(ev.edge), s = byId[graph.source(ev.edge)], t = byId[graph.target(ev.edge)], lines;
    if (a.j !== undefined) {
      lines = ["weight: " + fmt(E.weight[a.j])];
      if (E.count) lines.push("shared activities: " + fmt(E.count[a.j]));
      if (tieYears(a.j)) lines.push("years: " + tieYears(a.j));
    } else lines = ["weight: " + fmt(a.w), "not drawn on the full map (thinned)"];
    showTip(lines, N.name[s] + " — " + N.name[t], ev.event.x, ev.event.y);
  });
  renderer.on("leaveEdge", hideTip);
  renderer.on("leaveStage", hideTip);
  container.addEventListener("mouseleave", hideTip);
  /* sigma keeps its hovered member across a zoom or a trip outside the map (no new enterNode
     when the pointer comes back onto it): show the tooltip again on the next move. */
  container.addEventListener("mousemove", function (ev) {
    var id = renderer.hoveredNode;
    if (!tip.hidden || id === null || id === undefined || !graph.hasNode(id)) return;
    var r = container.getBoundingClientRect(), k = byId[id];
    api.hovered = id;
    showTip(nodeLines(k, 12), N.name[k], ev.clientX - r.left, ev.clientY - r.top);
  });
  window.addEventListener("blur", hideTip);
  camera.on("updated", function () { if (!tip.hidden) hideTip(); });
  /* Draw a camera change in the frame it happens: sigma schedules it for the next animation frame,
     one display frame later (zoom, pan and camera animations all land here). Only the first change
     of a frame is drawn at once (sigma's render cancels the frame it had scheduled); later ones in
     the same frame wait for that scheduled render, so no frame is drawn twice. */
  var drawnAt = null;
  camera.on("updated", function () {
    if (renderer.getGraph() !== graph || !api.ready) return;
    var t = document.timeline && document.timeline.currentTime !== null ? document.timeline.currentTime : null;
    if (t === null || t === drawnAt) return;
    drawnAt = t;
    renderer.render();
  });

  /* ---- selection: focus mode + details panel (an overlay: the map keeps its size) ---- */
  var panel = $("nl-panel");
  var TIES_SHOWN = 500;  // ties listed at once in the details panel; a button lists the rest
  var THIN_HAIRLINES = 100;  // above this many thinned ties in focus, they are drawn as hairlines
  var focusList = [];
  /* A member's ties for focus mode: the drawn ones (with the filters), then the thinned ones the
     data block carries (partner on the map: drawn in orange while in focus; partner not on the
     map: listed only), strongest first. */
  function tiesOf(k) {
    var nb = [];
    adj[k].forEach(function (jj) {
      if (!edgeVisible(jj)) return;
      nb.push({o: E.source[jj] === k ? E.target[jj] : E.source[jj], x: -1, w: E.weight[jj], hidden: false});
    });
    thinnedOf(k).forEach(function (t) {
      if (t.o >= 0 && !visibleNode[t.o]) return;
      nb.push({o: t.o, x: t.x, w: t.w, hidden: true});
    });
    nb.sort(function (a, b) { return b.w - a.w || (nameOf(a) < nameOf(b) ? -1 : 1); });
    return nb;
  }
  function nameOf(t) { return t.o >= 0 ? N.name[t.o] : NB_EXTRA.name[t.x]; }
  function idOf(t) { return t.o >= 0 ? N.id[t.o] : NB_EXTRA.id[t.x]; }
  function dropFocusEdges() {
    focusEdges.forEach(function (key) { if (graph.hasEdge(key)) graph.dropEdge(key); });
    focusEdges = [];
  }
  function setFocus(k) {
    quietly(function () {
      dropFocusEdges();
      inFocus.fill(0);
      focus = k;
      focusList = k === null ? [] : tiesOf(k);
      if (k === null) return;
      inFocus[k] = 1;
      var widthOf = hiddenWidth(), nHidden = 0;
      focusList.forEach(function (x) { if (x.hidden && x.o >= 0) nHidden++; });
      /* a hub's hundreds of thinned ties at full width would paint the view orange: hairlines then */
      var hairline = nHidden > THIN_HAIRLINES;
      focusList.forEach(function (x) {
        if (x.o < 0) return;  // partner not on this map: listed, not drawn
        inFocus[x.o] = 1;
        if (!x.hidden) return;
        var key = "h" + x.o, s = N.id[k], t = N.id[x.o];
        if (graph.hasEdge(key) || graph.hasEdge(s, t)) return;
        var size = hairline ? 0.5 : widthOf(x.w) * EDGE_K + 0.5;
        graph.addEdgeWithKey(key, s, t, {h: 1, w: x.w, size: size, color: HIDDEN_TIE_COLOR, zIndex: 3});
        focusEdges.push(key);
      });
    });
  }
  /* A drawn tie's years ("2016" or "2016–2021"), "" without. */
  function tieYears(jj) {
    if (!E.t0 || E.t0[jj] === null || E.t0[jj] === undefined) return "";
    return String(E.t0[jj]) + (E.t1[jj] !== E.t0[jj] ? "–" + E.t1[jj] : "");
  }
  var widthOfWeight = null;
  function hiddenWidth() {  // same rule as the Python side: 1..7 px by sqrt of the weight's place; the range once
    if (widthOfWeight) return widthOfWeight;
    var lo = Infinity, hi = -Infinity;
    for (var q = 0; q < nE; q++) { var w = E.weight[q]; if (w < lo) lo = w; if (w > hi) hi = w; }
    return (widthOfWeight = function (w) {
      if (!(hi > lo)) return 1.5;
      var f = Math.max(0, Math.min(1, (w - lo) / (hi - lo)));
      return 1 + 6 * Math.sqrt(f);
    });
  }
  function fillPanel(k) {
    $("nl-panel-title").textContent = N.name[k];
    var table = $("nl-panel-attrs");
    table.textContent = "";
    function row(key, val) {
      var tr = el("tr");
      tr.appendChild(el("th", null, key));
      tr.appendChild(el("td", null, val));
      table.appendChild(tr);
    }
    row("id", N.id[k]);
    row(M.metric + " (size)", fmt(N.metric[k]));
    if (M.metric !== "degree") row("ties", fmt(N.deg[k]));
    M.attrs.forEach(function (key) {
      var v = N.attrs[key][k];
      if (v !== null && v !== undefined && v !== "" && key !== M.metric) row(key, fmt(v));
    });
    var nb = focusList, drawn = 0, thinned = 0, offMap = 0;
    nb.forEach(function (x) { if (!x.hidden) drawn++; else if (x.o >= 0) thinned++; else offMap++; });
    var total = totalTies(k), missing = total - nb.length;
    $("nl-panel-nb-title").textContent = "Ties (" + g(total) + ")";
    var note = [g(drawn) + " drawn"];
    if (thinned) note.push(g(thinned) + " thinned from the map, shown in orange only in this view");
    if (offMap) note.push(g(offMap) + " with members not on this map");
    if (missing > 0) {
      note.push(NB_DATA ? g(missing) + " with members hidden by the filters are not listed"
                        : g(missing) + " not in this file (thinned away or outside the map)");
    }
    $("nl-panel-nb-note").textContent = note.join("; ") + ".";
    var ol = $("nl-panel-neighbours");
    ol.textContent = "";
    function tieItem(x) {
      var li = el("li", x.hidden ? (x.o >= 0 ? "nl-hidden-tie" : "nl-offmap-tie") : null, nameOf(x));
      li.appendChild(el("span", "nl-sub", "w " + fmt(x.w) + (x.hidden ? (x.o >= 0 ? " · thinned" : " · not on this map") : "")));
      li.setAttribute("data-id", idOf(x));
      if (x.o >= 0) li.addEventListener("click", function () { select(N.id[x.o], true); });
      return li;
    }
    nb.slice(0, TIES_SHOWN).forEach(function (x) { ol.appendChild(tieItem(x)); });
    if (nb.length > TIES_SHOWN) {  // a hub's thousands of ties: the strongest first, the rest on demand
      var more = el("li", "nl-sub"), btn = el("button", null, "Show all " + g(nb.length) + " ties");
      btn.id = "nl-panel-nb-more";
      btn.addEventListener("click", function () {
        var frag = document.createDocumentFragment();
        nb.slice(TIES_SHOWN).forEach(function (x) { frag.appendChild(tieItem(x)); });
        ol.replaceChild(frag, more);
      });
      more.appendChild(el("span", null, "… " + g(nb.length - TIES_SHOWN) + " weaker ties. "));
      more.appendChild(btn);
      ol.appendChild(more);
    }
    panel.hidden = false;
  }
  function select(id, zoomTo) {
    var k = byId[id];
    if (k === undefined || !visibleNode[k]) return false;
    hideTip();
    if (routeFrom !== null && routeFrom !== k) pickRoute(routeFrom, k);
    api.selected = id;
    setFocus(k);
    fillPanel(k);
    if (zoomTo) zoomToNode(k);
    return true;
  }
  function clearSelection() {
    if (focus === null && panel.hidden) return;
    api.selected = null;
    panel.hidden = true;
    setFocus(null);
  }
  /* Centre the member in the part of the map the panel leaves free, zoomed in enough for it
     to be a clear dot with its label. */
  function zoomToNode(k) {
    var d = renderer.getNodeDisplayData(N.id[k]);
    if (!d) return;
    var st = camera.getState();
    var ratio = Math.min(st.ratio, Math.max(0.01, Math.min(1, Math.sqrt(150 / Math.max(1, nN)))));
    var a = renderer.viewportToFramedGraph({x: 0, y: 0}), b = renderer.viewportToFramedGraph({x: 1, y: 0});
    var perPx = (b.x - a.x) / st.ratio * ratio;
    var free = panel.hidden ? 0 : Math.min(panel.offsetWidth, container.clientWidth / 2);
    camera.animate({x: d.x + perPx * free / 2, y: d.y, ratio: ratio}, {duration: 300});
  }
  api.select = select;
  api.clearSelection = clearSelection;
  api.focusList = function () { return focusList.map(function (x) { return {id: idOf(x), weight: x.w, hidden: x.hidden, onMap: x.o >= 0}; }); };
  $("nl-panel-close").addEventListener("click", clearSelection);
  renderer.on("clickNode", function (ev) { select(ev.node, false); });
  renderer.on("clickStage", function () { clearSelection(); });

  /* ---- search: exact, then prefix / word-start (by size), then anywhere (by size); accents
     and case folded ---- */
  function fold(s) { return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss").toLowerCase(); }
  var folded = null, foldedId = null;  // built on the first search (36k names: ~0.1 s)
  var input = $("nl-search"), results = $("nl-results"), active = 0, current = [];
  function search(q) {
    q = fold(q).trim().replace(/\s+/g, " ");
    if (!q) return [];
    if (!folded) { folded = N.name.map(fold); foldedId = N.id.map(fold); }
    var hits = [];
    for (var k = 0; k < nN; k++) {
      if (!visibleNode[k] && !(isoHidden && isIso[k])) continue;
      var s = folded[k], rank;
      if (s === q || foldedId[k] === q) rank = 0;
      else {
        var pos = s.indexOf(q);
        if (pos < 0) continue;
        rank = 2;
        while (pos >= 0) {
          if (pos === 0 || !/[a-z0-9]/.test(s.charAt(pos - 1))) { rank = 1; break; }
          pos = s.indexOf(q, pos + 1);
        }
      }
      hits.push([rank, -N.size[k], s, k]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    return hits.slice(0, 15).map(function (h) { return h[3]; });
  }
  api.search = function (q) { return search(q).map(function (k) { return N.id[k]; }); };
  function renderResults() {
    results.textContent = "";
    current.forEach(function (k, n) {
      var li = el("li", n === active ? "nl-active" : null, N.name[k]);
      var sub = [];
      if (attrCol.kind && attrCol.kind[k]) sub.push(attrCol.kind[k]);
      if (attrCol.country && attrCol.country[k]) sub.push(attrCol.country[k]);
      if (sub.length) li.appendChild(el("span", "nl-sub", sub.join(", ")));
      li.setAttribute("role", "option");
      li.setAttribute("data-id", N.id[k]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(k); });
      results.appendChild(li);
    });
  }
  function choose(k) {
    current = [];
    renderResults();
    if (isoHidden && isIso[k]) showIsolates(true, false);
    input.value = N.name[k];
    searched = k;
    select(N.id[k], true);
  }
  input.addEventListener("input", function () { current = search(input.value); active = 0; renderResults(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, current.length - 1); renderResults(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); renderResults(); ev.preventDefault(); }
    else if (ev.key === "Enter") {
      if (!current.length) { current = search(input.value); active = 0; }
      if (current.length) choose(current[Math.max(0, active)]);
      ev.preventDefault();
    } else if (ev.key === "Escape") { current = []; renderResults(); input.blur(); escape(); ev.stopPropagation(); }
  });
  input.addEventListener("blur", function () { current = []; renderResults(); });

  /* ---- view controls: +/−, fit, Esc, PNG ---- */
  function zoomIn() { camera.animatedZoom({duration: 200}); }
  function zoomOut() { camera.animatedUnzoom({duration: 200}); }
  function fit() { camera.animatedReset({duration: 250}); }
  function escape() {
    hideTip();
    if (routeFrom !== null) { cancelRoute(); return; }
    current = []; renderResults();
    searched = null;
    clearSelection();
  }
  $("nl-zoom-in").addEventListener("click", zoomIn);
  $("nl-zoom-out").addEventListener("click", zoomOut);
  $("nl-fit").addEventListener("click", fit);
  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if (ev.key === "Escape") { escape(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "+" || ev.key === "=") { zoomIn(); ev.preventDefault(); }
    else if (ev.key === "-" || ev.key === "_") { zoomOut(); ev.preventDefault(); }
    else if (ev.key === "0") { fit(); ev.preventDefault(); }
  });
  api.fit = fit; api.zoomIn = zoomIn; api.zoomOut = zoomOut; api.escape = escape;
  /* The current view as PNG: render once synchronously and copy every layer (WebGL buffers are
     still intact within the same task) onto one white canvas. */
  function snapshot() {
    renderer.refresh();
    var dpr = window.devicePixelRatio || 1, w = container.clientWidth, h = container.clientHeight;
    var out = document.createElement("canvas");
    out.width = Math.round(w * dpr); out.height = Math.round(h * dpr);
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, out.width, out.height);
    [bg, layers.edges, layers.nodes, overlay].forEach(function (c) { if (c) ctx.drawImage(c, 0, 0, out.width, out.height); });
    return out;
  }
  api.exportPNG = function () { return snapshot().toDataURL("image/png"); };
  $("nl-export").addEventListener("click", function () {
    snapshot().toBlob(function (blob) {
      if (!blob) return;
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = (M.title || "netlens-map").replace(/[^\w.-]+/g, "_").slice(0, 80) + ".png";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, "image/png");
  });
  var sideToggle = $("nl-side-toggle");
  if (window.innerWidth < 1000) { document.body.classList.add("nl-side-closed"); sideToggle.setAttribute("aria-expanded", "false"); }
  sideToggle.addEventListener("click", function () {
    var closed = document.body.classList.toggle("nl-side-closed");
    sideToggle.setAttribute("aria-expanded", closed ? "false" : "true");
  });

  /* ---- legend: colours (with toggles), sizes, widths ---- */
  var legend = $("nl-legend-items");
  cats.forEach(function (c, n) {
    var lab = el("label"), cb = el("input");
    cb.type = "checkbox";
    cb.checked = true;
    cb.setAttribute("data-cat", String(n));
    cb.addEventListener("change", function () { state.cats[n] = cb.checked; applyFilters(); });
    var sw = el("span", "nl-swatch");
    sw.style.background = c.color;
    lab.appendChild(cb);
    lab.appendChild(sw);
    lab.appendChild(el("span", null, c.label));
    lab.appendChild(el("span", "nl-count", c.count.toLocaleString("en")));
    legend.appendChild(lab);
  });
  (function sizeLegend() {
    var box = $("nl-legend-sizes");
    function row(key, text) {
      var r = el("div", "nl-row"), kbox = el("span", "nl-key");
      kbox.appendChild(key);
      r.appendChild(kbox);
      r.appendChild(el("span", null, text));
      box.appendChild(r);
    }
    if (nN) {
      var lo = order[nN - 1], hi = order[0];
      [hi, lo].forEach(function (k) {
        var d = el("span", "nl-dot"), s = Math.max(3, Math.round(2 * sizeOf(k)));
        d.style.width = s + "px"; d.style.height = s + "px";
        row(d, M.metric + " " + fmt(N.metric[k]));
      });
    }
    if (nE) {
      var jlo = 0, jhi = 0;
      for (var q = 1; q < nE; q++) { if (E.weight[q] < E.weight[jlo]) jlo = q; if (E.weight[q] > E.weight[jhi]) jhi = q; }
      [jhi, jlo].forEach(function (jj) {
        var ln = el("span", "nl-line");
        ln.style.height = Math.max(1, Math.round(E.width[jj] * EDGE_K * 1.3)) + "px";
        row(ln, "tie weight " + fmt(E.weight[jj]));
      });
    }
  })();
  $("nl-legend-scale").textContent = "Colour: " + M.color_by + ". Dot size: " + M.metric +
    ". Line width: tie strength (weight). Red: the highlighted path or the route picked (a member's details: Route from here)." +
    (NB_DATA ? " Orange (when a member is selected): its ties thinned from the full map." : "");

  /* ---- filters, time slider ---- */
  var fbox = $("nl-filter-items");
  (M.filters || []).forEach(function (f) {
    var lab = el("label", null, f.label), sel = el("select");
    sel.setAttribute("data-filter", f.key);
    sel.appendChild(el("option", null, "all")).value = "";
    f.values.forEach(function (v) { sel.appendChild(el("option", null, v[0] + " (" + v[1] + ")")).value = v[0]; });
    sel.addEventListener("change", function () { state.sel[f.key] = sel.value; applyFilters(); });
    lab.appendChild(sel);
    fbox.appendChild(lab);
  });
  var yFrom = $("nl-year-from"), yTo = $("nl-year-to"), playBtn = $("nl-play"), playing = null;
  if (M.time && M.time.max >= M.time.min) {
    $("nl-time").hidden = false;
    [yFrom, yTo].forEach(function (x, n) {
      x.min = M.time.min; x.max = M.time.max;
      x.value = n ? M.time.max : M.time.min;
      x.addEventListener("input", function () { stopPlay(); readYears(); });
    });
  }
  function showYears() {
    var lo = parseInt(yFrom.value, 10), hi = parseInt(yTo.value, 10);
    $("nl-years-text").textContent = lo === hi ? String(lo) : lo + "–" + hi;
  }
  function readYears() {
    var lo = parseInt(yFrom.value, 10), hi = parseInt(yTo.value, 10);
    state.y0 = isNaN(lo) || lo <= M.time.min ? null : lo;
    state.y1 = isNaN(hi) || hi >= M.time.max ? null : hi;
    if (!isNaN(lo) && !isNaN(hi) && lo > hi) { state.y0 = lo; state.y1 = hi; }  // kept: the view says why it is empty
    showYears();
    applyFilters();
  }
  function setYears(lo, hi) { yFrom.value = lo; yTo.value = hi; readYears(); }
  function stopPlay() { if (playing) { clearInterval(playing); playing = null; playBtn.textContent = "▶"; } }
  /* Play: a window as wide as the current range (one year if it is the whole span) walks from
     the first year to the last. */
  function play() {
    if (playing) { stopPlay(); return; }
    var lo = parseInt(yFrom.value, 10), hi = parseInt(yTo.value, 10);
    var width = hi - lo;
    if (width < 0 || width >= M.time.max - M.time.min) width = 0;
    var y = M.time.min;
    setYears(y, y + width);
    playBtn.textContent = "❚❚";
    playing = setInterval(function () {
      y++;
      if (y + width > M.time.max) { stopPlay(); return; }
      setYears(y, y + width);
    }, 900);
  }
  if (M.time) { playBtn.addEventListener("click", play); showYears(); }
  api.setYears = setYears;
  api.play = play;
  if (!fbox.childNodes.length) fbox.appendChild(el("p", "nl-sub", "Use the legend to hide categories."));
  var reset = el("button", null, "Reset filters");
  reset.id = "nl-filter-reset";
  reset.type = "button";
  reset.addEventListener("click", resetFilters);
  fbox.appendChild(reset);
  function resetFilters() {
    stopPlay();
    state.sel = {}; state.y0 = null; state.y1 = null;
    state.cats = cats.map(function () { return true; });
    fbox.querySelectorAll("select").forEach(function (s) { s.value = ""; });
    legend.querySelectorAll("input").forEach(function (s) { s.checked = true; });
    if (M.time) { yFrom.value = M.time.min; yTo.value = M.time.max; showYears(); }
    applyFilters();
  }
  api.resetFilters = resetFilters;
  /* An empty view says why: which filters are on and how many members each leaves alone. */
  function explainEmpty(tests) {
    var box = $("nl-empty");
    box.textContent = "";
    if (nVisible > 0 || !nN) { box.hidden = true; return; }
    box.appendChild(el("p", null, "No member matches the current filters."));
    if (yearsInverted()) box.appendChild(el("p", null, "The year range is inverted: from " + state.y0 + " is after to " + state.y1 + "."));
    if (nIsoMatching) box.appendChild(el("p", null, g(nIsoMatching) + " isolated member" + (nIsoMatching === 1 ? "" : "s") + " match but are not drawn: \u201cShow them\u201d in the side bar draws them."));
    var ul = el("ul");
    tests.forEach(function (t) {
      var c = 0;
      for (var k = 0; k < nN; k++) if (t.ok(k)) c++;
      ul.appendChild(el("li", null, t.what + ": " + g(c) + " member" + (c === 1 ? "" : "s") + " on its own"));
    });
    box.appendChild(ul);
    var b = el("button", null, "Reset filters");
    b.type = "button";
    b.addEventListener("click", resetFilters);
    box.appendChild(b);
    box.hidden = false;
  }
  function applyFilters() {
    var tests = computeVisible();
    if (focus !== null && !visibleNode[focus]) { api.selected = null; panel.hidden = true; focus = null; }
    if (focus !== null) { setFocus(focus); fillPanel(focus); } else renderer.refresh();
    explainEmpty(tests);
    updateCounter();
  }
  api.applyFilters = applyFilters;
  function countEdges() {
    var c = 0;
    for (var q = 0; q < nE; q++) if (edgeVisible(q)) c++;
    return c;
  }
  api.countEdges = countEdges;
  api.countNodes = function () { return nVisible; };
  function updateCounter() {
    $("nl-counter").textContent = g(nVisible) + " of " + g(nN) + " members, " + g(countEdges()) + " of " + g(nE) + " ties drawn";
  }
  updateCounter();

  /* ---- notes, path, unplaced ---- */
  var notes = $("nl-notes");
  /* The Python side's notes, less the isolated-grid one (the isolates box above the legend says it),
     and with the labelling one told the way this viewer labels. */
  (M.notes || []).forEach(function (t) {
    if (ISO.count && t.indexOf(g(ISO.count) + " members have no tie on this map") === 0 && !M.geo) return;
    if (t.indexOf("Names are drawn for the ") === 0) t = "Names are drawn for the largest members where they fit without overlapping, more as you zoom in; hover, click or search for the others.";
    notes.appendChild(el("p", null, t));
  });
  /* ---- routes: the file's highlighted path, and routes picked in the page ----
     The list shows member, hop (activity, year, strength), member, … A picked route is the
     strongest on the drawn, visible ties: the least sum of 1/weight (a strong tie is short, as
     `netlens paths` ranks routes), fewer hops among equal sums. */
  var routeFrom = null, picked = null;
  function showRouteList(title, nodes, hops, note) {
    $("nl-path").hidden = nodes.length === 0 && !note;
    $("nl-path-title").textContent = title;
    $("nl-path-note").textContent = note || "";
    var pl = $("nl-path-items");
    pl.textContent = "";
    nodes.forEach(function (k, q) {
      var li = el("li", "nl-route-member", N.name[k]);
      li.setAttribute("data-id", N.id[k]);
      li.addEventListener("click", function () { select(N.id[k], true); });
      pl.appendChild(li);
      if (q + 1 < nodes.length && hops[q] && hops[q].long) pl.appendChild(el("li", "nl-hop", hops[q].long));
    });
    $("nl-route-clear").hidden = picked === null;
  }
  function strongestRoute(s, t) {
    var dist = new Float64Array(nN).fill(Infinity), hops = new Int32Array(nN), via = new Int32Array(nN).fill(-1);
    var done = new Uint8Array(nN), heap = [];
    function less(x, y) { return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]); }
    function push(x) {
      heap.push(x);
      for (var c = heap.length - 1; c > 0;) {
        var p = (c - 1) >> 1;
        if (!less(heap[c], heap[p])) break;
        var tmp = heap[c]; heap[c] = heap[p]; heap[p] = tmp; c = p;
      }
    }
    function pop() {
      var top = heap[0], last = heap.pop();
      if (heap.length) {
        heap[0] = last;
        for (var c = 0; ;) {
          var l = 2 * c + 1, r = l + 1, m = c;
          if (l < heap.length && less(heap[l], heap[m])) m = l;
          if (r < heap.length && less(heap[r], heap[m])) m = r;
          if (m === c) break;
          var tmp = heap[c]; heap[c] = heap[m]; heap[m] = tmp; c = m;
        }
      }
      return top;
    }
    dist[s] = 0;
    push([0, 0, s]);
    while (heap.length) {
      var cur = pop(), u = cur[2];
      if (done[u]) continue;
      done[u] = 1;
      if (u === t) break;
      for (var q = 0; q < adj[u].length; q++) {
        var jj = adj[u][q], w = E.weight[jj];
        if (!(w > 0) || !edgeVisible(jj)) continue;
        var v = E.source[jj] === u ? E.target[jj] : E.source[jj];
        if (done[v]) continue;
        var nd = cur[0] + 1 / w, nh = cur[1] + 1;
        if (nd < dist[v] || (nd === dist[v] && nh < hops[v])) { dist[v] = nd; hops[v] = nh; via[v] = jj; push([nd, nh, v]); }
      }
    }
    if (!done[t]) return null;
    var nodes = [t], edges = [];
    for (var x = t; x !== s;) {
      var e = via[x];
      edges.push(e);
      x = E.source[e] === x ? E.target[e] : E.source[e];
      nodes.push(x);
    }
    nodes.reverse(); edges.reverse();
    return {nodes: nodes, edges: edges, cost: dist[t]};
  }
  function tieHop(jj) {
    var years = tieYears(jj), bits = ["weight " + fmt(E.weight[jj])];
    if (E.count) bits.push(fmt(E.count[jj]) + " shared activit" + (E.count[jj] === 1 ? "y" : "ies"));
    if (years) bits.push(years);
    return {short: years || "w " + fmt(E.weight[jj]), long: bits.join(" · ")};
  }
  function showFileRoute() {
    picked = null;
    routeHops = fileHops();
    markRoute(M.path || [], E.path || []);
    var n = (M.path || []).length;
    showRouteList("Highlighted path", M.path || [], routeHops, n ? "" : null);
  }
  function pickRoute(s, t) {
    var r = strongestRoute(s, t);
    routeFrom = null;
    $("nl-route-banner").hidden = true;
    if (!r) {
      picked = {from: s, to: t, nodes: [], edges: [], cost: null};
      markRoute([], []);
      routeHops = [];
      showRouteList("Route", [], [], "No route from " + N.name[s] + " to " + N.name[t] + " on the ties drawn (and not filtered out).");
    } else {
      picked = {from: s, to: t, nodes: r.nodes, edges: r.edges, cost: r.cost};
      markRoute(r.nodes, r.edges);
      routeHops = r.edges.map(tieHop);
      showRouteList("Route " + N.name[s] + " → " + N.name[t], r.nodes, routeHops,
                    g(r.edges.length) + " hop" + (r.edges.length === 1 ? "" : "s") + " on the drawn ties; the strongest route (least sum of 1/weight). " +
                    "`netlens paths` searches all ties, with their activities.");
    }
    $("nl-path").hidden = false;
    if (document.body.classList.contains("nl-side-closed")) { document.body.classList.remove("nl-side-closed"); sideToggle.setAttribute("aria-expanded", "true"); }
    renderer.refresh();
    return picked;
  }
  function startRoute(k) {
    routeFrom = k;
    var b = $("nl-route-banner");
    $("nl-route-banner-text").textContent = "Route from " + N.name[k] + ": click or search the member to go to (Esc cancels).";
    b.hidden = false;
  }
  function cancelRoute() { routeFrom = null; $("nl-route-banner").hidden = true; }
  function clearRoute() { showFileRoute(); renderer.refresh(); }
  $("nl-route-from").addEventListener("click", function () { if (focus !== null) startRoute(focus); });
  $("nl-route-cancel").addEventListener("click", cancelRoute);
  $("nl-route-clear").addEventListener("click", clearRoute);
  api.route = function (a, b) {
    var s = byId[a], t = byId[b];
    if (s === undefined || t === undefined) return null;
    var r = pickRoute(s, t);
    return {ids: r.nodes.map(function (k) { return N.id[k]; }), edges: r.edges, cost: r.cost};
  };
  api.startRoute = function (id) { if (byId[id] !== undefined) startRoute(byId[id]); };
  api.clearRoute = clearRoute;
  showFileRoute();
  if (D.unplaced && D.unplaced.id.length) {
    $("nl-unplaced").hidden = false;
    $("nl-unplaced-note").textContent = D.unplaced.id.length + " members have no coordinates and are not drawn:";
    var ul = $("nl-unplaced-items");
    D.unplaced.name.slice(0, 1000).forEach(function (nm) { ul.appendChild(el("li", null, nm)); });
    if (D.unplaced.id.length > 1000) ul.appendChild(el("li", null, "… " + (D.unplaced.id.length - 1000) + " more"));
  }

  /* ---- test/bench hooks (no data-derived markup) ---- */
  api.nodeViewport = function (id) {
    var a = graph.getNodeAttributes(id);
    return renderer.graphToViewport({x: a.x, y: a.y});
  };
  api.nodeRadius = function (id) { return graph.getNodeAttribute(id, "size") * renderer.scaleSize(1); };
  window.addEventListener("resize", function () { renderer.refresh(); });
  timing.ui = performance.now() - T0;
  /* ---- isolated members: a count and a button ---- */
  function showIsolates(on, refit) {
    isoHidden = !on && (ISO.nodes || []).length > 0;
    var box = fitBox();
    if (typeof renderer.setCustomBBox === "function") renderer.setCustomBBox(box);
    $("nl-isolates-text").textContent = g(ISO.count) + " isolated member" + (ISO.count === 1 ? "" : "s") +
      " (no tie on this map) " + (isoHidden ? "not drawn." : "drawn in a grid beside the others.");
    $("nl-isolates-toggle").textContent = isoHidden ? "Show them" : "Hide them";
    applyFilters();
    if (refit) camera.animatedReset({duration: 250});
  }
  api.showIsolates = function (on) { showIsolates(on, true); };
  if ((ISO.nodes || []).length && !M.geo) {
    $("nl-isolates").hidden = false;
    $("nl-isolates-toggle").addEventListener("click", function () { showIsolates(isoHidden, true); });
  }
  if (typeof renderer.setCustomBBox === "function") renderer.setCustomBBox(fitBox());
  if ((ISO.nodes || []).length && !M.geo) showIsolates(!isoHidden, false);
  renderer.setGraph(graph);
})();
