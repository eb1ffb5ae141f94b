// The Max binding (bindings/max/moodwire.js) outside Max: Max cannot run here, so a small
// stand-in for the "max-api" module Max injects records what the script sends to its outlet.
// The script runs on the system's Node (as Max's older Node would), starts the real engine
// on moodwire's pinned Node, and its messages must carry the engine's affect and events.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./net.ts";

const ALARM = "/usr/share/sounds/freedesktop/stereo/alarm-clock-elapsed.oga";
const SCRIPT = resolve("bindings/max/moodwire.js");
const systemNode = (() => { try { return execFileSync("which", ["-a", "node"]).toString().split("\n").find((p) => p && !p.includes("node_modules")) ?? process.execPath; } catch { return process.execPath; } })();

describe.runIf(existsSync(ALARM))("the Max binding", () => {
  it("does not depend on the max-api package (Max injects it)", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty("max-api");
    expect(existsSync("node_modules/max-api")).toBe(false);
    const patcher = JSON.parse(readFileSync("bindings/max/moodwire.maxpat", "utf8")).patcher;
    expect(patcher.boxes.map((b: { box: { text?: string } }) => b.box.text)).toContain("node.script moodwire.js @autostart 1");
  });

  it("starts the engine with a mapping and sends state, affect, emotion and events out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moodwire-max-"));
    mkdirSync(join(dir, "node_modules", "max-api"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "max-api", "index.js"), `
      const handlers = {};
      module.exports = {
        handlers,
        addHandlers: (h) => Object.assign(handlers, h),
        outlet: (...args) => process.stdout.write(JSON.stringify(args) + "\\n"),
        post: (...args) => process.stderr.write(args.join(" ") + "\\n"),
      };`);
    const harness = join(dir, "harness.cjs");
    writeFileSync(harness, `
      require(${JSON.stringify(SCRIPT)});
      const max = require("max-api");
      max.handlers.mapping(${JSON.stringify(resolve("mappings/affect-midi.json"))});
      max.handlers.start("--input", ${JSON.stringify(ALARM)}, "--offline", "--no-face", "--no-dashboard", "--osc-out", "127.0.0.1:${await freePort()}");
      const done = setInterval(() => {}, 1000);
      const original = max.outlet;
      max.outlet = (...args) => { original(...args); if (args[0] === "state" && args[1] !== "running") { clearInterval(done); } };
    `);
    const child = spawn(systemNode, [harness], { env: { ...process.env, NODE_PATH: join(dir, "node_modules") } });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    expect(code, err).toBe(0);
    const messages = out.trim().split("\n").map((l) => JSON.parse(l) as unknown[]);
    const kinds = new Set(messages.map((m) => m[0]));
    for (const kind of ["state", "affect", "emotion", "event", "motif"]) expect(kinds, kind).toContain(kind);
    expect(messages[0]).toEqual(["state", "running", expect.stringContaining("--offline")]);
    expect(messages.at(-1)).toEqual(["state", "stopped", ""]);
    expect(messages.find((m) => m[0] === "event" && m[1] === "alarm" && m[2] === 1)).toBeDefined();
    const affect = messages.find((m) => m[0] === "affect")!;
    expect(affect).toHaveLength(6);
    expect(typeof affect[1]).toBe("number");
    expect(affect[3]).toMatch(/^Q[1-4]$/);
    expect(err).toMatch(/mapping .*affect-midi\.json \(used at start\)/);
  });
});
