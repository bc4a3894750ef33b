/* designc design page: view switching, pan and zoom, search, the component panel and the findings filter.
   Plain ES2017, no libraries; everything it reads is in the page (the JSON block #ui-data and the inline SVGs). */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ui-data").textContent);
  var canvas = document.getElementById("ui-canvas");
  var panelBody = document.getElementById("ui-panel-body");
  var searchInput = document.getElementById("ui-search");
  var searchList = document.getElementById("ui-search-results");
  var viewInfo = {};
  data.views.forEach(function (v) { viewInfo[v.id] = v; });
  var panes = {};
  Array.prototype.forEach.call(canvas.querySelectorAll(".view-pane"), function (pane) {
    panes[pane.dataset.view] = { pane: pane, pan: pane.querySelector(".pan"), svg: pane.querySelector("svg"), x: 0, y: 0, k: 1, fitted: false };
  });
  var current = data.start || null;
  var selected = null;

  /* --- small DOM helpers: text always goes in as text, never as markup --- */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") el.textContent = attrs[k];
        else if (k === "class") el.className = attrs[k];
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
        else el.setAttribute(k, attrs[k]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
      else el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  function ticks(tag, cls, text) {
    var el = h(tag, { class: cls });
    String(text).split("`").forEach(function (part, i) {
      el.appendChild(i % 2 ? h("code", { text: part }) : document.createTextNode(part));
    });
    return el;
  }
  function attrEq(name, value) { return "[" + name + '="' + String(value).replace(/["\\]/g, "\\$&") + '"]'; }

  /* --- views --- */
  function applyTransform(p) { p.pan.style.transform = "translate(" + p.x + "px," + p.y + "px) scale(" + p.k + ")"; }
  function svgSize(p) {
    var vb = p.svg.viewBox.baseVal;
    return { w: vb && vb.width ? vb.width : p.svg.width.baseVal.value, h: vb && vb.height ? vb.height : p.svg.height.baseVal.value };
  }
  /* How far right, in the view's own units, its components with the most severe findings reach (0: none). */
  function flaggedRight(p, s) {
    var marks = p.pane.querySelectorAll(".node.sev-error");
    if (!marks.length) marks = p.pane.querySelectorAll(".node.sev-warning");
    var box = p.svg.getBoundingClientRect(), right = 0;
    if (!box.width) return 0;
    marks.forEach(function (n) { right = Math.max(right, (n.getBoundingClientRect().right - box.left) * s.w / box.width); });
    return right;
  }
  function fit(id, atLeast) {
    var p = panes[id || current];
    if (!p || !p.svg) return;
    var s = svgSize(p), cw = canvas.clientWidth, ch = canvas.clientHeight;
    if (!cw || !ch) return;
    var k = Math.min(cw / s.w, ch / s.h, 1.25) * 0.96;
    if (atLeast && k < atLeast) k = atLeast; /* a first look stays readable: pan to see the rest */
    p.k = k;
    p.x = Math.max(8, (cw - s.w * k) / 2);
    p.y = (ch - s.h * k) / 2;
    if (s.w * k > cw) {
      /* too wide to show whole: the components with the most severe findings stay in sight */
      var right = flaggedRight(p, s);
      if (right * k + 24 > cw) p.x = Math.max(cw - s.w * k - 8, cw - right * k - 24);
    }
    p.fitted = true;
    applyTransform(p);
  }
  function zoomAt(factor, cx, cy) {
    var p = panes[current];
    if (!p) return;
    var k = Math.max(0.1, Math.min(4, p.k * factor));
    factor = k / p.k;
    p.x = cx - (cx - p.x) * factor;
    p.y = cy - (cy - p.y) * factor;
    p.k = k;
    applyTransform(p);
  }
  function showView(id) {
    if (!panes[id]) return;
    current = id;
    Object.keys(panes).forEach(function (k) {
      var on = k === id;
      panes[k].pane.hidden = !on;
      panes[k].pane.classList.toggle("active", on);
    });
    document.querySelectorAll(".view-link").forEach(function (b) { b.classList.toggle("active", b.dataset.view === id); });
    var info = viewInfo[id] || {};
    document.getElementById("ui-view-title").textContent = info.title || id;
    document.getElementById("ui-view-desc").textContent = info.description || "";
    var facts = document.getElementById("ui-view-facts");
    facts.textContent = "";
    (info.facts || []).forEach(function (f) { facts.appendChild(h("li", { text: f })); });
    if (!panes[id].fitted) fit(id, 0.55);
    if (selected) markSelected(selected);
    else showOverview();
    highlightSearch();
  }
  function viewFor(name) {
    if (panes[current] && panes[current].pane.querySelector(attrEq("data-component", name))) return current;
    var comp = data.components[name];
    var vs = comp ? comp.views : [];
    for (var i = 0; i < vs.length; i++) if (vs[i].indexOf("container") === 0) return vs[i];
    return vs.length ? vs[0] : null;
  }

  /* --- selection and the panel --- */
  function clearMarks() {
    canvas.classList.remove("focusing");
    canvas.querySelectorAll(".selected, .linked").forEach(function (el) { el.classList.remove("selected", "linked"); });
  }
  function markSelected(name) {
    clearMarks();
    var p = panes[current];
    if (!p) return [];
    var nodes = p.pane.querySelectorAll(attrEq("data-component", name));
    if (!nodes.length) return [];
    canvas.classList.add("focusing");
    nodes.forEach(function (n) {
      n.classList.add("selected");
      var id = n.dataset.node;
      p.pane.querySelectorAll(".edge" + attrEq("data-source", id) + ", .edge" + attrEq("data-target", id)).forEach(function (e) {
        e.classList.add("linked");
        var other = e.dataset.source === id ? e.dataset.target : e.dataset.source;
        var o = p.pane.querySelector(".node" + attrEq("data-node", other));
        if (o) o.classList.add("linked");
      });
    });
    return nodes;
  }
  function centreOn(el) {
    var p = panes[current];
    if (!p || !el) return;
    var r = el.getBoundingClientRect(), c = canvas.getBoundingClientRect();
    if (p.k < 0.8) {
      var cx0 = r.left + r.width / 2 - c.left, cy0 = r.top + r.height / 2 - c.top;
      zoomAt(0.9 / p.k, cx0, cy0);
      r = el.getBoundingClientRect();
    }
    p.x += c.width / 2 - (r.left + r.width / 2 - c.left);
    p.y += c.height / 2 - (r.top + r.height / 2 - c.top);
    applyTransform(p);
  }
  function compButton(name) {
    return h("button", { type: "button", class: "link", text: name, onclick: function () { selectComponent(name, true); } });
  }
  function findingCard(fid) {
    var f = data.findings[fid];
    if (!f) return null;
    return h("div", { class: "finding sev-" + f.severity, "data-sev": f.severity },
      h("div", { class: "finding-head" },
        h("span", { class: "sev-badge sev-" + f.severity, text: f.severity }),
        h("code", { class: "code", text: f.code }),
        h("a", { href: "#" + fid, text: f.file + ":" + f.line, class: "where", onclick: function () { flashFinding(fid); } })),
      ticks("p", "message", f.message),
      f.hints.length ? h("ul", { class: "hints" }, f.hints.map(function (x) { return ticks("li", "", x); })) : null);
  }
  function edgeList(items, dir) {
    if (!items.length) return h("p", { class: "hint", text: dir === "out" ? "Depends on nothing." : "Nothing depends on it." });
    return h("ul", { class: "edges-list" }, items.map(function (e) {
      return h("li", null,
        h("div", null, e.kind + " ", compButton(e.other), h("span", { class: "mode " + e.mode, text: e.mode })),
        e.facts.length ? h("div", { class: "facts-line", text: e.facts.join(" · ") }) : null,
        e.description ? h("div", { class: "facts-line", text: e.description }) : null,
        e.reason ? h("div", { class: "facts-line", text: "because " + e.reason }) : null);
    }));
  }
  function metric(value, title, meets) {
    var cls = "metric" + (meets === true ? " good" : meets === false ? " bad" : "");
    return h("div", { class: cls }, h("div", { class: "v", text: value }), h("div", { class: "t", text: title }));
  }
  function budgetBlock(b) {
    var out = [h("h4", { text: "Budgets (entrypoint)" })];
    out.push(h("div", { class: "budget" },
      metric(b.availability, "availability the dependencies allow" + (b.per_flow ? " (a bound: each flow is judged)" : "") + (b.availability_objective ? "; objective " + b.availability_objective + " (" + b.availability_from + ")" : ""), b.availability_meets),
      metric("p99 " + b.latency, "worst latency chain" + (b.latency_objective ? "; objective " + b.latency_objective + " (" + b.latency_from + ")" : ""), b.latency_meets)));
    out.push(h("p", { class: "chain" }, "chain: ", b.chain.join(" → "), " · worst wait " + b.worst_wait + " · retry amplification " + b.amplification + "×"));
    if (b.availability_unknown.length) out.push(h("p", { class: "chain", text: "no availability declared for: " + b.availability_unknown.join(", ") }));
    if (b.latency_unknown.length) out.push(h("p", { class: "chain", text: "no latency declared for: " + b.latency_unknown.join(", ") }));
    return out;
  }
  function showComponent(name) {
    var c = data.components[name];
    if (!c) return;
    panelBody.textContent = "";
    panelBody.appendChild(h("h3", { class: "comp-title" }, c.title || c.name, h("span", { class: "kind-chip", text: c.kind })));
    if (c.title && c.title !== c.name) panelBody.appendChild(h("p", { class: "sub" }, h("code", { text: c.name })));
    else panelBody.appendChild(h("div", { class: "sub" }));
    if (c.description) panelBody.appendChild(h("p", { text: c.description }));
    if (c.findings.length) {
      panelBody.appendChild(h("h4", { text: "Findings (" + c.findings.length + ")" }));
      c.findings.forEach(function (fid) { var card = findingCard(fid); if (card) panelBody.appendChild(card); });
    }
    if (c.budget) budgetBlock(c.budget).forEach(function (el) { panelBody.appendChild(el); });
    panelBody.appendChild(h("h4", { text: "Properties" }));
    panelBody.appendChild(h("dl", { class: "props" }, c.props.map(function (row) {
      return [h("dt", { text: row[0] }), h("dd", { text: row[1] })];
    }).reduce(function (a, b) { return a.concat(b); }, [])));
    panelBody.appendChild(h("h4", { text: "Depends on (" + c.out.length + ")" }));
    panelBody.appendChild(edgeList(c.out, "out"));
    panelBody.appendChild(h("h4", { text: "Used by (" + c["in"].length + "): who depends on it" }));
    panelBody.appendChild(edgeList(c["in"], "in"));
    if (c.views.length) {
      panelBody.appendChild(h("h4", { text: "In views" }));
      panelBody.appendChild(h("p", null, c.views.map(function (vid, i) {
        var b = h("button", { type: "button", class: "link", text: (viewInfo[vid] || {}).title || vid, onclick: function () { showView(vid); selectComponent(name, true); } });
        return i ? [document.createTextNode(" · "), b] : [b];
      }).reduce(function (a, b) { return a.concat(b); }, [])));
    }
    applySeverityFilter();
  }
  function showOverview() {
    var info = viewInfo[current] || {};
    panelBody.textContent = "";
    panelBody.appendChild(h("h3", { text: info.title || "" }));
    if (info.description) panelBody.appendChild(h("p", { class: "sub", text: info.description }));
    var pane = panes[current] ? panes[current].pane : null;
    var nComp = pane ? pane.querySelectorAll(".node[data-component]").length : 0;
    var nEdge = pane ? pane.querySelectorAll(".edge").length : 0;
    panelBody.appendChild(h("p", { class: "hint", text: nComp + " component" + (nComp === 1 ? "" : "s") + ", " + nEdge + " edge" + (nEdge === 1 ? "" : "s") + " in this view." }));
    if (info.facts && info.facts.length) {
      panelBody.appendChild(h("h4", { text: "Facts" }));
      panelBody.appendChild(h("ul", { class: "edges-list" }, info.facts.map(function (f) { return h("li", { text: f }); })));
    }
    panelBody.appendChild(h("p", { class: "hint", text: "Click a component to see its properties, dependencies, budgets and findings. Drag to pan, scroll to zoom." }));
  }
  function showNodeInfo(node) {
    var v = viewInfo[current] || {};
    var n = (v.nodes || {})[node.dataset.node];
    panelBody.textContent = "";
    if (!n) { showOverview(); return; }
    panelBody.appendChild(h("h3", null, n.label, h("span", { class: "kind-chip", text: n.kind })));
    if (n.detail) panelBody.appendChild(h("p", { class: "sub", text: n.detail }));
    if (n.tooltip) panelBody.appendChild(h("p", { text: n.tooltip }));
  }
  function selectComponent(name, centre) {
    if (!data.components[name]) return;
    var vid = viewFor(name);
    if (vid && vid !== current) showView(vid);
    selected = name;
    var nodes = markSelected(name);
    showComponent(name);
    if (centre && nodes.length) centreOn(nodes[0]);
  }
  function clearSelection() {
    selected = null;
    clearMarks();
    showOverview();
  }
  function activateNode(node) {
    var comp = node.dataset.component;
    if (comp && data.components[comp]) { selectComponent(comp, false); return; }
    var id = node.dataset.node;
    var target = null;
    if (node.dataset.kind === "system") target = Object.keys(panes).filter(function (k) { return viewInfo[k] && viewInfo[k].kind === "container"; })[0];
    if (!target && node.dataset.link && panes[node.dataset.link]) target = node.dataset.link;
    if (target) { selected = null; showView(target); return; }
    clearMarks();
    showNodeInfo(node);
  }

  /* --- pan, zoom, clicks --- */
  var drag = null;
  canvas.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    var p = panes[current];
    if (!p) return;
    drag = { x: ev.clientX, y: ev.clientY, px: p.x, py: p.y, moved: false, target: ev.target };
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    canvas.classList.add("dragging");
    var p = panes[current];
    p.x = drag.px + dx;
    p.y = drag.py + dy;
    applyTransform(p);
  });
  window.addEventListener("pointerup", function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    canvas.classList.remove("dragging");
    if (d.moved) return;
    var node = d.target && d.target.closest ? d.target.closest(".node") : null;
    if (node && canvas.contains(node)) activateNode(node);
    else clearSelection();
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var c = canvas.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015)), ev.clientX - c.left, ev.clientY - c.top);
  }, { passive: false });
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var w = canvas.clientWidth / 2, hh = canvas.clientHeight / 2;
      if (b.dataset.zoom === "in") zoomAt(1.25, w, hh);
      else if (b.dataset.zoom === "out") zoomAt(0.8, w, hh);
      else fit();
    });
  });
  canvas.addEventListener("keydown", function (ev) {
    var w = canvas.clientWidth / 2, hh = canvas.clientHeight / 2;
    if (ev.key === "+" || ev.key === "=") zoomAt(1.25, w, hh);
    else if (ev.key === "-") zoomAt(0.8, w, hh);
    else if (ev.key === "0") fit();
    else return;
    ev.preventDefault();
  });
  window.addEventListener("resize", function () { Object.keys(panes).forEach(function (k) { panes[k].fitted = false; }); fit(current, 0.55); });

  document.querySelectorAll(".view-link").forEach(function (b) {
    b.addEventListener("click", function () { showView(b.dataset.view); });
  });
  function toViewer() { document.getElementById("ui-viewer").scrollIntoView({ block: "start" }); }
  document.querySelectorAll(".open-view").forEach(function (b) {
    b.addEventListener("click", function () { selected = null; showView(b.dataset.view); toViewer(); });
  });
  document.querySelectorAll(".doc-svg .node[data-component]").forEach(function (n) {
    n.style.cursor = "pointer";
    n.addEventListener("click", function () { toViewer(); selectComponent(n.dataset.component, true); });
  });
  document.querySelectorAll(".comp-link").forEach(function (b) {
    b.addEventListener("click", function () { toViewer(); selectComponent(b.dataset.component, true); });
  });
  function flashFinding(fid) {
    var el = document.getElementById(fid);
    if (!el) return;
    el.classList.add("flash");
    setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }

  /* --- search --- */
  var matches = [], active = 0;
  function search(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var out = [];
    Object.keys(data.components).forEach(function (name) {
      var c = data.components[name];
      var n = name.toLowerCase(), t = (c.title || "").toLowerCase();
      var score = n === q ? 0 : n.indexOf(q) === 0 ? 1 : t.indexOf(q) === 0 ? 2 : n.indexOf(q) >= 0 ? 3 : t.indexOf(q) >= 0 ? 4 : -1;
      if (score >= 0) out.push([score, name]);
    });
    out.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    return out.map(function (x) { return x[1]; });
  }
  function highlightSearch() {
    canvas.querySelectorAll(".node.match").forEach(function (n) { n.classList.remove("match"); });
    var on = searchInput.value.trim() !== "" && matches.length > 0;
    canvas.classList.toggle("searching", on);
    if (!on) return;
    var p = panes[current];
    if (!p) return;
    matches.forEach(function (name) {
      p.pane.querySelectorAll(attrEq("data-component", name)).forEach(function (n) { n.classList.add("match"); });
    });
  }
  function renderResults() {
    searchList.textContent = "";
    if (!searchInput.value.trim()) { searchList.hidden = true; return; }
    if (!matches.length) {
      searchList.appendChild(h("li", { class: "nothing", text: "No component matches." }));
    }
    matches.slice(0, 30).forEach(function (name, i) {
      var c = data.components[name];
      searchList.appendChild(h("li", {
        class: i === active ? "active" : "", role: "option", "data-component": name,
        onmousedown: function (ev) { ev.preventDefault(); choose(name); }
      }, h("code", { text: name }), c.title && c.title !== name ? h("span", { text: c.title }) : null, h("span", { class: "kind", text: c.kind })));
    });
    searchList.hidden = false;
  }
  function choose(name) {
    searchList.hidden = true;
    selectComponent(name, true);
  }
  searchInput.addEventListener("input", function () {
    matches = search(searchInput.value);
    active = 0;
    renderResults();
    highlightSearch();
  });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!matches.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : -1) + Math.min(matches.length, 30)) % Math.min(matches.length, 30);
      renderResults();
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (matches.length) choose(matches[active]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      searchInput.value = "";
      matches = [];
      renderResults();
      highlightSearch();
      searchInput.blur();
    }
  });
  searchInput.addEventListener("focus", function () { if (searchInput.value.trim()) renderResults(); });
  searchInput.addEventListener("blur", function () { setTimeout(function () { searchList.hidden = true; }, 100); });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA") { ev.preventDefault(); searchInput.focus(); searchInput.select(); }
    else if (ev.key === "Escape" && tag !== "INPUT") clearSelection();
  });

  /* --- the findings filter --- */
  function applySeverityFilter() {
    var shown = {};
    document.querySelectorAll(".sev-filter input[data-sev]").forEach(function (box) {
      shown[box.dataset.sev] = box.checked;
      box.closest(".sev-toggle").classList.toggle("off", !box.checked);
      document.body.classList.toggle("hide-sev-" + box.dataset.sev, !box.checked);
    });
    var visible = 0, total = 0;
    document.querySelectorAll(".finding[data-sev]").forEach(function (el) {
      var on = shown[el.dataset.sev] !== false;
      el.hidden = !on;
      if (el.closest(".finding-list")) { total++; if (on) visible++; }
    });
    var none = document.getElementById("ui-findings-none");
    if (none) none.hidden = visible > 0 || total === 0;
    var count = document.getElementById("ui-findings-count");
    if (count) count.textContent = (visible === total ? total : visible + " of " + total) + " finding" + (total === 1 ? "" : "s");
  }
  document.querySelectorAll(".sev-filter input[data-sev]").forEach(function (box) {
    box.addEventListener("change", applySeverityFilter);
  });

  /* --- start --- */
  if (current) showView(current);
  applySeverityFilter();
  window.designc = { showView: showView, selectComponent: selectComponent, fit: fit };
})();
