// redress classroom page: builds each lesson's sliders from /api/lessons,
// asks /api/simulate on every change, streams /api/replicate, and draws
// every figure as SVG itself (no library, no network beyond this server).
"use strict";

const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

let lessons = [];
let maxReps = 500;
let lesson = null;      // the lesson shown
let values = {};        // its slider values
let inflight = null;    // AbortController of the pending simulate
let replicating = null; // AbortController of a replication run
let timer = 0;

// ---- formatting

function fmt(x, d) {
  if (x === null || x === undefined || !isFinite(x)) return "n/a";
  const a = Math.abs(x);
  if (d === undefined) d = a >= 1000 ? 0 : a >= 10 ? 2 : 3;
  return x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
function signed(x, d) { return (x > 0 ? "+" : "") + fmt(x, d); }

// ---- URL state

function readURL() {
  const q = new URLSearchParams(location.search);
  const out = {};
  for (const [k, v] of q) out[k] = v;
  return out;
}
function writeURL() {
  const q = new URLSearchParams();
  q.set("lesson", lesson.id);
  for (const p of lesson.params) q.set(p.name, values[p.name]);
  q.set("seed", $("seed").value);
  history.replaceState(null, "", "?" + q.toString());
}

// ---- SVG helpers

function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function text(parent, x, y, s, attrs) {
  const t = el("text", Object.assign({ x, y }, attrs || {}), parent);
  t.textContent = s;
  return t;
}
function svg(w, h, label) {
  const s = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label });
  el("title", {}, s).textContent = label;
  return s;
}
function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(12));
  return out;
}
function figure(id, node, caption) {
  const f = $(id);
  f.replaceChildren();
  if (!node) return;
  f.appendChild(node);
  if (caption) {
    const c = document.createElement("figcaption");
    c.textContent = caption;
    f.appendChild(c);
  }
}

// scatter of the population: respondents filled, the rest hollow; the
// survey mean and the true mean as horizontal lines.
function scatter(p, lines) {
  const W = 640, H = 320, L = 52, R = 12, T = 12, B = 40;
  const s = svg(W, H, `Scatter of ${p.y_label} against ${p.x_label}; filled: observed by the firm`);
  const xs = p.x.filter(isFinite), ys = p.y.filter(isFinite);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const X = (v) => L + (v - x0) / (x1 - x0 || 1) * (W - L - R);
  const Y = (v) => H - B - (v - y0) / (y1 - y0 || 1) * (H - T - B);
  axes(s, W, H, L, R, T, B, x0, x1, y0, y1, X, Y, p.x_label, p.y_label);
  p.x.forEach((x, i) => {
    const sel = p.selected[i];
    el("circle", { cx: X(x), cy: Y(p.y[i]), r: 2.6, fill: sel ? COLORS[0] : "none", stroke: sel ? COLORS[0] : "#999", "stroke-width": 1, opacity: sel ? 0.75 : 0.8 }, s);
  });
  // Two lines' labels: the upper one above its line at the right, the
  // lower one below its line at the left, so that they never collide.
  const shown = lines.filter((ln) => isFinite(ln.value)).sort((a, b) => b.value - a.value);
  shown.forEach((ln, i) => {
    el("line", { x1: L, x2: W - R, y1: Y(ln.value), y2: Y(ln.value), stroke: ln.color, "stroke-width": 2.5, "stroke-dasharray": ln.dash || "" }, s);
    const upper = i === 0;
    const t = text(s, upper ? W - R - 4 : L + 6, Y(ln.value) + (upper ? -6 : 15), ln.label, { "text-anchor": upper ? "end" : "start", "font-weight": 600 });
    t.setAttribute("paint-order", "stroke");
    t.setAttribute("stroke", "#fff");
    t.setAttribute("stroke-width", "4");
  });
  return s;
}

