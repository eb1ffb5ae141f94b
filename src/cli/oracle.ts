// `moodwire oracle INPUT`: builds a Variable Markov Oracle over a feature sequence
// (a JSON file, or an audio file analysed first) and prints it as vmo would.

import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import { AUDIO_EXTENSIONS, AudioFileError, readAudioFile } from "../audio/decode.ts";
import { DspConfigError } from "../dsp/config.ts";
import { analyzeSignal } from "../dsp/kernels.ts";
import { buildOracle, findThreshold, oracleToJson } from "../oracle/analysis.ts";
import type { DistanceFunction } from "../oracle/oracle.ts";
import { oraclePlotSvg } from "../oracle/plot.ts";
import { writePlot } from "../plot/write-plot.ts";
import { parseChoice, parseNumber, UsageError } from "./args.ts";
import { createProgress } from "./progress.ts";

export const ORACLE_HELP = `Usage: moodwire oracle INPUT [options]

Builds a Variable Markov Oracle (wangsix/vmo's MO, suffix_method 'inc') over a
sequence of feature frames and prints it as JSON, in vmo's indexing (state 0 is
the root, frame t is state t+1, sfx[0] is null).

INPUT is a JSON file with "features": [[...], ...] (one frame per row), or an audio
file whose frames are analysed first (--features chroma or mfcc).

Options:
  --threshold T         frames closer than T (strictly) share a symbol
  --dfunc D             cosine (default) or euclidean
  --patterns LOWER      shortest pattern length minus one (vmo's lower, default 1)
  --find-threshold A,B,S  instead of building one oracle, try numpy.arange(A, B, S)
                        and print { "threshold", "total_ir", "tried": [[t, ir], ...] }
  --features F          for audio INPUT: chroma (default) or mfcc
  --n-fft, --hop, --n-mels, --n-mfcc, --fmin, --fmax   for audio INPUT, as analyze
  --format json         the only format
  -h, --help            this text

Output: { "n_states", "num_clusters", "sfx", "lrs", "trn", "rsfx", "data_symbol",
"ir": { "cum": { "ir", "total" }, "cum3": { "ir", "total" } }, "code", "patterns" }.`;

/** Reads frames from a features JSON (1 "second" per frame) or analyses an audio file. */
async function readFeatures(path: string, values: Record<string, string | boolean | undefined>): Promise<{ features: number[][]; secondsPerFrame: number }> {
  const isAudio = AUDIO_EXTENSIONS.includes(extname(path).toLowerCase());
  if (isAudio) {
    const audio = await readAudioFile(path);
    const kind = parseChoice("features", values.features as string | undefined, ["chroma", "mfcc"] as const, "chroma");
    const m = analyzeSignal(audio.samples, {
      sampleRate: audio.sampleRate,
      nFft: parseNumber("n-fft", values["n-fft"] as string | undefined),
      hop: parseNumber("hop", values.hop as string | undefined),
      nMels: parseNumber("n-mels", values["n-mels"] as string | undefined),
      nMfcc: parseNumber("n-mfcc", values["n-mfcc"] as string | undefined),
      fmin: parseNumber("fmin", values.fmin as string | undefined),
      fmax: parseNumber("fmax", values.fmax as string | undefined),
    });
    const [offset, length] = m.layout[kind];
    const features = Array.from({ length: m.frames }, (_, k) => Array.from(m.data.subarray(k * m.layout.stride + offset, k * m.layout.stride + offset + length)));
    return { features, secondsPerFrame: m.config.hop / m.config.sampleRate };
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === "ENOENT" ? "no such file" : `not a features JSON file (${(err as Error).message})`}`);
  }
  const features = (json as { features?: unknown }).features;
  if (!Array.isArray(features) || features.length === 0) throw new UsageError(`${path}: needs a non-empty "features" array of frames`);
  const dim = Array.isArray(features[0]) ? features[0].length : 0;
  features.forEach((row, t) => {
    if (!Array.isArray(row) || row.length !== dim || dim === 0) throw new UsageError(`${path}: frame ${t} is not a list of ${dim || "some"} numbers like frame 0`);
    row.forEach((v, k) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new UsageError(`${path}: frame ${t} value ${k} is ${JSON.stringify(v)}, not a finite number`);
    });
  });
  return { features: features as number[][], secondsPerFrame: 1 };
}

const ORACLE_OPTIONS = {
  threshold: { type: "string" }, dfunc: { type: "string" }, patterns: { type: "string" },
  "find-threshold": { type: "string" }, features: { type: "string" }, format: { type: "string" },
  "n-fft": { type: "string" }, hop: { type: "string" }, "n-mels": { type: "string" }, "n-mfcc": { type: "string" },
  fmin: { type: "string" }, fmax: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" },
} as const;

interface OracleInput {
  input: string;
  values: ReturnType<typeof parseOracleArgs>["values"];
  features: number[][];
  secondsPerFrame: number;
  dfunc: DistanceFunction;
}

function parseOracleArgs(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: ORACLE_OPTIONS });
}

/** Parses the shared options and reads the frames; null when --help was printed. */
async function readOracleInput(argv: string[], command: string, help: string): Promise<OracleInput | null> {
  const { values, positionals } = parseOracleArgs(argv);
  if (values.help) {
    process.stdout.write(help + "\n");
    return null;
  }
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one INPUT (see moodwire ${command} --help)`);
  const dfunc: DistanceFunction = parseChoice("dfunc", values.dfunc, ["cosine", "euclidean"] as const, "cosine");
  const input = positionals[0]!;
  let read: { features: number[][]; secondsPerFrame: number };
  try {
    read = await readFeatures(input, values);
  } catch (err) {
    if (err instanceof AudioFileError || err instanceof DspConfigError) throw new UsageError(`${input}: ${err.message}`);
    throw err;
  }
  if (read.features.length === 0) throw new UsageError(`${input}: no frames (the audio is shorter than one FFT frame)`);
  return { input, values, dfunc, ...read };
}

