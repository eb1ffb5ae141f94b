// `moodwire face`: FaceOSC in, facial emotion, OSC and MIDI out, on its own.

import { parseArgs } from "node:util";
import { OscOut, parseHostPort, type OscTarget } from "../bridges/osc-out.ts";
import { MidiFileWriter } from "../bridges/midi-file.ts";
import { MidiOut, MidiPortError, openMidiPort } from "../bridges/midi-out.ts";
import { openMidiInput } from "../bridges/midi-in.ts";
import { FaceInput } from "../face/face-input.ts";
import { AU_ORDER, type FaceEmotion, type FaceState } from "../face/emotion.ts";
import { calibrate, defaultPerformerProfile, loadProfile, saveProfile, type FaceExample, type PerformerProfile } from "../face/profile.ts";
import { existsSync } from "node:fs";
import { MappingEngine } from "../mapping/engine.ts";
import { MappingError } from "../mapping/mapping.ts";
import { loadMapping, watchMapping } from "../mapping/watch.ts";
import { UsageError } from "./args.ts";

export const FACE_HELP = `Usage: moodwire face [options]
       moodwire face calibrate [--seconds 10] [--profile FILE]
       moodwire face learn --label STATE [--seconds 5] [--profile FILE]

Listens for FaceOSC (or a Pure Data face simulator), turns the face into action-unit
proxies and an emotional state (happy / neutral / sad), and sends them out.

Options:
  --osc-in HOST:PORT    where to listen (default 127.0.0.1:8338, FaceOSC's port)
  --osc-out HOST:PORT   where to send moodwire's OSC (default 127.0.0.1:9000);
                        repeat for several targets
  --wekinator-out       also send /wek/outputs (the 7 proxies) to 127.0.0.1:12000
  --midi-out NAME       MIDI port: an existing one by name, or a virtual one
  --midi-in NAME        MIDI input: notes and CC become signals for the mapping
                        (midi.note, midi.note.<n>, midi.cc.<n>, 0..1)
  --midi-file FILE      also write every MIDI message, timed, to a MIDI file
  --mapping FILE        routes from face signals to MIDI and OSC (see mappings/);
                        reloaded when it changes, the previous one kept if invalid
  --extended            also tell surprise and angry apart
  --profile FILE        your calibration and learned examples (moodwire face calibrate,
                        moodwire face learn)
  --duration SECONDS    stop after this long (default: run until Ctrl-C)
  -h, --help            this text

OSC out: /moodwire/face/state s f (state, confidence) on every change and twice a
second; /moodwire/face/au f f f f f f f (AU1 AU4 AU6 AU12 AU15 AU25 AU26, 0..1) on
every face frame; /moodwire/face/found i on change.
MIDI out without --mapping: a program change on channel 1 when the state changes:
neutral 0, happy 1, sad 2, surprise 3, angry 4.
State changes are printed on stdout as JSON lines.`;

export const STATE_PROGRAMS: Record<Exclude<FaceEmotion, "none">, number> = { neutral: 0, happy: 1, sad: 2, surprise: 3, angry: 4 };

export const FACE_CALIBRATE_HELP = `Usage: moodwire face calibrate [--seconds 10] [--profile FILE] [--osc-in HOST:PORT]

Records your resting (neutral) face for a few seconds and saves your own baseline
and ranges in a profile (default moodwire-face.json). Keep a relaxed face while it
records. "moodwire face --profile FILE" then measures every proxy from your rest.`;

export const FACE_LEARN_HELP = `Usage: moodwire face learn --label STATE [--seconds 5] [--profile FILE] [--osc-in HOST:PORT]

Records examples of one state (neutral, happy, sad, surprise or angry) and adds
them to the profile (default moodwire-face.json). Once the profile holds examples of
two or more states, a k-nearest-neighbour vote (k = 5) over the proxies replaces the
built-in rules. Record each state you want, a few seconds each, moving a little.`;

const LEARNABLE = ["neutral", "happy", "sad", "surprise", "angry"];

