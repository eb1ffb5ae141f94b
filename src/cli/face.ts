// `moodwire face`: FaceOSC in, facial emotion, OSC and MIDI out, on its own.

import { parseArgs } from "node:util";
import { OscOut, parseHostPort, type OscTarget } from "../bridges/osc-out.ts";
import { MidiFileWriter } from "../bridges/midi-file.ts";
import { MidiOut, MidiPortError, openMidiPort } from "../bridges/midi-out.ts";
import { FaceInput } from "../face/face-input.ts";
import type { FaceEmotion, FaceState } from "../face/emotion.ts";
import { UsageError } from "./args.ts";

export const FACE_HELP = `Usage: moodwire face [options]

Listens for FaceOSC (or a Pure Data face simulator), turns the face into action-unit
proxies and an emotional state (happy / neutral / sad), and sends them out.

Options:
  --osc-in HOST:PORT    where to listen (default 127.0.0.1:8338, FaceOSC's port)
  --osc-out HOST:PORT   where to send moodwire's OSC (default 127.0.0.1:9000);
                        repeat for several targets
  --wekinator-out       also send /wek/outputs (the 7 proxies) to 127.0.0.1:12000
  --midi-out NAME       MIDI port: an existing one by name, or a virtual one
  --midi-file FILE      also write every MIDI message, timed, to a MIDI file
  --extended            also tell surprise and angry apart
  --duration SECONDS    stop after this long (default: run until Ctrl-C)
  -h, --help            this text

OSC out: /moodwire/face/state s f (state, confidence) on every change and twice a
second; /moodwire/face/au f f f f f f f (AU1 AU4 AU6 AU12 AU15 AU25 AU26, 0..1) on
every face frame; /moodwire/face/found i on change.
MIDI out (built-in until mapping files arrive): a program change on channel 1 when
the state changes: neutral 0, happy 1, sad 2, surprise 3, angry 4.
State changes are printed on stdout as JSON lines.`;

export const AU_ORDER = ["AU1", "AU4", "AU6", "AU12", "AU15", "AU25", "AU26"] as const;
export const STATE_PROGRAMS: Record<Exclude<FaceEmotion, "none">, number> = { neutral: 0, happy: 1, sad: 2, surprise: 3, angry: 4 };

export async function runFace(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "osc-in": { type: "string" }, "osc-out": { type: "string", multiple: true }, "wekinator-out": { type: "boolean" },
      "midi-out": { type: "string" }, "midi-file": { type: "string" }, extended: { type: "boolean" },
      duration: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(FACE_HELP + "\n");
    return 0;
  }
  const parse = (text: string): OscTarget => {
    try { return parseHostPort(text); } catch (err) { throw new UsageError((err as Error).message); }
  };
  const input = parse(values["osc-in"] ?? "127.0.0.1:8338");
  const targets = (values["osc-out"] ?? ["127.0.0.1:9000"]).map(parse);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0)) throw new UsageError(`--duration needs a number of seconds > 0, got "${values.duration}"`);

  const log = (line: string) => process.stderr.write(`moodwire: ${line}\n`);
  const osc = new OscOut(targets, log);
  const wekinator = values["wekinator-out"] ? new OscOut([{ host: "127.0.0.1", port: 12000 }], log) : null;
  let port = null;
  if (values["midi-out"] !== undefined) {
    try {
      port = openMidiPort(values["midi-out"]);
    } catch (err) {
      if (!(err instanceof MidiPortError)) throw err;
      log(`${err.message}. Going on without it.`);
    }
  }
  const file = values["midi-file"] ? new MidiFileWriter(values["midi-file"]) : null;
  const midi = new MidiOut({ port, file });

  const sendState = (s: FaceState) => osc.send("/moodwire/face/state", [s.emotion, s.confidence]);
  let lastFound: boolean | null = null;
  const face = new FaceInput({
    host: input.host, port: input.port, extended: values.extended, log,
    onState: (s, updates) => {
      if (updates.length > 0) {
        const au = AU_ORDER.map((k) => s.au[k]);
        osc.send("/moodwire/face/au", au);
        wekinator?.send("/wek/outputs", au);
      }
      if (s.found !== lastFound) {
        lastFound = s.found;
        osc.send("/moodwire/face/found", [{ type: "i", value: s.found ? 1 : 0 }]);
      }
      if (s.changed) {
        sendState(s);
        if (s.emotion !== "none") midi.programChange(0, STATE_PROGRAMS[s.emotion]);
        process.stdout.write(JSON.stringify({ time: Date.now() / 1000, emotion: s.emotion, confidence: Number(s.confidence.toFixed(3)) }) + "\n");
      }
    },
  });
  try {
    const bound = await face.listen();
    log(`listening for FaceOSC on ${input.host}:${bound}, sending OSC to ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
  } catch (err) {
    midi.close();
    throw new UsageError((err as Error).message);
  }
  const heartbeat = setInterval(() => sendState(face.tracker.state), 500);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (duration !== undefined) setTimeout(stop, duration * 1000);
  });
  clearInterval(heartbeat);
  midi.close(); // releases every sounding note, sends All Notes Off, flushes the file
  await face.close();
  await osc.close();
  await wekinator?.close();
  const drops = Object.values(face.drops).reduce((a, b) => a + b, 0);
  log(`stopped: ${face.packets} packets, ${face.messages} messages, ${drops} dropped, ${midi.sent} MIDI messages`);
  return 0;
}
