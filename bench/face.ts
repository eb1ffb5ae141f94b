// npm run bench:face [-- --json] [--seconds 60]
// Latency of the face pipeline as `moodwire face --mapping` wires it, over real
// loopback UDP: a FaceOSC bundle leaves a sender socket; moodwire decodes it, runs
// the mapping and sends OSC; a receiver socket gets it. Each bundle carries a unique
// mouth width that a route passes through unchanged, so every output is matched to
// its bundle. Measured: from the datagram's arrival at moodwire to the mapped OSC
// message handed to the socket and to the MIDI message reaching the MIDI-file
// writer; and, end to end, from the sender to the receiver (two loopback hops).
// At 60 and 1,000 bundles per second.

import { createSocket } from "node:dgram";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MidiFileWriter } from "../src/bridges/midi-file.ts";
import { MidiOut } from "../src/bridges/midi-out.ts";
import { OscOut } from "../src/bridges/osc-out.ts";
import { FaceInput } from "../src/face/face-input.ts";
import { MappingEngine } from "../src/mapping/engine.ts";
import { percentile } from "./stats.ts";

const osc = createRequire(import.meta.url)("osc") as { writePacket(p: unknown): Uint8Array; readPacket(d: Uint8Array, o: unknown): { address: string; args: number[] }; timeTag(s: number): unknown };
const { values } = parseArgs({ options: { json: { type: "boolean" }, seconds: { type: "string", default: "60" } } });
const seconds = Number(values.seconds);
const log = (s: string) => { if (!values.json) process.stderr.write(s + "\n"); };


async function run(rate: number) {
  const receiver = createSocket({ type: "udp4", recvBufferSize: 4 << 20 });
  await new Promise<void>((r) => receiver.bind(0, "127.0.0.1", () => r()));
  const out = new OscOut([{ host: "127.0.0.1", port: receiver.address().port }]);
  const file = new MidiFileWriter(join(mkdtempSync(join(tmpdir(), "moodwire-bench-")), "bench.mid"));
  const midi = new MidiOut({ file });
  const arrival = new Map<number, number>(); // bundle id -> arrival time at moodwire
  const midiLatency: number[] = [];
  let current = -1;
  const write = file.write.bind(file);
  file.write = (message: number[], now?: number) => {
    if (current >= 0) midiLatency.push(performance.now() - arrival.get(current)!);
    write(message, now);
  };
  const oscLatency: number[] = [];
  const oscSend = out.send.bind(out);
  out.send = (address, args) => {
    if (current >= 0) oscLatency.push(performance.now() - arrival.get(current)!);
    oscSend(address, args);
  };
  const engine = new MappingEngine({ midi, osc: out });
  engine.setMapping({ routes: [
    { from: "face.gesture.mouthWidth", in: [0, 1e7], out: [0, 1e7], to: { osc: "/bench", args: ["$value"] } },
    { from: "face.gesture.jaw", in: [0, 127], to: { midi: "cc", controller: 1 } },
  ] });
  const face = new FaceInput({ port: 0, log: () => {},
    onState: (_s, updates) => {
      const now = Date.now();
      for (const u of updates) if (u.kind === "gesture") engine.signal(`face.gesture.${u.name}`, u.value, now);
    } });
  const port = await face.listen();
  const receive = face.receive.bind(face);
  face.receive = (data: Uint8Array, now: number) => {
    current = face.packets; // id of this bundle = its arrival order
    arrival.set(current, performance.now());
    receive(data, now);
  };

  const sentAt = new Map<number, number>();
  const latency: number[] = [];
  receiver.on("message", (m) => {
    const id = osc.readPacket(m, {}).args[0]!;
    const t0 = sentAt.get(id);
    if (t0 !== undefined) { latency.push(performance.now() - t0); sentAt.delete(id); }
  });
  const sender = createSocket("udp4");
  const total = Math.round(rate * seconds);
  const bundle = (id: number) => osc.writePacket({ timeTag: osc.timeTag(0), packets: [
    { address: "/found", args: [{ type: "i", value: 1 }] },
    { address: "/gesture/mouth/width", args: [{ type: "f", value: id }] },
    { address: "/gesture/jaw", args: [{ type: "f", value: id % 128 }] },
    { address: "/gesture/mouth/height", args: [{ type: "f", value: 1.9 }] },
  ] });
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        const id = sent + 1; // float32 holds whole numbers exactly up to 2^24
        sentAt.set(id, performance.now());
        sender.send(bundle(id), port, "127.0.0.1");
        sent++;
      }
      if (sent >= total) { clearInterval(timer); resolve(); }
    }, 1);
  });
  await new Promise((r) => setTimeout(r, 500));
  sender.close(); receiver.close(); midi.close(); await face.close(); await out.close();
  return {
    rate, bundles: total, received_by_moodwire: face.packets, dropped: total - face.packets,
    osc_out: { p50_ms: percentile(oscLatency, 0.5), p99_ms: percentile(oscLatency, 0.99), sent: oscLatency.length },
    round_trip: { p50_ms: percentile(latency, 0.5), p99_ms: percentile(latency, 0.99), delivered: latency.length },
    midi_file: { p50_ms: percentile(midiLatency, 0.5), p99_ms: percentile(midiLatency, 0.99), messages: midiLatency.length },
  };
}

const results = [];
for (const rate of [60, 1000]) {
  log(`${rate} bundles/s for ${seconds} s...`);
  const r = await run(rate);
  log(`  received ${r.received_by_moodwire}/${r.bundles} (dropped ${r.dropped}); arrival -> OSC out p50 ${r.osc_out.p50_ms.toFixed(3)} ms, p99 ${r.osc_out.p99_ms.toFixed(3)} ms; MIDI to file p50 ${r.midi_file.p50_ms.toFixed(3)} ms, p99 ${r.midi_file.p99_ms.toFixed(3)} ms; sender -> receiver p99 ${r.round_trip.p99_ms.toFixed(3)} ms`);
  results.push(r);
}
if (values.json) console.log(JSON.stringify({ seconds, results }));
else {
  console.log(`\n| bundles/s | received (dropped) | bundle arrives -> mapped OSC leaves, p50 / p99 | arrives -> MIDI-file writer, p50 / p99 | sender -> OSC receiver (both hops), p50 / p99 |\n|---:|---:|---:|---:|---:|`);
  for (const r of results) console.log(`| ${r.rate} | ${r.received_by_moodwire}/${r.bundles} (${r.dropped}) | ${r.osc_out.p50_ms.toFixed(3)} / ${r.osc_out.p99_ms.toFixed(3)} ms | ${r.midi_file.p50_ms.toFixed(3)} / ${r.midi_file.p99_ms.toFixed(3)} ms | ${r.round_trip.p50_ms.toFixed(3)} / ${r.round_trip.p99_ms.toFixed(3)} ms |`);
}
process.exit(0);
