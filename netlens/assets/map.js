/* netlens map viewer: builds a vis-network view from the embedded JSON block.
 * Every piece of data-derived text reaches the DOM through textContent (never innerHTML)
 * and vis-network draws labels on the canvas, so names from CSV files cannot inject markup. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("netlens-data").textContent);
  var M = D.meta, N = D.nodes, E = D.edges;
  var nN = N.id.length, nE = E.source.length;
  var PATH_COLOR = "#d62728";
  var byId = {};
  var i, j;
  for (i = 0; i < nN; i++) byId[N.id[i]] = i;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.join("; ");
    if (typeof v === "number") {
      if (Number.isInteger(v)) return Math.abs(v) >= 10000 ? v.toLocaleString("en") : String(v);
      return Math.abs(v) >= 1000 ? v.toLocaleString("en", {maximumFractionDigits: 0}) : String(Number(v.toPrecision(4)));
    }
    return String(v);
  }

  /* ---- adjacency (drawn edges only) ---- */
  var adj = new Array(nN);
  for (i = 0; i < nN; i++) adj[i] = [];
  for (j = 0; j < nE; j++) {
    adj[E.source[j]].push(j);
    adj[E.target[j]].push(j);
  }
  var onPath = new Uint8Array(nN);
  (M.path || []).forEach(function (k) { onPath[k] = 1; });
  var edgeOnPath = new Uint8Array(nE);
  (E.path || []).forEach(function (k) { edgeOnPath[k] = 1; });
  var labelled = new Uint8Array(nN);
  (N.label || []).forEach(function (k) { labelled[k] = 1; });

  /* ---- vis data ---- */
  var cats = M.categories;
  var nodeItems = new Array(nN);
  for (i = 0; i < nN; i++) {
    var c = cats[N.cat[i]];
    var item = {
      id: N.id[i], i: i, x: N.x[i], y: N.y[i], value: N.size[i],
      color: {background: c.color, border: c.border,
              highlight: {background: c.color, border: "#111"},
              hover: {background: c.color, border: "#111"}}
    };
    if (labelled[i]) item.label = N.name[i];
    if (onPath[i]) { item.borderWidth = 4; item.color.border = PATH_COLOR; }
    if (M.geo) { item.fixed = true; }
    nodeItems[i] = item;
  }
  /* In fast mode (large maps) vis-network gets no edges at all: building ~50k vis Edge objects
     costs seconds and hundreds of MB, so the viewer draws the edges itself (see drawEdges). */
  var FAST = !!M.fast_draw;
  var edgeItems = new Array(FAST ? 0 : nE);
  for (j = 0; j < edgeItems.length; j++) {
    var ed = {id: j, from: N.id[E.source[j]], to: N.id[E.target[j]], width: E.width[j]};
    if (edgeOnPath[j]) { ed.color = {color: PATH_COLOR, highlight: PATH_COLOR, hover: PATH_COLOR, opacity: 1}; ed.width = E.width[j] + 3; }
    edgeItems[j] = ed;
  }

  /* ---- filter state ---- */
  var state = {cats: cats.map(function () { return true; }), sel: {}, y0: null, y1: null};
  var attrCol = {};
  (M.attrs || []).forEach(function (k) { attrCol[k] = N.attrs[k]; });
  function overlaps(a, b) {
    if (a === null || a === undefined) return true;
    var lo = state.y0, hi = state.y1;
    if (lo !== null && b !== null && b !== undefined && b < lo) return false;
    if (hi !== null && a > hi) return false;
    return true;
  }
  var visibleNode = new Uint8Array(nN);
  function computeVisible() {
    var keys = Object.keys(state.sel).filter(function (k) { return state.sel[k] !== ""; });
    for (var k = 0; k < nN; k++) {
      var ok = state.cats[N.cat[k]];
      for (var q = 0; ok && q < keys.length; q++) {
        var v = attrCol[keys[q]][k], want = state.sel[keys[q]];
        if (Array.isArray(v)) ok = v.indexOf(want) >= 0;
        else ok = v !== null && v !== undefined && String(v) === want;
      }
      if (ok && N.t0) ok = overlaps(N.t0[k], N.t1[k]);
      visibleNode[k] = ok ? 1 : 0;
    }
  }
  computeVisible();
  function edgeVisible(j) {
    if (!visibleNode[E.source[j]] || !visibleNode[E.target[j]]) return false;
    if (E.t0) return overlaps(E.t0[j], E.t1[j]);
    return true;
  }

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodesView = new vis.DataView(nodes, {filter: function (it) { return visibleNode[it.i] === 1; }});
  var edgesView = new vis.DataView(edges, {filter: function (it) { return edgeVisible(it.id); }});

  var big = !FAST && (nN > 3000 || nE > 20000);
  var options = {
    autoResize: true,
    layout: {improvedLayout: false, randomSeed: M.seed},
    nodes: {
      shape: "dot", borderWidth: 1, borderWidthSelected: 3,
      font: {face: "system-ui, sans-serif", color: "#111", strokeWidth: 4, strokeColor: "rgba(255,255,255,0.85)"},
      scaling: {
        min: M.size_range[0], max: M.size_range[1],
        /* `value` already is the size in pixels (computed in Python): keep it, whatever the
           range of the nodes currently shown (filters would otherwise rescale everything). */
        customScalingFunction: function (min, max, total, value) {
          return (value - M.size_range[0]) / (M.size_range[1] - M.size_range[0]);
        },
        label: {enabled: true, min: M.font.min, max: M.font.max, maxVisible: 26, drawThreshold: 7}
      }
    },
    edges: {
      smooth: false, selectionWidth: 1.5, hoverWidth: 0.5,
      color: {color: "rgba(110,110,110," + M.edge_alpha + ")", highlight: "#333", hover: "#555", inherit: false},
      arrows: {to: {enabled: !!M.directed, scaleFactor: 0.5}}
    },
    /* Positions start from the precomputed layout, so a short, strongly damped simulation is
       enough; it comes to rest quickly and starts again only when a node is dragged. */
    physics: M.physics ? {
      enabled: true, solver: "barnesHut",
      barnesHut: {gravitationalConstant: -3000, springLength: 90, springConstant: 0.04, damping: 0.35,
                  avoidOverlap: 0.3},
      minVelocity: 1.5,
      stabilization: {enabled: true, iterations: 60, updateInterval: 30, fit: true}
    } : {enabled: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  multiselect: false, navigationButtons: false, keyboard: false}
  };

  var container = $("nl-network");
  var network = new vis.Network(container, {nodes: nodesView, edges: edgesView}, options);
  var api = {network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView, labels: [],
             data: D, ready: false, selected: null};
  window.network = network;
  window.netlens = api;
  window.netlensReady = false;

  /* ---- batched drawing for large maps ----
   * vis-network draws every node with two canvas save()/restore() pairs and strokes every edge
   * on its own: ~0.6 s per frame at 30k nodes / 56k edges (and ~3 s to build 56k Edge objects).
   * For maps flagged `fast_draw` (physics off) vis gets no edges (drawEdges paints them from the
   * JSON arrays in "beforeDrawing") and the renderer's node pass, `_drawNodes` (an internal
   * method of the vendored vis-network 9.1.2), is replaced by one filled path per colour; each
   * node's hit box is kept up to date so clicks, hovers and selection still go through vis.
   * The node pass is ours on every map (physics or not): vis-network draws each label where its
   * node is, over the others, so on a dense map the names overprint; ours draws them largest
   * first and skips a label that would overlap one already drawn (zoom in to see it). */
  function installNodePass() {
    var R = network.renderer, body = network.body;
    if (!R || typeof R._drawNodes !== "function" || !body || !body.nodeIndices) return false;
    R._drawNodes = function (ctx) { fastDrawNodes(ctx, R, body); return {drawExternalLabels: null}; };
    return true;
  }
  function viewBox(R) {
    var frame = R.canvas.frame.canvas, pad = 20;
    var tl = R.canvas.DOMtoCanvas({x: -pad, y: -pad});
    var br = R.canvas.DOMtoCanvas({x: frame.clientWidth + pad, y: frame.clientHeight + pad});
    return {l: tl.x, t: tl.y, r: br.x, b: br.y};
  }
  /* Edges of a fast-mode map: one path per (width bucket), drawn from the JSON arrays under the
     nodes (beforeDrawing); the selected member's ties and a highlighted path on top of them. */
  var buckets = null;
  function edgeBuckets() {
    var by = {}, keys = [];
    for (var j2 = 0; j2 < nE; j2++) {
      var w = edgeOnPath[j2] ? -1 : Math.round(E.width[j2] * 2) / 2;
      if (!by[w]) { by[w] = []; keys.push(w); }
      by[w].push(j2);
    }
    keys.sort(function (a, b) { return a - b; });
    return keys.map(function (w) { return {width: w, list: by[w]}; });
  }
  function drawEdges(ctx) {
    if (!FAST) return;
    var body = network.body, bn = body.nodes, s = body.view.scale, v = viewBox(network.renderer);
    var minW = 0.3 / s;
    if (!buckets) buckets = edgeBuckets();
    function stroke(list, colour, width) {
      ctx.beginPath();
      var any = false;
      for (var m = 0; m < list.length; m++) {
        var j3 = list[m];
        if (!edgeVisible(j3)) continue;
        var f = bn[N.id[E.source[j3]]], t = bn[N.id[E.target[j3]]];
        if (!f || !t) continue;
        if ((f.x < v.l && t.x < v.l) || (f.x > v.r && t.x > v.r) || (f.y < v.t && t.y < v.t) || (f.y > v.b && t.y > v.b)) continue;
        ctx.moveTo(f.x, f.y);
        ctx.lineTo(t.x, t.y);
        any = true;
      }
      if (!any) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = Math.max(width, minW);
      ctx.stroke();
    }
    ctx.save();
    ctx.lineCap = "butt";
    var grey = "rgba(110,110,110," + M.edge_alpha + ")";
    buckets.forEach(function (b) {
      if (b.width < 0) return;
      stroke(b.list, grey, b.width);
    });
    buckets.forEach(function (b) {
      if (b.width >= 0) return;
      b.list.forEach(function (j4) { stroke([j4], PATH_COLOR, E.width[j4] + 3); });
    });
    if (api.selected !== null) {
      adj[api.selected].forEach(function (j5) { stroke([j5], "#333", E.width[j5] + 1.5); });
    }
    ctx.restore();
  }

  function fastDrawNodes(ctx, R, body) {
    var nodesById = body.nodes, ids = body.nodeIndices, s = body.view.scale;
    var v = viewBox(R), tl = {x: v.l, y: v.t}, br = {x: v.r, y: v.b};
    var groups = {}, order = [], special = [], labels = [];
    for (var q = 0; q < ids.length; q++) {
      var nd = nodesById[ids[q]], x = nd.x, y = nd.y, r = nd.options.size, sh = nd.shape, bb = sh.boundingBox;
      sh.left = x - r; sh.top = y - r; sh.width = sh.height = 2 * r;
      bb.left = x - r; bb.right = x + r; bb.top = y - r; bb.bottom = y + r;
      if (x + r < tl.x || x - r > br.x || y + r < tl.y || y - r > br.y) continue;
      if (nd.options.label !== undefined) labels.push(nd);
      if (nd.selected || nd.hover || nd.options.borderWidth > 1) { special.push(nd); continue; }
      var key = nd.options.color.background + "|" + nd.options.color.border;
      var g = groups[key];
      if (!g) { g = groups[key] = []; order.push(key); }
      g.push(nd);
    }
    var lw = 1 / s, rmin = 1.6 / s;  // every member stays a visible dot at overview zoom
    for (var k = 0; k < order.length; k++) {
      var list = groups[order[k]], c = list[0].options.color;
      ctx.beginPath();
      for (var m = 0; m < list.length; m++) {
        var n2 = list[m], r2 = Math.max(n2.options.size, rmin);
        ctx.moveTo(n2.x + r2, n2.y);
        ctx.arc(n2.x, n2.y, r2, 0, 2 * Math.PI);
      }
      ctx.fillStyle = c.background;
      ctx.fill();
      if (r2 * s > 1.5) { ctx.lineWidth = lw; ctx.strokeStyle = c.border; ctx.stroke(); }
    }
    special.forEach(function (nd) {
      var c = nd.options.color, sel = nd.selected || nd.hover;
      ctx.beginPath();
      ctx.arc(nd.x, nd.y, nd.options.size, 0, 2 * Math.PI);
      ctx.fillStyle = c.background;
      ctx.fill();
      ctx.lineWidth = (sel ? 3 : nd.options.borderWidth) / s;
      ctx.strokeStyle = sel ? "#111" : c.border;
      ctx.stroke();
    });
    drawRings(ctx);
    if (!labels.length) { api.labels = []; return; }
    /* Largest first; a label that would overlap one already drawn is skipped (zoom in to see it). */
    labels.sort(function (a, b) { return b.options.size - a.options.size; });
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    var placed = [];
    api.labels = placed;  // the drawn labels' boxes (canvas coordinates), largest member first
    for (var t = 0; t < labels.length; t++) {
      var nd3 = labels[t], fs = nd3.options.font.size;
      if (fs * s < 7) continue;
      if (fs * s > 26) fs = 26 / s;
      ctx.font = fs + "px system-ui, sans-serif";
      var text = nd3.options.label, wdt = ctx.measureText(text).width;
      var ly = nd3.y + nd3.options.size + 2 / s;
      var box = {id: nd3.id, l: nd3.x - wdt / 2, r: nd3.x + wdt / 2, t: ly, b: ly + fs * 1.1};
      var clash = false;
      for (var u = 0; u < placed.length && !clash; u++) {
        var o = placed[u];
        clash = box.l < o.r && box.r > o.l && box.t < o.b && box.b > o.t;
      }
      if (clash && !nd3.selected) continue;
      placed.push(box);
      ctx.lineWidth = 4 / s;
      ctx.strokeStyle = "rgba(255,255,255,0.85)";
      ctx.strokeText(text, nd3.x, ly);
      ctx.fillStyle = "#111";
      ctx.fillText(text, nd3.x, ly);
    }
  }
  api.ownNodes = installNodePass();
  api.fastDraw = FAST && api.ownNodes;  // batched edges too (large maps: vis has no edges)

  /* Ready (window.netlensReady, body[data-netlens-ready]) = first frame with final positions:
     at once without physics; with physics once the simulation has come to rest ("stabilized"),
     or 2 s after the stabilisation iterations if it keeps moving. */
  var stabilised = !M.physics;
  /* The stabilisation fit happens before the simulation comes to rest, and the last moves can carry members
     past the canvas edge: fit once more when it rests, unless the user has already zoomed or dragged. */
  var viewMoved = false;
  network.on("zoom", function () { viewMoved = true; });
  network.on("dragStart", function () { viewMoved = true; });
  /* vis-network's own fit includes the labels' boxes, and the names of the largest members are drawn large so
     that they stay legible zoomed out: on big maps they, not the members, bound the view (CORDIS: the giant's
     disc filled ~48 % of the canvas width). Fit the shown members' discs instead, with a 3 % margin. */
  function fitMembers() {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var k = 0; k < nN; k++) {
      if (visibleNode[k] !== 1) continue;
      var pos = M.physics ? network.getPosition(N.id[k]) : {x: N.x[k], y: N.y[k]}, r = N.size[k];
      x0 = Math.min(x0, pos.x - r); x1 = Math.max(x1, pos.x + r);
      y0 = Math.min(y0, pos.y - r); y1 = Math.max(y1, pos.y + r);
    }
    if (!(x1 > x0) || !(y1 > y0)) return;
    var scale = Math.min(container.clientWidth / (1.06 * (x1 - x0)), container.clientHeight / (1.06 * (y1 - y0)));
    network.moveTo({position: {x: (x0 + x1) / 2, y: (y0 + y1) / 2}, scale: Math.min(scale, 1.5), animation: false});
  }
  api.fitMembers = fitMembers;
  if (!M.physics) network.once("afterDrawing", function () { if (!viewMoved) fitMembers(); });
  function settle() {
    if (stabilised) return;
    stabilised = true;
    if (!viewMoved) fitMembers();
    network.redraw();
  }
  network.on("stabilizationIterationsDone", function () { setTimeout(settle, 2000); });
  network.on("stabilized", settle);
  network.on("afterDrawing", function (ctx) {
    drawOverlay(ctx);
    if (api.firstDrawMs === undefined) api.firstDrawMs = performance.now();
    if (!api.ready && stabilised) {
      api.readyMs = performance.now();
      api.ready = true;
      window.netlensReady = true;
      document.body.setAttribute("data-netlens-ready", "1");
    }
  });
  network.on("beforeDrawing", function (ctx) { drawOutlines(ctx); drawEdges(ctx); });

  /* ---- canvas overlays: country outlines (geo), neighbour rings ---- */
  function drawOutlines(ctx) {
    var O = D.outlines;
    if (!O) return;
    var s = network.getScale();
    ctx.save();
    ctx.lineJoin = "round";
    function stroke(lines, colour, width) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width / s;
      ctx.beginPath();
      for (var a = 0; a < lines.length; a++) {
        var L = lines[a];
        ctx.moveTo(L[0], L[1]);
        for (var b = 2; b < L.length; b += 2) ctx.lineTo(L[b], L[b + 1]);
      }
      ctx.stroke();
    }
    stroke(O.graticule || [], "#eeeeee", 1);
    stroke(O.arcs || [], "#b9b9b9", 1);
    ctx.restore();
  }
  function drawOverlay(ctx) {
    if (!api.ownNodes) drawRings(ctx);
  }
  function drawRings(ctx) {
    if (api.selected === null) return;
    var sel = api.selected, ids = [N.id[sel]];
    adj[sel].forEach(function (j) {
      var o = E.source[j] === sel ? E.target[j] : E.source[j];
      if (visibleNode[o]) ids.push(N.id[o]);
    });
    var pos = network.getPositions(ids), s = network.getScale();
    ctx.save();
    ctx.lineWidth = 2 / s;
    ctx.strokeStyle = "#ff9800";
    ctx.beginPath();
    for (var k = ids.length - 1; k >= 0; k--) {
      var p = pos[ids[k]];
      if (!p) continue;
      var r = N.size[byId[ids[k]]] + 3 / s;
      if (k === 0) {
        ctx.stroke();
        ctx.beginPath();
        ctx.lineWidth = 3 / s;
        ctx.strokeStyle = "#111";
        r += 2 / s;
      }
      ctx.moveTo(p.x + r, p.y);
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    }
    ctx.stroke();
    ctx.restore();
  }

  /* ---- tooltip ---- */
  var tip = $("nl-tooltip");
  function showTip(lines, title, pointer) {
    tip.textContent = "";
    tip.appendChild(el("b", null, title));
    lines.forEach(function (l) { tip.appendChild(el("div", null, l)); });
    tip.hidden = false;
    var w = container.clientWidth, h = container.clientHeight;
    var x = pointer.x + 14, y = pointer.y + 14;
    tip.style.left = Math.max(0, Math.min(x, w - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(0, Math.min(y, h - tip.offsetHeight - 4)) + "px";
  }
  function nodeLines(k, limit) {
    var lines = [];
    lines.push(M.metric + ": " + fmt(N.metric[k]));
    lines.push("ties: " + fmt(N.deg[k]) + (adj[k].length !== N.deg[k] ? " (" + fmt(adj[k].length) + " drawn)" : ""));
    for (var q = 0; q < M.attrs.length && lines.length < limit; q++) {
      var key = M.attrs[q], v = N.attrs[key][k];
      if (v === null || v === undefined || v === "" || key === M.metric) continue;
      lines.push(key + ": " + fmt(v));
    }
    return lines;
  }
  network.on("hoverNode", function (p) {
    var k = byId[p.node];
    if (k === undefined) return;
    showTip(nodeLines(k, 12), N.name[k], p.pointer.DOM);
  });
  network.on("hoverEdge", function (p) {
    var j = p.edge;
    var lines = ["weight: " + fmt(E.weight[j])];
    if (E.count) lines.push("shared activities: " + fmt(E.count[j]));
    if (E.t0 && E.t0[j] !== null) lines.push("years: " + E.t0[j] + (E.t1[j] !== E.t0[j] ? "–" + E.t1[j] : ""));
    showTip(lines, N.name[E.source[j]] + " — " + N.name[E.target[j]], p.pointer.DOM);
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("blurEdge", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });

  /* ---- selection: side panel with neighbours ---- */
  var panel = $("nl-panel");
  function select(id, focus) {
    var k = byId[id];
    if (k === undefined) return false;
    if (!visibleNode[k]) return false;
    api.selected = k;
    var edgeIds = adj[k].filter(function (j) { return edgeVisible(j); });
    network.setSelection({nodes: [id], edges: FAST ? [] : edgeIds}, {unselectAll: true, highlightEdges: false});
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
    var nb = edgeIds.map(function (j) {
      return {o: E.source[j] === k ? E.target[j] : E.source[j], w: E.weight[j]};
    });
    nb.sort(function (a, b) { return b.w - a.w || (N.name[a.o] < N.name[b.o] ? -1 : 1); });
    var hiddenTies = N.deg[k] - nb.length;
    $("nl-panel-nb-title").textContent = "Neighbours (" + nb.length + " shown" +
      (hiddenTies > 0 ? ", " + hiddenTies + " not drawn" : "") + ")";
    var ol = $("nl-panel-neighbours");
    ol.textContent = "";
    nb.slice(0, 300).forEach(function (x) {
      var li = el("li", null, N.name[x.o]);
      li.appendChild(el("span", "nl-sub", "w " + fmt(x.w)));
      li.setAttribute("data-id", N.id[x.o]);
      li.addEventListener("click", function () { select(N.id[x.o], true); });
      ol.appendChild(li);
    });
    if (nb.length > 300) ol.appendChild(el("li", "nl-sub", "… " + (nb.length - 300) + " more"));
    panel.hidden = false;
    if (focus) network.focus(id, {scale: Math.max(network.getScale(), focusScale()), animation: {duration: 300}});
    network.redraw();
    return true;
  }
  function focusScale() {
    return Math.min(1.5, Math.max(0.4, 18 / M.font.min));
  }
  function clearSelection() {
    api.selected = null;
    panel.hidden = true;
    network.unselectAll();
    network.redraw();
  }
  api.select = select;
  api.clearSelection = clearSelection;
  $("nl-panel-close").addEventListener("click", clearSelection);
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], false);
    else if (!p.edges.length) clearSelection();
  });

  /* ---- search ---- */
  var lower = N.name.map(function (s) { return String(s).toLowerCase(); });
  var input = $("nl-search"), results = $("nl-results"), active = 0, current = [];
  function search(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    for (var k = 0; k < nN; k++) {
      if (!visibleNode[k]) continue;
      var pos = lower[k].indexOf(q);
      if (pos < 0 && N.id[k].toLowerCase() !== q) continue;
      var rank = lower[k] === q || N.id[k].toLowerCase() === q ? 0 : pos === 0 ? 1 : 2;
      hits.push([rank, -N.size[k], lower[k], k]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    return hits.slice(0, 15).map(function (h) { return h[3]; });
  }
  api.search = search;
  function renderResults() {
    results.textContent = "";
    current.forEach(function (k, n) {
      var li = el("li", n === active ? "nl-active" : null, N.name[k]);
      var sub = [];
      if (attrCol.kind && attrCol.kind[k]) sub.push(attrCol.kind[k]);
      if (attrCol.country && attrCol.country[k]) sub.push(attrCol.country[k]);
      if (sub.length) li.appendChild(el("span", "nl-sub", sub.join(", ")));
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(k); });
      results.appendChild(li);
    });
  }
  function choose(k) {
    current = [];
    renderResults();
    input.value = N.name[k];
    select(N.id[k], true);
  }
  input.addEventListener("input", function () { current = search(input.value); active = 0; renderResults(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, current.length - 1); renderResults(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); renderResults(); ev.preventDefault(); }
    else if (ev.key === "Enter") { if (!current.length) current = search(input.value); if (current.length) choose(current[Math.max(0, active)]); ev.preventDefault(); }
    else if (ev.key === "Escape") { current = []; renderResults(); }
  });
  input.addEventListener("blur", function () { current = []; renderResults(); });

  /* ---- legend ---- */
  var legend = $("nl-legend-items");
  cats.forEach(function (c, n) {
    var lab = el("label");
    var cb = el("input");
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
  $("nl-legend-scale").textContent = "Colour: " + M.color_by + ". Node size: " + M.metric +
    ". Line width: tie strength (weight)." + ((M.path || []).length ? " Red: highlighted path." : "");

  /* ---- filters ---- */
  var fbox = $("nl-filter-items");
  (M.filters || []).forEach(function (f) {
    var lab = el("label", null, f.label);
    var sel = el("select");
    sel.setAttribute("data-filter", f.key);
    sel.appendChild(el("option", null, "all")).value = "";
    f.values.forEach(function (v) { sel.appendChild(el("option", null, v[0] + " (" + v[1] + ")")).value = v[0]; });
    sel.addEventListener("change", function () { state.sel[f.key] = sel.value; applyFilters(); });
    lab.appendChild(sel);
    fbox.appendChild(lab);
  });
  if (M.time) {
    var lab = el("label", null, "Years (" + M.time.min + "–" + M.time.max + ")");
    var wrap = el("div", "nl-years");
    var a = el("input"), b = el("input");
    [a, b].forEach(function (x, n) {
      x.type = "number"; x.min = M.time.min; x.max = M.time.max; x.step = 1;
      x.value = n ? M.time.max : M.time.min;
      x.id = n ? "nl-year-to" : "nl-year-from";
      x.addEventListener("change", function () {
        var lo = parseInt(a.value, 10), hi = parseInt(b.value, 10);
        state.y0 = isNaN(lo) || lo <= M.time.min ? null : lo;
        state.y1 = isNaN(hi) || hi >= M.time.max ? null : hi;
        applyFilters();
      });
      wrap.appendChild(x);
    });
    lab.appendChild(wrap);
    fbox.appendChild(lab);
  }
  if (!fbox.childNodes.length) fbox.appendChild(el("p", "nl-sub", "Use the legend to hide categories."));
  else {
    var reset = el("button", null, "Reset filters");
    reset.id = "nl-filter-reset";
    reset.type = "button";
    reset.addEventListener("click", function () {
      state.sel = {}; state.y0 = null; state.y1 = null;
      state.cats = cats.map(function () { return true; });
      fbox.querySelectorAll("select").forEach(function (s) { s.value = ""; });
      legend.querySelectorAll("input").forEach(function (s) { s.checked = true; });
      if (M.time) { $("nl-year-from").value = M.time.min; $("nl-year-to").value = M.time.max; }
      applyFilters();
    });
    fbox.appendChild(reset);
  }
  function applyFilters() {
    computeVisible();
    nodesView.refresh();
    edgesView.refresh();
    network.redraw();
    if (api.selected !== null && !visibleNode[api.selected]) clearSelection();
    updateCounter();
  }
  api.applyFilters = applyFilters;
  api.state = state;
  function countEdges() {
    if (!FAST) return edgesView.length;
    var c = 0;
    for (var j6 = 0; j6 < nE; j6++) if (edgeVisible(j6)) c++;
    return c;
  }
  api.countEdges = countEdges;
  function updateCounter() {
    function g(v) { return v.toLocaleString("en"); }
    $("nl-counter").textContent = g(nodesView.length) + " of " + g(nN) + " members, " +
      g(countEdges()) + " of " + g(nE) + " ties drawn";
  }
  updateCounter();

  /* ---- notes, path, unplaced ---- */
  var notes = $("nl-notes");
  (M.notes || []).forEach(function (t) { notes.appendChild(el("p", null, t)); });
  if ((M.path || []).length) {
    $("nl-path").hidden = false;
    var pl = $("nl-path-items");
    M.path.forEach(function (k) {
      var li = el("li", null, N.name[k]);
      li.addEventListener("click", function () { select(N.id[k], true); });
      pl.appendChild(li);
    });
  }
  if (D.unplaced && D.unplaced.id.length) {
    $("nl-unplaced").hidden = false;
    $("nl-unplaced-note").textContent = D.unplaced.id.length + " members have no coordinates and are not drawn:";
    var ul = $("nl-unplaced-items");
    D.unplaced.name.slice(0, 1000).forEach(function (nm) { ul.appendChild(el("li", null, nm)); });
    if (D.unplaced.id.length > 1000) ul.appendChild(el("li", null, "… " + (D.unplaced.id.length - 1000) + " more"));
  }
})();