/** Listens for `seconds` and calls onFrame with the state after each face packet. */
async function record(inputText: string, seconds: number, profile: PerformerProfile, onFrame: (s: FaceState) => void): Promise<number> {
  const input = parseHostPortOrUsage(inputText);
  let frames = 0;
  const face = new FaceInput({
    host: input.host, port: input.port, profile,
    onState: (s, updates) => {
      if (s.found && updates.some((u) => u.kind === "gesture")) { frames++; onFrame(s); }
    },
  });
  try {
    const port = await face.listen();
    process.stderr.write(`moodwire: recording for ${seconds} s from ${input.host}:${port}...\n`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await face.close();
  if (frames === 0) throw new UsageError(`no face data arrived in ${seconds} s: is FaceOSC sending to ${input.host}:${input.port}?`);
  return frames;
}

function parseHostPortOrUsage(text: string): OscTarget {
  try { return parseHostPort(text); } catch (err) { throw new UsageError((err as Error).message); }
}

function readProfileOrDefault(path: string): PerformerProfile {
  if (!existsSync(path)) return defaultPerformerProfile();
  try { return loadProfile(path); } catch (err) { throw new UsageError((err as Error).message); }
}

async function runCalibrate(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: "string", default: "10" }, profile: { type: "string", default: "moodwire-face.json" }, "osc-in": { type: "string", default: "127.0.0.1:8338" }, help: { type: "boolean", short: "h" } } });
  if (values.help) { process.stdout.write(FACE_CALIBRATE_HELP + "\n"); return 0; }
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new UsageError(`--seconds needs a number > 0, got "${values.seconds}"`);
  const profile = readProfileOrDefault(values.profile);
  const samples: FaceState["gestures"][] = [];
  const frames = await record(values["osc-in"], seconds, profile, (s) => samples.push({ ...s.gestures }));
  const calibrated = calibrate(samples);
  saveProfile(values.profile, { ...profile, ...calibrated });
  process.stderr.write(`moodwire: calibrated from ${frames} face frames into ${values.profile}\n`);
  return 0;
}

async function runLearn(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { label: { type: "string" }, seconds: { type: "string", default: "5" }, profile: { type: "string", default: "moodwire-face.json" }, "osc-in": { type: "string", default: "127.0.0.1:8338" }, help: { type: "boolean", short: "h" } } });
  if (values.help) { process.stdout.write(FACE_LEARN_HELP + "\n"); return 0; }
  if (!values.label || !LEARNABLE.includes(values.label)) throw new UsageError(`--label must be one of ${LEARNABLE.join(", ")}`);
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new UsageError(`--seconds needs a number > 0, got "${values.seconds}"`);
  const profile = readProfileOrDefault(values.profile);
  const examples: FaceExample[] = [];
  await record(values["osc-in"], seconds, profile, (s) => examples.push({ label: values.label!, au: AU_ORDER.map((k) => s.au[k]) }));
  profile.examples.push(...examples);
  saveProfile(values.profile, profile);
  const counts = Object.entries(Object.groupBy(profile.examples, (e) => e.label)).map(([l, es]) => `${l} ${es!.length}`).join(", ");
  process.stderr.write(`moodwire: added ${examples.length} "${values.label}" examples to ${values.profile} (now: ${counts})\n`);
  return 0;
}

