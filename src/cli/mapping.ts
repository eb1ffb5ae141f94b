// `moodwire mapping validate FILE`: checks a mapping before a show.

import { MappingError } from "../mapping/mapping.ts";
import { loadMapping } from "../mapping/watch.ts";
import { UsageError } from "./args.ts";

export const MAPPING_HELP = `Usage: moodwire mapping validate FILE

Checks a mapping file (routes from signals to MIDI and OSC; see the README and
mappings/mapping.schema.json) and prints every problem with its line, or "ok".`;

export async function runMapping(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(MAPPING_HELP + "\n");
    return 0;
  }
  const [verb, file, ...rest] = argv;
  if (verb !== "validate" || !file || rest.length > 0) throw new UsageError("usage: moodwire mapping validate FILE");
  try {
    const mapping = loadMapping(file);
    process.stdout.write(`${file}: ok (${mapping.routes.length} routes)\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
    process.stderr.write(err.message + "\n");
    return 2;
  }
}
