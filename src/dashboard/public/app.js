// The dashboard page: one WebSocket, a few canvases. Everything shown is what the
// engine sent; the page keeps the last SPAN seconds of each plot.
"use strict";

const SPAN = 20; // seconds shown in the scrolling plots
const $ = (id) => document.getElementById(id);
const state = {
  labels: [], emotions: [], time: 0,
  ir: [], motifs: [], sound: [], events: [], trajectory: [], music: [], outputs: [], motifCount: 0,
};

function connect() {
  const token = new URLSearchParams(location.search).get("token");
  const ws = new WebSocket(`ws://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  ws.onopen = () => { $("connection").textContent = "live"; $("connection").className = "good"; };
  ws.onclose = () => {
    $("connection").textContent = "disconnected, retrying…"; $("connection").className = "bad";
    setTimeout(connect, 1000);
  };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "hello") { state.labels = msg.labels; state.emotions = msg.emotions; showHealth(msg.health); }
    else if (msg.type === "batch") onBatch(msg);
    else if (msg.type === "health") showHealth(msg.health);
  };
}

const trim = (list, key = (x) => x[0]) => { while (list.length && key(list[0]) < state.time - SPAN) list.shift(); };
const fmt = (v, d = 2) => (typeof v === "number" ? v.toFixed(d) : "–");

function onBatch(b) {
  state.time = b.time;
  if (b.labels.length) state.labels = b.labels;
  $("engine-time").textContent = b.time.toFixed(1);
  for (const column of b.mel) drawSpectrogramColumn(column);
  if (b.mel.length) scrollSpectrogram(b.mel);
  state.ir.push(...b.oracle); trim(state.ir);
  state.motifs.push(...b.motifs); state.motifCount += b.motifs.length; trim(state.motifs, (m) => m.time);
  state.sound.push(...b.sound); trim(state.sound);
  state.events.push(...b.soundEvents); trim(state.events, (e) => e.time);
  state.music.push(...b.emotion); trim(state.music, (e) => e.time);
  if (b.affect) { state.trajectory.push(b.affect); if (state.trajectory.length > 300) state.trajectory.shift(); showAffect(b.affect); }
  if (b.emotion.length) { const e = b.emotion[b.emotion.length - 1]; $("music-emotion").textContent = `${e.emotion} (${e.quadrant}) v ${fmt(e.valence)} a ${fmt(e.arousal)}`; }
  if (b.oracle.length) { const o = b.oracle[b.oracle.length - 1]; $("oracle-ir").textContent = fmt(o[1]); $("oracle-threshold").textContent = fmt(o[2], 3); }
  $("motif-count").textContent = state.motifCount;
  if (b.soundEvents.length) { const e = b.soundEvents[b.soundEvents.length - 1]; $("last-event").textContent = `${e.label} ${e.phase} at ${fmt(e.time, 1)} s (p ${fmt(e.confidence)})`; }
  if (b.face) showFace(b.face);
  if (b.outputs.length) {
    state.outputs = [...b.outputs.reverse(), ...state.outputs].slice(0, 14);
    $("outputs").replaceChildren(...state.outputs.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  }
  drawCircumplex(); drawEvents(); drawIr();
}

// --- mel spectrogram: new columns enter at the right --------------------------------
const spec = $("spectrogram").getContext("2d");
let pending = [];
function drawSpectrogramColumn(column) { pending.push(column); }
function scrollSpectrogram() {
  const c = spec.canvas, w = 2, n = pending.length;
  spec.drawImage(c, -w * n, 0);
  pending.forEach((col, i) => {
    const x = c.width - w * (n - i), h = c.height / col.length;
    col.forEach((db, k) => {
      const v = Math.max(0, Math.min(1, (db + 80) / 80));
      spec.fillStyle = `hsl(${260 - 220 * v}, 80%, ${8 + 55 * v}%)`;
      spec.fillRect(x, c.height - (k + 1) * h, w, Math.ceil(h));
    });
  });
  pending = [];
}

// --- valence/arousal circumplex ----------------------------------------------------
function drawCircumplex() {
  const g = $("circumplex").getContext("2d"), { width: W, height: H } = g.canvas, r = W / 2 - 16;
  const at = (v, a) => [W / 2 + v * r, H / 2 - a * r];
  g.clearRect(0, 0, W, H);
  g.strokeStyle = "#334"; g.beginPath(); g.arc(W / 2, H / 2, r, 0, 2 * Math.PI); g.moveTo(16, H / 2); g.lineTo(W - 16, H / 2); g.moveTo(W / 2, 16); g.lineTo(W / 2, H - 16); g.stroke();
  g.fillStyle = "#7d8b99"; g.font = "11px sans-serif";
  // Names right of the centre are written leftwards from their point, so none runs off the edge.
  for (const e of state.emotions) {
    const [x, y] = at(e.valence, e.arousal);
    g.textAlign = e.valence > 0.3 ? "right" : "left";
    g.fillText(e.name, e.valence > 0.3 ? x - 4 : x + 3, y - 3);
    g.fillRect(x - 1, y - 1, 3, 3);
  }
  g.textAlign = "left";
  g.fillText("valence", W - 58, H / 2 - 4);
  g.textAlign = "right"; g.fillText("arousal", W / 2 - 4, 26); g.textAlign = "left";
  const line = (points, colour) => {
    g.strokeStyle = colour; g.beginPath();
    points.forEach((p, i) => { const [x, y] = at(p.valence, p.arousal); i ? g.lineTo(x, y) : g.moveTo(x, y); });
    g.stroke();
  };
  line(state.music, "#4a7fb0");
  line(state.trajectory, "#e0b84a");
  const last = state.trajectory[state.trajectory.length - 1];
  if (last) { const [x, y] = at(last.valence, last.arousal); g.fillStyle = "#ffd35a"; g.beginPath(); g.arc(x, y, 6, 0, 2 * Math.PI); g.fill(); }
}

function showAffect(a) {
  $("affect-valence").textContent = fmt(a.valence); $("affect-arousal").textContent = fmt(a.arousal);
  $("affect-quadrant").textContent = a.quadrant; $("affect-emotion").textContent = a.emotion;
  $("affect-confidence").textContent = fmt(a.confidence); $("affect-sources").textContent = a.sources.join(" + ") || "nothing live";
}

// --- sound event timeline: one row per class, probability as brightness ------------
function drawEvents() {
  const g = $("events").getContext("2d"), { width: W, height: H } = g.canvas, labels = state.labels;
  g.clearRect(0, 0, W, H);
  if (!labels.length) return;
  const left = 70, rowH = H / labels.length, x = (t) => left + ((t - (state.time - SPAN)) / SPAN) * (W - left);
  g.font = "11px sans-serif";
  labels.forEach((l, k) => { g.fillStyle = "#9fb3c8"; g.fillText(l, 4, k * rowH + rowH / 2 + 4); });
  for (const [t, probs] of state.sound) probs.forEach((p, k) => {
    g.fillStyle = `rgba(126, 224, 161, ${p})`; g.fillRect(x(t) - 3, k * rowH + 2, 6, rowH - 4);
  });
  g.strokeStyle = "#ffd35a";
  for (const e of state.events) if (e.phase === "start") { const k = labels.indexOf(e.label); g.strokeRect(x(e.time), k * rowH + 1, 2, rowH - 2); }
}

// --- IR curve and motif markers ----------------------------------------------------
function drawIr() {
  const g = $("ir").getContext("2d"), { width: W, height: H } = g.canvas;
  g.clearRect(0, 0, W, H);
  const x = (t) => ((t - (state.time - SPAN)) / SPAN) * W;
  const max = Math.max(1, ...state.ir.map((p) => p[1]));
  g.strokeStyle = "#7ec8e0"; g.beginPath();
  state.ir.forEach(([t, ir], i) => { const px = x(t), py = H - 6 - (ir / max) * (H - 20); i ? g.lineTo(px, py) : g.moveTo(px, py); });
  g.stroke();
  g.fillStyle = "rgba(224, 184, 74, 0.35)";
  for (const m of state.motifs) g.fillRect(x(m.start), 0, Math.max(2, (m.length / SPAN) * W), 10);
}

// --- face ----------------------------------------------------------------------------
function showFace(f) {
  $("face-found").textContent = f.found ? "yes" : "no";
  $("face-state").textContent = f.emotion;
  $("face-confidence").textContent = `(${fmt(f.confidence)})`;
  const g = $("face-au").getContext("2d"), { width: W, height: H } = g.canvas, keys = Object.keys(f.au);
  g.clearRect(0, 0, W, H); g.font = "11px sans-serif";
  keys.forEach((k, i) => {
    const bw = W / keys.length, v = f.au[k];
    g.fillStyle = "#4a7fb0"; g.fillRect(i * bw + 6, H - 16 - v * (H - 24), bw - 12, v * (H - 24));
    g.fillStyle = "#9fb3c8"; g.fillText(k, i * bw + 6, H - 3);
  });
}

// --- health --------------------------------------------------------------------------
function showHealth(h) {
  $("input-state").textContent = h.input.state;
  $("input-state").className = h.input.state === "running" ? "good" : h.input.state === "retrying" ? "bad" : "";
  $("input-detail").textContent = h.input.detail + (h.input.retryInSeconds != null ? ` (retrying in ${h.input.retryInSeconds} s)` : "");
  const rows = [
    ["audio callback load", `${(100 * h.input.callbackLoad).toFixed(1)} % (peak ${(100 * h.input.callbackPeakLoad).toFixed(1)} %)`],
    ["dropped frames", h.input.droppedFrames],
    ["input errors", h.input.errors],
    ...h.stages.map((s) => [s.name, `${s.status}${s.model ? ` (${s.model})` : ""}${s.errors ? `, ${s.errors} errors, last: ${s.lastError}` : ""}`]),
    ["face input", `${h.face.listening ?? "off"}: ${h.face.packets} packets, ${h.face.dropped} dropped`],
    ["mapping", h.mapping.file ? `${h.mapping.file} (${h.mapping.routes} routes)${h.mapping.error ? ` — ${h.mapping.error}` : ""}` : "none"],
    ["messages out", `OSC ${h.outputs.osc}, MIDI ${h.outputs.midi}, notes sounding ${h.outputs.soundingNotes}`],
  ];
  $("health").replaceChildren(...rows.flatMap(([k, v]) => [Object.assign(document.createElement("dt"), { textContent: k }), Object.assign(document.createElement("dd"), { textContent: String(v) })]));
}

connect();
