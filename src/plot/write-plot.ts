// Writing a plot: SVG as it is, or PNG rendered with resvg, chosen by the file's extension.
// Shared by the oracle plot and the emotion trajectory.

import { writeFile } from "node:fs/promises";

/** Renders SVG markup to PNG bytes. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  return new Resvg(svg, { font: { loadSystemFonts: true }, background: "white" }).render().asPng();
}

/** Writes `svg` to `path`, as PNG when the name ends in .png. */
export async function writePlot(path: string, svg: string): Promise<void> {
  await writeFile(path, /\.png$/i.test(path) ? await svgToPng(svg) : svg);
}
