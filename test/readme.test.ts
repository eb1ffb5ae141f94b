// The README documents what the code does: its OSC table is the publisher's table, row
// for row, so a changed address, argument list or rate cannot go undocumented.
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
