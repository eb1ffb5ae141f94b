// The engine's configuration: its type, the defaults (which work with no file), the
// check against the published JSON Schema (config/moodwire.config.schema.json, the one
// editors use too), and the merge of a file with command-line flags. Every problem names
// the file, the line and what is wrong.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { lineOf } from "../mapping/mapping.ts";
import { parseHostPort } from "../bridges/osc-out.ts";

export interface EngineConfig {
  input: { files: string[]; loop: boolean; device: string | null; offline: boolean; sampleRate: number; retryMs: [number, number] };
  face: { enabled: boolean; listen: string; allowFrom: string[]; profile: string | null; extended: boolean };
  analysis: {
    oracle: { enabled: boolean; features: "chroma" | "mfcc"; dfunc: "cosine" | "euclidean"; windowFrames: number };
    sed: { enabled: boolean; model: string };
    /** networks: of a model that averages networks, how many to run (null: all). */
    emotion: { enabled: boolean; model: string; networks: number | null };
  };
  affect: { weights: { music: number; face: number }; smoothingSeconds: number; staleSeconds: number };
  mapping: string | null;
  osc: { out: string[] };
  midi: { out: string | null; in: string | null; file: string | null };
  dashboard: { enabled: boolean; listen: string; token: string | null };
  sound: { enabled: boolean };
  allowRemote: boolean;
}

/** A partial config, as a file or the flags give it. */
export type ConfigPatch = { [K in keyof EngineConfig]?: EngineConfig[K] extends unknown[] | string | number | boolean | null ? EngineConfig[K] : { [L in keyof EngineConfig[K]]?: EngineConfig[K][L] extends object ? Partial<EngineConfig[K][L]> : EngineConfig[K][L] } };

export const SCHEMA_PATH = new URL("../../config/moodwire.config.schema.json", import.meta.url);
export const DEFAULT_CONFIG_FILE = "moodwire.config.json";

export function defaultConfig(): EngineConfig {
  const models = (name: string) => new URL(`../../models/${name}`, import.meta.url).pathname;
  return {
    input: { files: [], loop: false, device: null, offline: false, sampleRate: 44100, retryMs: [1000, 30000] },
    face: { enabled: true, listen: "127.0.0.1:8338", allowFrom: [], profile: null, extended: false },
    analysis: {
      oracle: { enabled: true, features: "chroma", dfunc: "cosine", windowFrames: 51_680 },
      sed: { enabled: true, model: models("sed") },
      emotion: { enabled: true, model: models("emotion"), networks: null },
    },
    affect: { weights: { music: 1, face: 1 }, smoothingSeconds: 1, staleSeconds: 2 },
    mapping: null,
    osc: { out: ["127.0.0.1:9000"] },
    midi: { out: null, in: null, file: null },
    dashboard: { enabled: true, listen: "127.0.0.1:8765", token: null },
    sound: { enabled: false },
    allowRemote: false,
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };
let validator: Validate | undefined;
function schemaValidator(): Validate {
  if (!validator) {
    const Ajv2020 = createRequire(import.meta.url)("ajv/dist/2020") as new (o: object) => { compile(s: object): Validate };
    validator = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));
  }
  return validator;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const isLoopback = (host: string) => LOOPBACK.has(host) || /^127\./.test(host);

/** Problems the schema cannot see: listening beyond loopback without permission, a remote dashboard without a token. */
function policyProblems(c: EngineConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const listens: [string, string][] = [["/face/listen", c.face.listen], ["/dashboard/listen", c.dashboard.listen]];
  for (const [path, text] of listens) {
    let host: string;
    try { host = parseHostPort(text).host; } catch (err) { problems.push({ path, message: (err as Error).message }); continue; }
    if (!isLoopback(host) && !c.allowRemote) problems.push({ path, message: `listens on ${host}, beyond this computer: set "allowRemote": true (or --allow-remote) to mean it` });
  }
  try {
    const host = parseHostPort(c.dashboard.listen).host;
    if (!isLoopback(host) && c.dashboard.enabled && !c.dashboard.token) problems.push({ path: "/dashboard/token", message: "is required when the dashboard listens beyond 127.0.0.1 (at least 8 characters)" });
  } catch { /* reported above */ }
  for (const [i, t] of c.osc.out.entries()) {
    try { parseHostPort(t); } catch (err) { problems.push({ path: `/osc/out/${i}`, message: (err as Error).message }); }
  }
  const [first, longest] = c.input.retryMs;
  if (first > longest) problems.push({ path: "/input/retryMs", message: "must be [first, longest] with first <= longest" });
  return problems;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else (arrays included) replaces. */
export function mergeConfig<T>(base: T, patch: unknown): T {
  if (!isObject(patch) || !isObject(base)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || k === "$schema") continue;
    out[k] = isObject(v) && isObject(out[k]) ? mergeConfig(out[k], v) : v;
  }
  return out as T;
}

/**
 * Checks a config file's text and returns the full config (defaults filled in).
 * Throws one ConfigError listing every problem with its line.
 */
export function parseConfig(text: string, file = DEFAULT_CONFIG_FILE, flags: ConfigPatch = {}): EngineConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const validate = schemaValidator();
  if (!validate(json)) {
    const lines = (validate.errors ?? []).map((e) => {
      const extra = e.params?.additionalProperty ? ` "${e.params.additionalProperty}"` : e.params?.allowedValues ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : "";
      return `${file}:${lineOf(text, e.instancePath)}: ${e.instancePath || "(top)"} ${e.message}${extra}`;
    });
    throw new ConfigError(lines.join("\n"));
  }
  const config = mergeConfig(mergeConfig(defaultConfig(), json), flags);
  const problems = policyProblems(config);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${file}:${lineOf(text, p.path)}: ${p.path} ${p.message}`).join("\n"));
  return config;
}

/** The config from a file (if it exists, or if it was asked for by name) and the flags. */
export function loadConfig(path: string | undefined, flags: ConfigPatch = {}): EngineConfig {
  const file = path ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && path === undefined) text = "{}";
    else throw new ConfigError(`${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such config file" : (err as Error).message}`);
  }
  return parseConfig(text, path === undefined && text === "{}" ? "defaults" : file, flags);
}
