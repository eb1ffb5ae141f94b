// Loads a mapping file and reloads it when it changes. An invalid new version is
// reported (file, line, problem) and the previous mapping keeps running.

import { readFileSync } from "node:fs";
import { watchFile } from "../util/watch-file.ts";
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

/** Reloads the mapping whenever the file changes; a bad version is reported and the previous one kept. */
export function watchMapping(path: string, onLoad: (m: Mapping) => void, onError: (message: string) => void, intervalMs = 250): { close(): void } {
  return watchFile(path, () => {
    try {
      onLoad(loadMapping(path));
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      onError(`${err.message}\n(the previous mapping keeps running)`);
    }
  }, () => onError(`${path}: the mapping file is gone\n(the previous mapping keeps running)`), intervalMs);
}
