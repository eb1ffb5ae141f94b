// FaceOSC in: decoding, action-unit proxies, the emotion state, and a real UDP socket
// fed by osc.js bundles and by liblo's oscsend (a real peer, when installed).
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { actionUnits, DEFAULT_PROFILE, lipCornerDepression } from "../src/face/action-units.ts";
import { FaceEmotionTracker, type FaceEmotion } from "../src/face/emotion.ts";
import { decodeFacePacket, type FaceGestures } from "../src/face/faceosc.ts";
import { FaceInput } from "../src/face/face-input.ts";

const osc = createRequire(import.meta.url)("osc") as { writePacket(p: unknown): Uint8Array; timeTag(s: number): unknown };
const f = (value: number) => ({ type: "f", value });
const msg = (address: string, ...args: { type: string; value: unknown }[]) => ({ address, args });

/** A FaceOSC camera frame as FaceOSC sends it: one bundle. */
function faceBundle(g: Partial<FaceGestures>, found = 1): Uint8Array {
  const v = { ...DEFAULT_PROFILE.neutral, ...g };
  return osc.writePacket({
    timeTag: osc.timeTag(0),
    packets: [
      msg("/found", { type: "i", value: found }),
      msg("/pose/position", f(320), f(240)), msg("/pose/scale", f(4)), msg("/pose/orientation", f(0), f(0.1), f(0)),
      msg("/gesture/mouth/width", f(v.mouthWidth)), msg("/gesture/mouth/height", f(v.mouthHeight)),
      msg("/gesture/eyebrow/left", f(v.eyebrowLeft)), msg("/gesture/eyebrow/right", f(v.eyebrowRight)),
      msg("/gesture/eye/left", f(v.eyeLeft)), msg("/gesture/eye/right", f(v.eyeRight)),
      msg("/gesture/jaw", f(v.jaw)), msg("/gesture/nostrils", f(v.nostrils)),
    ],
  });
}

const HAPPY = { mouthWidth: 18.23, mouthHeight: 2.38, eyeLeft: 2.66, eyeRight: 2.66 };
const SAD = { mouthWidth: 8.5, mouthHeight: 1.0, eyebrowLeft: 6.9, eyebrowRight: 6.8 };

describe("FaceOSC decoding", () => {
  it("reads a FaceOSC bundle: found, pose and every gesture", () => {
    const { updates, drops } = decodeFacePacket(faceBundle(HAPPY));
    expect(drops).toEqual([]);
    expect(updates).toHaveLength(12);
    expect(updates).toContainEqual({ kind: "found", found: true });
    expect(updates).toContainEqual({ kind: "gesture", name: "mouthWidth", value: expect.closeTo(18.23, 4) });
    expect(updates).toContainEqual({ kind: "pose", name: "orientation", values: [0, expect.closeTo(0.1, 6), 0] });
  });

  it("accepts loose messages, ints for floats and /found as a float (Pure Data)", () => {
    expect(decodeFacePacket(osc.writePacket(msg("/found", f(1)))).updates).toEqual([{ kind: "found", found: true }]);
    expect(decodeFacePacket(osc.writePacket(msg("/gesture/jaw", { type: "i", value: 21 }))).updates).toEqual([{ kind: "gesture", name: "jaw", value: 21 }]);
    expect(decodeFacePacket(osc.writePacket(msg("/wek/inputs", f(0.5), f(0.25)))).updates).toEqual([{ kind: "wekinator", values: [0.5, 0.25] }]);
    const raw = osc.writePacket(msg("/raw", ...Array.from({ length: 132 }, (_, i) => f(i))));
    expect(decodeFacePacket(raw).updates[0]).toMatchObject({ kind: "raw" });
  });

  it.each([
    [osc.writePacket(msg("/gesture/jaw", f(1), f(2))), "wrong-arity"],
    [osc.writePacket(msg("/gesture/jaw", { type: "s", value: "wide" })), "wrong-type"],
    [osc.writePacket(msg("/gesture/jaw", f(NaN))), "not-finite"],
    [osc.writePacket(msg("/gesture/tongue", f(1))), "unknown-address"],
    [osc.writePacket(msg("/raw", f(1), f(2))), "wrong-arity"],
    [new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]), "malformed-packet"],
    [new Uint8Array(0), "malformed-packet"],
  ])("drops bad input with a reason: %#", (data, reason) => {
    expect(decodeFacePacket(data)).toEqual({ updates: [], drops: [reason] });
  });

  it("keeps the valid messages of a bundle that also carries bad ones", () => {
    const data = osc.writePacket({ timeTag: osc.timeTag(0), packets: [msg("/gesture/jaw", f(20)), msg("/gesture/jaw", f(NaN)), msg("/found", f(1))] });
    const { updates, drops } = decodeFacePacket(data);
    expect(updates).toHaveLength(2);
    expect(drops).toEqual(["not-finite"]);
  });
});

