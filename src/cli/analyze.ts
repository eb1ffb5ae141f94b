// `moodwire analyze FILE|FOLDER`: features of an audio file through the kernels or
// the AudioWorklet, as JSON or CSV.

import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { AUDIO_EXTENSIONS, AudioFileError, readAudioFile } from "../audio/decode.ts";
import { DspConfigError, type DspOptions } from "../dsp/config.ts";
import { featuresToCsv, featuresToJson, parseFeatureList, type FeatureName } from "../dsp/feature-output.ts";
import { analyzeSignal, type FeatureMatrix } from "../dsp/kernels.ts";
import { analyzeSignalInWorklet } from "../worklet/analysis-node.ts";
import { parseChoice, parseNumber, UsageError } from "./args.ts";
import { createProgress } from "./progress.ts";
import { loadTf, type tf } from "../models/tf.ts";
import { loadModel } from "../models/io.ts";
import { analyzeSed } from "../models/sed/analyze.ts";
import type { SedMetadata } from "../models/sed/train.ts";
import { DEFAULT_SED_MODEL } from "./sed.ts";
import { DEFAULT_EMOTION_MODEL } from "./emotion.ts";
import { analyzeEmotion, emotionPlotSvg } from "../models/emotion/analyze.ts";
import type { EmotionMetadata } from "../models/emotion/train.ts";
import { writePlot } from "../plot/write-plot.ts";

export const ANALYZE_HELP = `Usage: moodwire analyze FILE|FOLDER [options]

Computes features frame by frame (frame k covers samples [k*hop, k*hop+n_fft)).
FILE is WAV (8/16/24/32-bit PCM, 32/64-bit float, any channels, mixed to mono)
or FLAC / Ogg Vorbis / Opus / MP3, read at its own sample rate.

Options:
  --features LIST   comma-separated: logmel,mfcc,chroma,centroid,rms,flux,onset,pitchclass,
                    semitones
                    (default: logmel,mfcc,chroma,centroid,rms)
  --n-fft N         FFT size, a power of two 256..8192 (default 2048)
  --hop N           samples between frames (default 512)
  --n-mels N        mel bands (default 128)
  --n-mfcc N        MFCC coefficients (default 20)
  --fmin HZ         lowest mel edge (default 0)
  --fmax HZ         highest mel edge (default sample rate / 2)
  --engine E        kernel (direct WASM calls, default) or worklet (rendered through
                    the AudioWorklet in an OfflineAudioContext); same numbers
  --models LIST     also run models (json only): sed adds "events" [{label, onset,
                    offset, confidence}] and "sed" {hop_s, labels, probabilities};
                    emotion adds "emotion" [{t, valence, arousal, quadrant, emotion}]
                    every 0.5 s
  --sed-model DIR   SED model folder (default: the shipped models/sed)
  --emotion-model DIR  emotion model folder (default: the shipped models/emotion)
  --plot FILE       with --models emotion: the valence/arousal trajectory on the
                    circumplex, as .svg or .png
  --format F        json (default) or csv
  --out DIR         required for a FOLDER: one output file per input goes here
  -h, --help        this text

Output (stdout for a FILE): { "sr", "n_fft", "hop", "frames", "logmel": [[...]], ... },
2-D arrays as [frame][bin]. Non-finite samples (NaN, Inf) are replaced by 0 and
reported on stderr. Exit codes: 0 ok, 1 some files in a folder failed, 2 bad input.`;

interface AnalyzeOptions {
  features: FeatureName[];
  dsp: Omit<DspOptions, "sampleRate">;
  engine: "kernel" | "worklet";
  format: "json" | "csv";
  out?: string;
  models: ModelName[];
  sedModel?: string;
  emotionModel?: string;
  plot?: string;
}

function parseAnalyzeArgs(argv: string[]): { inputs: string[]; options: AnalyzeOptions } | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      features: { type: "string" },
      "n-fft": { type: "string" },
      hop: { type: "string" },
      "n-mels": { type: "string" },
      "n-mfcc": { type: "string" },
      fmin: { type: "string" },
      fmax: { type: "string" },
      engine: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      models: { type: "string" },
      "sed-model": { type: "string" },
      "emotion-model": { type: "string" },
      plot: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError("analyze needs exactly one FILE or FOLDER (see moodwire analyze --help)");
  let features: FeatureName[];
  try {
    features = parseFeatureList(values.features ?? "logmel,mfcc,chroma,centroid,rms");
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const format = parseChoice("format", values.format, ["json", "csv"] as const, "json");
  const models = parseModels(values.models);
  if (models.length > 0 && format === "csv") throw new UsageError("--models needs --format json (events do not fit a CSV of frames)");
  if (values.plot !== undefined && !models.includes("emotion")) throw new UsageError("--plot draws the emotion trajectory: add --models emotion");
  if (values.plot !== undefined && !/\.(svg|png)$/i.test(values.plot)) throw new UsageError("--plot must name a .svg or .png file");
  return {
    inputs: positionals,
    options: {
      features,
      dsp: {
        nFft: parseNumber("n-fft", values["n-fft"]),
        hop: parseNumber("hop", values.hop),
        nMels: parseNumber("n-mels", values["n-mels"]),
        nMfcc: parseNumber("n-mfcc", values["n-mfcc"]),
        fmin: parseNumber("fmin", values.fmin),
        fmax: parseNumber("fmax", values.fmax),
      },
      engine: parseChoice("engine", values.engine, ["kernel", "worklet"] as const, "kernel"),
      format,
      out: values.out,
      models,
      sedModel: values["sed-model"],
      emotionModel: values["emotion-model"],
      plot: values.plot,
    },
  };
}

