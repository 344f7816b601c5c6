// The page: loads Pyodide and viz-js from this site's own folder, installs the library's
// wheels, and asks autograd_core.site.runtime.Page for every answer (JSON text).
// Nothing is fetched from any other host. `window.autograd` is for tests and the curious.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
import { instance as vizInstance } from "./vendor/viz/viz.js";

const $ = (id) => document.getElementById(id);
const here = (path) => new URL(path, location.href).href;

const api = { ready: null, readyMs: null, page: null, pyodide: null, busy: 0 };
window.autograd = api;

function setStatus(state, text) {
  const el = $("status");
  el.dataset.state = state;
  el.textContent = text;
}

async function fetchBytes(path) {
  const r = await fetch(here(path));
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

// When each part of the start-up finished (ms since the page began): api.timings.
const mark = (name) => { api.timings[name] = Math.round(performance.now()); };
api.timings = {};

async function boot() {
  const manifest = await (await fetch(here("manifest.json"))).json();
  const wheels = Promise.all(manifest.wheels.map((w) => fetchBytes("wheels/" + w)));
  const [pyodide, viz] = await Promise.all([
    loadPyodide({ indexURL: here("vendor/pyodide/") }).then((p) => { mark("python"); return p; }),
    vizInstance().then((v) => { mark("graphviz"); return v; }),
  ]);
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const bytes of await wheels) {
    pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  }
  mark("wheels");
  const runtime = pyodide.pyimport("autograd_core.site.runtime");
  mark("library");
  const render = (dot) => viz.renderString(dot, { format: "svg" });
  api.pyodide = pyodide;
  api.page = runtime.Page(render, "/home/pyodide/work");
  api.call = (method, ...args) => JSON.parse(api.page[method](...args));
  api.readyMs = Math.round(performance.now());
  $("versions").textContent = `autograd-core ${manifest.version} · Python ${pyodide.runPython(
    "import sys; sys.version.split()[0]")} (Pyodide ${pyodide.version}) · Graphviz ${
    viz.graphvizVersion} (viz-js ${manifest.viz})`;
  setStatus("ready", `Ready (${(api.readyMs / 1000).toFixed(1)} s)`);
  document.body.dataset.ready = "yes";
}

// ------------------------------------------------------------------ tabs and views

function selectMode(mode) {
  for (const b of document.querySelectorAll(".tabs button")) {
    b.setAttribute("aria-selected", String(b.dataset.mode === mode));
  }
  $("mode-expr").hidden = mode !== "expr";
  $("mode-worked").hidden = mode !== "worked";
}

// The stepper is a page of its own, in a frame. It is loaded when its tab is shown (it lays
// out its picture on start, which a hidden frame has no room for), as a blob: page, not
// srcdoc: it keeps its step in its address (#step=k), which about:srcdoc may not change.
function loadStepper() {
  if (!api.stepperPage) return;
  if (api.stepperUrl) URL.revokeObjectURL(api.stepperUrl);
  api.stepperUrl = URL.createObjectURL(new Blob([api.stepperPage], { type: "text/html" }));
  api.stepperPage = null;
  $("stepper").src = api.stepperUrl;
}

function selectView(view) {
  const nav = document.querySelector(`.views button[data-view="${view}"]`).parentElement;
  for (const b of nav.querySelectorAll("button")) {
    b.setAttribute("aria-selected", String(b.dataset.view === view));
    $("view-" + b.dataset.view).hidden = b.dataset.view !== view;
  }
  if (view === "stepper") loadStepper();
}

for (const b of document.querySelectorAll(".tabs button")) {
  b.addEventListener("click", () => selectMode(b.dataset.mode));
}
for (const b of document.querySelectorAll(".views button")) {
  b.addEventListener("click", () => selectView(b.dataset.view));
}

// Long work: show it, let the browser paint, then run (Python blocks the page while it runs).
// A failure inside Python (a bug: the library answers mistakes itself) becomes an answer
// with an error, shown where the answer would be, and the page goes on.
async function working(what, fn) {
  api.busy += 1;
  setStatus("busy", what);
  await new Promise((r) => setTimeout(r, 20));
  try {
    return fn();
  } catch (e) {
    console.error(e);
    const message = "The page failed: " + String(e.message || e);
    return { error: message, command: "", exit: 70, stdout: "", stderr: message };
  } finally {
    api.busy -= 1;
    setStatus("ready", "Ready");
  }
}