function axes(s, W, H, L, R, T, B, x0, x1, y0, y1, X, Y, xl, yl) {
  el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#333" }, s);
  el("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#333" }, s);
  for (const v of niceTicks(x0, x1, 6)) {
    el("line", { x1: X(v), x2: X(v), y1: H - B, y2: H - B + 4, stroke: "#333" }, s);
    text(s, X(v), H - B + 16, fmt(v, Math.abs(v) >= 10 ? 0 : 1), { "text-anchor": "middle" });
  }
  for (const v of niceTicks(y0, y1, 5)) {
    el("line", { x1: L - 4, x2: L, y1: Y(v), y2: Y(v), stroke: "#333" }, s);
    el("line", { x1: L, x2: W - R, y1: Y(v), y2: Y(v), stroke: "#eee" }, s);
    text(s, L - 7, Y(v) + 4, fmt(v, Math.abs(v) >= 10 ? 0 : 1), { "text-anchor": "end" });
  }
  text(s, (L + W - R) / 2, H - 6, xl, { "text-anchor": "middle" });
  text(s, 12, (T + H - B) / 2, yl, { "text-anchor": "middle", transform: `rotate(-90 12 ${(T + H - B) / 2})` });
}

// forest plot: each estimator's estimate and 95% interval, the truth as a
// black vertical line.
function forest(rows, truth, label) {
  const W = 640, rowH = 30, L = 210, R = 20, T = 10, B = 34;
  const H = T + B + rowH * rows.length;
  const s = svg(W, H, `Estimates of ${label} with 95% intervals; the truth is the black line`);
  const vals = [truth];
  for (const r of rows) if (isFinite(r.lo) && isFinite(r.hi)) vals.push(r.lo, r.hi);
  let lo = Math.min(...vals), hi = Math.max(...vals);
  const pad = (hi - lo) * 0.08 || 0.1;
  lo -= pad; hi += pad;
  const X = (v) => L + (v - lo) / (hi - lo) * (W - L - R);
  for (const v of niceTicks(lo, hi, 6)) {
    el("line", { x1: X(v), x2: X(v), y1: T, y2: H - B, stroke: "#eee" }, s);
    text(s, X(v), H - B + 16, fmt(v, 2), { "text-anchor": "middle" });
  }
  text(s, (L + W - R) / 2, H - 4, label, { "text-anchor": "middle" });
  rows.forEach((r, i) => {
    const y = T + rowH * (i + 0.5);
    text(s, L - 8, y + 4, r.label || r.method, { "text-anchor": "end" });
    if (!isFinite(r.estimate)) {
      text(s, L + 6, y + 4, "failed: " + (r.error || ""), { fill: "#666" });
      return;
    }
    const c = r.covers ? COLORS[0] : COLORS[5];
    el("line", { x1: X(r.lo), x2: X(r.hi), y1: y, y2: y, stroke: c, "stroke-width": 3 }, s);
    el("circle", { cx: X(r.estimate), cy: y, r: 5.5, fill: c, stroke: "#fff", "stroke-width": 1.5 }, s);
  });
  el("line", { x1: X(truth), x2: X(truth), y1: T - 4, y2: H - B, stroke: "#000", "stroke-width": 2.5 }, s);
  text(s, X(truth) + 4, T + 8, "truth", { "font-weight": 600 });
  return s;
}

// diverging bars of labelled values around zero: labels left, bars in
// the middle, values in a column of their own at the right.
function bars(items, label, digits) {
  const W = 640, rowH = 30, L = 330, V = 70, T = 8, B = 26;
  const H = T + B + rowH * items.length;
  const s = svg(W, H, label);
  const vals = items.map((b) => b.value).filter(isFinite);
  const m = Math.max(1e-9, ...vals.map(Math.abs)) * 1.05;
  const X = (v) => L + (v + m) / (2 * m) * (W - L - V);
  el("line", { x1: X(0), x2: X(0), y1: T, y2: H - B, stroke: "#000", "stroke-width": 1.5 }, s);
  items.forEach((b, i) => {
    const y = T + rowH * i + 4;
    text(s, L - 8, y + 15, b.label, { "text-anchor": "end" });
    text(s, W - 2, y + 15, isFinite(b.value) ? signed(b.value, digits) : "n/a", { "text-anchor": "end", "font-weight": 600 });
    if (!isFinite(b.value)) return;
    const c = b.color || (b.value >= 0 ? COLORS[0] : COLORS[5]);
    el("rect", { x: Math.min(X(0), X(b.value)), y, width: Math.abs(X(b.value) - X(0)), height: rowH - 10, fill: c }, s);
  });
  text(s, (L + W - V) / 2, H - 6, label, { "text-anchor": "middle" });
  return s;
}

// ---- tables

function table(caption, head, rows) {
  const t = document.createElement("table");
  const c = t.createCaption();
  c.textContent = caption;
  const tr = t.createTHead().insertRow();
  for (const h of head) { const th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); }
  const tb = t.createTBody();
  for (const r of rows) { const row = tb.insertRow(); for (const v of r) row.insertCell().textContent = v; }
  return t;
}

