// The WASM oracle against the original Python vmo 0.30.5 (../shared/reference/vmo).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { arange, buildOracle, findRepeatedPatterns, findThreshold, oracleToJson } from "../src/oracle/analysis.ts";
import { SHARED_DIR } from "./reference.ts";

const VMO = SHARED_DIR.replace(/\/?$/, "/") + "reference/vmo/";
const read = (f: string) => JSON.parse(readFileSync(VMO + f, "utf8"));
const features: number[][] = read("input_chroma300.json").features;
const summary = read("summary.json");

const cases = (["cosine", "euclidean"] as const).flatMap((dfunc) => ["0.05", "0.1", "0.2", "0.4"].map((t) => [dfunc, t] as const));

describe.each(cases)("oracle %s threshold %s", (dfunc, t) => {
  const ref = read(`oracle_${dfunc}_t${t}.json`);
  const o = buildOracle(features, Number(t), dfunc);
  const out = oracleToJson(o, 1);

  it("has the same links, lrs and clusters", () => {
    expect(out.n_states).toBe(ref.n_states);
    expect(out.num_clusters).toBe(ref.num_clusters);
    expect(out.sfx).toEqual(ref.sfx);
    expect(out.lrs).toEqual(ref.lrs);
    expect(out.trn).toEqual(ref.trn);
    expect(out.rsfx).toEqual(ref.rsfx);
    expect(out.data_symbol).toEqual(ref.data_symbol);
  });

  it("has the same Compror code", () => {
    expect(out.code).toEqual(ref.code);
  });

  it.each(["cum", "cum3"] as const)("has the same %s IR to 1e-9, frame by frame and in total", (type) => {
    const mine = out.ir[type].ir, theirs: number[] = ref.ir[type].ir;
    expect(mine.length).toBe(theirs.length);
    mine.forEach((v, f) => expect(Math.abs(v - theirs[f]!), `frame ${f}`).toBeLessThan(1e-9));
    expect(Math.abs(out.ir[type].total - ref.ir[type].total)).toBeLessThan(1e-9);
  });

  it.each([1, 4])("finds the same repeated patterns (lower %i)", (lower) => {
    expect(findRepeatedPatterns(o, lower)).toEqual(ref[`find_repeated_patterns_lower${lower}`]);
  });

  it("settles cum IR only when blocks close, and cum3 at once (vmo's prefix check)", () => {
    for (const [prefix, check] of Object.entries(ref.prefix_check) as [string, { cum_ir_frames_differing_0based: number[] }][]) {
      const p = buildOracle(features.slice(0, Number(prefix)), Number(t), dfunc);
      const full = out.ir.cum.ir;
      const differing = Array.from({ length: Number(prefix) }, (_, f) => f).filter((f) => Math.abs(p.irCumOf(f)! - full[f]!) > 1e-12);
      expect(differing).toEqual(check.cum_ir_frames_differing_0based);
      for (let f = 0; f < Number(prefix); f++) expect(p.irCum3Of(f)).toBe(out.ir.cum3.ir[f]);
    }
  });
});

describe("find_threshold", () => {
  const grids = [["find_threshold_default_r"], ["find_threshold_r_0_1_0.01"], ["find_threshold_r_0.05_0.45_0.05"]] as const;
  describe.each(["cosine", "euclidean"] as const)("%s", (dfunc) => {
    it.each(grids)("%s selects vmo's threshold from the same totals", (key) => {
      const ref = summary.results[dfunc][key];
      const grid = ref.r as [number, number, number];
      expect(arange(...grid)).toEqual(ref.thresholds_tested);
      const search = findThreshold(features, grid, dfunc);
      search.tried.forEach(([theta, total], k) => {
        expect(theta).toBe(ref.thresholds_tested[k]);
        expect(Math.abs(total - ref.total_ir[k]), `theta ${theta}`).toBeLessThan(1e-9);
      });
      expect(search.threshold).toBe(ref.selected.threshold);
      expect(Math.abs(search.total_ir - ref.selected.total_ir)).toBeLessThan(1e-9);
    });
  });
});
