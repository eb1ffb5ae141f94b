// Where the SED corpus's sounds come from: real recordings shipped in Debian packages,
// plus speech synthesised with espeak-ng. Every recording belongs to a *group* (one physical
// source: one door, one bell struck at several velocities, one key's press and release, one
// voice): the train/test split is made by group, so no test sound was ever heard in training.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { decodeAudioBytes } from "../../audio/decode.ts";
import { readZipEntries } from "../../audio/zip.ts";
import { resampleSignal } from "../../dsp/resample.ts";
import { ModelInputError } from "../errors.ts";

export const CORPUS_RATE = 16000;
/** Longest stretch of one recording used as an event. */
const MAX_EVENT_SECONDS = 4;

export interface Recording {
  label: string;
  /** Recordings of one physical source share a group; splits never cut a group. */
  group: string;
  /** Where it came from (package path or generator call). */
  source: string;
  /** Mono, CORPUS_RATE, silence trimmed, peak-normalised. */
  samples: Float32Array;
}

/** How a class's events are built from its recordings. */
export type EventShape = "single" | { sequence: { min: number; max: number; gapMin: number; gapMax: number } };

export interface SoundClass {
  label: string;
  description: string;
  /** Debian packages the recordings come from. */
  packages: string[];
  shape: EventShape;
  load(): Promise<Recording[]>;
}

const FREEDESKTOP = "/usr/share/sounds/freedesktop/stereo";
const HYDROGEN = "/usr/share/hydrogen/data/drumkits";
const BUCKLESPRING = "/usr/share/buckle/wav";
const UFOAI_SOUNDS = "/usr/share/games/ufoai/base/0snd.pk3";
const HEROES = "/usr/share/games/heroes/sfx";

export class MissingSoundsError extends ModelInputError {
  override name = "MissingSoundsError";
}

function requirePath(path: string, pkg: string): void {
  if (!existsSync(path)) {
    throw new MissingSoundsError(`${path} is missing: install the Debian package ${pkg} (sudo apt-get install ${pkg})`);
  }
}

/** Mono at CORPUS_RATE, leading/trailing quiet (< -45 dB of peak) cut, at most MAX_EVENT_SECONDS, peak 1. */
export function prepareRecording(samples: Float32Array, sampleRate: number): Float32Array {
  const x = resampleSignal(samples, sampleRate, CORPUS_RATE);
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  if (peak === 0) return new Float32Array(0);
  const floor = peak * 10 ** (-45 / 20);
  let start = 0, end = x.length;
  while (start < end && Math.abs(x[start]!) < floor) start++;
  while (end > start && Math.abs(x[end - 1]!) < floor) end--;
  end = Math.min(end, start + MAX_EVENT_SECONDS * CORPUS_RATE);
  const out = x.slice(start, end);
  // A 5 ms fade at both ends so cut recordings do not click.
  const fade = Math.min(80, Math.floor(out.length / 2));
  for (let i = 0; i < fade; i++) { out[i]! *= i / fade; out[out.length - 1 - i]! *= i / fade; }
  for (let i = 0; i < out.length; i++) out[i]! /= peak;
  return out;
}

async function fromFiles(label: string, files: { path: string; group: string }[]): Promise<Recording[]> {
  const out: Recording[] = [];
  for (const { path, group } of files) {
    const audio = await decodeAudioBytes(readFileSync(path));
    const samples = prepareRecording(audio.samples, audio.sampleRate);
    if (samples.length > 0) out.push({ label, group, source: path, samples });
  }
  return out;
}

async function fromUfoai(label: string, pattern: RegExp, groupOf: (name: string) => string): Promise<Recording[]> {
  requirePath(UFOAI_SOUNDS, "ufoai-sound");
  const entries = [...readZipEntries(UFOAI_SOUNDS, (name) => pattern.test(name))].sort(([a], [b]) => a.localeCompare(b));
  const out: Recording[] = [];
  for (const [name, bytes] of entries) {
    const audio = await decodeAudioBytes(bytes);
    const samples = prepareRecording(audio.samples, audio.sampleRate);
    if (samples.length > 0) out.push({ label, group: groupOf(basename(name, ".ogg")), source: `${UFOAI_SOUNDS}:${name}`, samples });
  }
  return out;
}

function hydrogenFiles(pattern: RegExp): { path: string; group: string }[] {
  requirePath(HYDROGEN, "hydrogen-drumkits");
  const files: { path: string; group: string }[] = [];
  for (const kit of readdirSync(HYDROGEN).sort()) {
    const dir = join(HYDROGEN, kit);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!pattern.test(file) || !/\.(wav|flac)$/i.test(file)) continue;
      // Velocity layers (-Soft, -Hard, _2, -0 ...) are the same instrument: one group.
      const instrument = file.replace(/\.(wav|flac)$/i, "").replace(/[-_ ]?(soft|softest|med|hard|hardest|mute|hit|\d+)$/i, "");
      files.push({ path: join(dir, file), group: `${kit}/${instrument}` });
    }
  }
  return files;
}