describe("action units and emotion", () => {
  const classify = (g: Partial<FaceGestures>, extended = false): FaceEmotion => {
    const t = new FaceEmotionTracker({ extended });
    const updates = decodeFacePacket(faceBundle(g)).updates;
    t.update(updates, 0);
    return t.update(updates, 1000).emotion;
  };

  it("uses the seeds' ranges before calibration: mid-range is neutral, the seeds' faces are happy and sad", () => {
    expect(classify({})).toBe("neutral");
    expect(classify(HAPPY)).toBe("happy");
    expect(classify({ mouthWidth: 17.5, mouthHeight: 2.4, eyeLeft: 2.66, eyeRight: 2.66 })).toBe("happy");
    expect(classify(SAD)).toBe("sad");
    expect(classify({ mouthWidth: 9, mouthHeight: 1.1, eyebrowLeft: 6.9, eyebrowRight: 6.8 })).toBe("sad");
  });

  it("gives proxies in 0..1, a smile raising AU12 and AU6 together", () => {
    const au = actionUnits({ ...DEFAULT_PROFILE.neutral, ...HAPPY });
    for (const v of Object.values(au)) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(1); }
    expect(au.AU12).toBeGreaterThan(0.7);
    expect(au.AU6).toBeGreaterThan(0.3);
    expect(actionUnits({ ...DEFAULT_PROFILE.neutral, eyeLeft: 2.5, eyeRight: 2.5 }).AU6).toBe(0); // a squint is not a smile
  });

  it("reads AU15 from /raw when present: mouth corners below the lip midline", () => {
    const raw = new Float32Array(132);
    const set = (i: number, y: number) => { raw[2 * i + 1] = y; };
    set(51, 100); set(57, 110); set(48, 112); set(54, 112); // corners 7 below the midline, lips 10 apart
    expect(lipCornerDepression(raw)).toBeCloseTo(0.7, 5);
  });

  it("tells surprise and angry apart when asked to", () => {
    expect(classify({ eyebrowLeft: 8.0, eyebrowRight: 7.9, mouthHeight: 2.9, jaw: 22.5 }, true)).toBe("surprise");
    expect(classify({ eyebrowLeft: 6.8, eyebrowRight: 6.7 }, true)).toBe("angry");
  });

  it("does not flicker: a state must hold 150 ms, and leaving needs the score to fall below the exit level", () => {
    const t = new FaceEmotionTracker();
    const happy = decodeFacePacket(faceBundle(HAPPY)).updates;
    const neutral = decodeFacePacket(faceBundle({})).updates;
    const borderline = decodeFacePacket(faceBundle({ mouthWidth: 15.5 })).updates; // score ~0.3: between exit and enter
    t.update(neutral, 0);
    t.update(happy, 10);
    expect(t.state.emotion).toBe("neutral"); // not yet held long enough
    t.update(neutral, 50); t.update(happy, 60);
    expect(t.state.emotion).toBe("neutral");
    t.update(happy, 100); t.update(happy, 260);
    expect(t.state.emotion).toBe("happy");
    t.update(borderline, 300); t.update(borderline, 600);
    expect(t.state.emotion).toBe("happy"); // hysteresis: 0.3 is not low enough to leave
    t.update(neutral, 700); t.update(neutral, 900);
    expect(t.state.emotion).toBe("neutral");
  });

  it("is none when /found 0 arrives, and when the face goes quiet for 0.5 s", () => {
    const t = new FaceEmotionTracker();
    t.update(decodeFacePacket(faceBundle(HAPPY)).updates, 0);
    expect(t.state.emotion).toBe("happy"); // from none, a face is reported at once
    t.update(decodeFacePacket(faceBundle(HAPPY, 0)).updates.filter((u) => u.kind === "found"), 100);
    expect(t.state).toMatchObject({ emotion: "none", found: false });
    t.update(decodeFacePacket(faceBundle(HAPPY)).updates, 200);
    expect(t.tick(600).emotion).toBe("happy");
    expect(t.tick(701).emotion).toBe("none");
  });
});