// ---- the lesson view

function buildTabs() {
  const nav = $("tabs");
  nav.replaceChildren();
  lessons.forEach((l, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.id = "tab-" + l.id;
    b.setAttribute("role", "tab");
    b.setAttribute("aria-controls", "panel");
    b.textContent = l.title;
    b.addEventListener("click", () => show(l.id, {}));
    b.addEventListener("keydown", (e) => {
      const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!k) return;
      const n = lessons[(i + k + lessons.length) % lessons.length];
      show(n.id, {});
      $("tab-" + n.id).focus();
    });
    nav.appendChild(b);
  });
}

function paramControl(p, value) {
  const div = document.createElement("div");
  div.className = "param";
  const id = "p-" + p.name;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = p.label;
  div.appendChild(label);
  const row = document.createElement("div");
  row.className = "row";
  let input;
  if (p.choices) {
    input = document.createElement("select");
    for (const c of p.choices) { const o = document.createElement("option"); o.value = o.textContent = c; input.appendChild(o); }
    input.value = value;
  } else {
    input = document.createElement("input");
    Object.assign(input, { type: "range", min: p.min, max: p.max, step: p.step, value });
  }
  input.id = id;
  input.setAttribute("aria-describedby", id + "-help");
  const out = document.createElement("output");
  out.htmlFor = id;
  out.id = id + "-value";
  out.textContent = p.choices ? "" : value;
  input.addEventListener("input", () => {
    values[p.name] = p.choices ? input.value : +input.value;
    out.textContent = input.value;
    schedule();
  });
  row.appendChild(input);
  if (!p.choices) row.appendChild(out);
  div.appendChild(row);
  const help = document.createElement("p");
  help.className = "help";
  help.id = id + "-help";
  help.textContent = p.help;
  div.appendChild(help);
  return div;
}

function show(id, state) {
  stopReplications();
  lesson = lessons.find((l) => l.id === id) || lessons[0];
  for (const l of lessons) {
    const b = $("tab-" + l.id);
    b.setAttribute("aria-selected", l === lesson ? "true" : "false");
    b.tabIndex = l === lesson ? 0 : -1;
  }
  $("panel").setAttribute("aria-labelledby", "tab-" + lesson.id);
  $("title").textContent = lesson.title;
  $("intro").textContent = lesson.intro;
  $("notice").replaceChildren(...lesson.notice.map((s) => Object.assign(document.createElement("li"), { textContent: s })));
  $("try").replaceChildren(...lesson.try.map((s) => Object.assign(document.createElement("li"), { textContent: s })));
  values = {};
  const box = $("params");
  box.replaceChildren();
  for (const p of lesson.params) {
    let v = p.choices ? p.choices[p.default] : p.default;
    if (state[p.name] !== undefined) v = p.choices ? state[p.name] : +state[p.name];
    values[p.name] = v;
    box.appendChild(paramControl(p, v));
  }
  $("seed").value = state.seed !== undefined ? state.seed : 1;
  $("repbox").hidden = !lesson.replicates;
  $("reps").replaceChildren();
  $("fname").textContent = "classroom-" + lesson.id + ".toml";
  simulate();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(simulate, 90);
}

function request(extra) {
  return Object.assign({ lesson: lesson.id, seed: +$("seed").value, params: values }, extra || {});
}

