// The oracle as a picture: the IR curve over time on top and, below it, the
// repeated patterns drawn as in the VMO papers (one row per pattern, a bar for each
// occurrence). SVG as text; PNG through resvg.

import type { Pattern } from "./analysis.ts";

export interface OraclePlotData {
  /** IR per frame ('cum'). */
  ir: number[];
  patterns: Pattern[];
  /** Seconds per frame (hop / sample rate), or 1 to plot in frames. */
  secondsPerFrame: number;
  title: string;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function oraclePlotSvg({ ir, patterns, secondsPerFrame, title }: OraclePlotData): string {
  const width = 1000, left = 60, right = 20, top = 40, irHeight = 220, gap = 50;
  const rowHeight = Math.max(4, Math.min(16, 300 / Math.max(1, patterns.length)));
  const patternHeight = Math.max(40, patterns.length * rowHeight);
  const height = top + irHeight + gap + patternHeight + 40;
  const frames = Math.max(1, ir.length);
  const plotWidth = width - left - right;
  const x = (frame: number) => left + (frame / frames) * plotWidth;
  const maxIr = Math.max(1e-9, ...ir);
  const y = (v: number) => top + irHeight - (v / maxIr) * irHeight;
  const unit = secondsPerFrame === 1 ? "frame" : "s";
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`);
  // IR panel.
  out.push(`<rect x="${left}" y="${top}" width="${plotWidth}" height="${irHeight}" fill="#f7f7f7" stroke="#999"/>`);
  const path = ir.map((v, f) => `${f === 0 ? "M" : "L"}${x(f).toFixed(1)},${y(v).toFixed(1)}`).join("");
  out.push(`<path d="${path}" fill="none" stroke="#1f6fb4" stroke-width="1.2"/>`);
  out.push(`<text x="${left - 8}" y="${top + 10}" text-anchor="end">${maxIr.toFixed(2)}</text>`);
  out.push(`<text x="${left - 8}" y="${top + irHeight}" text-anchor="end">0</text>`);
  out.push(`<text x="14" y="${top + irHeight / 2}" transform="rotate(-90 14 ${top + irHeight / 2})" text-anchor="middle">IR (bits)</text>`);
  // Pattern panel.
  const py = top + irHeight + gap;
  out.push(`<rect x="${left}" y="${py}" width="${plotWidth}" height="${patternHeight}" fill="#fbfbfb" stroke="#999"/>`);
  out.push(`<text x="14" y="${py + patternHeight / 2}" transform="rotate(-90 14 ${py + patternHeight / 2})" text-anchor="middle">pattern</text>`);
  const colors = ["#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f"];
  patterns.forEach(([ends, length], row) => {
    const ry = py + row * rowHeight + 1;
    for (const end of ends) {
      // State `end` is frame end-1; the occurrence covers frames end-length .. end-1.
      const x0 = x(end - length), x1 = x(end);
      out.push(`<rect x="${x0.toFixed(1)}" y="${ry.toFixed(1)}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${(rowHeight - 2).toFixed(1)}" fill="${colors[row % colors.length]}"><title>pattern ${row}: length ${length}, ends at state ${end}</title></rect>`);
    }
  });
  // Time axis.
  const axisY = py + patternHeight + 16;
  for (let k = 0; k <= 10; k++) {
    const f = (k / 10) * frames;
    const label = secondsPerFrame === 1 ? String(Math.round(f)) : (f * secondsPerFrame).toFixed(1);
    out.push(`<text x="${x(f).toFixed(1)}" y="${axisY}" text-anchor="middle">${label}</text>`);
  }
  out.push(`<text x="${left + plotWidth / 2}" y="${axisY + 18}" text-anchor="middle">time (${unit})</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}
