#!/usr/bin/env node
// Entry point for `npx moodwire`. moodwire needs Node >= 22 (node-web-audio-api, and
// TypeScript type stripping); if an older Node started us, re-run on the Node 22
// binary that `npm ci` installed from the `node` devDependency.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const major = Number(process.versions.node.split(".")[0]);
const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

if (major >= 22) {
  await import(main);
} else {
  let node;
  try {
    node = createRequire(import.meta.url).resolve("node/bin/node");
  } catch {
    console.error(`moodwire: needs Node >= 22 (this is ${process.version}); run "npm ci" in the moodwire folder to install it`);
    process.exit(2);
  }
  const result = spawnSync(node, [main, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}
