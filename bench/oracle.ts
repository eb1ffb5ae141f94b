// npm run bench:oracle [-- --json] [--memory-frames N]
// The oracle against the Python vmo's times in ../shared/reference/vmo/timing.json
// (same data, same machine kind): build time for 10,000 frames of 20-dim vectors,
// structured and worst case, one oracle and an 8-threshold bank; per-frame update
// cost of the bank at 10k and 100k frames; memory over 1 M frames with the window on.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildOracle } from "../src/oracle/analysis.ts";
import { OracleListener } from "../src/oracle/listener.ts";
import { oracleMemoryBytes, VariableMarkovOracle } from "../src/oracle/oracle.ts";
import { SHARED_DIR } from "../test/reference.ts";

const VMO = SHARED_DIR.replace(/\/?$/, "/") + "reference/vmo/";
const { mfccLikeSequence } = (await import(VMO + "gen.mjs")) as { mfccLikeSequence: (n: number, dim?: number) => number[][] };
const timing = JSON.parse(readFileSync(VMO + "timing.json", "utf8"));
const { values } = parseArgs({ options: { json: { type: "boolean" }, "memory-frames": { type: "string", default: "1000000" }, "memory-only": { type: "boolean" } } });
const log = (s: string) => { if (!values.json) process.stderr.write(s + "\n"); };

function pythonSeconds(data: string, dfunc: string, n: number): number | undefined {
  const run = timing.runs.find((r: { data: string; dfunc: string; n_frames: number }) => r.data === data && r.dfunc === dfunc && r.n_frames === n);
  return run?.build_seconds_min;
}

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296;
}
const rand = lcg(99);
const structured = mfccLikeSequence(10_000, 20);
const random = Array.from({ length: 10_000 }, () => Array.from({ length: 20 }, rand));

/**
 * Best of `runs` after two warm-up runs (V8 tiers WASM up lazily: the first runs are
 * in baseline code). Each run builds a fresh oracle, construction included, as
 * Python's build_oracle does; a fresh oracle's first touch of its memory costs about
 * 4 ms per MB in page faults on this VM.
 */
function best(fn: () => void, runs = 5): number {
  fn();
  fn();
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return min;
}

const thresholdsAround = (theta: number) => Array.from({ length: 8 }, (_, k) => theta * 2 ** ((k - 4) / 2));
const build = (frames: number[][], theta: number, cap = 0) => () => {
  const o = new VariableMarkovOracle({ dim: 20, threshold: theta, dfunc: "euclidean", capacity: frames.length, maxRootCompare: cap });
  for (const f of frames) o.add(f);
  o.finish();
  o.dispose();
};
const bank = (frames: number[][], theta: number, cap = 0) => () => {
  const l = new OracleListener({ dim: 20, dfunc: "euclidean", thresholds: thresholdsAround(theta), window: 20_000, maxRootCompare: cap });
  for (const f of frames) l.add(f);
};

if (values["memory-only"]) {
  console.log(JSON.stringify(memoryRun(Number(values["memory-frames"]))));
  process.exit(0);
}

log("build time, 10,000 frames x 20 dims (best of 5 after warm-up; 2 for the slow cases)...");
const pyStructured = pythonSeconds("structured_mfcc_like", "euclidean", 10_000) ?? 0.109;
const pyWorst = pythonSeconds("uniform_random_worst_case", "euclidean", 10_000) ?? 4.53;
const rows = [
  { case: "structured, euclidean 2.0, one oracle", seconds: best(build(structured, 2.0)), python: pyStructured },
  { case: "worst case (every frame new), euclidean 0.1, one oracle", seconds: best(build(random, 0.1), 2), python: pyWorst },
  { case: "worst case, one oracle, root cap 256", seconds: best(build(random, 0.1, 256)), python: pyWorst },
  { case: "structured, 8-threshold bank, root cap 256", seconds: best(bank(structured, 2.0, 256), 2), python: pyStructured * 8 },
  { case: "worst case, 8-threshold bank, root cap 256", seconds: best(bank(random, 0.1, 256), 2), python: pyWorst * 8 },
].map((r) => ({ ...r, ratio: r.python / r.seconds }));
for (const r of rows) log(`  ${r.case}: ${(r.seconds * 1000).toFixed(1)} ms (Python vmo ${(r.python * 1000).toFixed(0)} ms: ${r.ratio.toFixed(1)}x)`);

