// The dashboard: an HTTP page (src/dashboard/public) and a WebSocket (/ws) that carries
// what the engine hears and sees, batched every 100 ms, plus its health every second.
//
// Security: it binds to 127.0.0.1 unless the config says otherwise (and the config check
// demands allowRemote and a token for that). With a token, the page and the socket need
// ?token=...; on loopback, requests must also name a loopback Host (so a web page
// elsewhere cannot reach it through DNS rebinding).

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { timingSafeEqual } from "node:crypto";
import type { Duplex } from "node:stream";
import { parseHostPort } from "../bridges/osc-out.ts";
import { isLoopback, type EngineConfig } from "../engine/config.ts";
import type { Engine, EngineHealth, EngineOutput } from "../engine/engine.ts";
import type { EngineEvent } from "../engine/events.ts";
import { OSC_ADDRESSES } from "../engine/osc-publisher.ts";
import { ARTEMIS_EMOTIONS } from "../models/emotion/circumplex.ts";

const { WebSocketServer } = createRequire(import.meta.url)("ws") as typeof import("ws");
type WebSocket = import("ws").WebSocket;

const PUBLIC = new URL("./public/", import.meta.url);
const FILES: Record<string, string> = { "/": "index.html", "/index.html": "index.html", "/app.js": "app.js", "/style.css": "style.css" };
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

/** Mel bands the page draws (the engine's 128 are averaged in groups). */
const MEL_BINS = 64;
/** At most this many of each kind of point per 100 ms batch (offline runs go faster than real time). */
const MAX_POINTS = 60;
const BATCH_MS = 100;

interface Batch {
  time: number;
  mel: number[][];
  oracle: [number, number, number][];
  motifs: { time: number; start: number; length: number; earlierStart: number }[];
  sound: [number, number[]][];
  soundEvents: { time: number; label: string; phase: string; confidence: number }[];
  emotion: { time: number; valence: number; arousal: number; quadrant: string; emotion: string }[];
  affect: unknown;
  face: unknown;
  outputs: string[];
}

function emptyBatch(): Batch {
  return { time: 0, mel: [], oracle: [], motifs: [], sound: [], soundEvents: [], emotion: [], affect: null, face: null, outputs: [] };
}

/** Keeps every k-th item once a list is full, so a fast offline run still shows its shape. */
function pushCapped<T>(list: T[], item: T): void {
  if (list.length >= MAX_POINTS) list.splice(0, list.length, ...list.filter((_, i) => i % 2 === 1));
  list.push(item);
}

const round = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : 0);

export interface Dashboard extends EngineOutput {
  url: string;
  port: number;
  clients(): number;
}

export async function startDashboard(engine: Engine, config: EngineConfig["dashboard"], log: (line: string) => void): Promise<Dashboard> {
  const { host, port } = parseHostPort(config.listen);
  const token = config.token;
  const loopback = isLoopback(host);
  let batch = emptyBatch();
  let labels: string[] = [];
  let frameCount = 0;
  let lastHealth: EngineHealth | null = null;

  /** The page's code and style carry no data: they need the right Host, not the token. */
  const ASSETS = new Set(["/app.js", "/style.css"]);
  const authorised = (req: IncomingMessage): boolean => {
    const url = new URL(req.url ?? "/", "http://x");
    if (loopback) {
      const hostHeader = (req.headers.host ?? "").replace(/:\d+$/, "");
      if (!isLoopback(hostHeader)) return false;
    }
    if (!token || ASSETS.has(url.pathname)) return true;
    const given = Buffer.from(url.searchParams.get("token") ?? "");
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!authorised(req)) {
      res.writeHead(401, { "content-type": "text/plain" }).end("moodwire dashboard: add ?token=... (the token from the config or --token)\n");
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(engine.health()));
      return;
    }
    const file = FILES[path];
    if (!file || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[file.split(".").pop()!]!, "cache-control": "no-store" }).end(readFileSync(new URL(file, PUBLIC)));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws" || !authorised(req)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on("error", () => ws.terminate());
      ws.send(JSON.stringify({ type: "hello", labels, emotions: ARTEMIS_EMOTIONS, osc: OSC_ADDRESSES.map((a) => a.address), health: lastHealth ?? engine.health() }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "EADDRINUSE" ? `dashboard port ${host}:${port} is already in use; choose another with --dashboard HOST:PORT or --no-dashboard` : `cannot listen for the dashboard on ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;

  const broadcast = (message: unknown) => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of wss.clients) {
      // A slow browser must not make the engine buffer without end: skip it this time.
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1 << 20) ws.send(text);
    }
  };

  const timer = setInterval(() => {
    const b = batch;
    batch = emptyBatch();
    b.time = round(engine.now());
    broadcast({ type: "batch", labels, ...b });
  }, BATCH_MS);
  timer.unref();

  const handle = (e: EngineEvent) => {
    switch (e.type) {
      case "features": {
        frameCount++;
        // About 43 columns a second is plenty for the eye.
        if (frameCount % 2 !== 0) return;
        const n = e.logmel.length, group = Math.max(1, Math.floor(n / MEL_BINS));
        const column: number[] = [];
        for (let b = 0; b + group <= n; b += group) {
          let s = 0;
          for (let j = 0; j < group; j++) s += e.logmel[b + j]!;
          column.push(Math.round(s / group));
        }
        pushCapped(batch.mel, column);
        break;
      }
      case "oracle":
        if (frameCount % 2 === 0) pushCapped(batch.oracle, [round(e.time), round(e.ir), round(e.threshold)]);
        break;
      case "motif":
        pushCapped(batch.motifs, { time: round(e.time), start: round(e.start), length: round(e.length), earlierStart: round(e.earlierStart) });
        break;
      case "sound":
        labels = e.labels;
        pushCapped(batch.sound, [round(e.time), e.probabilities.map((p) => round(p))]);
        break;
      case "soundEvent":
        pushCapped(batch.soundEvents, { time: round(e.onset), label: e.label, phase: e.phase, confidence: round(e.confidence) });
        break;
      case "emotion":
        pushCapped(batch.emotion, { time: round(e.time), valence: round(e.valence), arousal: round(e.arousal), quadrant: e.quadrant, emotion: e.emotion });
        break;
      case "face":
        batch.face = { found: e.found, emotion: e.emotion, confidence: round(e.confidence), au: Object.fromEntries(Object.entries(e.au).map(([k, v]) => [k, round(v)])) };
        break;
      case "affect":
        batch.affect = { ...e.state, valence: round(e.state.valence), arousal: round(e.state.arousal), confidence: round(e.state.confidence), time: round(e.state.time) };
        break;
      case "output":
        if (batch.outputs.length >= 20) batch.outputs.shift();
        batch.outputs.push(`${e.kind === "osc" ? "OSC" : "MIDI"} ${e.text}`);
        break;
    }
  };

  log(`dashboard on http://${host}:${bound}/${token ? "?token=..." : ""}`);
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${bound}/${token ? `?token=${encodeURIComponent(token)}` : ""}`,
    port: bound,
    clients: () => wss.clients.size,
    handle,
    health: (h) => { lastHealth = h; broadcast({ type: "health", health: h }); },
    close: async () => {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