async function simulate() {
  writeURL();
  if (inflight) inflight.abort();
  const ac = new AbortController();
  inflight = ac;
  $("status").textContent = "simulating…";
  const t0 = performance.now();
  try {
    const r = await fetch("api/simulate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request()), signal: ac.signal });
    const body = await r.json();
    if (!r.ok) {
      $("status").textContent = (r.status === 503 ? "The server is busy: " : "Error: ") + body.error;
      if (r.status === 503) setTimeout(schedule, 1000);
      return;
    }
    render(body);
    $("status").textContent = `updated in ${Math.round(performance.now() - t0)} ms`;
  } catch (e) {
    if (e.name !== "AbortError") $("status").textContent = "Error: " + e.message;
  }
}

function render(res) {
  const head = $("headline");
  head.replaceChildren();
  for (const f of res.headline) {
    const c = document.createElement("div");
    c.className = "card " + f.kind;
    c.innerHTML = `<div class="v"></div><div class="l"></div>`;
    c.querySelector(".v").textContent = fmt(f.value);
    c.querySelector(".l").textContent = f.label;
    head.appendChild(c);
  }
  const msgs = $("messages");
  msgs.replaceChildren(...res.messages.map((m) => {
    const p = document.createElement("p");
    p.textContent = m;
    if (!/disagree|worse off|No recovery/.test(m)) p.className = "ok";
    return p;
  }));
  const tables = $("tables");
  tables.replaceChildren();
  figure("fig1", null); figure("fig2", null);
  if (res.estimand) renderEstimates(res, tables);
  if (res.metrics) renderMetrics(res, tables);
  if (res.bars) renderBars(res, tables);
  $("cmd").textContent = res.reproduce.command;
  $("toml").textContent = res.reproduce.toml;
}

function renderEstimates(res, tables) {
  const e = res.estimand;
  const lines = [];
  const dash = res.headline.find((f) => f.kind === "dashboard");
  const truth = res.headline.find((f) => f.kind === "truth");
  if (res.lesson === "survey") {
    lines.push({ value: truth.value, color: "#000", label: "true mean (everyone)" });
    lines.push({ value: dash.value, color: COLORS[1], dash: "7 4", label: "survey mean (respondents)" });
  }
  if (res.points) {
    const p = res.points;
    figure("fig1", scatter(p, lines), `${p.x.length} of ${p.n} customers; filled: contacted support (observed by the firm), hollow: not observed.`);
    const rows = [["customers", String(p.n)], ["observed by the firm", `${p.observed} (${fmt(100 * p.observed / p.n, 1)}%)`]];
    for (const f of res.headline) rows.push([f.label, fmt(f.value)]);
    tables.appendChild(table("The population in the scatter plot", ["", "value"], rows));
  }
  figure("fig2", forest(res.estimates, e.truth, e.label), `Blue: the 95% interval covers the truth; red: it misses. Truth = ${fmt(e.truth)}.`);
  const others = (e.others || []).map((o) => `${o.label} ${fmt(o.value)}`).join(", ");
  tables.appendChild(table(`${e.label}: truth ${fmt(e.truth)}${others ? " (" + others + ")" : ""}`,
    ["estimator", "estimate", "std. error", "95% interval", "covers the truth"],
    res.estimates.map((r) => [r.label || r.method, fmt(r.estimate), fmt(r.se), isFinite(r.lo) ? `[${fmt(r.lo)}, ${fmt(r.hi)}]` : r.error, r.covers ? "yes" : "no"])));
}

function metricLabel(m) {
  return m.dashboard ? "dashboard: " + m.label.replace(" (dashboard)", "") : m.label;
}

function renderMetrics(res, tables) {
  const items = res.metrics.map((m, i) => ({
    label: metricLabel(m),
    value: m.baseline ? 100 * m.diff / Math.abs(m.baseline) : NaN,
    color: m.dashboard ? COLORS[1] : (m.diff * m.better >= 0 ? COLORS[0] : COLORS[5]),
  }));
  figure("fig1", bars(items, "yours − standard, % of the standard's value", 1),
    "Orange: what the firm's dashboard shows. Blue: truth better for the firm or its customers; red: worse.");
  tables.appendChild(table("Standard policy vs yours (same customers, same random events)",
    ["metric", "standard", "yours", "difference"],
    res.metrics.map((m) => [metricLabel(m), fmt(m.baseline, m.digits), fmt(m.yours, m.digits), signed(m.diff, m.digits)])));
}

function renderBars(res, tables) {
  figure("fig1", bars(res.bars.map((b) => ({ label: b.label, value: b.value })), "difference", 3),
    "Satisfaction on the latent scale, repurchase as a probability. Above zero after a recovery: a recovery paradox. Below zero for failed recoveries: the double deviation.");
  tables.appendChild(table("Effects", ["effect", "value"], res.bars.map((b) => [b.label, signed(b.value, 4)])));
}

// ---- replications

function stopReplications() {
  if (replicating) replicating.abort();
  replicating = null;
  $("stop").hidden = true;
  $("replicate").disabled = false;
}

async function replicate() {
  stopReplications();
  const ac = new AbortController();
  replicating = ac;
  $("stop").hidden = false;
  $("replicate").disabled = true;
  const reps = Math.min(200, maxReps);
  const acc = {}; // method -> {label, errs: [], covers, ok, failed}
  let truthSum = 0, n = 0;
  const box = $("reps");
  box.replaceChildren();
  try {
    const r = await fetch("api/replicate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request({ reps })), signal: ac.signal });
    if (!r.ok) { const b = await r.json(); $("status").textContent = "Error: " + b.error; return; }
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line) continue;
        const m = JSON.parse(line);
        if (m.error) { $("status").textContent = "Replications stopped: " + m.error; return; }
        if (m.done) continue;
        n++;
        truthSum += m.estimand.truth;
        for (const e of m.estimates) {
          const a = acc[e.method] || (acc[e.method] = { label: e.label, errs: [], covers: 0, failed: 0 });
          if (isFinite(e.estimate)) { a.errs.push(e.estimate - m.estimand.truth); if (e.covers) a.covers++; } else a.failed++;
        }
        if (n % 5 === 0 || n === reps) drawReplications(box, acc, n, reps);
        $("status").textContent = `replications: ${n} of ${reps}`;
      }
    }
  } catch (e) {
    if (e.name !== "AbortError") $("status").textContent = "Error: " + e.message;
  } finally {
    if (replicating === ac) stopReplications();
  }
}