log("per-frame update of the 8-threshold bank (structured, root cap 256, window on)...");
/**
 * Per-frame update times of the last 10,000 frames (or all of them), in three runs over
 * the same frames. `p50_us`/`p99_us` are the median over the runs of each run's
 * percentile; `steady_p99_us` is the p99 of each frame's fastest time over the runs: the
 * frame's own cost with the VM's jitter taken out (the slow frames are partly the same
 * frames every run, partly a neighbour's interruption).
 */
function perFrame(total: number, runs = 3): { p50_us: number; p99_us: number; p99_runs_us: number[]; steady_p99_us: number } {
  const frames = mfccLikeSequence(total, 20);
  const kept = Math.min(10_000, total);
  const fastest = new Float64Array(kept).fill(Infinity);
  const p50s: number[] = [], p99s: number[] = [];
  for (let run = 0; run < runs; run++) {
    const l = new OracleListener({ dim: 20, dfunc: "euclidean", thresholds: thresholdsAround(2.0), maxRootCompare: 256 });
    const measured = new Float64Array(kept);
    for (let t = 0; t < total; t++) {
      const t0 = performance.now();
      l.add(frames[t]!);
      if (t >= total - kept) measured[t - (total - kept)] = (performance.now() - t0) * 1000;
    }
    l.dispose();
    for (let i = 0; i < kept; i++) fastest[i] = Math.min(fastest[i]!, measured[i]!);
    measured.sort();
    p50s.push(measured[Math.floor(kept * 0.5)]!);
    p99s.push(measured[Math.floor(kept * 0.99)]!);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  fastest.sort();
  return { p50_us: median(p50s), p99_us: median(p99s), p99_runs_us: p99s, steady_p99_us: fastest[Math.floor(kept * 0.99)]! };
}
const update10k = perFrame(10_000);
const update100k = perFrame(100_000);
const describeUpdate = (u: ReturnType<typeof perFrame>) => `p50 ${u.p50_us.toFixed(1)} us / p99 ${u.p99_us.toFixed(1)} us (runs ${u.p99_runs_us.map((v) => v.toFixed(1)).join(", ")}; without jitter ${u.steady_p99_us.toFixed(1)} us)`;
log(`  at 10k frames: ${describeUpdate(update10k)}; at 100k: ${describeUpdate(update100k)}`);

/** The listener alone in a fresh process, as a live engine runs it: memory every 100k frames. */
function memoryRun(memoryFrames: number) {
  const memory: { frames: number; wasm_mb: number; rss_mb: number; heap_mb: number }[] = [];
  const l = new OracleListener({ dim: 20, dfunc: "euclidean", thresholds: thresholdsAround(2.0), maxRootCompare: 256 });
  const chunk = mfccLikeSequence(100_000, 20);
  for (let t = 1; t <= memoryFrames; t++) {
    l.add(chunk[t % chunk.length]!);
    if (t % 100_000 === 0) {
      const m = process.memoryUsage();
      memory.push({ frames: t, wasm_mb: oracleMemoryBytes() / 2 ** 20, rss_mb: m.rss / 2 ** 20, heap_mb: m.heapUsed / 2 ** 20 });
    }
  }
  return memory;
}


const memoryFrames = Number(values["memory-frames"]);
log(`memory over ${memoryFrames.toLocaleString()} frames, 8-threshold bank, window 51,680 frames (10 min), in a fresh process...`);
const memory: ReturnType<typeof memoryRun> = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--memory-only", "--memory-frames", String(memoryFrames)], { encoding: "utf8", maxBuffer: 1 << 24 }));
for (const m of memory) log(`  ${m.frames.toLocaleString()} frames: WASM ${m.wasm_mb.toFixed(1)} MB, RSS ${m.rss_mb.toFixed(0)} MB`);

if (values.json) {
  console.log(JSON.stringify({ build: rows, update_8_bank: { at_10k: update10k, at_100k: update100k }, memory }));
} else {
  console.log("\n| case (10,000 frames x 20 dims) | moodwire | Python vmo | moodwire is |\n|---|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.case} | ${(r.seconds * 1000).toFixed(1)} ms | ${(r.python * 1000).toFixed(0)} ms | ${r.ratio.toFixed(1)}x faster |`);
  console.log(`\n8-threshold bank, per-frame update (median of 3 runs): ${describeUpdate(update10k)} at 10k frames; ${describeUpdate(update100k)} at 100k frames`);
  console.log(`Memory with the window on: ${memory.map((m) => `${m.frames / 1000}k: ${m.wasm_mb.toFixed(0)} MB WASM / ${m.rss_mb.toFixed(0)} MB RSS`).join(", ")}`);
}
