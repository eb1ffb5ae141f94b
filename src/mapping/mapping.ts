// The mapping file: routes from any moodwire signal to MIDI or OSC. This module
// holds its types and its validation; every problem names the file, the line and
// what is wrong, so a performer can fix it between two songs.

export type Curve = "linear" | "exp" | "log";

export type Target =
  | { midi: "note"; channel?: number; pitch?: number; velocity?: number; duration_ms?: number }
  | { midi: "cc"; channel?: number; controller: number }
  | { midi: "program"; channel?: number }
  | { midi: "pitchbend"; channel?: number }
  | { osc: string; args?: (string | number)[] }
  /** The built-in synth voice (moodwire listen --sound): pitch as a MIDI note number, the others 0..1. */
  | { sound: SoundParameter };

export const SOUND_PARAMETERS = ["pitch", "loudness", "noise", "distortion"] as const;
export type SoundParameter = (typeof SOUND_PARAMETERS)[number];

/** Scenes for the built-in sound: a folder of audio files per state of one state signal, crossfaded on change. */
export interface Scenes {
  from: string;
  folders: Record<string, string>;
  /** Crossfade time, seconds (default 3). */
  crossfade_s?: number;
  /** Scene level, 0..1 (default 0.5). */
  gain?: number;
}

export interface Route {
  name?: string;
  /** A signal: face.state, face.found, face.au.<AU>, face.gesture.<name>, midi.note, midi.note.<n>, midi.cc.<n>, wek.<i> (Wekinator inputs), audio.rms|centroid|flux|onset|valence|arousal|quadrant|emotion, audio.event.<label>, oracle.ir, oracle.motif, affect.valence|arousal|confidence|quadrant|emotion */
  from: string;
  to: Target;
  /** Input range mapped onto 0..1 (default [0, 1]). */
  in?: [number, number];
  /** Output range (default: 0..127 for notes and CC, -8192..8191 for pitch bend, 0..1 for OSC). */
  out?: [number, number];
  curve?: Curve;
  clamp?: boolean;
  /** One-pole smoothing time constant, ms. */
  smooth_ms?: number;
  /** At most this many messages per second. */
  rate_hz?: number;
  /** Hysteresis on the 0..1 value: a note starts at >= on and ends at <= off. */
  gate?: { on: number; off: number };
  /** For state signals (face.state): value per state; states not listed send nothing. */
  table?: Record<string, number>;
}

export interface Mapping {
  routes: Route[];
  scenes?: Scenes;
}

export const SIGNAL_PATTERN = /^(face\.(state|found|au\.AU(1|4|6|12|15|25|26)|gesture\.(mouthWidth|mouthHeight|eyebrowLeft|eyebrowRight|eyeLeft|eyeRight|jaw|nostrils))|audio\.(rms|centroid|flux|onset|valence|arousal|quadrant|emotion|event\.[\w-]+)|oracle\.(ir|motif)|affect\.(valence|arousal|confidence|quadrant|emotion)|midi\.(note|note\.\d{1,3}|cc\.\d{1,3})|wek\.\d{1,3})$/;
/** Signals whose value is a name (a state), not a number: MIDI needs a table for them. */
export const STATE_SIGNALS = new Set(["face.state", "audio.quadrant", "audio.emotion", "affect.quadrant", "affect.emotion"]);
export const TARGET_KINDS = ["note", "cc", "program", "pitchbend", "osc"] as const;

/** One problem: a JSON pointer into the file, and what is wrong there. */
export interface MappingProblem {
  path: string;
  message: string;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isRange = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(isNumber) && v[0] !== v[1];

function checkInteger(problems: MappingProblem[], path: string, v: unknown, min: number, max: number, required: boolean): void {
  if (v === undefined) {
    if (required) problems.push({ path, message: `is required (a whole number ${min}..${max})` });
    return;
  }
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) problems.push({ path, message: `must be a whole number ${min}..${max}, got ${JSON.stringify(v)}` });
}

