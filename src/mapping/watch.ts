// Loads a mapping file and reloads it when it changes. An invalid new version is
// reported (file, line, problem) and the previous mapping keeps running.

import { readFileSync, statSync } from "node:fs";
import { MappingError, parseMapping, type Mapping } from "./mapping.ts";

/** Reads and checks a mapping file; throws MappingError naming the file and line. */
export function loadMapping(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new MappingError(`${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such mapping file" : (err as Error).message}`);
  }
  return parseMapping(text, path);
}

/**
 * Polls the file (size and modification time) every `intervalMs`. The baseline is
 * taken now, synchronously, so a change made right after this call is never missed
 * (fs.watchFile takes its first look later, and can fold an early edit into it).
 */
export function watchMapping(path: string, onLoad: (m: Mapping) => void, onError: (message: string) => void, intervalMs = 250): { close(): void } {
  const fingerprint = () => {
    try {
      const st = statSync(path);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return "missing";
    }
  };
  let last = fingerprint();
  const timer = setInterval(() => {
    const now = fingerprint();
    if (now === last) return;
    last = now;
    if (now === "missing") {
      onError(`${path}: the mapping file is gone\n(the previous mapping keeps running)`);
      return;
    }
    try {
      onLoad(loadMapping(path));
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      onError(`${err.message}\n(the previous mapping keeps running)`);
    }
  }, intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