type ModelName = "sed" | "emotion";

function parseModels(value: string | undefined): ModelName[] {
  if (value === undefined) return [];
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (name !== "sed" && name !== "emotion") throw new UsageError(`--models: unknown model "${name}" (available: sed, emotion)`);
  return names as ModelName[];
}

const loadedModels = new Map<string, Promise<{ model: tf.LayersModel; metadata: unknown }>>();

/** Loads tfjs and a model once per run (a folder analyses many files with one model). */
function loadOnce<M>(dir: string): Promise<{ model: tf.LayersModel; metadata: M }> {
  if (!loadedModels.has(dir)) {
    loadedModels.set(dir, (async () => {
      await loadTf();
      try {
        return await loadModel(dir);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    })());
  }
  return loadedModels.get(dir)! as Promise<{ model: tf.LayersModel; metadata: M }>;
}

/** Reads, analyses and formats one file; errors are AudioFileError or DspConfigError. */
async function analyzeFile(path: string, options: AnalyzeOptions): Promise<string> {
  const audio = await readAudioFile(path);
  const dsp = { ...options.dsp, sampleRate: audio.sampleRate };
  const matrix: FeatureMatrix = options.engine === "worklet" ? await analyzeSignalInWorklet(audio.samples, dsp) : analyzeSignal(audio.samples, dsp);
  const { count, firstIndex } = matrix.nonFinite;
  if (count > 0) {
    process.stderr.write(`moodwire: ${path}: ${count} non-finite samples replaced by 0 (first at sample ${firstIndex})\n`);
  }
  if (options.format === "csv") return featuresToCsv(matrix, options.features);
  const json = featuresToJson(matrix, options.features);
  if (options.models.includes("sed")) {
    const { model, metadata } = await loadOnce<SedMetadata>(options.sedModel ?? DEFAULT_SED_MODEL);
    Object.assign(json, analyzeSed(model, metadata, audio.samples, audio.sampleRate));
  }
  if (options.models.includes("emotion")) {
    const { model, metadata } = await loadOnce<EmotionMetadata>(options.emotionModel ?? DEFAULT_EMOTION_MODEL);
    const emotion = analyzeEmotion(model, metadata, audio.samples, audio.sampleRate);
    json.emotion = emotion;
    if (options.plot) {
      const svg = emotionPlotSvg(emotion, basename(path));
      await writePlot(options.plot, svg);
    }
  }
  return JSON.stringify(json) + "\n";
}

async function listAudioFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && AUDIO_EXTENSIONS.includes(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export async function runAnalyze(argv: string[]): Promise<number> {
  const parsed = parseAnalyzeArgs(argv);
  if (parsed === "help") {
    process.stdout.write(ANALYZE_HELP + "\n");
    return 0;
  }
  const { inputs: [input], options } = parsed;
  const info = await stat(input!).catch(() => undefined);
  if (!info?.isDirectory()) {
    try {
      process.stdout.write(await analyzeFile(input!, options));
      return 0;
    } catch (err) {
      if (err instanceof AudioFileError || err instanceof DspConfigError) throw new UsageError(`${input}: ${err.message}`);
      throw err;
    }
  }
  return analyzeFolder(input!, options);
}

async function analyzeFolder(folder: string, options: AnalyzeOptions): Promise<number> {
  if (!options.out) throw new UsageError(`${folder} is a folder: give --out DIR for the output files`);
  const files = await listAudioFiles(folder);
  if (files.length === 0) throw new UsageError(`${folder}: no audio files (${AUDIO_EXTENSIONS.join(" ")})`);
  const progress = createProgress("analyze", files.length);
  const failures: string[] = [];
  for (const [i, file] of files.entries()) {
    progress.update(i, basename(file));
    const rel = relative(folder, file);
    const target = join(options.out, rel.slice(0, rel.length - extname(rel).length) + "." + options.format);
    try {
      const text = await analyzeFile(file, options);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    } catch (err) {
      if (!(err instanceof AudioFileError || err instanceof DspConfigError)) throw err;
      failures.push(`${file}: ${err.message}`);
    }
  }
  progress.finish();
  process.stderr.write(`moodwire: analysed ${files.length - failures.length} of ${files.length} files into ${options.out}\n`);
  for (const f of failures) process.stderr.write(`moodwire: failed: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}
