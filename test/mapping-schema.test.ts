// The published JSON Schema (mappings/mapping.schema.json) and moodwire's own
// validator must agree: on the shipped examples and on typical mistakes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { checkMapping } from "../src/mapping/mapping.ts";

const Ajv2020 = createRequire(import.meta.url)("ajv/dist/2020") as new (o: object) => { compile(s: object): ((d: unknown) => boolean) };
const schema = JSON.parse(readFileSync("mappings/mapping.schema.json", "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const cases: [string, unknown][] = [
  ["emotion example", JSON.parse(readFileSync("mappings/emotion-program.json", "utf8"))],
  ["mouth example", JSON.parse(readFileSync("mappings/mouth-notes.json", "utf8"))],
  ["unknown signal", { routes: [{ from: "face.nose", to: { midi: "cc", controller: 1 } }] }],
  ["channel 0", { routes: [{ from: "face.au.AU12", to: { midi: "cc", channel: 0, controller: 1 } }] }],
  ["no controller", { routes: [{ from: "face.au.AU12", to: { midi: "cc" } }] }],
  ["unknown setting", { routes: [{ from: "face.au.AU12", speed: 2, to: { midi: "cc", controller: 1 } }] }],
  ["bad curve", { routes: [{ from: "face.au.AU12", curve: "cubic", to: { midi: "cc", controller: 1 } }] }],
  ["osc without slash", { routes: [{ from: "face.state", to: { osc: "style" } }] }],
  ["midi and wek sources", { routes: [{ from: "midi.cc.74", to: { midi: "pitchbend" } }, { from: "wek.3", to: { osc: "/w" } }] }],
  ["no routes", { route: [] }],
];

describe("the published mapping schema agrees with moodwire's validator", () => {
  it.each(cases)("%s", (_name, mapping) => {
    expect(validate(mapping)).toBe(checkMapping(mapping).length === 0);
  });
});
