/* The back-propagation stepper (autograd_core.draw.stepper): builds its controls and panels
   around the graph, and steps through the grad_table. Every user-given text (names, numbers,
   titles) is written with textContent, never parsed as HTML. Needs window.svgPanZoom. */
"use strict";

function mountStepper(root, data, options) {
  options = options || {};
  const doc = root.ownerDocument;
  const win = doc.defaultView;
  const STEPS = data.steps;
  const N = STEPS.length;
  const MIN_TEXT_PX = 14.5;  /* the smallest text on screen at the start, in CSS px */
  const FIT_TEXT_PX = 10;  /* a graph whose text is this big when fitted opens whole */
  const SPEEDS = [0.5, 1, 2, 4];  /* steps per second */

  function make(tag, cls, text) {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(text, title, cls) {
    const b = make("button", cls, text);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("mousedown", (e) => e.preventDefault());  /* keys stay the stepper's */
    return b;
  }

  /* ------------------------------------------------------------ the layout */
  root.classList.add("bp-stepper");
  if (!root.querySelector(".bp-head")) {
    const head = make("header", "bp-head");
    head.appendChild(make("h1", null, data.title));
    head.appendChild(make("span", "bp-sub", data.subtitle || ""));
    root.insertBefore(head, root.firstChild);
  }
  let graph = root.querySelector(".bp-graph");
  if (!graph) {
    graph = make("div", "bp-graph");
    const parsed = new win.DOMParser().parseFromString(data.svg, "image/svg+xml");
    graph.appendChild(doc.importNode(parsed.documentElement, true));
    root.appendChild(graph);
  }
  const svg = graph.querySelector("svg");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  const hint = make("div", "bp-hint", "drag to pan · wheel or + − to zoom · 0 fits");
  graph.appendChild(hint);

  const bar = make("div", "bp-bar");
  const first = button("|◀", "first step (Home)");
  const prev = button("◀ previous", "previous step (←)");
  const play = button("▶ play", "play / pause (Space)", "bp-play");
  const next = button("next ▶", "next step (→)");
  const last = button("▶|", "last step (End)");
  const speed = make("select", "bp-speed");
  for (const s of SPEEDS) {
    const o = make("option", null, s + " step" + (s === 1 ? "" : "s") + "/s");
    o.value = String(s);
    if (s === 1) o.selected = true;
    speed.appendChild(o);
  }
  speed.title = "playing speed";
  const speedLabel = make("label", null, "speed ");
  speedLabel.appendChild(speed);
  const slider = make("input", "bp-slider");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(N - 1);
  slider.value = "0";
  slider.setAttribute("aria-label", "step");
  const counter = make("span", "bp-counter");
  const zoomOut = button("−", "zoom out (−)");
  const zoomIn = button("+", "zoom in (+)");
  const fitAll = button("fit", "the whole graph (0)");
  const readable = button("readable", "zoom to readable text on the current step (R)");
  for (const x of [first, prev, play, next, last]) bar.appendChild(x);
  bar.appendChild(speedLabel);
  bar.appendChild(slider);
  bar.appendChild(counter);
  bar.appendChild(make("span", "bp-sep"));
  for (const x of [zoomOut, zoomIn, fitAll, readable]) bar.appendChild(x);
  root.insertBefore(bar, graph);

  const side = make("aside", "bp-side");
  const panel = make("div", "bp-panel");
  const headline = make("div", "bp-headline");
  const chain = make("div", "bp-chain");
  const rules = make("div", "bp-rules");
  const explain = make("div", "bp-explain");
  panel.appendChild(headline);
  panel.appendChild(chain);
  panel.appendChild(rules);
  panel.appendChild(explain);
  side.appendChild(panel);
  const key = make("div", "bp-key");
  key.appendChild(make("span", "k-cur"));
  key.appendChild(doc.createTextNode("this step's node"));
  key.appendChild(make("span", "k-con"));
  key.appendChild(doc.createTextNode("its consumers (contributions along blue edges)"));
  side.appendChild(key);
  if (data.note) side.appendChild(make("div", "bp-note", data.note));
  const table = make("table", "bp-table");
  const thead = make("thead");
  const hr = make("tr");
  for (const h of ["step", "node", "value", "∂" + data.zname + "/∂node"]) {
    hr.appendChild(make("th", null, h));
  }
  thead.appendChild(hr);
  table.appendChild(thead);
  const tbody = make("tbody");
  const rows = STEPS.map((s, i) => {
    const tr = make("tr");
    tr.appendChild(make("td", "bp-num", String(s.step)));
    tr.appendChild(make("td", null, s.name));
    tr.appendChild(make("td", "bp-num", s.data));
    const g = make("td", "bp-num", "?");
    tr.appendChild(g);
    tr.addEventListener("click", () => { stop(); show(i); });
    tbody.appendChild(tr);
    return [tr, g];
  });
  table.appendChild(tbody);
  const tableBox = make("div", "bp-tablebox");  /* only the table scrolls: the step stays */
  tableBox.appendChild(table);
  side.appendChild(tableBox);
  root.appendChild(side);

  /* ------------------------------------------------------------ the picture's parts */
  const ids = new Map();  /* scoped to this picture: two steppers on one page share DOT ids */
  for (const e of svg.querySelectorAll("[id]")) if (!ids.has(e.id)) ids.set(e.id, e);
  const byId = (id) => (id ? ids.get(id) || null : null);
  const gradTexts = new Map();  /* box id -> its "grad …" text element */
  for (const g of svg.querySelectorAll("g.node")) {
    for (const t of g.querySelectorAll("text")) {
      if (t.textContent.startsWith("grad ")) {
        gradTexts.set(g.id, t);
        break;
      }
    }
  }
  const edgesByEnds = new Map();  /* "tail->head" -> [edge groups] */
  for (const e of svg.querySelectorAll("g.edge")) {
    const title = e.querySelector("title");
    if (!title) continue;
    const k = title.textContent;
    if (!edgesByEnds.has(k)) edgesByEnds.set(k, []);
    edgesByEnds.get(k).push(e);
  }
  const stepOfBox = new Map();
  STEPS.forEach((s, i) => {
    for (const id of s.marks) if (!stepOfBox.has(id)) stepOfBox.set(id, i);
  });

  /* ------------------------------------------------------------ zoom and pan */
  const pz = win.svgPanZoom(svg, {
    zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, fit: true, center: true,
    dblClickZoomEnabled: false, mouseWheelZoomEnabled: true, zoomScaleSensitivity: 0.25,
    minZoom: 0.2, maxZoom: 40,
  });
  let minFont = Infinity;
  for (const t of svg.querySelectorAll("text")) {
    const f = parseFloat(t.getAttribute("font-size") || "14");
    if (f > 0 && f < minFont) minFont = f;
  }
  if (!isFinite(minFont)) minFont = 14;

  /* Geometry from svg-pan-zoom's state, not from the DOM (it redraws on the next frame):
     a box's place in the viewport's coordinates is fixed; on screen it is pan + zoom × it. */
  const graph0 = svg.querySelector("g.graph");
  const placed = new Map();
  function boxOf(g) {  /* an element's box in the viewport's coordinates */
    const b = g.getBBox();
    const t = graph0 && graph0.transform.baseVal.consolidate();
    const m = t ? t.matrix : { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
    const xs = [], ys = [];
    for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y + b.height]]) {
      xs.push(m.a * x + m.c * y + m.e);
      ys.push(m.b * x + m.d * y + m.f);
    }
    return { l: Math.min(...xs), r: Math.max(...xs), t: Math.min(...ys), b: Math.max(...ys) };
  }
  function viewportBox(id) {
    if (!placed.has(id)) {
      const g = byId(id);
      placed.set(id, g && g.getBBox ? boxOf(g) : null);
    }
    return placed.get(id);
  }
  const whole = graph0 ? boxOf(graph0) : null;
  function onScreen(box) {  /* relative to the picture's frame, in CSS px */
    const pan = pz.getPan();
    const z = pz.getSizes().realZoom;
    return { l: pan.x + z * box.l, r: pan.x + z * box.r, t: pan.y + z * box.t,
             b: pan.y + z * box.b };
  }
  function frame() {
    const r = svg.getBoundingClientRect();
    return { w: r.width, h: r.height };
  }
  function union(ids) {
    let u = null;
    for (const id of ids) {
      const b = viewportBox(id);
      if (!b) continue;
      u = u ? { l: Math.min(u.l, b.l), r: Math.max(u.r, b.r), t: Math.min(u.t, b.t),
                b: Math.max(u.b, b.b) } : Object.assign({}, b);
    }
    return u;
  }
  function fits(box, margin) {
    const f = frame();
    const s = onScreen(box);
    return s.l >= margin && s.t >= margin && s.r <= f.w - margin && s.b <= f.h - margin;
  }
  function clamp(want, lo, size, frameSize) {  /* no empty margin beside a big graph */
    if (size <= frameSize) return (frameSize - size) / 2 - lo;
    return Math.min(-lo, Math.max(frameSize - size - lo, want));
  }
  function centre(box) {
    const f = frame();
    const z = pz.getSizes().realZoom;
    let x = f.w / 2 - z * (box.l + box.r) / 2;
    let y = f.h / 2 - z * (box.t + box.b) / 2;
    if (whole) {
      x = clamp(x, z * whole.l, z * (whole.r - whole.l), f.w);
      y = clamp(y, z * whole.t, z * (whole.b - whole.t), f.h);
    }
    pz.pan({ x: x, y: y });
  }
  function follow(i) {  /* keep the step's node, and if possible its consumers, in view */
    const s = STEPS[i];
    const own = union([s.id]);
    if (!own) return;
    const near = union([s.id].concat(s.consumers));
    if (near && fits(near, 24)) return;
    const f = frame();
    const n = near && onScreen(near);
    if (n && n.r - n.l <= f.w - 48 && n.b - n.t <= f.h - 48) centre(near);
    else if (!fits(own, 24)) centre(own);
  }
  function readableZoom() {
    /* the zoom at which the smallest text is MIN_TEXT_PX: the whole graph if that is
       readable (up to twice that size), as svg-pan-zoom counts zoom (relative) */
    const f = frame();
    const readable = MIN_TEXT_PX / minFont;
    const fit = whole ? 0.97 * Math.min(f.w / (whole.r - whole.l), f.h / (whole.b - whole.t))
                      : readable;
    const target = Math.min(Math.max(fit, readable), 2 * readable);
    return pz.getZoom() * target / pz.getSizes().realZoom;
  }
  function toReadable() {  /* readable text, the step's node (and its consumers) centred */
    pz.zoom(readableZoom());
    const s = STEPS[position];
    const own = union([s.id]);
    const near = union([s.id].concat(s.consumers));
    const f = frame();
    const n = near && onScreen(near);
    if (n && n.r - n.l <= f.w - 48 && n.b - n.t <= f.h - 48) centre(near);
    else if (own) centre(own);
  }

  function openView() {
    /* the whole graph when its text is still readable so (a neuron in a narrow frame: x
       and w were cut off at the readable zoom); else readable text on the current step */
    const f = frame();
    if (whole && f.w > 0 && f.h > 0) {
      const fit = 0.97 * Math.min(f.w / (whole.r - whole.l), f.h / (whole.b - whole.t));
      if (fit * minFont >= FIT_TEXT_PX) {
        pz.zoom(pz.getZoom() * Math.min(fit, MIN_TEXT_PX * 2 / minFont) /
                pz.getSizes().realZoom);
        centre(whole);
        return;
      }
    }
    toReadable();
  }

  /* ------------------------------------------------------------ showing a step */
  let position = 0;
  function setClass(ids, cls) {
    for (const id of ids) { const g = byId(id); if (g) g.classList.add(cls); }
  }
  function fill(fills) {
    for (const [id, grad] of fills) {
      const t = gradTexts.get(id);
      if (t) { t.textContent = "grad " + grad; t.classList.add("bp-grad-known"); }
    }
  }
  function keepVisible(row) {  /* scroll the table only (never the page or the notebook) */
    const s = tableBox.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    const header = table.tHead ? table.tHead.getBoundingClientRect().height : 0;
    if (r.top < s.top + header) tableBox.scrollTop -= s.top + header - r.top;
    else if (r.bottom > s.bottom) tableBox.scrollTop += r.bottom - s.bottom;
  }
  function line(parent, text, cls) { parent.appendChild(make("div", cls, text)); }
  function writePanel(s) {
    headline.textContent = "";
    headline.appendChild(make("b", null, "step " + s.step + ": "));
    headline.appendChild(doc.createTextNode(s.symbol + " = "));
    headline.appendChild(make("span", "bp-val", s.grad));
    chain.textContent = "";
    for (const l of s.chain) line(chain, l);
    rules.textContent = "";
    rules.hidden = s.terms.length === 0;
    for (const t of s.terms) {
      const r = make("div", "bp-rule");
      const rule = t.rule && t.rule !== t.local ? t.rule + " = " : "";
      r.appendChild(doc.createTextNode(t.local_symbol + " = " + rule + t.local + " "));
      r.appendChild(make("span", "bp-op", "(rule of " + t.op + ")"));
      rules.appendChild(r);
    }
    explain.textContent = s.seed
      ? "The seed: back-propagation starts from " + data.zname + " itself, ∂" + data.zname +
        "/∂" + data.zname + " = 1."
      : (s.terms.length === 1 ? "One consumer: its gradient times its local derivative."
         : "A sum over the " + s.terms.length + " consumers: each one's gradient times its " +
           "local derivative.");
  }
  function show(i, noFollow) {
    position = Math.max(0, Math.min(N - 1, i));
    for (const e of svg.querySelectorAll(".bp-current, .bp-consumer, .bp-contrib, .bp-known")) {
      e.classList.remove("bp-current", "bp-consumer", "bp-contrib", "bp-known");
    }
    for (const t of gradTexts.values()) {
      t.textContent = "grad ?";
      t.classList.remove("bp-grad-known");
    }
    STEPS.forEach((s, k) => {
      const [tr, g] = rows[k];
      const known = k <= position;
      if (known) { fill(s.fills); fill(s.also); setClass(s.marks, "bp-known"); }
      g.textContent = known ? s.grad : "?";
      tr.classList.toggle("bp-unknown", !known);
      tr.classList.toggle("bp-current", k === position);
    });
    const s = STEPS[position];
    setClass(s.consumers, "bp-consumer");
    for (const id of s.marks) {
      const g = byId(id);
      if (g) { g.classList.remove("bp-known", "bp-consumer"); g.classList.add("bp-current"); }
    }
    for (const [a, b] of s.edges) {
      for (const e of edgesByEnds.get(a + "->" + b) || []) e.classList.add("bp-contrib");
    }
    writePanel(s);
    slider.value = String(position);
    counter.textContent = "step " + s.step + " (" + (position + 1) + " of " + N + ")";
    first.disabled = prev.disabled = position === 0;
    next.disabled = last.disabled = position === N - 1;
    keepVisible(rows[position][0]);
    root.dataset.position = String(position);
    root.dataset.step = String(s.step);
    if (!noFollow) follow(position);
    if (options.hash) win.history.replaceState(null, "", "#step=" + s.step);
  }

  /* ------------------------------------------------------------ play / pause */
  let timer = null;
  function stop() {
    if (timer !== null) win.clearInterval(timer);
    timer = null;
    play.textContent = "▶ play";
    root.dataset.playing = "false";
  }
  function start() {
    if (position === N - 1) show(0);
    stop();
    timer = win.setInterval(() => {
      if (position >= N - 1) { stop(); return; }
      show(position + 1);
    }, 1000 / Number(speed.value));
    play.textContent = "⏸ pause";
    root.dataset.playing = "true";
  }
  function toggle() { if (timer === null) start(); else stop(); }
  speed.addEventListener("change", () => { if (timer !== null) start(); });

  first.addEventListener("click", () => { stop(); show(0); });
  prev.addEventListener("click", () => { stop(); show(position - 1); });
  next.addEventListener("click", () => { stop(); show(position + 1); });
  last.addEventListener("click", () => { stop(); show(N - 1); });
  play.addEventListener("click", toggle);
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  zoomIn.addEventListener("click", () => pz.zoomIn());
  zoomOut.addEventListener("click", () => pz.zoomOut());
  fitAll.addEventListener("click", () => { pz.fit(); pz.center(); });
  readable.addEventListener("click", toReadable);
  svg.addEventListener("click", (e) => {
    const g = e.target.closest ? e.target.closest("g.node") : null;
    if (g && stepOfBox.has(g.id)) { stop(); show(stepOfBox.get(g.id), true); }
  });

  const keys = {
    ArrowRight: () => { stop(); show(position + 1); },
    ArrowLeft: () => { stop(); show(position - 1); },
    Home: () => { stop(); show(0); },
    End: () => { stop(); show(N - 1); },
    " ": toggle,
    "+": () => pz.zoomIn(),
    "=": () => pz.zoomIn(),
    "-": () => pz.zoomOut(),
    "0": () => { pz.fit(); pz.center(); },
    r: toReadable,
  };
  const keyTarget = options.globalKeys ? doc : root;
  if (!options.globalKeys) {  /* a widget: its keys act once it has the focus (a click) */
    root.tabIndex = 0;
    root.addEventListener("mousedown", () => root.focus({ preventScroll: true }), true);
  }
  keyTarget.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const tag = t && t.tagName;
    if ((tag === "BUTTON" && (e.key === " " || e.key === "Enter")) ||
        ((t === slider || tag === "SELECT") && e.key.startsWith("Arrow"))) return;
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });

  /* ------------------------------------------------------------ start */
  let start0 = 0;
  if (options.hash) {
    const m = /step=(\d+)/.exec(win.location.hash);
    if (m) start0 = STEPS.findIndex((s) => s.step === Number(m[1]));
    if (start0 < 0) start0 = 0;
  }
  position = start0;
  show(start0, true);
  openView();
  root.dataset.ready = "true";
  stop();
  return { show: show, play: start, pause: stop, panZoom: pz,
           destroy: () => { stop(); pz.destroy(); } };
}
