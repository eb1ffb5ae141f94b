// `moodwire record`: a performer's sound, one clip per time it is played, for `moodwire
// learn`. The input is the engine's (the live input, or a file), the cutting is ClipRecorder's.

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CLIP_RECORDER_DEFAULTS, ClipRecorder, type RecordedClip } from "../audio/clip-recorder.ts";
import { readAudioFile } from "../audio/decode.ts";
import { encodeWav } from "../audio/wav.ts";
import { DEFAULT_CONFIG_FILE } from "../engine/config.ts";
import { LiveDevice, OfflineFiles, RealtimeFiles, type AudioSource } from "../engine/sources.ts";
import { UsageError, parseNumber } from "./args.ts";
import { configOrUsage } from "./listen.ts";

export const RECORD_DEFAULTS = { count: 10 };

export const RECORD_HELP = `Usage: moodwire record --out DIR [--count N] [options]

Records a new sound for "moodwire learn", one clip each time it is played. Play it N times,
a second or more apart: each time the input rises well above the room, a clip is cut from
0.1 s before the sound to 0.1 s after it has died away (${CLIP_RECORDER_DEFAULTS.maxSeconds} s at most) and written as
DIR/clip-NN.wav at the engine's sample rate. Clips already in DIR are kept; new ones are
numbered after them. Then:
  npx moodwire learn --label NAME --examples DIR --out models/sed-NAME

Options:
  --out DIR           where the clips go (required; made if missing)
  --count N           clips to record, then stop (default ${RECORD_DEFAULTS.count})
  --device NAME       live input device (part of its name); default: the configuration's,
                      or the first input
  --config FILE       the engine's configuration, for its input device and sample rate
                      (default ./${DEFAULT_CONFIG_FILE} if it exists)
  --input FILE        cut the clips from a file instead, played in real time
  --offline           with --input: read the file as fast as possible
  --threshold-db X    how far above the room's level a sound must rise (default ${CLIP_RECORDER_DEFAULTS.thresholdDb});
                      lower it for soft sounds, raise it on a noisy stage
  --max-seconds S     the longest clip (default ${CLIP_RECORDER_DEFAULTS.maxSeconds})
  --seconds S         stop after this long (default: when N clips are in, or Ctrl-C)
  -h, --help          this text

Exit 0 when N clips were recorded; 1 when the input ended or time ran out first (the
clips recorded are kept).`;

/** The next free clip number in dir: one more than the highest clip-NN.wav there. */
function nextClipNumber(dir: string): number {
  const numbers = readdirSync(dir).map((n) => /^clip-(\d+)\.wav$/i.exec(n)).filter((m) => m !== null).map((m) => Number(m![1]));
  return numbers.length ? Math.max(...numbers) + 1 : 1;
}

