// The music emotion commands: corpus emotion, train emotion, eval emotion.

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError, parseNumber } from "./args.ts";
import { createPhasedProgress } from "./progress.ts";
import { loadTf } from "../models/tf.ts";
import { loadModel } from "../models/io.ts";
import { buildEmotionCorpus, EMOTION_CORPUS_DEFAULTS } from "../models/emotion/corpus.ts";
import { readEmotionDataset, type EmotionDataset } from "../models/emotion/dataset.ts";
import { averageEmotion, EMOTION_TRAIN_DEFAULTS, scoreSongs, trainEmotion, type EmotionMetadata, type EmotionScores, type SectionChangeScores } from "../models/emotion/train.ts";
import { CUE_WEIGHTS } from "../models/emotion/cues.ts";
import { ModelInputError } from "../models/errors.ts";
import { asUsageError } from "./kinds.ts";

export const DEFAULT_EMOTION_MODEL = fileURLToPath(new URL("../../models/emotion", import.meta.url));

export const CORPUS_EMOTION_HELP = `Usage: moodwire corpus emotion --out DIR [--n N] [--seed S]

Composes MIDI pieces whose musical cues change every 5 to 12 s (mode, tempo, register,
dynamics, articulation, instrument, consonance, melodic contour), renders them with FluidSynth
and the FluidR3 GM soundfont (Debian: fluidsynth, fluid-soundfont-gm), and labels every 0.5 s
with valence and arousal from the cue model (weights in the README). Test pieces use held-out
instruments and tempo bands. Written in DEAM's layout (annotations/valence.csv, arousal.csv).

Cue weights: valence ${JSON.stringify(CUE_WEIGHTS.valence)}
             arousal ${JSON.stringify(CUE_WEIGHTS.arousal)}

Options:
  --out DIR       (required)
  --n N           pieces (default ${EMOTION_CORPUS_DEFAULTS.pieces}; ${EMOTION_CORPUS_DEFAULTS.testFraction * 100}% are test pieces)
  --seconds S     length of a piece (default ${EMOTION_CORPUS_DEFAULTS.seconds})
  --seed S        (default ${EMOTION_CORPUS_DEFAULTS.seed})`;

export const TRAIN_EMOTION_HELP = `Usage: moodwire train emotion (--corpus DIR | --deam DIR) --out DIR [options]

Trains the music emotion model (valence, arousal and quadrant every 0.5 s from 3 s of
log-mel, chroma, RMS and onset) and the descriptor baseline on the same windows, then scores
both on the test split. --corpus reads 'moodwire corpus emotion' output; --deam reads the
DEAM / MediaEval layout (annotations/valence.csv + arousal.csv, audio named by song id) or
PMEmo (dynamic_annotations.csv), found anywhere under DIR, split 80/20 by song.

Options:
  --out DIR       model folder (required)
  --epochs N      default ${EMOTION_TRAIN_DEFAULTS.epochs}
  --seed N        draws the initial weights and the batches (default ${EMOTION_TRAIN_DEFAULTS.seed})
  --seeds N,N,... trains one network per seed, one after another, and saves one model that
                  averages their outputs (the shipped model: --seeds 1,2,3)
  --average DIR,DIR,...
                  averages networks already trained on this corpus (with different --seed)
                  into one model, without training; scored like a trained one
  --tempo-stretch X  moodwire's corpus only: half the training windows are played from
                  1/(1+X) to 1+X times as fast, their tempo cue and labels moved by the
                  cue model (default 0: off)

Every network keeps its epoch with the lowest validation RMSE, on the same tenth of the
training pieces whatever the seed; an average is scored on those pieces too.`;

export const EVAL_EMOTION_HELP = `Usage: moodwire eval emotion [--model DIR] (--corpus DIR | --deam DIR) [--json]

Prints RMSE and r^2 for valence and arousal, quadrant accuracy and the confusion matrix, for
the model and for the descriptor baseline, on the test split; the model's outputs also
smoothed as the live tracker sends them; how many labels sit near an axis and the quadrant
accuracy Gaussian errors would leave; on moodwire's corpus, what the cue head hears and the
scores by time since the last section change.`;

