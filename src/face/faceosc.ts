// FaceOSC's address space, and the decoder that turns OSC packets (a bundle per
// camera frame from FaceOSC, or loose messages from Pure Data's oscformat) into
// face updates. Anything malformed is dropped with a named reason, never thrown.

import { createRequire } from "node:module";

const osc = createRequire(import.meta.url)("osc") as {
  readPacket(data: Uint8Array, options: { metadata: boolean }): OscPacket;
};

interface OscArg { type: string; value: unknown }
interface OscMessage { address: string; args: OscArg[] }
interface OscBundle { timeTag: unknown; packets: OscPacket[] }
type OscPacket = OscMessage | OscBundle;

/** The gestures FaceOSC sends, in its units (pixels relative to the face scale). */
export interface FaceGestures {
  mouthWidth: number;
  mouthHeight: number;
  eyebrowLeft: number;
  eyebrowRight: number;
  eyeLeft: number;
  eyeRight: number;
  jaw: number;
  nostrils: number;
}

export type GestureName = keyof FaceGestures;

/** One decoded piece of face data. */
export type FaceUpdate =
  | { kind: "found"; found: boolean }
  | { kind: "gesture"; name: GestureName; value: number }
  | { kind: "pose"; name: "position" | "scale" | "orientation"; values: number[] }
  | { kind: "raw"; points: Float32Array }
  | { kind: "wekinator"; values: number[] };

export type DropReason = "malformed-packet" | "unknown-address" | "wrong-arity" | "wrong-type" | "not-finite";

const GESTURES: Record<string, GestureName> = {
  "/gesture/mouth/width": "mouthWidth",
  "/gesture/mouth/height": "mouthHeight",
  "/gesture/eyebrow/left": "eyebrowLeft",
  "/gesture/eyebrow/right": "eyebrowRight",
  "/gesture/eye/left": "eyeLeft",
  "/gesture/eye/right": "eyeRight",
  "/gesture/jaw": "jaw",
  "/gesture/nostrils": "nostrils",
};

const POSES: Record<string, ["position" | "scale" | "orientation", number]> = {
  "/pose/position": ["position", 2],
  "/pose/scale": ["scale", 1],
  "/pose/orientation": ["orientation", 3],
};

/** FaceOSC's /raw: 66 landmarks as x, y pairs. */
export const RAW_VALUES = 132;

/** Numbers from int or float arguments (Pd sends floats, some senders ints). */
function numbers(args: OscArg[]): number[] | "wrong-type" | "not-finite" {
  const out: number[] = [];
  for (const a of args) {
    if (a.type !== "f" && a.type !== "i" && a.type !== "d") return "wrong-type";
    const v = a.value as number;
    if (!Number.isFinite(v)) return "not-finite";
    out.push(v);
  }
  return out;
}

function decodeMessage(m: OscMessage, updates: FaceUpdate[], drops: DropReason[]): void {
  const values = numbers(m.args ?? []);
  const gesture = GESTURES[m.address];
  const pose = POSES[m.address];
  const known = gesture || pose || m.address === "/found" || m.address === "/raw" || m.address === "/wek/inputs";
  if (!known) { drops.push("unknown-address"); return; }
  if (typeof values === "string") { drops.push(values); return; }
  if (m.address === "/found") {
    if (values.length !== 1) { drops.push("wrong-arity"); return; }
    updates.push({ kind: "found", found: values[0]! !== 0 });
  } else if (gesture) {
    if (values.length !== 1) { drops.push("wrong-arity"); return; }
    updates.push({ kind: "gesture", name: gesture, value: values[0]! });
  } else if (pose) {
    if (values.length !== pose[1]) { drops.push("wrong-arity"); return; }
    updates.push({ kind: "pose", name: pose[0], values });
  } else if (m.address === "/raw") {
    if (values.length !== RAW_VALUES) { drops.push("wrong-arity"); return; }
    updates.push({ kind: "raw", points: Float32Array.from(values) });
  } else {
    if (values.length === 0) { drops.push("wrong-arity"); return; }
    updates.push({ kind: "wekinator", values });
  }
}

function walk(p: OscPacket, updates: FaceUpdate[], drops: DropReason[]): void {
  if ("packets" in p) for (const inner of p.packets) walk(inner, updates, drops);
  else decodeMessage(p, updates, drops);
}

/**
 * Decodes one UDP datagram. A bundle's valid messages are kept even when others in
 * it are dropped; an unreadable datagram is one "malformed-packet" drop.
 */
export function decodeFacePacket(data: Uint8Array): { updates: FaceUpdate[]; drops: DropReason[] } {
  const updates: FaceUpdate[] = [];
  const drops: DropReason[] = [];
  let packet: OscPacket;
  try {
    packet = osc.readPacket(data, { metadata: true });
  } catch {
    return { updates, drops: ["malformed-packet"] };
  }
  walk(packet, updates, drops);
  return { updates, drops };
}
