// Test helpers for real loopback sockets: a free port, an OSC receiver that decodes what
// arrives (with the osc package), a FaceOSC bundle writer, and a CLI child that can be
// waited on.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { createRequire } from "node:module";
import { BIN } from "./run-cli.ts";

const osc = createRequire(import.meta.url)("osc") as {
  readPacket(data: Uint8Array, options: object): { address?: string; args?: unknown[]; packets?: unknown[] };
  writePacket(packet: object): Uint8Array;
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(type: "udp4" = "udp4"): Promise<number> {
  const s = createSocket(type);
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface OscMessage { address: string; args: unknown[] }

/** Binds a UDP socket on 127.0.0.1 and collects every OSC message (bundles unpacked). */
export async function oscReceiver(port = 0): Promise<{ port: number; messages: OscMessage[]; close(): Promise<void>; socket: Socket }> {
  const socket = createSocket("udp4");
  const messages: OscMessage[] = [];
  const unpack = (p: { address?: string; args?: unknown[]; packets?: unknown[] }) => {
    if (p.packets) for (const q of p.packets) unpack(q as typeof p);
    else if (p.address) messages.push({ address: p.address, args: p.args ?? [] });
  };
  socket.on("message", (data) => { try { unpack(osc.readPacket(data, { metadata: false })); } catch { /* not OSC */ } });
  await new Promise<void>((r) => socket.bind(port, "127.0.0.1", () => r()));
  return { port: socket.address().port, messages, socket, close: () => new Promise((r) => socket.close(() => r())) };
}

/** A FaceOSC bundle: /found 1, the gestures, /pose/scale. */
export function faceBundle(g: Record<string, number>): Uint8Array {
  const addresses: Record<string, string> = { mouthWidth: "/gesture/mouth/width", mouthHeight: "/gesture/mouth/height", eyebrowLeft: "/gesture/eyebrow/left", eyebrowRight: "/gesture/eyebrow/right", eyeLeft: "/gesture/eye/left", eyeRight: "/gesture/eye/right", jaw: "/gesture/jaw", nostrils: "/gesture/nostrils" };
  const packets = [
    { address: "/found", args: [{ type: "i", value: 1 }] },
    ...Object.entries(g).map(([k, v]) => ({ address: addresses[k]!, args: [{ type: "f", value: v }] })),
    { address: "/pose/scale", args: [{ type: "f", value: 4 }] },
  ];
  return osc.writePacket({ timeTag: { raw: [0, 1] }, packets });
}

export function writeOsc(address: string, args: { type: string; value: unknown }[]): Uint8Array {
  return osc.writePacket({ address, args });
}

/** Starts the CLI; `waitFor(text)` resolves once stderr contains it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { env });
  let out = "", err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  const waitFor = async (text: string | RegExp, timeoutMs = 30_000) => {
    const end = Date.now() + timeoutMs;
    while (!(typeof text === "string" ? err.includes(text) : text.test(err))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${text}; stderr so far:\n${err}`);
      await sleep(20);
    }
  };
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}