function drawReplications(box, acc, n, reps) {
  const methods = Object.keys(acc);
  const W = 640, rowH = 34, L = 210, R = 20, T = 10, B = 34;
  const H = T + B + rowH * methods.length;
  const s = svg(W, H, `Sampling distributions of estimate minus truth over ${n} replications`);
  const all = methods.flatMap((m) => acc[m].errs);
  let m = Math.max(1e-6, ...all.map(Math.abs));
  const X = (v) => L + (v + m) / (2 * m) * (W - L - R);
  el("line", { x1: X(0), x2: X(0), y1: T, y2: H - B, stroke: "#000", "stroke-width": 2 }, s);
  for (const v of niceTicks(-m, m, 6)) text(s, X(v), H - B + 16, fmt(v, 2), { "text-anchor": "middle" });
  text(s, (L + W - R) / 2, H - 4, "estimate − truth (0 = unbiased)", { "text-anchor": "middle" });
  const rows = [];
  methods.forEach((k, i) => {
    const a = acc[k];
    const y = T + rowH * i + rowH / 2;
    text(s, L - 8, y + 4, a.label || k, { "text-anchor": "end" });
    const c = COLORS[i % COLORS.length];
    a.errs.forEach((e, j) => el("circle", { cx: X(e), cy: y + ((j * 7919) % 17 - 8), r: 2, fill: c, opacity: 0.55 }, s));
    const ok = a.errs.length;
    const bias = ok ? a.errs.reduce((p, q) => p + q, 0) / ok : NaN;
    const sd = ok > 1 ? Math.sqrt(a.errs.reduce((p, q) => p + (q - bias) * (q - bias), 0) / (ok - 1)) : NaN;
    if (isFinite(bias)) el("line", { x1: X(bias), x2: X(bias), y1: y - 12, y2: y + 12, stroke: "#000", "stroke-width": 2.5 }, s);
    const cov = ok ? a.covers / ok : NaN;
    rows.push([a.label || k, String(ok), fmt(bias), fmt(sd / Math.sqrt(ok)), fmt(cov, 3), fmt(Math.sqrt(cov * (1 - cov) / ok), 3), String(a.failed)]);
  });
  const fig = document.createElement("figure");
  fig.appendChild(s);
  const cap = document.createElement("figcaption");
  cap.textContent = `${n} of ${reps} replications. Dots: each replication's error; black tick: the mean error (bias).`;
  fig.appendChild(cap);
  box.replaceChildren(fig, table(`Bias and coverage after ${n} replications (MCSE: Monte Carlo standard error)`,
    ["estimator", "replications", "bias", "MCSE", "coverage of 95% interval", "MCSE", "failed"], rows));
}

// ---- start

async function start() {
  $("newseed").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 1e6); schedule(); });
  $("reset").addEventListener("click", () => show(lesson.id, {}));
  $("seed").addEventListener("input", schedule);
  $("replicate").addEventListener("click", replicate);
  $("stop").addEventListener("click", stopReplications);
  $("copy").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("toml").textContent));
  $("copylink").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(location.href));
  const r = await fetch("api/lessons");
  const body = await r.json();
  lessons = body.lessons;
  maxReps = body.limits.max_reps;
  buildTabs();
  const state = readURL();
  show(state.lesson || lessons[0].id, state);
}

start();
