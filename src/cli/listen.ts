// `moodwire listen` (what `npm start` runs) and `moodwire config validate|print`.

import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { ConfigError, DEFAULT_CONFIG_FILE, defaultConfig, loadConfig, type ConfigPatch, type EngineConfig } from "../engine/config.ts";
import { Engine, type EngineOutput } from "../engine/engine.ts";
import { MappingError } from "../mapping/mapping.ts";
import { startDashboard } from "../dashboard/server.ts";
import { startSound } from "../sound/sonify.ts";
import { watchFile } from "../util/watch-file.ts";
import { UsageError, parseNumber } from "./args.ts";

export const LISTEN_HELP = `Usage: moodwire listen [options]        (npm start)

Listens (a file, a playlist or the live input), watches faces (FaceOSC), and sends what
it hears and sees as OSC and MIDI; shows it live at http://127.0.0.1:8765.

Options (each overrides ${DEFAULT_CONFIG_FILE}):
  --config FILE        configuration (default ./${DEFAULT_CONFIG_FILE} if it exists);
                       reloaded when it changes, the previous one kept if invalid
                       (a new model in it is swapped in without stopping)
  --input FILE         play a file instead of the live input; repeat for a playlist
  --loop               start the playlist again when it ends
  --offline            analyse the files as fast as possible, then stop
  --device NAME        live input device (part of its name); default: the first input
  --mapping FILE       routes from signals to MIDI and OSC (see mappings/)
  --osc-out HOST:PORT  where OSC goes (default 127.0.0.1:9000); repeat for several
  --face-in HOST:PORT  where FaceOSC arrives (default 127.0.0.1:8338)
  --no-face            do not listen for FaceOSC
  --midi-out NAME      MIDI output port (made if none has that name)
  --midi-in NAME       MIDI input: notes and CC become mapping signals
  --midi-file FILE     also write every MIDI message to a Standard MIDI File
  --dashboard HOST:PORT  the dashboard (default 127.0.0.1:8765)
  --no-dashboard       no dashboard
  --token TOKEN        dashboard token (required when it listens beyond 127.0.0.1)
  --allow-remote       allow listening on addresses other than this computer's
  --sound              the built-in sonification (scenes and a synth voice)
  --no-models          skip the sound event and music emotion models (quicker start)
  --duration SECONDS   stop after this long
  --events-json        print events as JSON lines on stdout: affect (10 Hz), music emotion,
                       sound events, motifs, face state changes, health (1 Hz)
  -h, --help           this text

Stops on Ctrl-C or SIGTERM: every note is released and the MIDI file is complete.
Log lines go to stderr; with --offline a summary is printed as JSON on stdout.`;

export const CONFIG_HELP = `Usage: moodwire config validate [FILE]   check a config file (default ./${DEFAULT_CONFIG_FILE})
       moodwire config print [FILE]      the full configuration in effect, defaults filled in

The schema is config/moodwire.config.schema.json (point "$schema" at it for editor help).`;

function flagsToPatch(values: Record<string, string | boolean | string[] | undefined>): ConfigPatch {
  const patch: Record<string, Record<string, unknown>> & { mapping?: string; allowRemote?: boolean } = {};
  const set = (section: string, key: string, value: unknown) => {
    if (value === undefined) return;
    (patch[section] ??= {})[key] = value;
  };
  const files = values.input as string[] | undefined;
  set("input", "files", files);
  set("input", "loop", values.loop || undefined);
  set("input", "offline", values.offline || undefined);
  set("input", "device", values.device);
  set("osc", "out", values["osc-out"]);
  set("face", "listen", values["face-in"]);
  set("face", "enabled", values["no-face"] ? false : undefined);
  set("midi", "out", values["midi-out"]);
  set("midi", "in", values["midi-in"]);
  set("midi", "file", values["midi-file"]);
  set("dashboard", "listen", values.dashboard);
  set("dashboard", "enabled", values["no-dashboard"] ? false : undefined);
  set("dashboard", "token", values.token);
  set("sound", "enabled", values.sound || undefined);
  if (values["no-models"]) patch.analysis = { sed: { enabled: false }, emotion: { enabled: false } };
  if (values.mapping !== undefined) patch.mapping = values.mapping as string;
  if (values["allow-remote"]) patch.allowRemote = true;
  return patch as ConfigPatch;
}

/** The configuration (the file at path, or ./moodwire.config.json if there is one, and the flags), or a one-line UsageError. */
export function configOrUsage(path: string | undefined, flags: ConfigPatch): EngineConfig {
  try {
    return loadConfig(path, flags);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message.split("\n").join("; "));
    throw err;
  }
}

/** Events as JSON lines on stdout, for programs that drive moodwire (the Max binding). */
function jsonLines(): EngineOutput {
  const write = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
  return {
    handle(e) {
      if (e.type === "affect") write({ type: "affect", ...e.state });
      else if (e.type === "emotion" || e.type === "soundEvent" || e.type === "motif") write(e);
      else if (e.type === "face" && e.changed) write({ type: "face", time: e.time, emotion: e.emotion, confidence: e.confidence });
    },
    health: (h) => write({ type: "health", ...h }),
  };
}

