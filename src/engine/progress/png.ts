import { createRequire } from "node:module";
import type { LRUCache } from "lru-cache";

/**
 * SVG to PNG with resvg (@resvg/resvg-js: resvg's Rust renderer, prebuilt inside its npm platform
 * package), loaded on the first picture only: a bot that is never asked for one never maps it.
 * Text uses Inter from @expo-google-fonts/inter (TTF files in an npm package), never the system's
 * fonts, so a fresh machine with no fonts at all renders the same picture, byte for byte.
 */

type Resvg = typeof import("@resvg/resvg-js");

const require = createRequire(import.meta.url);
let resvg: Resvg | undefined;
let fonts: string[] | undefined;

function options() {
  fonts ??= ["400Regular/Inter_400Regular.ttf", "600SemiBold/Inter_600SemiBold.ttf"].map((file) =>
    require.resolve(`@expo-google-fonts/inter/${file}`),
  );
  return {
    font: { fontFiles: fonts, loadSystemFonts: false, defaultFontFamily: "Inter" },
    shapeRendering: 2 as const,
    textRendering: 1 as const,
  };
}

/** A label as chart.ts writes it: position, then its other attributes, then its (escaped) text. */
const LABEL = /<text x="([^"]+)" y="([^"]+)"([^>]*)>([^<]*)<\/text>/g;

/**
 * Labels as outlines, by their attributes and text (not their position). resvg lays text out anew
 * on every render, and that is most of a picture's cost; the labels repeat from one picture to the
 * next (axis ticks, months, the legend), so each is laid out once and reused as paths.
 */
let outlines: LRUCache<string, string> | undefined;

/** The outline cache, made with the first picture like the renderer (a bot never asked for one never loads it). */
function outlineCache(): LRUCache<string, string> {
  if (!outlines) {
    const { LRUCache: Cache } = require("lru-cache") as typeof import("lru-cache");
    outlines = new Cache<string, string>({
      // Outlines are long path strings (a dated subtitle is tens of KB): bound them by size, not
      // count, so the labels every picture shares stay and one-off ones (scores, countdowns) go.
      maxSize: 2_000_000,
      sizeCalculation: (outline, key) => outline.length + key.length,
    });
  }
  return outlines;
}

/** Lays out the labels not seen before, all in one pass, and keeps their outlines. */
function outline(keys: readonly string[], renderer: Resvg): Map<string, string> {
  const groups = keys.map((key, i) => {
    const split = key.indexOf(">");
    return `<g id="t${i}"><text x="0" y="0"${key.slice(0, split)}>${key.slice(split + 1)}</text></g>`;
  });
  const batch = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" font-family="Inter">${groups.join("")}</svg>`;
  // resvg writes the SVG back with text turned into paths, each label in its own group.
  const written = new renderer.Resvg(batch, options()).toString();
  const found = new Map<number, string>();
  for (const match of written.matchAll(/<g id="t(\d+)">([\s\S]*?)<\/g>\s*(?=<g id="t\d+">|<\/svg>)/g)) {
    found.set(Number(match[1]), match[2] ?? "");
  }
  // A label with nothing to draw (spaces) has no group: it stays empty.
  const paths = new Map(keys.map((key, i) => [key, found.get(i) ?? ""] as const));
  const cache = outlineCache();
  for (const [key, path] of paths) cache.set(key, path);
  // Returned too: a picture's own labels are drawn even when the cache had no room to keep them.
  return paths;
}

/** The picture as PNG bytes. */
export function renderPng(svg: string): Uint8Array {
  resvg ??= require("@resvg/resvg-js") as Resvg;
  const keyOf = (attributes: string, text: string) => `${attributes}>${text}`;
  const labels = new Set(
    [...svg.matchAll(LABEL)].map(([, , , attributes = "", text = ""]) => keyOf(attributes, text)),
  );
  const cache = outlineCache();
  const missing = [...labels].filter((key) => !cache.has(key));
  const laidOut = missing.length > 0 ? outline(missing, resvg) : new Map<string, string>();
  const drawn = svg.replace(
    LABEL,
    (_label, x: string, y: string, attributes: string, text: string) =>
      `<g transform="translate(${x} ${y})">${laidOut.get(keyOf(attributes, text)) ?? cache.get(keyOf(attributes, text)) ?? ""}</g>`,
  );
  return new Uint8Array(new resvg.Resvg(drawn, options()).render().asPng());
}