function requireThreshold(values: OracleInput["values"]): number {
  const threshold = parseNumber("threshold", values.threshold);
  if (threshold === undefined || threshold < 0) throw new UsageError("give --threshold T (>= 0), or --find-threshold START,STOP,STEP to choose one");
  return threshold;
}

export async function runOracle(argv: string[]): Promise<number> {
  const read = await readOracleInput(argv, "oracle", ORACLE_HELP);
  if (!read) return 0;
  const { values, features, dfunc } = read;
  parseChoice("format", values.format, ["json"] as const, "json");

  if (values["find-threshold"] !== undefined) {
    const parts = values["find-threshold"].split(",").map((s) => Number(s));
    if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v)) || parts[2]! <= 0) {
      throw new UsageError(`--find-threshold needs START,STOP,STEP with STEP > 0, got "${values["find-threshold"]}"`);
    }
    const grid = parts as [number, number, number];
    const progress = createProgress("find-threshold", Math.max(0, Math.ceil((grid[1] - grid[0]) / grid[2])));
    const search = findThreshold(features, grid, dfunc, (done) => progress.update(done));
    progress.finish();
    process.stdout.write(JSON.stringify(search) + "\n");
    return 0;
  }
  const lower = parseNumber("patterns", values.patterns) ?? 1;
  const oracle = buildOracle(features, requireThreshold(values), dfunc);
  process.stdout.write(JSON.stringify(oracleToJson(oracle, lower)) + "\n");
  return 0;
}

export const ORACLE_PLOT_HELP = `Usage: moodwire oracle-plot INPUT --threshold T --out FILE.svg|FILE.png [options]

Draws the oracle of INPUT: its IR curve ('cum') over time and, below, the repeated
patterns as in the VMO papers (one row per pattern, one bar per occurrence).
Takes the same INPUT and options as "moodwire oracle" (--dfunc, --patterns,
--features and the analysis options for audio).`;

export async function runOraclePlot(argv: string[]): Promise<number> {
  const read = await readOracleInput(argv, "oracle-plot", ORACLE_PLOT_HELP);
  if (!read) return 0;
  const { values, features, dfunc, secondsPerFrame, input } = read;
  const out = values.out;
  if (!out || !/\.(svg|png)$/i.test(out)) throw new UsageError("--out must name a .svg or .png file");
  const threshold = requireThreshold(values);
  const oracle = buildOracle(features, threshold, dfunc);
  const json = oracleToJson(oracle, parseNumber("patterns", values.patterns) ?? 1);
  const svg = oraclePlotSvg({
    ir: json.ir.cum.ir,
    patterns: json.patterns,
    secondsPerFrame,
    title: `${basename(input)}: ${dfunc} threshold ${threshold}, ${json.num_clusters} clusters, ${json.patterns.length} patterns, total IR ${json.ir.cum.total.toFixed(1)}`,
  });
  await writePlot(out, svg);
  process.stderr.write(`moodwire: wrote ${out}\n`);
  return 0;
}
