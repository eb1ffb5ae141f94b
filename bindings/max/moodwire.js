// moodwire inside Max: load with [node.script moodwire.js] (Node for Max).
//
// Max's Node runs this file; the engine itself runs as a child process on moodwire's own
// pinned Node (node_modules/node), so this script needs nothing but Node's standard library
// and "max-api", which Max injects (it is deliberately not an npm dependency of moodwire).
//
// Messages in:
//   start [flags...]   start the engine (flags as for "moodwire listen", e.g. start --input a.wav --loop)
//   stop               stop it (every note released, the MIDI file closed)
//   mapping FILE       use this mapping file now (the engine reloads it without restarting)
// Out of the left outlet (split them with [route state affect emotion event motif face]):
//   state running|stopped|error TEXT
//   affect valence arousal quadrant emotion confidence       (10 Hz)
//   emotion valence arousal quadrant emotion confidence      (music, 2 Hz)
//   event label 1|0 confidence                               (sound event start / end)
//   motif start length earlierStart                          (seconds)
//   face state confidence                                    (on change)
//   health callbackLoad droppedFrames inputErrors            (1 Hz)

"use strict";
const { spawn } = require("node:child_process");
const { existsSync, writeFileSync, mkdtempSync } = require("node:fs");
const { join, resolve } = require("node:path");
const { tmpdir } = require("node:os");
const maxApi = require("max-api");

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "moodwire.js");
/** moodwire's pinned Node (npm ci installs it); Max's own Node may be too old for the engine. */
const NODE = [join(ROOT, "node_modules", "node", "bin", "node"), join(ROOT, "node_modules", ".bin", "node")].find(existsSync) || "node";

let child = null;
let configFile = null;
let mapping = null;

/** The engine reads its mapping from this config file and reloads it when it changes. */
function writeConfig() {
  if (!configFile) configFile = join(mkdtempSync(join(tmpdir(), "moodwire-max-")), "moodwire.config.json");
  writeFileSync(configFile, JSON.stringify(mapping ? { mapping } : {}));
}

function forward(line) {
  let e;
  try { e = JSON.parse(line); } catch { return; }
  switch (e.type) {
    case "affect": maxApi.outlet("affect", e.valence, e.arousal, e.quadrant, e.emotion, e.confidence); break;
    case "emotion": maxApi.outlet("emotion", e.valence, e.arousal, e.quadrant, e.emotion, e.confidence); break;
    case "soundEvent": maxApi.outlet("event", e.label, e.phase === "start" ? 1 : 0, e.confidence); break;
    case "motif": maxApi.outlet("motif", e.start, e.length, e.earlierStart); break;
    case "face": maxApi.outlet("face", e.emotion, e.confidence); break;
    case "health": maxApi.outlet("health", e.input.callbackLoad, e.input.droppedFrames, e.input.errors); break;
  }
}

function start(...flags) {
  if (child) { maxApi.post("moodwire is already running; send stop first"); return; }
  writeConfig();
  child = spawn(NODE, [BIN, "listen", "--config", configFile, "--events-json", ...flags.map(String)], { cwd: ROOT });
  let pending = "";
  child.stdout.on("data", (chunk) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) forward(line);
  });
  child.stderr.on("data", (chunk) => { for (const line of String(chunk).trim().split("\n")) maxApi.post(line); });
  child.on("exit", (code) => {
    child = null;
    maxApi.outlet("state", code === 0 ? "stopped" : "error", code === 0 ? "" : `exit ${code}`);
  });
  maxApi.outlet("state", "running", flags.join(" "));
}

function stop() {
  if (!child) return;
  child.kill("SIGTERM"); // the engine releases every note and flushes the MIDI file
}

maxApi.addHandlers({
  start,
  stop,
  mapping: (file) => {
    mapping = resolve(String(file));
    if (child) writeConfig();
    maxApi.post(`moodwire: mapping ${mapping}${child ? " (reloading)" : " (used at start)"}`);
  },
});
// Max closes the script (or the patch): stop the engine with it.
process.on("exit", stop);