export async function runRecord(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" }, config: { type: "string" }, count: { type: "string" }, device: { type: "string" }, input: { type: "string" }, offline: { type: "boolean" },
      "threshold-db": { type: "string" }, "max-seconds": { type: "string" }, seconds: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) { process.stdout.write(RECORD_HELP + "\n"); return 0; }
  if (!values.out) throw new UsageError("record needs --out DIR (where the clips go)");
  if (values.offline && !values.input) throw new UsageError("--offline needs --input FILE");
  const count = parseNumber("count", values.count) ?? RECORD_DEFAULTS.count;
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a whole number of 1 or more, got ${values.count}`);
  const seconds = parseNumber("seconds", values.seconds);
  if (seconds !== undefined && seconds <= 0) throw new UsageError(`--seconds must be more than 0, got ${values.seconds}`);
  const thresholdDb = parseNumber("threshold-db", values["threshold-db"]) ?? CLIP_RECORDER_DEFAULTS.thresholdDb;
  const maxSeconds = parseNumber("max-seconds", values["max-seconds"]) ?? CLIP_RECORDER_DEFAULTS.maxSeconds;
  if (thresholdDb <= 6 || maxSeconds <= 0) throw new UsageError("--threshold-db must be more than 6 and --max-seconds more than 0");

  // A file that cannot be read is an error now (the engine's sources would retry it forever).
  if (values.input) {
    try {
      await readAudioFile(values.input);
    } catch (error) {
      throw new UsageError(`cannot read ${values.input}: ${(error as Error).message}`);
    }
  }
  const dir = values.out;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot make ${dir}: ${(error as Error).message}`);
  }
  // The input as the engine would open it: the configuration's device and sample rate.
  const { sampleRate, retryMs, device } = configOrUsage(values.config, {}).input;
  // In a terminal, a level meter on the last line; a log line first clears it.
  const tty = process.stderr.isTTY === true;
  const log = (line: string) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}${line}\n`);
  let next = nextClipNumber(dir), recorded = 0, writeError: string | undefined;
  let source: AudioSource | undefined;
  const onClip = (clip: RecordedClip) => {
    if (recorded >= count) return;
    const file = join(dir, `clip-${String(next++).padStart(2, "0")}.wav`);
    try {
      writeFileSync(file, encodeWav(clip.samples, sampleRate));
    } catch (error) {
      // A full disk or a folder taken away: say so and stop, keeping the clips written.
      writeError = `cannot write ${file}: ${(error as Error).message}`;
      void source?.stop();
      return;
    }
    recorded++;
    log(`clip ${recorded} of ${count}: at ${clip.start.toFixed(2)} s, ${(clip.samples.length / sampleRate).toFixed(2)} s long, loudest ${clip.peakDb.toFixed(0)} dBFS (room ${clip.roomDb.toFixed(0)})${clip.cut ? `, cut at ${maxSeconds} s` : ""} -> ${file}`);
    if (recorded === count) void source?.stop();
  };
  const recorder = new ClipRecorder({ sampleRate, thresholdDb, maxSeconds }, onClip);
  const options = { sampleRate, retryMs, log };
  source = values.input
    ? values.offline ? new OfflineFiles([values.input], false, recorder, options) : new RealtimeFiles([values.input], false, recorder, options)
    : new LiveDevice(values.device ?? device, recorder, options);
  log(`recording ${count} clip${count > 1 ? "s" : ""} into ${dir}: play the sound, a second or more apart (a sound is ${thresholdDb} dB above the room); Ctrl-C stops`);
  let timedOut = false;
  const stop = () => { void source!.stop(); };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const timer = seconds !== undefined ? setTimeout(() => { timedOut = true; stop(); }, seconds * 1000) : undefined;
  // The meter's timer also keeps Node's event loop alive while the live source waits on its
  // ring (Atomics.waitAsync's timeout alone does not).
  const meter = setInterval(() => {
    if (tty) process.stderr.write(`\r\x1b[Kinput ${recorder.levelDb.toFixed(0).padStart(4)} dBFS, room ${recorder.roomDb.toFixed(0).padStart(4)} dBFS${recorder.isRecording ? "  recording ..." : ""}`);
  }, 250);
  try {
    await source.run();
  } finally {
    clearInterval(meter);
    if (tty) process.stderr.write("\r\x1b[K");
    if (timer) clearTimeout(timer);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  if (recorder.badSamples > 0) log(`${recorder.badSamples} input samples were not numbers (NaN or infinite) and were taken as silence`);
  if (writeError) {
    log(`recorded ${recorded} of ${count} clips, then: ${writeError}`);
    return 1;
  }
  if (recorded < count) {
    log(`recorded ${recorded} of ${count} clips: ${timedOut ? `time ran out (--seconds ${seconds})` : `the input ${source.status.state === "ended" ? "ended" : "stopped"} first`}${recorded > 0 ? " (they are kept)" : ""}${source.status.errors > 0 ? `; ${source.status.detail}` : ""}`);
    return 1;
  }
  log(`recorded ${count} clips into ${dir}; next: npx moodwire learn --label NAME --examples ${dir}`);
  return 0;
}
