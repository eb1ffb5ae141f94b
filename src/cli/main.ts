// moodwire's command line: dispatches subcommands and turns user errors into one
// line on stderr (exit 2) instead of a stack trace.

import { ANALYZE_HELP, runAnalyze } from "./analyze.ts";
import { UsageError } from "./args.ts";
import { ModelInputError } from "../models/errors.ts";
import { FACE_HELP, runFace } from "./face.ts";
import { MAPPING_HELP, runMapping } from "./mapping.ts";
import { ORACLE_HELP, ORACLE_PLOT_HELP, runOracle, runOraclePlot } from "./oracle.ts";
import { CORPUS_SED_HELP, EVAL_SED_HELP, LEARN_HELP, TRAIN_SED_HELP, runCorpusSed, runEvalSed, runLearn, runTrainSed } from "./sed.ts";
import { CORPUS_EMOTION_HELP, EVAL_EMOTION_HELP, TRAIN_EMOTION_HELP, runCorpusEmotion, runEvalEmotion, runTrainEmotion } from "./emotion.ts";
import { byKind } from "./kinds.ts";
import { CONFIG_HELP, LISTEN_HELP, runConfig, runListen } from "./listen.ts";
import { RECORD_HELP, runRecord } from "./record.ts";

const corpus = byKind("corpus", { sed: { help: CORPUS_SED_HELP, run: runCorpusSed }, emotion: { help: CORPUS_EMOTION_HELP, run: runCorpusEmotion } });
const train = byKind("train", { sed: { help: TRAIN_SED_HELP, run: runTrainSed }, emotion: { help: TRAIN_EMOTION_HELP, run: runTrainEmotion } });
const evaluate = byKind("eval", { sed: { help: EVAL_SED_HELP, run: runEvalSed }, emotion: { help: EVAL_EMOTION_HELP, run: runEvalEmotion } });

interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  listen: { summary: "the live engine: listen, watch faces, send OSC and MIDI, show the dashboard", help: LISTEN_HELP, run: runListen },
  config: { summary: "check or print the engine's configuration (config validate | config print)", help: CONFIG_HELP, run: runConfig },
  analyze: { summary: "features of an audio file or folder (log-mel, MFCC, chroma, ...)", help: ANALYZE_HELP, run: runAnalyze },
  oracle: { summary: "Variable Markov Oracle of a feature sequence or audio file (IR, motifs)", help: ORACLE_HELP, run: runOracle },
  face: { summary: "FaceOSC in, facial emotion out as OSC and MIDI", help: FACE_HELP, run: runFace },
  mapping: { summary: "check a mapping file (signals to MIDI and OSC)", help: MAPPING_HELP, run: runMapping },
  corpus: { summary: "build a training corpus (corpus sed | corpus emotion)", ...corpus },
  train: { summary: "train a model on a corpus (train sed | train emotion)", ...train },
  eval: { summary: "score a model on a test split (eval sed | eval emotion)", ...evaluate },
  record: { summary: "record a new sound, one clip each time it is played (for learn)", help: RECORD_HELP, run: runRecord },
  learn: { summary: "teach the sound event detector a new sound from a few clips", help: LEARN_HELP, run: runLearn },
  "oracle-plot": { summary: "draw an oracle's IR curve and repeated patterns (SVG or PNG)", help: ORACLE_PLOT_HELP, run: runOraclePlot },
};

export const MAIN_HELP = `Usage: moodwire <command> [options]

moodwire listens to sound and turns what it hears into control data.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join("\n")}

Run "moodwire <command> --help" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    process.stdout.write((topic && COMMANDS[topic] ? COMMANDS[topic].help : MAIN_HELP) + "\n");
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`moodwire: unknown command "${name}" (try moodwire --help)\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`moodwire: ${err.message}\n`);
      return err.exitCode;
    }
    // A model the user can fix (wrong folder, trained by an older moodwire): one line.
    if (err instanceof ModelInputError) {
      process.stderr.write(`moodwire: ${err.message}\n`);
      return 2;
    }
    // parseArgs reports unknown or malformed flags with a readable message.
    if ((err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      // Node's wording spans lines; one line for the terminal and for log files.
      process.stderr.write(`moodwire ${name}: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
      return 2;
    }
    throw err;
  }
}

const exitCode = await main(process.argv.slice(2));
// Exit explicitly (the audio engine's worker threads would keep the process alive),
// but only once everything written to a pipe has been flushed.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write("", () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(exitCode);
