// Whole-oracle analyses over a built VariableMarkovOracle: vmo's repeated patterns
// (find_repeated_patterns), the threshold search (find_threshold with ir_type
// 'cum'), and the JSON the `moodwire oracle` command prints.

import { VariableMarkovOracle, type DistanceFunction } from "./oracle.ts";

/** [end states of each occurrence, pattern length], as vmo returns them. */
export type Pattern = [number[], number];

/**
 * vmo.analysis.find_repeated_patterns: walking back from the last state, a state
 * whose suffix link leaves the root with lrs > lower either extends a pattern whose
 * occurrences end at its suffix (and does not overlap them), or starts a new one
 * from its reverse suffix links.
 */
export function findRepeatedPatterns(o: VariableMarkovOracle, lower = 1): Pattern[] {
  if (lower < 0) lower = 0;
  const patterns: Pattern[] = [];
  let prevSfx = -1;
  for (let i = o.nStates - 1; i > lower + 1; i--) {
    const sfx = o.sfxOf(i)!;
    const lrs = o.lrsOf(i);
    if (sfx === 0 || lrs <= lower) {
      prevSfx = -1;
      continue;
    }
    let found = false;
    for (const p of patterns) {
      const overlaps = p[0].some((end) => end - p[1] < i && i < end);
      if (overlaps) continue;
      if (p[0].includes(sfx)) {
        p[0].push(i);
        p[1] = Math.min(p[1], lrs);
        found = true;
        break;
      }
      found = false;
    }
    if (prevSfx - sfx !== 1 && !found) {
      const rsfx = o.rsfxOf(i);
      if (rsfx.length > 0) {
        const ends = [...rsfx, i, sfx];
        let length = Math.min(...ends.slice(0, -1).map((s) => o.lrsOf(s)));
        if (i - length + 1 < sfx) length = i - sfx;
        if (length > lower) patterns.push([ends, length]);
      } else if (i - lrs + 1 < sfx) {
        patterns.push([[i, sfx], i - sfx]);
      } else {
        patterns.push([[i, sfx], lrs]);
      }
    }
    prevSfx = sfx;
  }
  return patterns;
}

/** Builds and finishes an oracle over all frames. */
export function buildOracle(features: ArrayLike<number>[], threshold: number, dfunc: DistanceFunction): VariableMarkovOracle {
  const dim = features[0]?.length ?? 1;
  const o = new VariableMarkovOracle({ dim, threshold, dfunc, capacity: features.length });
  for (const f of features) o.add(f);
  o.finish();
  return o;
}

/** Sum of the 'cum' IR over all frames (the oracle must be finished). */
export function totalCumIr(o: VariableMarkovOracle): number {
  let total = 0;
  for (let f = 0; f < o.nStates - 1; f++) total += o.irCumOf(f)!;
  return total;
}

/** numpy.arange(start, stop, step) for floats, value for value. */
export function arange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start; // numpy fills with (start + step) - start
  return Array.from({ length: n }, (_, i) => start + i * delta);
}

export interface ThresholdSearch {
  threshold: number;
  total_ir: number;
  tried: [number, number][];
}

/**
 * vmo's find_threshold (method 'ir', ir_type 'cum'): builds an oracle per threshold
 * of the grid and keeps the one with the highest total IR; ties go to the smallest
 * threshold (vmo's stable sort).
 */
export function findThreshold(features: ArrayLike<number>[], grid: [number, number, number], dfunc: DistanceFunction, onProgress?: (done: number, total: number) => void): ThresholdSearch {
  const thresholds = arange(...grid);
  if (thresholds.length === 0) throw new Error(`the threshold grid ${grid.join(",")} is empty`);
  const tried: [number, number][] = thresholds.map((t, k) => {
    const o = buildOracle(features, t, dfunc);
    const total = totalCumIr(o);
    o.dispose();
    onProgress?.(k + 1, thresholds.length);
    return [t, total];
  });
  let best = tried[0]!;
  for (const entry of tried) if (entry[1] > best[1]) best = entry;
  return { threshold: best[0], total_ir: best[1], tried };
}

/** The `moodwire oracle` JSON, in vmo's indexing. */
export function oracleToJson(o: VariableMarkovOracle, patternsLower: number) {
  const n = o.nStates;
  const states = Array.from({ length: n }, (_, i) => i);
  const frames = Array.from({ length: n - 1 }, (_, f) => f);
  const cum = frames.map((f) => o.irCumOf(f) ?? 0);
  const cum3 = frames.map((f) => o.irCum3Of(f));
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    threshold: o.threshold,
    dfunc: o.dfunc,
    n_states: n,
    num_clusters: o.numClusters,
    sfx: states.map((i) => o.sfxOf(i)),
    lrs: states.map((i) => o.lrsOf(i)),
    trn: states.map((i) => o.trnOf(i)),
    rsfx: states.map((i) => o.rsfxOf(i)),
    data_symbol: states.map((i) => o.symbolOf(i)),
    ir: { cum: { ir: cum, total: sum(cum) }, cum3: { ir: cum3, total: sum(cum3) } },
    code: o.code(),
    patterns: findRepeatedPatterns(o, patternsLower),
  };
}