/** Checks a parsed mapping; returns every problem found (empty: valid). */
export function checkMapping(json: unknown): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const routes = (json as { routes?: unknown })?.routes;
  if (typeof json !== "object" || json === null || !Array.isArray(routes)) return [{ path: "", message: 'must be an object with a "routes" list' }];
  const known = new Set(["name", "from", "to", "in", "out", "curve", "clamp", "smooth_ms", "rate_hz", "gate", "table"]);
  routes.forEach((r: Record<string, unknown>, i: number) => {
    const at = `/routes/${i}`;
    if (typeof r !== "object" || r === null) { problems.push({ path: at, message: "must be an object" }); return; }
    for (const key of Object.keys(r)) if (!known.has(key)) problems.push({ path: `${at}/${key}`, message: `is not a route setting (known: ${[...known].join(", ")})` });
    if (typeof r.from !== "string" || !SIGNAL_PATTERN.test(r.from)) problems.push({ path: `${at}/from`, message: `must name a signal such as face.state, face.au.AU12 or face.gesture.mouthHeight, got ${JSON.stringify(r.from)}` });
    if (r.in !== undefined && !isRange(r.in)) problems.push({ path: `${at}/in`, message: "must be [low, high], two different numbers" });
    if (r.out !== undefined && !isRange(r.out)) problems.push({ path: `${at}/out`, message: "must be [low, high], two different numbers" });
    if (r.curve !== undefined && !["linear", "exp", "log"].includes(r.curve as string)) problems.push({ path: `${at}/curve`, message: 'must be "linear", "exp" or "log"' });
    if (r.clamp !== undefined && typeof r.clamp !== "boolean") problems.push({ path: `${at}/clamp`, message: "must be true or false" });
    for (const key of ["smooth_ms", "rate_hz"] as const) if (r[key] !== undefined && (!isNumber(r[key]) || (r[key] as number) <= 0)) problems.push({ path: `${at}/${key}`, message: "must be a number > 0" });
    const gate = r.gate as { on?: unknown; off?: unknown } | undefined;
    if (gate !== undefined && (!isNumber(gate?.on) || !isNumber(gate?.off) || gate.off > gate.on)) problems.push({ path: `${at}/gate`, message: "must be { \"on\": number, \"off\": number } with off <= on" });
    if (r.table !== undefined && (typeof r.table !== "object" || r.table === null || !Object.values(r.table).every(isNumber))) problems.push({ path: `${at}/table`, message: "must map names to numbers" });
    const to = r.to as Record<string, unknown> | undefined;
    if (typeof to !== "object" || to === null) { problems.push({ path: `${at}/to`, message: 'is required: { "midi": "note" | "cc" | "program" | "pitchbend", ... } or { "osc": "/address" }' }); return; }
    if ("sound" in to) {
      if (!SOUND_PARAMETERS.includes(to.sound as SoundParameter)) problems.push({ path: `${at}/to/sound`, message: `must be one of ${SOUND_PARAMETERS.join(", ")}` });
      return;
    }
    if ("osc" in to) {
      if (typeof to.osc !== "string" || !to.osc.startsWith("/")) problems.push({ path: `${at}/to/osc`, message: 'must be an OSC address starting with "/"' });
      if (to.args !== undefined && (!Array.isArray(to.args) || !to.args.every((a) => typeof a === "string" || isNumber(a)))) problems.push({ path: `${at}/to/args`, message: 'must be a list of numbers and strings ("$value" and "$state" are filled in)' });
      return;
    }
    if (!["note", "cc", "program", "pitchbend"].includes(to.midi as string)) { problems.push({ path: `${at}/to/midi`, message: 'must be "note", "cc", "program" or "pitchbend" (or use "osc")' }); return; }
    checkInteger(problems, `${at}/to/channel`, to.channel, 1, 16, false);
    if (to.midi === "cc") checkInteger(problems, `${at}/to/controller`, to.controller, 0, 127, true);
    if (to.midi === "note") {
      checkInteger(problems, `${at}/to/pitch`, to.pitch, 0, 127, false);
      checkInteger(problems, `${at}/to/velocity`, to.velocity, 1, 127, false);
      if (to.duration_ms !== undefined && (!isNumber(to.duration_ms) || to.duration_ms <= 0)) problems.push({ path: `${at}/to/duration_ms`, message: "must be a number > 0" });
    }
    if (STATE_SIGNALS.has(r.from as string) && to.midi !== undefined && r.table === undefined) problems.push({ path: `${at}/table`, message: `is required for ${r.from}: which number each state sends (e.g. { "happy": 1, "sad": 2 })` });
  });
  const scenes = (json as { scenes?: Record<string, unknown> }).scenes;
  if (scenes !== undefined) {
    if (typeof scenes !== "object" || scenes === null) problems.push({ path: "/scenes", message: 'must be { "from": "affect.quadrant", "folders": { "Q1": "dir", ... } }' });
    else {
      if (typeof scenes.from !== "string" || !STATE_SIGNALS.has(scenes.from)) problems.push({ path: "/scenes/from", message: `must be a state signal: ${[...STATE_SIGNALS].join(", ")}` });
      const folders = scenes.folders as Record<string, unknown> | undefined;
      if (typeof folders !== "object" || folders === null || Object.keys(folders).length === 0 || !Object.values(folders).every((f) => typeof f === "string" && f.length > 0)) problems.push({ path: "/scenes/folders", message: "must map each state to a folder of audio files" });
      for (const key of ["crossfade_s", "gain"] as const) if (scenes[key] !== undefined && (!isNumber(scenes[key]) || (scenes[key] as number) < 0)) problems.push({ path: `/scenes/${key}`, message: "must be a number >= 0" });
      for (const key of Object.keys(scenes)) if (!["from", "folders", "crossfade_s", "gain"].includes(key)) problems.push({ path: `/scenes/${key}`, message: "is not a scenes setting (known: from, folders, crossfade_s, gain)" });
    }
  }
  for (const key of Object.keys(json)) if (key !== "routes" && key !== "scenes" && key !== "$schema") problems.push({ path: `/${key}`, message: "is not a mapping setting (known: routes, scenes)" });
  return problems;
}

