// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core.
// The engine plays a file in real time; the page must load, show live values that change,
// and a screenshot is kept (test-output/dashboard.png).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { defaultConfig, mergeConfig, type EngineConfig } from "../src/engine/config.ts";
import { Engine } from "../src/engine/engine.ts";
import { startDashboard } from "../src/dashboard/server.ts";
import { encodeWav } from "../src/audio/wav.ts";
import { freePort, oscReceiver } from "./net.ts";

const CHROMIUM = (() => { try { return execFileSync("which", ["chromium"]).toString().trim(); } catch { return null; } })();
const dir = mkdtempSync(join(tmpdir(), "moodwire-dash-"));

function music(seconds: number): string {
  const sr = 44100, x = new Float32Array(seconds * sr);
  const notes = [262, 330, 392, 523, 392, 330];
  for (let i = 0; i < x.length; i++) {
    const k = Math.floor(i / (sr / 4));
    const env = Math.exp(-((i % (sr / 4)) / sr) * 8);
    x[i] = 0.4 * env * Math.sin((2 * Math.PI * notes[k % notes.length]! * i) / sr);
  }
  const path = join(dir, "music.wav");
  writeFileSync(path, encodeWav(x, sr));
  return path;
}

describe.runIf(CHROMIUM)("the dashboard in headless Chromium", () => {
  it("loads, shows live values that change while a file plays, and takes a screenshot", async () => {
    const out = await oscReceiver();
    const config = mergeConfig<EngineConfig>(defaultConfig(), {
      input: { files: [music(3)], loop: true },
      face: { listen: `127.0.0.1:${await freePort()}` },
      osc: { out: [`127.0.0.1:${out.port}`] },
      dashboard: { listen: `127.0.0.1:${await freePort()}`, token: "let-me-in-please" },
    });
    const engine = new Engine(config, { log: () => {} });
    const dashboard = await startDashboard(engine, config.dashboard, () => {});
    engine.addOutput(dashboard);
    await engine.start();
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      // Without the token: refused.
      const refused = await page.goto(`http://127.0.0.1:${dashboard.port}/`);
      expect(refused?.status()).toBe(401);
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(dashboard.url);
      await page.waitForFunction(() => document.getElementById("connection")?.textContent === "live");
      await page.waitForFunction(() => Number(document.getElementById("engine-time")?.textContent) > 1.5, undefined, { timeout: 20_000 });
      const read = () => page.evaluate(() => Object.fromEntries(["engine-time", "affect-valence", "affect-arousal", "affect-sources", "oracle-ir", "input-state", "music-emotion"].map((id) => [id, document.getElementById(id)!.textContent])));
      const first = await read();
      await page.waitForTimeout(2500);
      const second = await read();
      expect(Number(second["engine-time"])).toBeGreaterThan(Number(first["engine-time"]) + 1.5);
      expect(second["input-state"]).toBe("running");
      expect(second["affect-sources"]).toBe("music");
      expect(second["music-emotion"]).toMatch(/\((Q[1-4])\) v -?\d\.\d\d a -?\d\.\d\d/);
      expect(second["oracle-ir"]).not.toBe("–");
      // The values are live: the affect or the IR moved between the two looks.
      expect(first["affect-valence"] !== second["affect-valence"] || first["oracle-ir"] !== second["oracle-ir"]).toBe(true);
      // The spectrogram has been drawn (not all background), and outputs are listed.
      const painted = await page.evaluate(() => {
        const c = document.getElementById("spectrogram") as HTMLCanvasElement;
        const d = c.getContext("2d")!.getImageData(c.width - 200, 0, 200, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) lit++;
        return lit / (d.length / 4);
      });
      expect(painted).toBeGreaterThan(0.2);
      expect(await page.locator("#outputs li").count()).toBeGreaterThan(3);
      expect(await page.locator("#health dt").count()).toBeGreaterThan(5);
      expect(errors).toEqual([]);
      mkdirSync("test-output", { recursive: true });
      await page.screenshot({ path: "test-output/dashboard.png", fullPage: true });
      expect(statSync("test-output/dashboard.png").size).toBeGreaterThan(20_000);
      expect(dashboard.clients()).toBe(1);
    } finally {
      await browser.close();
      await engine.stop();
      await out.close();
    }
  });
});
