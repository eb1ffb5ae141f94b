// Recurrence from the oracle, and recurrence quantification analysis (RQA).
//
// recurrenceMatrix() builds vmo.analysis.create_selfsim's matrices ('rsfx': frames in
// the same cluster; 'sfx': suffix links; 'lrs': the repeated-suffix diagonals; 'com':
// the Compror code), quirks included, so results compare with vmo.
// rqa() computes the standard measures (Marwan et al. 2007) with the main diagonal
// excluded, both triangles counted, lmin = vmin = 2 by default, ENTR in nats.

import type { VariableMarkovOracle } from "./oracle.ts";

export type RecurrenceMethod = "rsfx" | "sfx" | "lrs" | "com";

/** A square 0/1 matrix, row-major. */
export interface RecurrenceMatrix {
  n: number;
  cells: Uint8Array;
}

/**
 * The recurrence matrix of the whole oracle, or (with `lastFrames`) of its last
 * frames only, for the sliding-window RQA of the live listener ('rsfx' and 'lrs').
 */
export function recurrenceMatrix(o: VariableMarkovOracle, method: RecurrenceMethod, lastFrames?: number): RecurrenceMatrix {
  if (lastFrames !== undefined) return windowMatrix(o, method, Math.min(lastFrames, o.nStates - 1));
  const n = o.nStates - 1;
  const cells = new Uint8Array(n * n);
  const set = (r: number, c: number) => {
    // numpy indexing wraps negative indices; vmo's ranges can produce them.
    const rr = r < 0 ? r + n : r, cc = c < 0 ? c + n : c;
    if (rr >= 0 && rr < n && cc >= 0 && cc < n) cells[rr * n + cc] = 1;
  };
  if (method === "rsfx") {
    const byCluster = new Map<number, number[]>();
    for (let s = 1; s <= n; s++) {
      const c = o.symbolOf(s)!;
      const members = byCluster.get(c) ?? [];
      members.push(s);
      byCluster.set(c, members);
    }
    for (const members of byCluster.values()) for (const a of members) for (const b of members) set(a - 1, b - 1);
  } else if (method === "sfx") {
    for (let i = 0; i < n; i++) {
      const s = o.sfxOf(i + 1)!;
      if (s !== 0) { set(i, s - 1); set(s - 1, i); }
    }
  } else if (method === "lrs") {
    for (let i = 0; i < n; i++) {
      const l = o.lrsOf(i + 1);
      if (l === 0) continue;
      const s = o.sfxOf(i + 1)!;
      for (let k = 0; k < l; k++) {
        set(s - l + 1 + k, i - l + 1 + k);
        set(i - l + 1 + k, s - l + 1 + k);
      }
    }
  } else {
    let ind = 0;
    for (const [l, p] of o.code()) {
      const inc = l === 0 ? 1 : l;
      for (let k = 0; k < inc; k++) { set(ind + k, p - 1 + k); set(p - 1 + k, ind + k); }
      ind += l; // vmo advances by l, so a literal does not move it (kept as is)
    }
  }
  return { n, cells };
}

/** Frames of the last m only: same cluster ('rsfx') or repeated-suffix diagonals ('lrs'). */
function windowMatrix(o: VariableMarkovOracle, method: RecurrenceMethod, m: number): RecurrenceMatrix {
  if (method !== "rsfx" && method !== "lrs") throw new Error(`a windowed recurrence supports rsfx and lrs, not ${method}`);
  const cells = new Uint8Array(m * m);
  const first = o.nStates - m; // state of window row 0
  if (method === "rsfx") {
    const labels = Int32Array.from({ length: m }, (_, r) => o.symbolOf(first + r)!);
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) if (labels[r] === labels[c]) cells[r * m + c] = 1;
  } else {
    for (let r = 0; r < m; r++) {
      const state = first + r, l = o.lrsOf(state), s = o.sfxOf(state)!;
      for (let k = 0; k < l; k++) {
        const a = state - k - first, b = s - k - first;
        if (a < 0 || b < 0) break;
        cells[a * m + b] = 1;
        cells[b * m + a] = 1;
      }
    }
  }
  return { n: m, cells };
}

export interface RqaMeasures {
  N: number;
  recurrent_points_offdiag: number;
  RR: number;
  DET: number;
  L: number;
  Lmax: number;
  ENTR: number;
  LAM: number;
  TT: number;
  Vmax: number;
  n_diag_lines_ge_lmin: number;
  n_vert_lines_ge_vmin: number;
}

/** RQA of a recurrence matrix (main diagonal excluded). */
export function rqa({ n, cells }: RecurrenceMatrix, lmin = 2, vmin = 2): RqaMeasures {
  const at = (r: number, c: number) => (r === c ? 0 : cells[r * n + c]!);
  let points = 0;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) points += at(r, c);

  // Diagonal lines: every diagonal but the main one, both triangles.
  const diagonal = new Map<number, number>();
  let lmax = 0;
  for (let offset = -(n - 1); offset <= n - 1; offset++) {
    if (offset === 0) continue;
    let run = 0;
    const r0 = Math.max(0, -offset), c0 = Math.max(0, offset);
    for (let k = 0; r0 + k < n && c0 + k < n; k++) {
      if (at(r0 + k, c0 + k)) run++;
      else if (run > 0) { diagonal.set(run, (diagonal.get(run) ?? 0) + 1); run = 0; }
    }
    if (run > 0) diagonal.set(run, (diagonal.get(run) ?? 0) + 1);
  }
  // Vertical lines: each column.
  const vertical = new Map<number, number>();
  for (let c = 0; c < n; c++) {
    let run = 0;
    for (let r = 0; r < n; r++) {
      if (at(r, c)) run++;
      else if (run > 0) { vertical.set(run, (vertical.get(run) ?? 0) + 1); run = 0; }
    }
    if (run > 0) vertical.set(run, (vertical.get(run) ?? 0) + 1);
  }
  const summarise = (hist: Map<number, number>, min: number) => {
    let lines = 0, inLines = 0, longest = 0;
    for (const [length, count] of hist) {
      longest = Math.max(longest, length);
      if (length >= min) { lines += count; inLines += length * count; }
    }
    return { lines, inLines, longest };
  };
  const d = summarise(diagonal, lmin);
  const v = summarise(vertical, vmin);
  lmax = d.longest;
  let entropy = 0;
  for (const [length, count] of diagonal) {
    if (length < lmin || d.lines === 0) continue;
    const p = count / d.lines;
    entropy -= p * Math.log(p);
  }
  return {
    N: n,
    recurrent_points_offdiag: points,
    RR: n > 1 ? points / (n * (n - 1)) : 0,
    DET: points > 0 ? d.inLines / points : 0,
    L: d.lines > 0 ? d.inLines / d.lines : 0,
    Lmax: lmax,
    ENTR: entropy,
    LAM: points > 0 ? v.inLines / points : 0,
    TT: v.lines > 0 ? v.inLines / v.lines : 0,
    Vmax: v.longest,
    n_diag_lines_ge_lmin: d.lines,
    n_vert_lines_ge_vmin: v.lines,
  };
}
