// `moodwire corpus emotion`: composes pieces whose cues change over time, renders them with
// FluidSynth and the FluidR3 General MIDI soundfont (Debian: fluidsynth, fluid-soundfont-gm),
// and labels every 0.5 s with the cue model. The layout is DEAM's, so one reader serves both:
//
//   DIR/audio/<id>.wav                      16 kHz mono
//   DIR/midi/<id>.mid                       what was rendered
//   DIR/annotations/valence.csv, arousal.csv  song_id,sample_500ms,sample_1000ms,...
//   DIR/split.json                          { train: [ids], test: [ids] }
//   DIR/corpus.json                         seed, cue model, each piece's sections
//
// Test pieces play only held-out instruments and tempo bands (composer.ts).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MidiFileWriter } from "../../bridges/midi-file.ts";
import { decodeWav, encodeWav } from "../../audio/wav.ts";
import { readFileSync, rmSync } from "node:fs";
import { seededRandom } from "../random.ts";
import { composePiece, cuesAt, TEST_PROGRAMS, TEST_TEMPO_BANDS, type Piece, type Split } from "./composer.ts";
import { CUE_WEIGHTS, cueAffect, scaledCues } from "./cues.ts";
import { ModelInputError } from "../errors.ts";

export const SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
export const EMOTION_RATE = 16000;
export const LABEL_STEP = 0.5;

export interface EmotionCorpusOptions {
  out: string;
  pieces: number;
  seed: number;
  seconds: number;
  testFraction: number;
  onProgress?: (done: number, total: number, note: string) => void;
}

export const EMOTION_CORPUS_DEFAULTS = { pieces: 800, seed: 1, seconds: 30, testFraction: 0.2 };

export class MissingSynthError extends ModelInputError {
  override name = "MissingSynthError";
}

export function writeMidi(piece: Piece, path: string): void {
  const writer = new MidiFileWriter(path, 0);
  for (const [ms, status, a, b] of piece.events) writer.write(status >= 0xc0 && status < 0xe0 ? [status, a] : [status, a, b], ms);
  writer.close();
}

/** Renders a MIDI file to mono float samples at EMOTION_RATE with FluidSynth. */
export function renderMidi(midiPath: string, wavPath: string): Float32Array {
  if (!existsSync(SOUNDFONT)) throw new MissingSynthError(`${SOUNDFONT} is missing: install the Debian package fluid-soundfont-gm (sudo apt-get install fluid-soundfont-gm)`);
  const result = spawnSync("fluidsynth", ["-ni", "-q", "-g", "0.5", "-r", String(EMOTION_RATE), "-F", wavPath, SOUNDFONT, midiPath], { encoding: "utf8", timeout: 120_000 });
  if (result.error || result.status !== 0) {
    throw new MissingSynthError(`fluidsynth did not run (${result.error?.message ?? result.stderr.trim()}): install the Debian package fluidsynth`);
  }
  return decodeWav(readFileSync(wavPath)).samples;
}

/**
 * The cues behind each label, from a corpus' corpus.json (its pieces' sections): the emotion
 * model learns them as a second task, so it is told which cue moved, not only their sum.
 * Each label also gets the time since its section began (after a change only), so scores can
 * say how the model does while a window still holds the previous section. Labels of songs
 * the file does not describe are left without either.
 */
export function attachCorpusCues(corpusJson: string, songs: { id: string; labels: { time: number; cues?: number[]; sinceChange?: number }[] }[]): void {
  const corpus = JSON.parse(corpusJson) as { pieces?: { id: string; sections: Piece["sections"] }[] };
  const pieces = new Map((corpus.pieces ?? []).map((p) => [p.id, p]));
  for (const song of songs) {
    const piece = pieces.get(song.id);
    if (!piece) continue;
    for (const label of song.labels) {
      const t = label.time - 1e-6;
      label.cues = scaledCues(cuesAt(piece, t));
      const change = piece.sections.findLast((s) => s.start > 0 && s.start <= t);
      if (change) label.sinceChange = label.time - change.start;
    }
  }
}

/** Labels at 0.5 s, 1 s, ... up to the piece's end: the cue model on the sounding cues. */
export function labelPiece(piece: Piece): { time: number; valence: number; arousal: number }[] {
  const out = [];
  for (let t = LABEL_STEP; t <= piece.seconds + 1e-9; t += LABEL_STEP) {
    const { valence, arousal } = cueAffect(cuesAt(piece, t - 1e-6));
    out.push({ time: Math.round(t * 1000) / 1000, valence: round4(valence), arousal: round4(arousal) });
  }
  return out;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function csv(rows: { id: string; labels: { time: number; valence: number; arousal: number }[] }[], key: "valence" | "arousal"): string {
  const longest = Math.max(...rows.map((r) => r.labels.length));
  const header = ["song_id", ...Array.from({ length: longest }, (_, i) => `sample_${Math.round((i + 1) * LABEL_STEP * 1000)}ms`)];
  return [header.join(","), ...rows.map((r) => [r.id, ...r.labels.map((l) => l[key])].join(","))].join("\n") + "\n";
}

export async function buildEmotionCorpus(options: EmotionCorpusOptions): Promise<{ train: string[]; test: string[] }> {
  const random = seededRandom(options.seed);
  for (const sub of ["audio", "midi", "annotations"]) mkdirSync(join(options.out, sub), { recursive: true });
  const testCount = Math.max(1, Math.round(options.pieces * options.testFraction));
  const rows: { id: string; split: Split; labels: ReturnType<typeof labelPiece>; piece: Piece }[] = [];
  for (let i = 0; i < options.pieces; i++) {
    const split: Split = i < options.pieces - testCount ? "train" : "test";
    const id = String(i + 1);
    const piece = composePiece(random, options.seconds, split);
    const midi = join(options.out, "midi", `${id}.mid`);
    writeMidi(piece, midi);
    const tmp = join(options.out, "audio", `${id}.render.wav`);
    const samples = renderMidi(midi, tmp);
    rmSync(tmp, { force: true });
    // Exactly the piece's length (FluidSynth adds the release tail).
    const exact = new Float32Array(Math.round(options.seconds * EMOTION_RATE));
    exact.set(samples.subarray(0, exact.length));
    writeFileSync(join(options.out, "audio", `${id}.wav`), encodeWav(exact, EMOTION_RATE, { float: false, bits: 16 }));
    rows.push({ id, split, labels: labelPiece(piece), piece });
    options.onProgress?.(i + 1, options.pieces, `${split} ${id}`);
  }
  writeFileSync(join(options.out, "annotations", "valence.csv"), csv(rows, "valence"));
  writeFileSync(join(options.out, "annotations", "arousal.csv"), csv(rows, "arousal"));
  const split = { train: rows.filter((r) => r.split === "train").map((r) => r.id), test: rows.filter((r) => r.split === "test").map((r) => r.id) };
  writeFileSync(join(options.out, "split.json"), JSON.stringify(split) + "\n");
  writeFileSync(join(options.out, "corpus.json"), JSON.stringify({
    seed: options.seed, sampleRate: EMOTION_RATE, seconds: options.seconds, labelStep: LABEL_STEP, cueWeights: CUE_WEIGHTS,
    heldOut: { programs: [...TEST_PROGRAMS], tempoBands: TEST_TEMPO_BANDS },
    pieces: rows.map((r) => ({ id: r.id, split: r.split, sections: r.piece.sections })),
  }, null, 1) + "\n");
  return split;
}
