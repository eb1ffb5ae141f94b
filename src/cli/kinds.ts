// Commands that take a model kind first: `corpus sed`, `train emotion`, `eval sed` ...

import { UsageError } from "./args.ts";
import { AudioFileError } from "../audio/wav.ts";
import { ModelInputError } from "../models/errors.ts";

export interface Kind { help: string; run(rest: string[]): Promise<number> }

export function byKind(command: string, kinds: Record<string, Kind>): { help: string; run(argv: string[]): Promise<number> } {
  const help = `Usage: moodwire ${command} <${Object.keys(kinds).join("|")}> [options]\n\n` +
    Object.entries(kinds).map(([k, v]) => `moodwire ${command} ${k}:\n${v.help.split("\n").slice(2).join("\n")}`).join("\n\n");
  return {
    help,
    async run(argv) {
      const [kind, ...rest] = argv;
      if (kind === undefined || kind === "--help" || kind === "-h") {
        process.stdout.write(help + "\n");
        return kind === undefined ? 2 : 0;
      }
      const k = kinds[kind];
      if (!k) throw new UsageError(`${command}: unknown kind "${kind}" (${Object.keys(kinds).join(" or ")})`);
      return k.run(rest);
    },
  };
}

/** Turns the errors a user can fix (bad folders, missing packages, unreadable audio) into one-line usage errors. */
export function asUsageError(error: unknown): never {
  if (error instanceof ModelInputError || error instanceof AudioFileError) throw new UsageError(error.message);
  throw error;
}
