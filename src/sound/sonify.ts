// The built-in sonification (moodwire listen --sound), an engine output: the synth voice
// and the scenes, driven by the mapping. A mapping with `"to": { "sound": ... }` routes
// drives the voice through the engine's own mapping; without any, the defaults in
// mappings/sound.json follow the fused affect. `"scenes"` in the mapping picks the folders.

import { AudioContext } from "node-web-audio-api";
import type { Engine, EngineOutput } from "../engine/engine.ts";
import type { EngineEvent } from "../engine/events.ts";
import { MappingEngine } from "../mapping/engine.ts";
import type { Mapping } from "../mapping/mapping.ts";
import { loadMapping } from "../mapping/watch.ts";
import { SceneMixer } from "./scenes.ts";
import { SynthVoice } from "./voice.ts";

export const DEFAULT_SOUND_MAPPING = new URL("../../mappings/sound.json", import.meta.url).pathname;

/** The state signal a scene follows, read from an engine event (undefined: not this event). */
export function sceneState(from: string, e: EngineEvent): string | undefined {
  if (e.type === "affect") return from === "affect.quadrant" ? e.state.quadrant : from === "affect.emotion" ? e.state.emotion : undefined;
  if (e.type === "emotion") return from === "audio.quadrant" ? e.quadrant : from === "audio.emotion" ? e.emotion : undefined;
  if (e.type === "face" && from === "face.state" && e.emotion !== "none") return e.emotion;
  return undefined;
}

export async function startSound(engine: Engine, log: (line: string) => void): Promise<EngineOutput & { voice: SynthVoice }> {
  // Live sources share their context; offline runs get one of their own (silent if there is no sound card).
  let context = engine.source.context;
  let own = false;
  if (!context) {
    own = true;
    try {
      context = new AudioContext({ latencyHint: "playback" });
    } catch (err) {
      log(`no sound output (${(err as Error).message}); the built-in sound plays into a silent sink`);
      context = new AudioContext({ sinkId: { type: "none" } } as AudioContextOptions);
    }
  }
  const voice = new SynthVoice(context, context.destination as unknown as AudioNode);
  engine.mapping.sound = voice;
  const defaults = new MappingEngine({});
  defaults.sound = voice;
  defaults.setMapping(loadMapping(DEFAULT_SOUND_MAPPING));
  let useDefaults = true;
  let scenes: SceneMixer | null = null;
  const affectSignals = (e: EngineEvent) => {
    if (e.type !== "affect") return;
    const ms = e.state.time * 1000;
    defaults.signal("affect.valence", e.state.valence, ms);
    defaults.signal("affect.arousal", e.state.arousal, ms);
  };
  log(`built-in sound on (${useDefaults ? "default voice mapping " + DEFAULT_SOUND_MAPPING : "the mapping's sound routes"})`);
  return {
    voice,
    handle(e) {
      if (useDefaults) affectSignals(e);
      if (scenes) {
        const state = sceneState(scenes.scenes.from, e);
        if (state !== undefined) void scenes.setState(state);
      }
    },
    mapping(m: Mapping) {
      useDefaults = !m.routes.some((r) => "sound" in r.to);
      scenes?.stop();
      scenes = m.scenes ? new SceneMixer(context, context.destination as unknown as AudioNode, m.scenes, log) : null;
    },
    async close() {
      voice.stop();
      scenes?.stop();
      if (own) await context.close().catch(() => {});
    },
  } as EngineOutput & { voice: SynthVoice; mapping(m: Mapping): void };
}
