// The README documents what the code does: its OSC table is the publisher's table, row
// for row, so a changed address, argument list or rate cannot go undocumented; its score
// tables of the shipped models are the scores in their metadata, so a new model cannot ship
// under old numbers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OSC_ADDRESSES } from "../src/engine/osc-publisher.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("lists the OSC address space exactly as the engine sends it", () => {
    const section = readme.slice(readme.indexOf("### OSC address space"));
    const body = section.slice(0, section.indexOf("\n### ", 5));
    const rows = body.split("\n").filter((l) => l.startsWith("| `/moodwire/"));
    expect(rows).toEqual(OSC_ADDRESSES.map((a) => `| \`${a.address}\` | ${a.args} | ${a.rate} |`));
  });
});

/** The shipped model's metadata (moodwire's, inside model.json's userDefinedMetadata). */
function shippedMetadata(folder: string): any {
  return JSON.parse(readFileSync(new URL(`../models/${folder}/model.json`, import.meta.url), "utf8")).userDefinedMetadata;
}

/** The table rows that follow `heading` in the README, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const at = readme.indexOf(heading);
  expect(at, `README has "${heading}"`).toBeGreaterThan(-1);
  const lines = readme.slice(at).split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|").slice(1, -1).map((c) => c.trim().replace(/\*\*/g, "")));
  }
  return rows;
}

const f3 = (x: number) => x.toFixed(3);
const f2 = (x: number) => x.toFixed(2);

describe("the README's scores are the shipped models' own", () => {
  it("sound events: every class's segment F1 (P / R), event F1 and on threshold, and the micro row", () => {
    const meta = shippedMetadata("sed");
    const { segment, event } = meta.evaluation.scores;
    const expected = meta.classes.map((label: string) => {
      const s = segment.classes[label];
      const on = meta.eventRule.classes?.[label]?.on ?? meta.eventRule.on;
      return [label, `${f3(s.f1)} (${f2(s.precision)} / ${f2(s.recall)})`, f3(event.classes[label].f1), String(on)];
    });
    expected.push(["micro", `${f3(segment.micro.f1)} (P ${f2(segment.micro.precision)}, R ${f2(segment.micro.recall)})`, f3(event.micro.f1), ""]);
    expect(tableAfter("The shipped model, `models/sed/`")).toEqual(expected);
  });

  it("music emotion: the model's and the baseline's row, and the confusion matrix", () => {
    const { model, baseline } = shippedMetadata("emotion").evaluation;
    const row = (s: any) => [f3(s.valence.rmse), f3(s.valence.r2), f3(s.arousal.rmse), f3(s.arousal.r2), f3(s.quadrantAccuracy)];
    const rows = tableAfter("The shipped model, `models/emotion/`");
    expect(rows[0]!.slice(1)).toEqual(row(model));
    expect(rows[1]!.slice(1)).toEqual(row(baseline));
    const confusion = tableAfter("Model confusion on the test windows");
    expect(confusion.map((r) => r.slice(1).map((c) => Number(c.replace(/,/g, ""))))).toEqual(model.confusion);
  });
});