/**
 * Line (1-based) where the value at a JSON pointer starts in the source text: a
 * small scanner that walks the JSON the way JSON.parse does, noting where each
 * object member and array element begins.
 */
export function lineOf(text: string, pointer: string): number {
  const wanted = pointer.split("/").slice(1);
  let i = 0;
  const skip = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const line = () => text.slice(0, i).split("\n").length;
  const readString = () => { const start = i++; while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1; i++; return JSON.parse(text.slice(start, i)) as string; };
  const skipValue = (): void => {
    skip();
    const c = text[i];
    if (c === '"') { readString(); return; }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      for (skip(); text[i] !== close && i < text.length; skip()) {
        if (c === "{") { readString(); skip(); i++; }
        skipValue(); skip();
        if (text[i] === ",") i++;
      }
      i++;
      return;
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };
  let found = 1;
  for (const key of wanted) {
    skip();
    found = line();
    const c = text[i];
    if (c !== "{" && c !== "[") return found;
    i++;
    let hit = false;
    for (let index = 0; ; index++) {
      skip();
      if (text[i] === "}" || text[i] === "]" || i >= text.length) break;
      let name = String(index);
      if (c === "{") { name = readString(); skip(); i++; }
      skip();
      if (name === key) { hit = true; break; }
      skipValue(); skip();
      if (text[i] === ",") i++;
    }
    if (!hit) return found;
  }
  skip();
  return line();
}

export class MappingError extends Error {
  override name = "MappingError";
}

/** Parses and checks a mapping's text; throws one MappingError listing every problem with its line. */
export function parseMapping(text: string, file = "mapping"): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MappingError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const problems = checkMapping(json);
  if (problems.length > 0) {
    throw new MappingError(problems.map((p) => `${file}:${lineOf(text, p.path)}: ${p.path || "(top)"} ${p.message}`).join("\n"));
  }
  return json as Mapping;
}