export async function runCorpusEmotion(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { out: { type: "string" }, n: { type: "string" }, seed: { type: "string" }, seconds: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) { process.stdout.write(CORPUS_EMOTION_HELP + "\n"); return 0; }
  if (!values.out) throw new UsageError("corpus emotion needs --out DIR");
  const progress = createPhasedProgress();
  try {
    const split = await buildEmotionCorpus({
      out: values.out,
      pieces: parseNumber("n", values.n) ?? EMOTION_CORPUS_DEFAULTS.pieces,
      seed: parseNumber("seed", values.seed) ?? EMOTION_CORPUS_DEFAULTS.seed,
      seconds: parseNumber("seconds", values.seconds) ?? EMOTION_CORPUS_DEFAULTS.seconds,
      testFraction: EMOTION_CORPUS_DEFAULTS.testFraction,
      onProgress: (d, t) => progress(d, t, "rendering"),
    });
    process.stderr.write(`moodwire: wrote ${split.train.length} train and ${split.test.length} test pieces to ${values.out}\n`);
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

function datasetArgs(values: { corpus?: string; deam?: string }) {
  const dir = values.corpus ?? values.deam;
  if (!dir || (values.corpus && values.deam)) throw new UsageError("give one of --corpus DIR or --deam DIR");
  let seed: number | null = null;
  if (values.corpus) {
    try { seed = JSON.parse(readFileSync(join(values.corpus, "corpus.json"), "utf8")).seed ?? null; } catch { /* not ours */ }
  }
  return { dir, seed };
}

export function formatEmotionScores(model: EmotionScores, baseline: EmotionScores): string {
  const f = (x: number) => x.toFixed(3).padStart(8);
  const scoreRow = (name: string, s: EmotionScores) => `${name.padEnd(15)}${f(s.valence.rmse)} ${f(s.valence.r2)}   ${f(s.arousal.rmse)} ${f(s.arousal.r2)}   ${f(s.quadrantAccuracy)}`;
  const changeRow = (g: SectionChangeScores) => `  ${g.windows.label.padEnd(22)} ${String(g.count).padStart(7)}  ${f(g.valenceRmse)}      ${f(g.arousalRmse)}      ${f(g.quadrantAccuracy)}      ${f(g.valenceErrorShare)}`;
  const lines = [
    `                 valence RMSE    r^2   arousal RMSE    r^2   quadrant acc`,
    scoreRow("model", model),
    scoreRow("baseline", baseline),
    ...(model.smoothed ? [`model, smoothed as the tracker sends it (alpha ${model.smoothed.alpha}):`, scoreRow("", model.smoothed.scores)] : []),
    ``,
    `model confusion (rows: true Q1..Q4, columns: predicted)`,
    ...model.confusion.map((row, i) => `  Q${i + 1} ${row.map((v) => String(v).padStart(6)).join("")}`),
  ];
  if (model.nearAxis && model.quadrantIfGaussian) {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    lines.push("", `labels within 0.1 of an axis: valence ${pct(model.nearAxis.valence)}, arousal ${pct(model.nearAxis.arousal)} of the windows`,
      `quadrant accuracy if the errors were Gaussian: ${model.quadrantIfGaussian.map((g) => `${g.accuracy.toFixed(3)} at RMSE ${g.rmse[0].toFixed(3)} / ${g.rmse[1].toFixed(3)}`).join(", ")}`);
  }
  if (model.cues) {
    lines.push("", "what the cue head hears       RMSE     r^2");
    for (const [name, s] of Object.entries(model.cues)) lines.push(`  ${name.padEnd(24)} ${f(s.rmse)} ${f(s.r2)}`);
  }
  if (model.bySectionChange) {
    lines.push("", "model by time since the last section change", `  ${"".padEnd(22)} windows  valence RMSE  arousal RMSE  quadrant acc  share of valence error`);
    lines.push(...model.bySectionChange.map(changeRow));
    const smoothed = model.smoothed?.scores.bySectionChange;
    if (smoothed) lines.push("  smoothed as the tracker sends it:", ...smoothed.map(changeRow));
  }
  return lines.join("\n");
}

export async function runTrainEmotion(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { corpus: { type: "string" }, deam: { type: "string" }, out: { type: "string" }, epochs: { type: "string" }, seed: { type: "string" }, seeds: { type: "string" }, average: { type: "string" }, "tempo-stretch": { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) { process.stdout.write(TRAIN_EMOTION_HELP + "\n"); return 0; }
  const { dir, seed: corpusSeed } = datasetArgs(values);
  if (!values.out) throw new UsageError("train emotion needs --out DIR");
  if ([values.seed, values.seeds, values.average].filter((v) => v !== undefined).length > 1) throw new UsageError("give one of --seed N, --seeds N,N,... or --average DIR,DIR,...");
  const seeds = values.seeds === undefined ? undefined : values.seeds.split(",").map((v) => parseNumber("seeds", v)!);
  if (seeds && (seeds.length < 2 || new Set(seeds).size !== seeds.length)) throw new UsageError(`--seeds needs two or more different seeds, got "${values.seeds}"`);
  const averaged = values.average?.split(",").filter((d) => d !== "");
  if (averaged && averaged.length < 2) throw new UsageError(`--average needs two or more model folders, got "${values.average}"`);
  const tempoStretch = parseNumber("tempo-stretch", values["tempo-stretch"]) ?? 0;
  if (tempoStretch < 0 || tempoStretch > 1) throw new UsageError(`--tempo-stretch must be from 0 (off) to 1 (half to twice the speed), got ${tempoStretch}`);
  // Moving the labels with the tempo needs the cues behind them, which only moodwire's corpus has.
  if (tempoStretch > 0 && values.deam !== undefined) throw new UsageError("--tempo-stretch needs moodwire's corpus (--corpus): DEAM and PMEmo labels carry no tempo cue to move");
  if (tempoStretch > 0 && averaged) throw new UsageError("--tempo-stretch is for training; --average joins networks already trained (give it to each network's own training)");
  await loadTf();
  const progress = createPhasedProgress();
  const onLoad = (d: number, t: number, what: string) => progress(d, t, `reading ${what}`);
  const train = (dataset: EmotionDataset, out: string, seed: number) => trainEmotion({
    dataset, out, corpusSeed,
    epochs: parseNumber("epochs", values.epochs) ?? EMOTION_TRAIN_DEFAULTS.epochs,
    batchSize: EMOTION_TRAIN_DEFAULTS.batchSize, learningRate: EMOTION_TRAIN_DEFAULTS.learningRate,
    seed, onLoad, evaluate: !seeds, tempoStretch,
    onProgress: (p) => {
      if (p.validationRmse !== undefined) { process.stderr.write(`${seeds ? `seed ${seed} ` : ""}epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} val RMSE ${p.validationRmse.toFixed(3)}\n`); return; }
      progress((p.epoch - 1) * p.batches + p.batch, p.batches * p.epochs, seeds ? `training seed ${seed}` : "training", `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`);
    },
  });
  try {
    const dataset = readEmotionDataset(dir);
    let metadata: EmotionMetadata;
    if (seeds || averaged) {
      // Each network is trained (or was) as one; the members live in a scratch folder until averaged.
      const scratch = seeds ? mkdtempSync(join(tmpdir(), "moodwire-emotion-members-")) : undefined;
      if (scratch) process.stderr.write(`moodwire: training ${seeds!.length} networks in ${scratch} (removed once averaged)\n`);
      const dirs = averaged ?? seeds!.map((s) => join(scratch!, `seed-${s}`));
      if (seeds) for (const [i, s] of seeds.entries()) await train(dataset, dirs[i]!, s);
      const members = await Promise.all(dirs.map((d) => loadModel<EmotionMetadata>(d)));
      try {
        metadata = await averageEmotion({ members, dataset, out: values.out, onLoad });
      } finally {
        for (const m of members) m.model.dispose();
      }
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      const records = metadata.training.members!;
      process.stderr.write(`validation RMSE: ${records.map((r, i) => `network ${i + 1} ${r.validationRmse.toFixed(3)}`).join(", ")}; averaged ${metadata.training.validationRmse.toFixed(3)}\n`);
    } else {
      metadata = await train(dataset, values.out, parseNumber("seed", values.seed) ?? EMOTION_TRAIN_DEFAULTS.seed);
    }
    if (metadata.evaluation) process.stdout.write(formatEmotionScores(metadata.evaluation.model, metadata.evaluation.baseline) + "\n");
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}

export async function runEvalEmotion(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { model: { type: "string" }, corpus: { type: "string" }, deam: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) { process.stdout.write(EVAL_EMOTION_HELP + "\n"); return 0; }
  const { dir } = datasetArgs(values);
  await loadTf();
  try {
    const { model, metadata } = await loadModel<EmotionMetadata>(values.model ?? DEFAULT_EMOTION_MODEL);
    if (metadata.kind !== "moodwire-emotion") throw new ModelInputError(`${values.model} is not a moodwire emotion model`);
    const dataset = readEmotionDataset(dir);
    const progress = createPhasedProgress();
    const scores = await scoreSongs(model, dataset.test, metadata, (d, t) => progress(d, t, "reading"));
    process.stdout.write(values.json ? JSON.stringify(scores) + "\n" : formatEmotionScores(scores.model, scores.baseline) + "\n");
    return 0;
  } catch (error) {
    asUsageError(error);
  }
}
