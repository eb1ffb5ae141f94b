// Saving and loading tfjs models as plain files (model.json + weights.bin) without tfjs-node:
// the save handler receives the artifacts in memory and we write them; loading reads them back
// and hands them to tf.io.fromMemory. Moodwire's own metadata (classes, front end, scores)
// rides in model.json's userDefinedMetadata so one folder is one self-describing model.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTf, tf } from "./tf.ts";
import { ModelInputError } from "./errors.ts";

export const MODEL_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";

/** Writes model.json + weights.bin into dir (created if needed); returns the bytes written. */
export async function saveModel(model: tf.LayersModel, dir: string, metadata: object): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const json = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      userDefinedMetadata: metadata,
    };
    // Write beside, then rename: a reader never sees half a model.
    writeFileSync(join(dir, WEIGHTS_FILE + ".tmp"), weights);
    writeFileSync(join(dir, MODEL_FILE + ".tmp"), JSON.stringify(json));
    renameSync(join(dir, WEIGHTS_FILE + ".tmp"), join(dir, WEIGHTS_FILE));
    renameSync(join(dir, MODEL_FILE + ".tmp"), join(dir, MODEL_FILE));
    bytes = weights.byteLength;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: bytes } };
  }));
  return bytes;
}

export interface LoadedModel<M> {
  model: tf.LayersModel;
  metadata: M;
}

/** Reads a folder written by saveModel. Errors name the folder and what is wrong. */
export async function loadModel<M = Record<string, unknown>>(dir: string): Promise<LoadedModel<M>> {
  await loadTf(); // a model is only usable on the backend moodwire runs (WASM)
  let json: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: M };
  let weights: Buffer;
  try {
    json = JSON.parse(readFileSync(join(dir, MODEL_FILE), "utf8"));
    weights = readFileSync(join(dir, WEIGHTS_FILE));
  } catch (error) {
    throw new ModelInputError(`cannot read a model from ${dir}: ${(error as Error).message}`);
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  return { model, metadata: (json.userDefinedMetadata ?? {}) as M };
}