describe("FaceInput on a real UDP socket", () => {
  async function withInput(run: (send: (data: Uint8Array) => Promise<void>, input: FaceInput, port: number) => Promise<void>) {
    const logs: string[] = [];
    const input = new FaceInput({ port: 0, log: (l) => logs.push(l) });
    const port = await input.listen();
    const client = createSocket("udp4");
    const send = (data: Uint8Array) => new Promise<void>((resolve, reject) => client.send(data, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
    try {
      await run(send, input, port);
    } finally {
      client.close();
      await input.close();
    }
    return logs;
  }
  const settle = () => new Promise((r) => setTimeout(r, 100));

  it("listens on 127.0.0.1 and processes every valid bundle with garbage interleaved", async () => {
    const logs = await withInput(async (send, input) => {
      for (let i = 0; i < 200; i++) {
        if (i % 50 === 0) await settle(); // let the receiver run, as a real sender's pacing would
        await send(faceBundle(HAPPY));
        await send(new Uint8Array([i, 1, 2, 3, 4, 5, 6, 7]));
        await send(osc.writePacket(msg("/gesture/jaw", { type: "s", value: "x" })));
      }
      await settle();
      expect(input.packets).toBe(600);
      expect(input.messages).toBe(200 * 12);
      expect(input.drops["malformed-packet"]).toBe(200);
      expect(input.drops["wrong-type"]).toBe(200);
      expect(input.tracker.state.emotion).toBe("happy");
    });
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs.length).toBeLessThanOrEqual(3); // at most once a second
    expect(logs[0]).toMatch(/dropped \d+ bad OSC message/);
  });

  it("says clearly when the port is taken", async () => {
    const first = new FaceInput({ port: 0 });
    const port = await first.listen();
    await expect(new FaceInput({ port }).listen()).rejects.toThrow(/already in use .*--osc-in HOST:PORT/);
    await first.close();
  });

  const hasOscsend = (() => { try { execFileSync("which", ["oscsend"]); return true; } catch { return false; } })();
  it.runIf(hasOscsend)("understands liblo's oscsend playing neutral, then happy, then sad", async () => {
    await withInput(async (_send, input, port) => {
      const play = async (g: Partial<FaceGestures>) => {
        const v = { ...DEFAULT_PROFILE.neutral, ...g };
        for (const [address, value] of [["/gesture/mouth/width", v.mouthWidth], ["/gesture/mouth/height", v.mouthHeight], ["/gesture/eyebrow/left", v.eyebrowLeft], ["/gesture/eyebrow/right", v.eyebrowRight], ["/gesture/eye/left", v.eyeLeft], ["/gesture/eye/right", v.eyeRight]] as const) {
          execFileSync("oscsend", ["127.0.0.1", String(port), address, "f", String(value)]);
        }
        execFileSync("oscsend", ["127.0.0.1", String(port), "/found", "i", "1"]);
        await new Promise((r) => setTimeout(r, 250));
        execFileSync("oscsend", ["127.0.0.1", String(port), "/found", "i", "1"]);
        await settle();
      };
      const seen: FaceEmotion[] = [];
      await play({});
      seen.push(input.tracker.state.emotion);
      await play(HAPPY);
      seen.push(input.tracker.state.emotion);
      await play(SAD);
      seen.push(input.tracker.state.emotion);
      expect(seen).toEqual(["neutral", "happy", "sad"]);
    });
  });
});