export async function runListen(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" }, input: { type: "string", multiple: true }, loop: { type: "boolean" }, offline: { type: "boolean" },
      device: { type: "string" }, mapping: { type: "string" }, "osc-out": { type: "string", multiple: true }, "face-in": { type: "string" },
      "no-face": { type: "boolean" }, "midi-out": { type: "string" }, "midi-in": { type: "string" }, "midi-file": { type: "string" },
      dashboard: { type: "string" }, "no-dashboard": { type: "boolean" }, token: { type: "string" }, "allow-remote": { type: "boolean" },
      sound: { type: "boolean" }, "no-models": { type: "boolean" }, duration: { type: "string" }, "events-json": { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(LISTEN_HELP + "\n");
    return 0;
  }
  const duration = parseNumber("duration", values.duration);
  if (duration !== undefined && !(duration > 0)) throw new UsageError(`--duration needs a number of seconds > 0, got "${values.duration}"`);
  const flags = flagsToPatch(values);
  const config = configOrUsage(values.config, flags);
  if (config.input.offline && config.input.files.length === 0) throw new UsageError("--offline needs at least one --input FILE");
  for (const f of config.input.files) if (!existsSync(f)) process.stderr.write(`moodwire: warning: ${f} does not exist (yet); it will be retried\n`);

  const log = (line: string) => process.stderr.write(`moodwire: ${line}\n`);
  const engine = new Engine(config, { log });
  // Whatever happens, no note is left hanging and the MIDI file is complete.
  const emergency = (err: unknown) => {
    log(`unexpected error: ${(err as Error)?.stack ?? err}; releasing all notes`);
    engine.mapping.release();
    engine.midi.close();
    process.exit(1);
  };
  process.once("uncaughtException", emergency);
  process.once("unhandledRejection", emergency);
  try {
    if (config.dashboard.enabled) engine.addOutput(await startDashboard(engine, config.dashboard, log));
    if (config.sound.enabled) engine.addOutput(await startSound(engine, log));
    if (values["events-json"]) engine.addOutput(jsonLines());
    await engine.start();
  } catch (err) {
    await engine.stop();
    if (err instanceof MappingError) throw new UsageError(err.message.split("\n").join("; "));
    if (err instanceof Error && /already in use|cannot listen|profile/i.test(err.message)) throw new UsageError(err.message);
    throw err;
  }
  const h = engine.health();
  log(`listening: ${config.input.files.length ? `${config.input.offline ? "offline " : ""}${config.input.files.join(", ")}` : "live input"}; ` +
    `FaceOSC ${h.face.listening ?? "off"}; OSC to ${config.osc.out.join(", ")}` +
    (config.dashboard.enabled ? `; dashboard http://${config.dashboard.listen}/` : ""));

  // Hot reload: the config file (if any) is watched; what can change live does, the rest waits for a restart.
  const configPath = values.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const configWatch = configPath ? watchFile(configPath, () => {
    let next: EngineConfig;
    try {
      next = loadConfig(configPath, flags);
    } catch (err) {
      log(`${(err as Error).message}\n(the previous configuration keeps running)`);
      return;
    }
    if (next.mapping && next.mapping !== config.mapping) { engine.setMappingFile(next.mapping); config.mapping = next.mapping; }
    engine.affect.configure(next.affect);
    log(`reloaded ${configPath} (mapping, affect and models apply now; inputs, ports and the oracle at the next start)`);
    // A new model loads beside the running one and takes over once it is ready (tens of ms here).
    void engine.pipeline.reconfigure(next.analysis).then((lines) => { for (const line of lines) log(line); });
  }) : null;

  const stopped = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    if (duration !== undefined) setTimeout(() => resolve("duration"), duration * 1000).unref();
    if (config.input.files.length > 0 && !config.input.loop) void engine.inputEnded().then(() => resolve("input ended"));
  });
  const why = await stopped;
  configWatch?.close();
  const final = engine.health();
  await engine.stop();
  log(`stopped (${why}): ${final.engineSeconds.toFixed(1)} s analysed, ${final.outputs.osc} OSC and ${final.outputs.midi} MIDI messages, ${final.face.packets} face packets (${final.face.dropped} dropped)`);
  if (config.input.offline && !values["events-json"]) process.stdout.write(JSON.stringify({ seconds: final.engineSeconds, input: final.input, stages: final.stages, outputs: final.outputs, face: final.face }) + "\n");
  return 0;
}

export async function runConfig(argv: string[]): Promise<number> {
  const [action, file, ...rest] = argv;
  if (action === "--help" || action === "-h" || action === undefined) {
    process.stdout.write(CONFIG_HELP + "\n");
    return action === undefined ? 2 : 0;
  }
  if (rest.length > 0 || !["validate", "print"].includes(action)) throw new UsageError(`config: expected "validate [FILE]" or "print [FILE]"`);
  if (file !== undefined && !existsSync(file)) throw new UsageError(`${file}: no such config file`);
  const config = file === undefined && !existsSync(DEFAULT_CONFIG_FILE) ? defaultConfig() : configOrUsage(file, {});
  if (action === "print") process.stdout.write(JSON.stringify(config, null, 2) + "\n");
  else process.stdout.write(`${file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : "defaults")}: valid\n`);
  return 0;
}
