// Audio at any sample rate in, a model's feature frames out: the streaming resampler (when
// the rates differ) followed by a FeatureExtractor. Shared by the live detectors
// (SoundEventDetector, EmotionTracker) so each only decides what to do with a frame.

import type { RowSink } from "./kernels.ts";
import { Resampler } from "./resample.ts";

/** What an AudioFeed drives: a FeatureExtractor, or an analysis built of several. */
export interface FrameSource {
  readonly config: { readonly sampleRate: number };
  push(samples: Float32Array, onRow: RowSink): unknown;
}

export class AudioFeed {
  private readonly extractor: FrameSource;
  private readonly resampler?: Resampler;
  private readonly onRow: RowSink;
  private readonly onResampled: (block: Float32Array) => void;

  constructor(inputRate: number, extractor: FrameSource, onRow: RowSink) {
    this.extractor = extractor;
    this.onRow = onRow;
    if (inputRate !== extractor.config.sampleRate) this.resampler = new Resampler(inputRate, extractor.config.sampleRate);
    this.onResampled = (block) => { this.extractor.push(block, this.onRow); };
  }

  push(samples: Float32Array): void {
    if (this.resampler) this.resampler.push(samples, this.onResampled);
    else this.extractor.push(samples, this.onRow);
  }
}
