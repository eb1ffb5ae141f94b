// The SED commands: corpus sed, train sed, eval sed, learn.

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { UsageError, parseNumber, parseChoice } from "./args.ts";
import { createPhasedProgress } from "./progress.ts";
import { loadTf } from "../models/tf.ts";
import { loadModel } from "../models/io.ts";
import { buildSedCorpus, CORPUS_DEFAULTS, EXTRA_CLASSES, NEGATIVE_EXAMPLES, NEW_CLASS_SPLITS, type NewClassSplit } from "../models/sed/corpus.ts";
import { SED_CLASSES } from "../models/sed/sources.ts";
import { trainSed, TRAIN_DEFAULTS, segmentF1, type SedMetadata } from "../models/sed/train.ts";
import { learnNewClass, LEARN_DEFAULTS } from "../models/sed/learn.ts";
import { readSplit, toPatches } from "../models/sed/dataset.ts";
import type { SedScores } from "../models/sed/metrics.ts";
import { SED_ARCHITECTURE, type SedArchitecture } from "../models/sed/model.ts";
import { asUsageError } from "./kinds.ts";

/** The model shipped in the repository. */
export const DEFAULT_SED_MODEL = fileURLToPath(new URL("../../models/sed", import.meta.url));

export const CORPUS_SED_HELP = `Usage: moodwire corpus sed --out DIR [options]

Builds a sound event detection corpus from recordings in Debian packages (${[...new Set([...SED_CLASSES, ...EXTRA_CLASSES].flatMap((c) => c.packages))].join(", ")}): 10 s
soundscapes at 16 kHz with events at random times and levels over room tones, annotated as
DCASE TSV (filename onset offset event_label). Recordings are split by source, so no test sound
is ever heard in training. The same seed gives the same corpus.

Classes: ${SED_CLASSES.map((c) => c.label).join(", ")}

Options:
  --out DIR          where to write audio/, annotations/, corpus.json (required)
  --seed N           random seed (default ${CORPUS_DEFAULTS.seed})
  --train N          training scenes (default ${CORPUS_DEFAULTS.trainScenes})
  --test N           test scenes (default ${CORPUS_DEFAULTS.testScenes})
  --classes LIST     only these classes (comma-separated)
  --new-class NAME   also write a few clips of a class the base model does not know, for
                     'moodwire learn', and put it in the test scenes (${EXTRA_CLASSES.map((c) => c.label).join(", ")})
  --examples N       clips of the new class (default ${CORPUS_DEFAULTS.newClassExamples})
  --new-class-split S  source (default): the new class' test scenes hold only sources the
                     clips do not (another tambourine); recording: other recordings of the
                     same sources (the same tambourines struck again, a performer's case)
  --negatives LIST   with --new-class: also write ${NEGATIVE_EXAMPLES} clips of each of these base classes
                     (from their training recordings) into new-class/not-NAME/ (NAME: the new class), for
                     'moodwire learn --negatives'`;

export const TRAIN_SED_HELP = `Usage: moodwire train sed --corpus DIR --out DIR [options]

Trains the sound event detector (tfjs, WASM backend) on a corpus's train split, keeps the
epoch with the best validation F1, scores it on the test split and writes model.json,
weights.bin and the rehearsal set 'learn' needs.

Options:
  --corpus DIR       a corpus from 'moodwire corpus sed' (required)
  --out DIR          model folder (required)
  --epochs N         default ${TRAIN_DEFAULTS.epochs}
  --batch N          default ${TRAIN_DEFAULTS.batchSize}
  --lr X             Adam learning rate (default ${TRAIN_DEFAULTS.learningRate})
  --seed N           default ${TRAIN_DEFAULTS.seed}
  --view V           raw | centred: what the network sees (default ${SED_ARCHITECTURE.view ?? "raw"}; centred adds
                     the window with each band's mean removed, beside the window as it is)
  --pooling P        flatten | time: how the last conv map reaches the dense layer (default ${SED_ARCHITECTURE.pooling ?? "flatten"})`;