// ------------------------------------------------------------------ pictures

// Graphviz sizes its SVG in points. Fit a picture to its panel: a small one grows (up to
// 1.6×, readable from the back of a lecture hall), a big one shrinks to no less than 0.7×
// and scrolls beyond that, so its text stays legible.
function showSvg(container, svgText) {
  container.innerHTML = svgText;
  const svg = container.querySelector("svg");
  if (!svg) return;
  const pt = (v) => (v && v.endsWith("pt") ? parseFloat(v) * 4 / 3 : parseFloat(v));
  const width = pt(svg.getAttribute("width")), height = pt(svg.getAttribute("height"));
  if (!(width > 0 && height > 0)) return;
  // a panel of a hidden tab has no width: take the page's, less the controls' column
  const room = (container.clientWidth || document.body.clientWidth - 440) - 24;
  const clamp = (v) => Math.min(1.6, Math.max(0.7, v));
  const scale = Math.min(clamp(room / width), clamp(660 / height));
  svg.setAttribute("width", String(Math.round(width * scale)));
  svg.setAttribute("height", String(Math.round(height * scale)));
}

// ------------------------------------------------------------------ expressions

function escapeText(s) {
  const map = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
  return String(s).replace(/[&<>"]/g, (c) => map[c]);
}

async function compute() {
  const expression = $("expression").value;
  const answer = await working("Computing…", () =>
    api.call("evaluate", expression, $("inputs").value, $("params").value));
  const error = $("expr-error");
  if (answer.error) {
    error.textContent = answer.error;
    error.hidden = false;
    $("expr-result").hidden = true;
    document.body.dataset.computed = "error";
    return answer;
  }
  error.hidden = true;
  $("out-name").textContent = answer.name;
  $("out-value").textContent = answer.shown;
  $("grad-header").textContent = `∂${answer.name}/∂leaf`;
  $("grads").innerHTML = answer.gradients.map((g) =>
    `<tr data-name="${escapeText(g.name)}"><td class="code">${escapeText(g.name)}</td>` +
    `<td class="role-${escapeText(g.role)}">${escapeText(g.role)}</td>` +
    `<td class="num">${escapeText(g.data_shown)}</td>` +
    `<td class="num grad">${escapeText(g.grad_shown)}</td></tr>`).join("");
  $("expr-result").hidden = false;
  for (const [view, svg] of [["forward", answer.forward], ["backward", answer.backward]]) {
    const box = $("view-" + view), hidden = box.hidden;
    box.hidden = false;  // a hidden panel has no width to fit to
    showSvg(box, svg);
    box.hidden = hidden;
  }
  showSolution("expr-solution", answer.solution);
  api.stepperPage = answer.stepper;
  if (!$("view-stepper").hidden) loadStepper();
  document.body.dataset.computed = String(Number(document.body.dataset.computed || 0) + 1);
  saveHash({ expr: expression, inputs: $("inputs").value, params: $("params").value });
  return answer;
}

$("expr-form").addEventListener("submit", (e) => {
  e.preventDefault();
  compute();
});

// ------------------------------------------------------------------ worked examples

// The report as the command line prints it, character for character; only colour is added:
// the status column of each table (found from its header line) and the warnings.
function showReport(pre, text) {
  pre.textContent = "";
  let column = -1;
  for (const line of text.split(/(?<=\n)/)) {
    const header = line.match(/^(\s*quantity\s+claimed\s+computed\s+)status/);
    if (header) column = header[1].length;
    else if (!line.startsWith("  ") && !line.startsWith(" ")) column = -1;
    const word = column >= 0 && line.slice(column).match(/^(ok|truncated|wrong)(?=\s|$)/);
    if (word && line[column - 1] === " ") {
      pre.append(line.slice(0, column));
      const span = document.createElement("span");
      span.className = "status-" + word[1];
      span.textContent = word[1];
      pre.append(span, line.slice(column + word[1].length));
    } else if (/^\s*warning:/.test(line)) {
      const span = document.createElement("span");
      span.className = "warning";
      span.textContent = line;
      pre.append(span);
    } else {
      pre.append(line);
    }
  }
}

// backprop solve's page (MathML, no script) in a frame of its own, or its error.
function showSolution(prefix, solution) {
  const tab = document.querySelector(`.views button[data-view="${prefix}"]`);
  tab.hidden = !solution;
  if (!solution) {
    if (tab.getAttribute("aria-selected") === "true") {
      selectView(prefix === "solution" ? "report" : "forward");
    }
    return;
  }
  $(prefix + "-command").textContent = "$ " + solution.command;
  const ok = solution.exit === 0;
  $(prefix + "-error").hidden = ok;
  $(prefix).hidden = !ok;
  if (ok) {
    const frame = $(prefix);
    if (frame.dataset.url) URL.revokeObjectURL(frame.dataset.url);
    frame.dataset.url = URL.createObjectURL(new Blob([solution.stdout], { type: "text/html" }));
    frame.src = frame.dataset.url;
  } else {
    $(prefix + "-error").textContent = solution.stdout + solution.stderr;
  }
}

function showVerify(answer) {
  $("command").textContent = "$ " + answer.command;
  showReport($("report"), answer.stdout + answer.stderr);
  $("report").dataset.exit = String(answer.exit);
  showSolution("solution", answer.solution);
  const box = $("view-graph"), hidden = box.hidden;
  box.hidden = false;
  if (answer.graph) showSvg(box, answer.graph);
  else {
    box.innerHTML = "<p class=\"hint\"></p>";
    box.firstChild.textContent = answer.graph_note || "No graph.";
  }
  box.hidden = hidden;
  document.body.dataset.verified = String(Number(document.body.dataset.verified || 0) + 1);
  return answer;
}

async function checkBundled(example) {
  $("worked-text").value = example.text;
  $("worked-name").value = example.file;
  for (const b of document.querySelectorAll("#examples button")) {
    b.setAttribute("aria-pressed", String(b.dataset.file === example.file));
  }
  saveHash({ example: example.file });
  return showVerify(await working("Checking…", () =>
    api.call("verify_bundled", example.file)));
}

async function checkText() {
  for (const b of document.querySelectorAll("#examples button")) {
    b.setAttribute("aria-pressed", "false");
  }
  return showVerify(await working("Checking…", () =>
    api.call("verify", $("worked-text").value, $("worked-name").value)));
}

$("check").addEventListener("click", () => checkText());
$("worked-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) checkText();  // Ctrl+Enter: check
});
$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  $("worked-text").value = await file.text();
  $("worked-name").value = file.name;
  checkText();
});

