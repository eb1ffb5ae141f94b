// RQA on the oracle's recurrence, against measures computed on vmo's own
// self-similarity matrices (../shared/reference/vmo/rqa_from_vmo_selfsim.json).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOracle } from "../src/oracle/analysis.ts";
import { recurrenceMatrix, rqa, type RecurrenceMethod } from "../src/oracle/recurrence.ts";
import { SHARED_DIR } from "./reference.ts";

const VMO = SHARED_DIR.replace(/\/?$/, "/") + "reference/vmo/";
const reference = JSON.parse(readFileSync(VMO + "rqa_from_vmo_selfsim.json", "utf8"));
const features: number[][] = JSON.parse(readFileSync(VMO + "input_chroma300.json", "utf8")).features;

const cases = Object.entries(reference.results as Record<string, Record<RecurrenceMethod, Record<string, number>>>).flatMap(([name, methods]) =>
  Object.entries(methods).map(([method, measures]) => [name, method as RecurrenceMethod, measures] as const));

describe("RQA of the oracle's recurrence", () => {
  it.each(cases)("%s %s", (name, method, expected) => {
    const [dfunc, t] = name.split("_t") as ["cosine" | "euclidean", string];
    const o = buildOracle(features, Number(t), dfunc);
    const measures = rqa(recurrenceMatrix(o, method), reference.lmin, reference.vmin);
    for (const [key, value] of Object.entries(expected)) {
      expect(Math.abs((measures as unknown as Record<string, number>)[key]! - value), key).toBeLessThan(1e-9);
    }
  });
});
