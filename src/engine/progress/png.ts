import { createRequire } from "node:module";

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

/** The picture as PNG bytes. */
export function renderPng(svg: string): Uint8Array {
  resvg ??= require("@resvg/resvg-js") as Resvg;
  fonts ??= ["400Regular/Inter_400Regular.ttf", "600SemiBold/Inter_600SemiBold.ttf"].map((file) =>
    require.resolve(`@expo-google-fonts/inter/${file}`),
  );
  const rendered = new resvg.Resvg(svg, {
    font: { fontFiles: fonts, loadSystemFonts: false, defaultFontFamily: "Inter" },
    shapeRendering: 2,
    textRendering: 1,
  }).render();
  return new Uint8Array(rendered.asPng());
}
