// Fuzz, bounded and on loopback only: 1,000,000 random and mutated OSC packets into the
// running engine's FaceOSC input over a real UDP socket, with a valid FaceOSC bundle every
// 100th packet. The engine must not crash, must process every valid bundle (each carries a
// sequence number in /gesture/mouth/height), and reports what it dropped.
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig, mergeConfig, type EngineConfig } from "../src/engine/config.ts";
import { Engine } from "../src/engine/engine.ts";
import { encodeWav } from "../src/audio/wav.ts";
import { seededRandom } from "../src/models/random.ts";
import { faceBundle, freePort, oscReceiver, sleep, writeOsc } from "./net.ts";

const TOTAL = 1_000_000;
const VALID_EVERY = 100;
const SEQ0 = 100_000; // sequence numbers live far from any real mouth height
const BATCH = 1000;

/** Mutations of real FaceOSC traffic: bit flips, truncation, junk appended, type tags swapped, sizes lied about. */
function mutate(template: Uint8Array, rand: () => number): Uint8Array {
  const p = Uint8Array.from(template);
  switch (Math.floor(rand() * 6)) {
    case 0: for (let k = 0; k < 1 + rand() * 8; k++) p[Math.floor(rand() * p.length)]! ^= 1 << Math.floor(rand() * 8); return p;
    case 1: return p.subarray(0, Math.floor(rand() * p.length));
    case 2: { const q = new Uint8Array(p.length + 1 + Math.floor(rand() * 64)); q.set(p); for (let i = p.length; i < q.length; i++) q[i] = rand() * 256; return q; }
    case 3: { const i = p.indexOf(0x2c); if (i >= 0 && i + 1 < p.length) p[i + 1] = "ifsbhdTFNIx"[Math.floor(rand() * 11)]!.charCodeAt(0); return p; }
    case 4: { const i = 16 + 4 * Math.floor(rand() * Math.max(1, (p.length - 16) / 4)); if (i + 4 <= p.length) new DataView(p.buffer).setInt32(i, Math.floor(rand() * 2 ** 31) * (rand() < 0.5 ? -1 : 1)); return p; }
    default: { const f = new DataView(p.buffer); const i = p.length - 4; if (i > 0) f.setFloat32(i, [NaN, Infinity, -Infinity, 1e38, -0][Math.floor(rand() * 5)]!); return p; }
  }
}

function randomBytes(rand: () => number): Uint8Array {
  const p = new Uint8Array(Math.floor(rand() * 256));
  for (let i = 0; i < p.length; i++) p[i] = rand() * 256;
  // Half of them look like OSC: an address and a type tag, so they get past the first checks.
  if (p.length > 16 && rand() < 0.5) { p.set(new TextEncoder().encode("/gesture/\0\0\0,f"), 0); }
  return p;
}

describe("fuzzing the FaceOSC input of the running engine", () => {
  it(`takes ${TOTAL.toLocaleString("en")} packets without crashing and processes every valid bundle`, async () => {
    const sr = 44100, tone = new Float32Array(sr).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sr));
    const file = join(mkdtempSync(join(tmpdir(), "moodwire-fuzz-")), "tone.wav");
    writeFileSync(file, encodeWav(tone, sr));
    const out = await oscReceiver();
    const facePort = await freePort();
    const config = mergeConfig<EngineConfig>(defaultConfig(), {
      input: { files: [file], loop: true }, face: { listen: `127.0.0.1:${facePort}` }, osc: { out: [`127.0.0.1:${out.port}`] },
      analysis: { sed: { enabled: false }, emotion: { enabled: false } }, dashboard: { enabled: false },
    });
    const engine = new Engine(config, { log: () => {} });
    const seen = new Set<number>();
    engine.on((e) => { if (e.type === "face") for (const [name, v] of e.gestures) if (name === "mouthHeight" && v >= SEQ0) seen.add(v); });
    await engine.start();

    const rand = seededRandom(20261124);
    const templates = [
      faceBundle({ mouthWidth: 14, mouthHeight: 2, eyebrowLeft: 7.5 }),
      writeOsc("/gesture/mouth/width", [{ type: "f", value: 15 }]),
      writeOsc("/pose/orientation", [{ type: "f", value: 0.1 }, { type: "f", value: 0.2 }, { type: "f", value: 0.3 }]),
      writeOsc("/found", [{ type: "i", value: 1 }]),
    ];
    const sender = createSocket({ type: "udp4", sendBufferSize: 4 << 20 });
    const face = engine.face!;
    let sent = 0, valid = 0;
    const t0 = performance.now();
    while (sent < TOTAL) {
      const end = Math.min(TOTAL, sent + BATCH);
      for (; sent < end; sent++) {
        let packet: Uint8Array;
        if (sent % VALID_EVERY === 0) packet = faceBundle({ mouthWidth: 14, mouthHeight: SEQ0 + valid++ });
        else packet = rand() < 0.4 ? randomBytes(rand) : mutate(templates[Math.floor(rand() * templates.length)]!, rand);
        sender.send(packet, facePort, "127.0.0.1");
      }
      // Back-pressure: let the engine catch up before the next batch, so the kernel never drops.
      const deadline = Date.now() + 5000;
      while (face.packets < sent && Date.now() < deadline) await sleep(1);
    }
    const seconds = (performance.now() - t0) / 1000;
    await sleep(200);
    const h = engine.health();
    await engine.stop();
    sender.close();
    await out.close();

    const drops = Object.entries(face.drops).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`fuzz: ${sent} packets in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)} /s); engine read ${face.packets}, ` +
      `messages decoded ${face.messages}; dropped: ${drops}; valid bundles ${valid}, processed ${[...seen].filter((v) => Number.isInteger(v) && v < SEQ0 + valid).length}; OSC out ${h.outputs.osc}`);
    expect(face.packets).toBe(TOTAL);
    // Every sequence number arrived (mutated packets may add stray large heights: only ours count).
    let missing = 0;
    for (let k = 0; k < valid; k++) if (!seen.has(SEQ0 + k)) missing++;
    expect(missing).toBe(0);
    expect(valid).toBe(TOTAL / VALID_EVERY);
    expect(Object.values(face.drops).reduce((a, b) => a + b, 0)).toBeGreaterThan(TOTAL / 2);
    expect(h.input.state).toBe("running"); // the audio side never noticed
  }, 600_000);
});