export const EVAL_SED_HELP = `Usage: moodwire eval sed [--model DIR] --corpus DIR [--split test] [--json]

Detects events in every scene of a split and prints segment-based F1 (1 s segments) and
event-based F1 (200 ms onset collar), per class and overall (micro), as DCASE's sed_eval
defines them. The model defaults to the one shipped in models/sed.`;

export const LEARN_HELP = `Usage: moodwire learn --label NAME --examples DIR [--base DIR] [--out DIR] [options]

Teaches a SED model a new sound from a few clips (5 to 20) without forgetting the old ones:
the base model stays frozen, a copy learns N+1 outputs, and a small "neural adapter" joins
them (Koh et al. 2020). Trains on the clips mixed into the base model's rehearsal set.

Options:
  --base DIR         model to extend (default: the shipped models/sed)
  --label NAME       the new class (letters, digits, - and _)
  --examples DIR     folder of audio clips of the new sound
  --negatives DIR    folder of clips of sounds it must not fire on (e.g. the glass
                     and bells beside a tambourine), optional
  --out DIR          where to write the new model (default: models/sed-NAME)
  --mode M           adapter (default) or transfer (fine-tune one copy, no adapter)
  --rehearsal-labels the old classes learn the rehearsal set's labels, not the base
                     model's own outputs (what the thesis did; it forgets more)
  --rehearsal-copies N  copies of the old classes' rehearsal set per epoch (default
                     ${LEARN_DEFAULTS.rehearsalCopies}); fewer learn faster and forget more
  --on-threshold X   probability at which the new class turns on (it turns off 0.2 below);
                     default: the base model's shared threshold (0.5). Lower hears more of it and
                     fires more on other sounds; learn prints its median output on its own clips
  --epochs N         default ${LEARN_DEFAULTS.epochs}
  --average-epochs N keep the mean of the weights over the last N epochs (default
                     ${LEARN_DEFAULTS.averageEpochs}: the last epoch's); 4 forgets the old classes less
                     and learns the new one a little less well
  --runs N           learn N times from the same start, with seeds S, S+1, ... (S: --seed),
                     and keep the mean of the learned weights (default ${LEARN_DEFAULTS.runs}); 3 forgets
                     the old classes less and learns the new one a little better, in 3x the time
  --seed N           default ${LEARN_DEFAULTS.seed}`;

function parseNewClassSplit(value: string | undefined): NewClassSplit | undefined {
  if (value === undefined || (NEW_CLASS_SPLITS as readonly string[]).includes(value)) return value as NewClassSplit | undefined;
  throw new UsageError(`--new-class-split must be ${NEW_CLASS_SPLITS.join(" or ")}, not "${value}"`);
}