const SENTENCES = [
  "Could you please close the door behind you",
  "The concert starts at eight tonight",
  "I think the light is too bright in here",
  "One two three four, let us try that again",
  "Where did you put the keys this morning",
];
const VOICES = ["en+m1", "en+f2", "en-us+m3", "en-gb-scotland+f1", "de+m2", "fr+f3", "es+m4", "it+f4", "nl+m5", "pt+f5", "pl+m6", "sv+f1"];

async function speech(): Promise<Recording[]> {
  const out: Recording[] = [];
  // -w, not --stdout: a piped WAV carries a placeholder length.
  const dir = mkdtempSync(join(tmpdir(), "moodwire-espeak-"));
  const wav = join(dir, "speech.wav");
  try {
  for (const [v, voice] of VOICES.entries()) {
    for (const [s, sentence] of SENTENCES.entries()) {
      const speed = 140 + ((v * 7 + s * 13) % 50);
      const args = ["-v", voice, "-s", String(speed), "-w", wav, sentence];
      const result = spawnSync("espeak-ng", args);
      if (result.error || result.status !== 0) {
        throw new MissingSoundsError("espeak-ng did not run: install the Debian package espeak-ng (sudo apt-get install espeak-ng)");
      }
      const audio = await decodeAudioBytes(readFileSync(wav));
      const samples = prepareRecording(audio.samples, audio.sampleRate);
      if (samples.length > 0) out.push({ label: "speech", group: voice, source: `espeak-ng ${args.slice(0, 4).join(" ")} "${sentence}"`, samples });
    }
  }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The base model's eight classes. */
export const SED_CLASSES: SoundClass[] = [
  {
    label: "alarm", description: "alarm clocks, phones ringing and busy tones, a claxon",
    packages: ["sound-theme-freedesktop", "heroes-sound-effects"], shape: "single",
    load: () => {
      requirePath(FREEDESKTOP, "sound-theme-freedesktop");
      requirePath(HEROES, "heroes-sound-effects");
      return fromFiles("alarm", [
        ...["alarm-clock-elapsed", "phone-incoming-call", "phone-outgoing-calling", "phone-outgoing-busy"].map((n) => ({ path: join(FREEDESKTOP, n + ".oga"), group: n })),
        { path: join(HEROES, "claxon.wav"), group: "claxon" },
      ]);
    },
  },
  {
    label: "bell", description: "bells, cowbells and ride bells struck",
    packages: ["hydrogen-drumkits", "sound-theme-freedesktop"], shape: "single",
    load: () => fromFiles("bell", [...hydrogenFiles(/bell/i), { path: join(FREEDESKTOP, "bell.oga"), group: "freedesktop-bell" }]),
  },
  {
    label: "clap", description: "hand claps from drum kits",
    packages: ["hydrogen-drumkits"], shape: "single",
    load: () => fromFiles("clap", hydrogenFiles(/clap/i)),
  },
  {
    label: "door", description: "doors opening, closing, creaking",
    packages: ["ufoai-sound"], shape: "single",
    load: () => fromUfoai("door", /^sound\/doors\/.*\.ogg$/, (n) => n.replace(/-(open|close)$/, "")),
  },
  {
    label: "footsteps", description: "a few steps on one surface (carpet, gravel, snow, metal ...)",
    packages: ["ufoai-sound"], shape: { sequence: { min: 3, max: 6, gapMin: 0.35, gapMax: 0.6 } },
    load: () => fromUfoai("footsteps", /^sound\/footsteps\/[a-z]+\d*\.ogg$/, (n) => n.replace(/\d+$/, "")),
  },
  {
    label: "glass", description: "glass breaking",
    packages: ["ufoai-sound"], shape: "single",
    load: () => fromUfoai("glass", /^sound\/misc\/breakglass\d+\.ogg$/, (n) => n),
  },
  {
    label: "keyboard", description: "typing: bursts of mechanical key presses and releases",
    packages: ["bucklespring-data"], shape: { sequence: { min: 4, max: 12, gapMin: 0.06, gapMax: 0.22 } },
    load: () => {
      requirePath(BUCKLESPRING, "bucklespring-data");
      return fromFiles("keyboard", readdirSync(BUCKLESPRING).filter((f) => f.endsWith(".wav")).sort()
        .map((f) => ({ path: join(BUCKLESPRING, f), group: f.replace(/-\d\.wav$/, "") })));
    },
  },
  {
    label: "speech", description: "sentences spoken by 12 espeak-ng voices in 9 languages",
    packages: ["espeak-ng"], shape: "single",
    load: speech,
  },
];

/** A class the base model does not know, used to show learning a new sound (moodwire learn). */
export const GUNSHOT_CLASS: SoundClass = {
  label: "gunshot", description: "single shots and bursts from UFO:AI's weapons",
  packages: ["ufoai-sound"], shape: "single",
  load: () => fromUfoai("gunshot", /^sound\/weapons\/bullet-[a-z]+(-\d+x)?\.ogg$/, (n) => n.replace(/^bullet-/, "").replace(/-\d+x$/, "").replace(/\d$/, "")),
};

/**
 * Another new class, nearer to what a performer teaches: a tambourine (three of them in the
 * hydrogen drum kits, five velocity layers each). Unlike gunshot, whose test weapons (needlers,
 * bolters) sound unlike its training ones, one tambourine is much like another.
 */
export const TAMBOURINE_CLASS: SoundClass = {
  label: "tambourine", description: "a tambourine shaken or struck (hydrogen drum kits)",
  packages: ["hydrogen-drumkits"], shape: "single",
  load: () => fromFiles("tambourine", hydrogenFiles(/tambourine/i)),
};

/**
 * A development class for `learn`: hand drums (five djembes, bass, tone and slap strokes, in
 * the hydrogen drum kits). Settings of `learn` that no clip can choose (the learned class's
 * thresholds) are chosen on it, so gunshot and tambourine, the classes it is reported on,
 * never choose their own.
 */
export const DJEMBE_CLASS: SoundClass = {
  label: "djembe", description: "djembes struck: bass, tone and slap (hydrogen drum kits)",
  packages: ["hydrogen-drumkits"], shape: "single",
  // One source per drum, its three strokes together: the test scenes play other drums.
  load: () => fromFiles("djembe", hydrogenFiles(/djembe/i).map((file) => ({ ...file, group: file.group.replace(/ (bass|tone|slap)$/i, "") }))),
};

/**
 * A second development class for `learn`: crash, splash and china cymbals struck once (six
 * hydrogen drum kits, 50 recordings; not the crash-ride bells and rides, which are in "bell"
 * or not a crash). One source per kit, its cymbals together: the test scenes play another
 * kit's. A sound of another kind than djembe, long, bright and noisy where a djembe is short
 * and pitched: the learned class's threshold (newClassThresholds in learn.ts) is chosen on both.
 */
export const CYMBAL_CLASS: SoundClass = {
  label: "cymbal", description: "crash, splash and china cymbals struck once (hydrogen drum kits)",
  packages: ["hydrogen-drumkits"], shape: "single",
  load: () => fromFiles("cymbal", hydrogenFiles(/crash|splash|china/i)
    .filter((file) => !/bell|ride[-_ ]?cup|__ride\d/i.test(basename(file.path)))
    .map((file) => ({ ...file, group: file.group.split("/")[0]! }))),
};

/**
 * Steady room tones the events are mixed over, by kind. Each kind with two or more
 * recordings gives one to the test split (see splitBackgrounds), so both splits have water,
 * wind, machines and city, but never the same recording.
 */
export const BACKGROUND_KINDS: Record<string, string[]> = {
  water: ["water", "water01", "waterfontain"],
  fire: ["fire", "firesoft"],
  hum: ["hum", "hum2", "lights_loop"],
  wind: ["arcticwind", "wind_turbine"],
  machine: ["machine1", "minepump03", "alien-ventilation", "droning_long"],
  city: ["city_abnd_ufoai_atm", "sand-city"],
  night: ["cricket_loop", "ufo_night_atm"],
  steam: ["steam"],
};

export async function loadBackgrounds(): Promise<Recording[]> {
  const kindOf = new Map(Object.entries(BACKGROUND_KINDS).flatMap(([kind, names]) => names.map((n) => [n, kind] as const)));
  requirePath(UFOAI_SOUNDS, "ufoai-sound");
  const entries = readZipEntries(UFOAI_SOUNDS, (name) => kindOf.has(basename(name, ".ogg")) && name.startsWith("sound/ambience/"));
  const out: Recording[] = [];
  for (const [name, bytes] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    const audio = await decodeAudioBytes(bytes);
    const x = resampleSignal(audio.samples, audio.sampleRate, CORPUS_RATE);
    let peak = 0;
    for (const v of x) peak = Math.max(peak, Math.abs(v));
    const id = basename(name, ".ogg");
    if (peak > 0) out.push({ label: `background:${kindOf.get(id)}`, group: id, source: `${UFOAI_SOUNDS}:${name}`, samples: x.map((v) => v / peak) });
  }
  return out;
}