export async function runFace(argv: string[]): Promise<number> {
  if (argv[0] === "calibrate") return runCalibrate(argv.slice(1));
  if (argv[0] === "learn") return runLearn(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      "osc-in": { type: "string" }, "osc-out": { type: "string", multiple: true }, "wekinator-out": { type: "boolean" },
      "midi-out": { type: "string" }, "midi-in": { type: "string" }, "midi-file": { type: "string" }, extended: { type: "boolean" },
      duration: { type: "string" }, profile: { type: "string" }, mapping: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(FACE_HELP + "\n");
    return 0;
  }
  const parse = parseHostPortOrUsage;
  let profile: PerformerProfile | undefined;
  if (values.profile !== undefined) {
    try { profile = loadProfile(values.profile); } catch (err) { throw new UsageError((err as Error).message); }
  }
  const input = parse(values["osc-in"] ?? "127.0.0.1:8338");
  const targets = (values["osc-out"] ?? ["127.0.0.1:9000"]).map(parse);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0)) throw new UsageError(`--duration needs a number of seconds > 0, got "${values.duration}"`);

  const log = (line: string) => process.stderr.write(`moodwire: ${line}\n`);
  const osc = new OscOut(targets, log);
  const wekinator = values["wekinator-out"] ? new OscOut([{ host: "127.0.0.1", port: 12000 }], log) : null;
  let port = null;
  if (values["midi-out"] !== undefined) {
    try {
      port = openMidiPort(values["midi-out"]);
    } catch (err) {
      if (!(err instanceof MidiPortError)) throw err;
      log(`${err.message}. Going on without it.`);
    }
  }
  const file = values["midi-file"] ? new MidiFileWriter(values["midi-file"]) : null;
  const midi = new MidiOut({ port, file });

  // A mapping file replaces the built-in program changes, and is reloaded on change.
  let engine: MappingEngine | null = null;
  let watcher: { close(): void } | null = null;
  if (values.mapping !== undefined) {
    const path = values.mapping;
    engine = new MappingEngine({ midi, osc });
    try {
      engine.setMapping(loadMapping(path));
    } catch (err) {
      midi.close();
      if (err instanceof MappingError) throw new UsageError(err.message.split("\n").join("; "));
      throw err;
    }
    watcher = watchMapping(path, (m) => { engine!.setMapping(m); log(`reloaded ${path} (${m.routes.length} routes)`); }, log);
  }
  let midiIn: { close(): void } | null = null;
  if (values["midi-in"] !== undefined) {
    try {
      midiIn = openMidiInput(values["midi-in"], (name, value) => engine?.signal(name, value, Date.now()));
    } catch (err) {
      if (!(err instanceof MidiPortError)) throw err;
      log(`${err.message}. Going on without it.`);
    }
  }
  // Whatever happens, no note is left hanging and the MIDI file is complete.
  process.once("uncaughtException", (err) => {
    log(`unexpected error: ${err.stack ?? err.message}; releasing all notes`);
    engine?.release();
    midi.close();
    process.exit(1);
  });
  const sendState = (s: FaceState) => osc.send("/moodwire/face/state", [s.emotion, s.confidence]);
  let lastFound: boolean | null = null;
  const face = new FaceInput({
    host: input.host, port: input.port, extended: values.extended, log, profile, examples: profile?.examples,
    // Wekinator-style /wek/inputs: a generic feature source, signals wek.0, wek.1, ...
    onWekinator: (inputs) => { const now = Date.now(); inputs.forEach((v, i) => engine?.signal(`wek.${i}`, v, now)); },
    onState: (s, updates) => {
      const now = Date.now();
      if (updates.length > 0) {
        if (engine) {
          for (const k of AU_ORDER) engine.signal(`face.au.${k}`, s.au[k], now);
          for (const u of updates) if (u.kind === "gesture") engine.signal(`face.gesture.${u.name}`, u.value, now);
        }
        const au = AU_ORDER.map((k) => s.au[k]);
        osc.send("/moodwire/face/au", au);
        wekinator?.send("/wek/outputs", au);
      }
      if (s.found !== lastFound) {
        lastFound = s.found;
        osc.send("/moodwire/face/found", [{ type: "i", value: s.found ? 1 : 0 }]);
        engine?.signal("face.found", s.found, now);
      }
      if (s.changed) {
        sendState(s);
        if (engine) engine.signal("face.state", s.emotion, now);
        else if (s.emotion !== "none" && s.emotion in STATE_PROGRAMS) midi.programChange(0, STATE_PROGRAMS[s.emotion]);
        process.stdout.write(JSON.stringify({ time: Date.now() / 1000, emotion: s.emotion, confidence: Number(s.confidence.toFixed(3)) }) + "\n");
      }
    },
  });
  try {
    const bound = await face.listen();
    log(`listening for FaceOSC on ${input.host}:${bound}, sending OSC to ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
  } catch (err) {
    midi.close();
    throw new UsageError((err as Error).message);
  }
  const heartbeat = setInterval(() => sendState(face.tracker.state), 500);
  const noteTimer = setInterval(() => engine?.tick(Date.now()), 20);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (duration !== undefined) setTimeout(stop, duration * 1000);
  });
  clearInterval(heartbeat);
  clearInterval(noteTimer);
  watcher?.close();
  midiIn?.close();
  engine?.release();
  midi.close(); // releases every sounding note, sends All Notes Off, flushes the file
  await face.close();
  await osc.close();
  await wekinator?.close();
  const drops = Object.values(face.drops).reduce((a, b) => a + b, 0);
  log(`stopped: ${face.packets} packets, ${face.messages} messages, ${drops} dropped, ${midi.sent} MIDI messages`);
  return 0;
}