export async function runCorpusSed(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: {
    out: { type: "string" }, seed: { type: "string" }, train: { type: "string" }, test: { type: "string" },
    classes: { type: "string" }, "new-class": { type: "string" }, "new-class-split": { type: "string" }, negatives: { type: "string" }, examples: { type: "string" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) { process.stdout.write(CORPUS_SED_HELP + "\n"); return 0; }
  if (!values.out) throw new UsageError("corpus sed needs --out DIR");
  const progress = createPhasedProgress();
  try {
    const summary = await buildSedCorpus({
      out: values.out,
      seed: parseNumber("seed", values.seed) ?? CORPUS_DEFAULTS.seed,
      trainScenes: parseNumber("train", values.train) ?? CORPUS_DEFAULTS.trainScenes,
      testScenes: parseNumber("test", values.test) ?? CORPUS_DEFAULTS.testScenes,
      newClass: values["new-class"],
      newClassSplit: parseNewClassSplit(values["new-class-split"]),
      newClassExamples: parseNumber("examples", values.examples) ?? CORPUS_DEFAULTS.newClassExamples,
      negatives: values.negatives?.split(",").map((s) => s.trim()).filter(Boolean),
      classes: values.classes?.split(",").map((s) => s.trim()).filter(Boolean),
      onProgress: (done, n, note) => progress(done, n, "corpus", note),
    });
    const rows = Object.entries(summary.recordings).map(([label, r]) => `${label.padEnd(11)} train ${String(r.train.recordings).padStart(3)} recordings (${r.train.groups} sources)   test ${String(r.test.recordings).padStart(3)} (${r.test.groups})`);
    process.stderr.write(`moodwire: wrote ${summary.scenes.train} train and ${summary.scenes.test} test scenes to ${values.out}\n${rows.join("\n")}\n`);
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

export async function runTrainSed(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: {
    corpus: { type: "string" }, out: { type: "string" }, epochs: { type: "string" }, batch: { type: "string" },
    lr: { type: "string" }, seed: { type: "string" }, view: { type: "string" }, pooling: { type: "string" },
    help: { type: "boolean", short: "h" },
  } });
  if (values.help) { process.stdout.write(TRAIN_SED_HELP + "\n"); return 0; }
  if (!values.corpus || !values.out) throw new UsageError("train sed needs --corpus DIR and --out DIR");
  const architecture: SedArchitecture = {
    ...SED_ARCHITECTURE,
    view: parseChoice("view", values.view, ["raw", "centred"] as const, SED_ARCHITECTURE.view ?? "raw"),
    pooling: parseChoice("pooling", values.pooling, ["flatten", "time"] as const, SED_ARCHITECTURE.pooling ?? "flatten"),
  };
  await loadTf();
  const epochs = parseNumber("epochs", values.epochs) ?? TRAIN_DEFAULTS.epochs;
  const progress = createPhasedProgress();
  let validation = "";
  try {
    const metadata = await trainSed({
      corpus: values.corpus, out: values.out, epochs,
      batchSize: parseNumber("batch", values.batch) ?? TRAIN_DEFAULTS.batchSize,
      learningRate: parseNumber("lr", values.lr) ?? TRAIN_DEFAULTS.learningRate,
      seed: parseNumber("seed", values.seed) ?? TRAIN_DEFAULTS.seed,
      patchFraction: TRAIN_DEFAULTS.patchFraction, architecture,
      onLoad: (done, total, what) => progress(done, total, `reading ${what}`),
      onProgress: (p) => {
        if (p.validationF1 !== undefined) {
          validation = ` val F1 ${p.validationF1.toFixed(3)}`;
          process.stderr.write(`epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}${validation}\n`);
          return;
        }
        progress((p.epoch - 1) * p.batches + p.batch, p.batches * p.epochs, "training", `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}${validation}`);
      },
    });
    printScores(metadata.evaluation?.scores, metadata.classes, false);
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

function f(x: number): string {
  return x.toFixed(3);
}

export function formatScores(scores: SedScores, classes: string[]): string {
  const lines = [`class        segment F1   event F1`];
  for (const c of classes) lines.push(`${c.padEnd(12)} ${f(scores.segment.classes[c]!.f1).padStart(10)} ${f(scores.event.classes[c]!.f1).padStart(10)}`);
  lines.push(`${"micro".padEnd(12)} ${f(scores.segment.micro.f1).padStart(10)} ${f(scores.event.micro.f1).padStart(10)}`);
  return lines.join("\n");
}

function printScores(scores: SedScores | undefined, classes: string[], json: boolean): void {
  if (!scores) return;
  if (json) process.stdout.write(JSON.stringify({ classes, ...scores }) + "\n");
  else process.stdout.write(formatScores(scores, classes) + "\n");
}

export async function runEvalSed(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: {
    model: { type: "string" }, corpus: { type: "string" }, split: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) { process.stdout.write(EVAL_SED_HELP + "\n"); return 0; }
  if (!values.corpus) throw new UsageError("eval sed needs --corpus DIR");
  await loadTf();
  try {
    const { model, metadata } = await loadModel<SedMetadata>(values.model ?? DEFAULT_SED_MODEL);
    const progress = createPhasedProgress();
    const split = readSplit(values.corpus, values.split ?? "test", metadata.frontEnd, (done, total) => progress(done, total, "reading"));
    const scores = segmentF1(model, toPatches(split.scenes, split.annotations, metadata.classes, metadata.frontEnd), metadata.classes, metadata.frontEnd, metadata.eventRule);
    printScores(scores, metadata.classes, values.json ?? false);
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

/**
 * What `learn` tells the performer: what it learned from, where the new class turns on, and
 * how sure it is of its own clips, with a hint when it is less sure than its threshold.
 */
export function learnedSummary(metadata: SedMetadata, thresholdGiven: boolean): string {
  const l = metadata.learned!;
  const sure = l.clipsMedian! < l.onThreshold! ? " (below that: it may miss its own sound; more clips, or a lower --on-threshold)" : "";
  return `learned "${l.label}" from ${l.examples} clips${l.negatives ? ` (and ${l.negatives} it must not fire on)` : ""} in ${l.seconds} s; it turns on at ${l.onThreshold}${thresholdGiven ? "" : " (the shared threshold)"}; its median output on mixtures of its own clips is ${l.clipsMedian}${sure}`;
}

export async function runLearn(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    base: { type: "string" }, label: { type: "string" }, examples: { type: "string" }, negatives: { type: "string" }, out: { type: "string" },
    mode: { type: "string" }, epochs: { type: "string" }, seed: { type: "string" }, "rehearsal-labels": { type: "boolean" }, "rehearsal-copies": { type: "string" }, "average-epochs": { type: "string" }, runs: { type: "string" }, "on-threshold": { type: "string" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) { process.stdout.write(LEARN_HELP + "\n"); return 0; }
  if (!values.label || !values.examples) throw new UsageError("learn needs --label NAME and --examples DIR (see moodwire learn --help)");
  await loadTf();
  const progress = createPhasedProgress();
  const out = values.out ?? fileURLToPath(new URL(`../../models/sed-${values.label}`, import.meta.url));
  try {
    const metadata = await learnNewClass({
      base: values.base ?? DEFAULT_SED_MODEL, label: values.label, examples: values.examples, negatives: values.negatives, out,
      mode: parseChoice("mode", values.mode, ["adapter", "transfer"] as const, LEARN_DEFAULTS.mode),
      epochs: parseNumber("epochs", values.epochs) ?? LEARN_DEFAULTS.epochs,
      mixesPerExample: LEARN_DEFAULTS.mixesPerExample, learningRate: LEARN_DEFAULTS.learningRate,
      seed: parseNumber("seed", values.seed) ?? LEARN_DEFAULTS.seed,
      distill: !values["rehearsal-labels"],
      rehearsalCopies: parseNumber("rehearsal-copies", values["rehearsal-copies"]) ?? LEARN_DEFAULTS.rehearsalCopies,
      averageEpochs: parseNumber("average-epochs", values["average-epochs"]) ?? LEARN_DEFAULTS.averageEpochs,
      runs: parseNumber("runs", values.runs) ?? LEARN_DEFAULTS.runs,
      onThreshold: parseNumber("on-threshold", values["on-threshold"]),
      onProgress: (p) => progress(((p.run - 1) * p.epochs + p.epoch - 1) * p.batches + p.batch, p.batches * p.epochs * p.runs, "learning", `${p.runs > 1 ? `run ${p.run}/${p.runs} ` : ""}epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`),
    });
    process.stderr.write(`moodwire: ${learnedSummary(metadata, values["on-threshold"] !== undefined)}; model written to ${out} (classes: ${metadata.classes.join(", ")})\n`);
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

