// Dynamic valence/arousal annotations with their audio, from three layouts:
//  - DEAM / MediaEval "Emotion in Music": valence.csv and arousal.csv with
//    song_id,sample_15000ms,sample_15500ms,... (values in [-1, 1]); audio <song_id>.mp3/.wav
//  - PMEmo: dynamic_annotations.csv with musicId,frameTime,Arousal(mean),Valence(mean)
//    (values in [0, 1], mapped to [-1, 1]); audio <musicId>.mp3
//  - moodwire's own corpus (DEAM's layout plus split.json, and corpus.json whose cues
//    become a second training target).
// Files are found anywhere under the folder, so the datasets' nested layouts work as unpacked.

import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { AUDIO_EXTENSIONS } from "../../audio/decode.ts";
import { seededRandom, shuffled } from "../random.ts";
import { ModelInputError } from "../errors.ts";
import { attachCorpusCues } from "./corpus.ts";

export interface EmotionLabel {
  time: number;
  valence: number;
  arousal: number;
  /** moodwire's corpus only: the cues behind the label, scaled to [-1, 1] (cues.ts CUE_NAMES order). */
  cues?: number[];
  /** moodwire's corpus only: seconds since the section sounding at the label began, when it is not the piece's first. */
  sinceChange?: number;
}
export interface EmotionSong { id: string; audio: string; labels: EmotionLabel[] }
export interface EmotionDataset { layout: "deam" | "pmemo"; train: EmotionSong[]; test: EmotionSong[] }

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function parseCsv(text: string): string[][] {
  return text.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.split(",").map((c) => c.trim().replace(/^"|"$/g, "")));
}

function deamLabels(valenceCsv: string, arousalCsv: string): Map<string, EmotionLabel[]> {
  const read = (text: string) => {
    const [header, ...rows] = parseCsv(text);
    if (!header || header[0] !== "song_id") throw new ModelInputError(`expected a DEAM annotation CSV starting with song_id, got "${header?.slice(0, 2).join(",")}"`);
    const times = header.slice(1).map((h) => {
      const m = /^sample_(\d+)ms$/.exec(h);
      if (!m) throw new ModelInputError(`unexpected DEAM column "${h}" (want sample_<ms>ms)`);
      return Number(m[1]) / 1000;
    });
    return new Map(rows.map((r) => [r[0]!, r.slice(1).map((v) => (v === "" ? NaN : Number(v)))]).map(([id, v]) => [id as string, { times, values: v as number[] }]));
  };
  const valence = read(valenceCsv), arousal = read(arousalCsv);
  const out = new Map<string, EmotionLabel[]>();
  for (const [id, v] of valence) {
    const a = arousal.get(id);
    if (!a) continue;
    const labels: EmotionLabel[] = [];
    v.times.forEach((time, i) => {
      const j = a.times.indexOf(time);
      const vv = v.values[i]!, av = j >= 0 ? a.values[j]! : NaN;
      if (Number.isFinite(vv) && Number.isFinite(av)) labels.push({ time, valence: vv, arousal: av });
    });
    if (labels.length) out.set(id, labels);
  }
  return out;
}

function pmemoLabels(text: string): Map<string, EmotionLabel[]> {
  const [header, ...rows] = parseCsv(text);
  const col = (name: RegExp) => header!.findIndex((h) => name.test(h));
  const id = col(/^musicId$/i), time = col(/^frameTime$/i), ar = col(/^Arousal/i), va = col(/^Valence/i);
  if ([id, time, ar, va].some((i) => i < 0)) throw new ModelInputError("dynamic_annotations.csv needs musicId, frameTime, Arousal(mean), Valence(mean)");
  const out = new Map<string, EmotionLabel[]>();
  for (const r of rows) {
    const label = { time: Number(r[time]), valence: 2 * Number(r[va]) - 1, arousal: 2 * Number(r[ar]) - 1 };
    if (![label.time, label.valence, label.arousal].every(Number.isFinite)) continue;
    out.set(r[id]!, [...(out.get(r[id]!) ?? []), label]);
  }
  return out;
}

/** Reads a dataset folder; songs without audio are skipped. */
export function readEmotionDataset(dir: string, seed = 1, testFraction = 0.2): EmotionDataset {
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (error) {
    throw new ModelInputError(`cannot read the dataset folder ${dir}: ${(error as Error).message}`);
  }
  const find = (name: string) => files.find((f) => basename(f).toLowerCase() === name);
  const valence = find("valence.csv"), arousal = find("arousal.csv"), pmemo = find("dynamic_annotations.csv");
  let labels: Map<string, EmotionLabel[]>, layout: EmotionDataset["layout"];
  if (valence && arousal) { labels = deamLabels(readFileSync(valence, "utf8"), readFileSync(arousal, "utf8")); layout = "deam"; }
  else if (pmemo) { labels = pmemoLabels(readFileSync(pmemo, "utf8")); layout = "pmemo"; }
  else throw new ModelInputError(`${dir} has neither valence.csv + arousal.csv (DEAM) nor dynamic_annotations.csv (PMEmo)`);
  const audio = new Map<string, string>();
  for (const f of files) if (AUDIO_EXTENSIONS.includes(extname(f).toLowerCase())) audio.set(basename(f, extname(f)), f);
  const songs = [...labels].filter(([id]) => audio.has(id)).map(([id, l]) => ({ id, audio: audio.get(id)!, labels: l.sort((a, b) => a.time - b.time) }))
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  if (songs.length === 0) throw new ModelInputError(`${dir}: no annotated song has an audio file named after its id`);
  const corpusFile = find("corpus.json");
  if (corpusFile) attachCorpusCues(readFileSync(corpusFile, "utf8"), songs);
  const splitFile = find("split.json");
  if (splitFile) {
    const split = JSON.parse(readFileSync(splitFile, "utf8")) as { train: string[]; test: string[] };
    return { layout, train: songs.filter((s) => split.train.includes(s.id)), test: songs.filter((s) => split.test.includes(s.id)) };
  }
  const order = shuffled(seededRandom(seed), songs.map((s) => s.id));
  const test = new Set(order.slice(0, Math.max(1, Math.round(songs.length * testFraction))));
  return { layout, train: songs.filter((s) => !test.has(s.id)), test: songs.filter((s) => test.has(s.id)) };
}
