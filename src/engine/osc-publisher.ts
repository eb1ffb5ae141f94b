// moodwire's OSC address space: what the engine sends, with what arguments, how often.
// OSC_ADDRESSES is the table the README prints; the publisher below is its only sender.
// Rates are in engine time (seconds of audio analysed), so an offline run sends the same
// messages as a live one, only sooner.

import type { OscOut, OscValue } from "../bridges/osc-out.ts";
import { AU_ORDER } from "../face/emotion.ts";
import type { EngineEvent } from "./events.ts";
import type { EngineHealth } from "./engine.ts";
import { CUE_NAMES, CUE_POLES } from "../models/emotion/cues.ts";

export const OSC_ADDRESSES: { address: string; args: string; rate: string }[] = [
  { address: "/moodwire/audio/features", args: "f rms, f centroid (Hz), f flux, f onset (dB)", rate: "10 Hz" },
  { address: "/moodwire/oracle/ir", args: "f IR (causal cum3), f threshold chosen by the bank, i repeated-suffix length (frames)", rate: "10 Hz" },
  { address: "/moodwire/oracle/motif", args: "f start (s), f length (s), f start of the earlier occurrence (s)", rate: "when a repeat closes" },
  { address: "/moodwire/sound/labels", args: "s label x N (the order of /sound/probabilities)", rate: "at start, every 5 s and when they change (a model swapped live)" },
  { address: "/moodwire/sound/probabilities", args: "f probability x N", rate: "every 0.256 s" },
  { address: "/moodwire/sound/event", args: "s label, i 1 start / 0 end, f confidence", rate: "on each onset and offset" },
  { address: "/moodwire/music/emotion", args: "f valence, f arousal, s quadrant (Q1..Q4), s emotion, f confidence", rate: "2 Hz" },
  { address: "/moodwire/music/cues", args: CUE_NAMES.map((name) => `f ${name} (${CUE_POLES[name].join(" -1 .. 1 ")})`).join(", "), rate: "2 Hz (models with a cue head)" },
  { address: "/moodwire/face/found", args: "i 1 / 0", rate: "on change" },
  { address: "/moodwire/face/state", args: "s state (happy, neutral, sad, ...), f confidence", rate: "on change and 2 Hz" },
  { address: "/moodwire/face/au", args: "f AU1 AU4 AU6 AU12 AU15 AU25 AU26 (0..1)", rate: "every face frame" },
  { address: "/moodwire/affect", args: "f valence, f arousal, s quadrant, s emotion, f confidence", rate: "10 Hz" },
  { address: "/moodwire/affect/sources", args: "s source x n (music, face; none: no live source)", rate: "on change" },
  { address: "/moodwire/health", args: "f callback load (0..1), i dropped frames, i input errors, i stage errors", rate: "1 Hz (wall clock)" },
];

const SUMMARY_PERIOD = 0.1;
const LABELS_PERIOD = 5;
const FACE_STATE_PERIOD = 0.5;

export class OscPublisher {
  private nextSummary = 0;
  private nextLabels = 0;
  private nextFaceState = 0;
  private lastFeatures: OscValue[] | null = null;
  private lastOracle: OscValue[] | null = null;
  private lastFound: boolean | null = null;
  private lastSources = "";
  /** The labels last sent: each detector keeps one array, so a new array means a new model. */
  private lastLabels: string[] | null = null;

  private readonly osc: OscOut;

  constructor(osc: OscOut) {
    this.osc = osc;
  }

  /** Feed every engine event; sends what the table says. */
  handle(event: EngineEvent): void {
    const osc = this.osc;
    switch (event.type) {
      case "features":
        this.lastFeatures = [event.rms, event.centroid, event.flux, event.onset];
        if (event.time >= this.nextSummary) {
          this.nextSummary = event.time + SUMMARY_PERIOD;
          osc.send("/moodwire/audio/features", this.lastFeatures);
          if (this.lastOracle) osc.send("/moodwire/oracle/ir", this.lastOracle);
        }
        break;
      case "oracle":
        this.lastOracle = [event.ir, event.threshold, { type: "i", value: event.lrs }];
        break;
      case "motif":
        osc.send("/moodwire/oracle/motif", [event.start, event.length, event.earlierStart]);
        break;
      case "sound":
        // The labels say what the probabilities are: sent again at once when a new model brings others.
        if (event.time >= this.nextLabels || event.labels !== this.lastLabels) {
          this.nextLabels = event.time + LABELS_PERIOD;
          this.lastLabels = event.labels;
          osc.send("/moodwire/sound/labels", event.labels);
        }
        osc.send("/moodwire/sound/probabilities", event.probabilities);
        break;
      case "soundEvent":
        osc.send("/moodwire/sound/event", [event.label, { type: "i", value: event.phase === "start" ? 1 : 0 }, event.confidence]);
        break;
      case "emotion":
        osc.send("/moodwire/music/emotion", [event.valence, event.arousal, event.quadrant, event.emotion, event.confidence]);
        if (event.cues) osc.send("/moodwire/music/cues", CUE_NAMES.map((name) => event.cues![name] ?? 0));
        break;
      case "face":
        if (event.found !== this.lastFound) {
          this.lastFound = event.found;
          osc.send("/moodwire/face/found", [{ type: "i", value: event.found ? 1 : 0 }]);
        }
        if (event.changed || event.time >= this.nextFaceState) {
          this.nextFaceState = event.time + FACE_STATE_PERIOD;
          osc.send("/moodwire/face/state", [event.emotion, event.confidence]);
        }
        if (event.found) osc.send("/moodwire/face/au", AU_ORDER.map((k) => event.au[k]));
        break;
      case "affect": {
        const s = event.state;
        osc.send("/moodwire/affect", [s.valence, s.arousal, s.quadrant, s.emotion, s.confidence]);
        const sources = s.sources.join(" ");
        if (sources !== this.lastSources) {
          this.lastSources = sources;
          osc.send("/moodwire/affect/sources", s.sources.length > 0 ? s.sources : ["none"]);
        }
        break;
      }
      case "output":
        break;
    }
  }

  health(h: EngineHealth): void {
    const stageErrors = h.stages.reduce((n, s) => n + s.errors, 0);
    this.osc.send("/moodwire/health", [h.input.callbackLoad, { type: "i", value: h.input.droppedFrames }, { type: "i", value: h.input.errors }, { type: "i", value: stageErrors }]);
  }
}
