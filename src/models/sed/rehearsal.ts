// The rehearsal set shipped beside a SED model: a few hundred log-mel patches of the classes
// it knows (and of backgrounds with nothing), so `learn` can keep practising the old classes
// while it learns a new one, without the original corpus. Stored as 8-bit dB (0.5 dB steps
// from -100 dB), about 4 KB a patch.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom, shuffled } from "../random.ts";
import type { PatchSet } from "./dataset.ts";
import type { SedFrontEnd } from "./frontend.ts";
import { ModelInputError } from "../errors.ts";

export const REHEARSAL_FILE = "rehearsal.bin";
export const REHEARSAL_INDEX = "rehearsal.json";

export interface RehearsalSet {
  /** patches x patchFrames x nMels, in dB. */
  db: Float32Array;
  /** patches x classes. */
  labels: Float32Array;
  classes: string[];
  count: number;
}

const DB_FLOOR = -100, DB_STEP = 0.5;

/** Picks up to perClass patches with each class on, plus `empty` patches with nothing on. */
export function chooseRehearsal(set: PatchSet, classes: string[], f: SedFrontEnd, perClass: number, empty: number, seed: number): RehearsalSet {
  const random = seededRandom(seed);
  const c = classes.length, size = f.patchFrames * f.nMels;
  const ids = shuffled(random, Array.from({ length: set.count }, (_, i) => i));
  const chosen = new Set<number>();
  for (let k = 0; k < c; k++) ids.filter((i) => set.y[i * c + k] === 1).slice(0, perClass).forEach((i) => chosen.add(i));
  ids.filter((i) => set.y.subarray(i * c, (i + 1) * c).every((v) => v === 0)).slice(0, empty).forEach((i) => chosen.add(i));
  const list = [...chosen];
  const db = new Float32Array(list.length * size), labels = new Float32Array(list.length * c);
  list.forEach((id, n) => {
    for (let j = 0; j < size; j++) db[n * size + j] = set.x[id * size + j]! * f.std + f.mean;
    labels.set(set.y.subarray(id * c, (id + 1) * c), n * c);
  });
  return { db, labels, classes, count: list.length };
}

export function saveRehearsal(dir: string, r: RehearsalSet): void {
  const bytes = new Uint8Array(r.db.length);
  for (let i = 0; i < r.db.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round((r.db[i]! - DB_FLOOR) / DB_STEP)));
  writeFileSync(join(dir, REHEARSAL_FILE), bytes);
  writeFileSync(join(dir, REHEARSAL_INDEX), JSON.stringify({ classes: r.classes, count: r.count, encoding: { floorDb: DB_FLOOR, stepDb: DB_STEP }, labels: Array.from(r.labels) }) + "\n");
}

export function loadRehearsal(dir: string): RehearsalSet {
  let index: { classes: string[]; count: number; labels: number[] };
  let bytes: Buffer;
  try {
    index = JSON.parse(readFileSync(join(dir, REHEARSAL_INDEX), "utf8"));
    bytes = readFileSync(join(dir, REHEARSAL_FILE));
  } catch (error) {
    throw new ModelInputError(`${dir} has no rehearsal set (${REHEARSAL_FILE}, ${REHEARSAL_INDEX}); train the base model with 'moodwire train sed' (${(error as Error).message})`);
  }
  const db = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) db[i] = DB_FLOOR + bytes[i]! * DB_STEP;
  return { db, labels: Float32Array.from(index.labels), classes: index.classes, count: index.count };
}