function listExamples() {
  const examples = api.call("examples");
  const box = $("examples");
  box.innerHTML = "";
  for (const ex of examples) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.file = ex.file;
    b.innerHTML = `<span class="file">${escapeText(ex.file)}</span>${escapeText(ex.title)}`;
    b.addEventListener("click", () => checkBundled(ex));
    box.appendChild(b);
  }
  return examples;
}

// ------------------------------------------------------------------ links to a state

function saveHash(state) {
  history.replaceState(null, "", "#" + new URLSearchParams(state).toString());
}

async function openHash(examples) {
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.has("example")) {
    const ex = examples.find((e) => e.file === h.get("example"));
    if (ex) {
      selectMode("worked");
      await checkBundled(ex);
    }
  } else if (h.has("worked")) {
    selectMode("worked");
  }
  if (h.has("expr")) {
    $("expression").value = h.get("expr");
    $("inputs").value = h.get("inputs") || "";
    $("params").value = h.get("params") || "";
  }
  if (h.has("view")) selectView(h.get("view"));
}

api.ready = boot().then(async () => {
  const examples = listExamples();
  $("compute").disabled = false;
  $("check").disabled = false;
  await openHash(examples);
  await compute();
}).catch((e) => {
  setStatus("failed", "Could not start: " + e.message);
  document.body.dataset.ready = "failed";
  console.error(e);
  throw e;
});
api.compute = compute;
api.checkBundled = (file) => checkBundled(api.call("examples").find((e) => e.file === file));
api.checkText = checkText;
