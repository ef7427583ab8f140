import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/core/dates.ts";
import {
  type ChartData,
  COLOURS,
  chartLayout,
  chartSvg,
  HEIGHT,
  WIDTH,
} from "../../src/engine/progress/chart.ts";
import { renderPng } from "../../src/engine/progress/png.ts";

/**
 * The picture itself: decoded, and checked where the data says each mark must be (the layout is
 * the chart's own scale functions), by the colour of the pixels there.
 */

type Rgb = [number, number, number];

const rgb = (hex: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;

function pixel(png: PNG, x: number, y: number): Rgb {
  const at = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[at] ?? 0, png.data[at + 1] ?? 0, png.data[at + 2] ?? 0];
}

const close = (a: Rgb, b: Rgb, tolerance = 12): boolean =>
  a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tolerance);

/** Whether a pixel within `radius` of (x, y) has the colour: lines are anti-aliased at their edges. */
function colourNear(png: PNG, x: number, y: number, hex: string, radius = 1): boolean {
  for (let dx = -radius; dx <= radius; dx++) {
    for (let dy = -radius; dy <= radius; dy++) if (close(pixel(png, x + dx, y + dy), rgb(hex))) return true;
  }
  return false;
}

const days = (from: string, count: number) => Array.from({ length: count }, (_, i) => addDays(from, i));

/** Four practice scores rising towards a target band, two weeks of logged days, an exam in March. */
const DATA: ChartData = {
  title: "Step 2 CK: practice scores, target and exam day",
  subtitle: "Latest 246 on 24 Nov 2026",
  today: "2026-11-28",
  examDate: "2027-03-01",
  points: [
    { date: "2026-10-05", value: 228 },
    { date: "2026-10-26", value: 236 },
    { date: "2026-11-09", value: 241 },
    { date: "2026-11-24", value: 246 },
  ],
  passing: [{ from: "2026-10-01", to: "2027-03-12", value: 218 }],
  target: { low: 255, high: 260 },
  projected: { low: 238, mid: 246, high: 254 },
  daily: days("2026-11-14", 14).map((day) => ({ day, questions: 50 })),
  average: days("2026-11-14", 15).map((day, i) => ({ day, average: (Math.min(i + 1, 7) * 50) / 7 })),
  phases: [{ from: "2026-11-14", to: "2027-01-13", value: { name: "Foundation", min: 40, max: 60 } }],
};

describe("the progress picture", () => {
  let png: PNG;
  const layout = chartLayout(DATA);
  const { x, y, q } = layout;

  beforeAll(() => {
    png = PNG.sync.read(Buffer.from(renderPng(chartSvg(DATA))));
  });

  it("GIVEN the data THEN it is a PNG of the chart's size", () => {
    expect([png.width, png.height]).toEqual([WIDTH, HEIGHT]);
  });

  it("GIVEN four practice scores THEN a score dot is drawn at each one's date and value", () => {
    for (const point of DATA.points) {
      expect(close(pixel(png, x(point.date), y(point.value)), rgb(COLOURS.score)), point.date).toBe(true);
      // And not 20 points higher: the dot is where the data says, not merely somewhere.
      expect(close(pixel(png, x(point.date), y(point.value + 20)), rgb(COLOURS.score)), point.date).toBe(
        false,
      );
    }
  });

  it("GIVEN a passing standard of 218 THEN the red line runs at 218 across the time axis", () => {
    for (const day of ["2026-10-15", "2026-12-20", "2027-02-10"]) {
      expect(colourNear(png, x(day), y(218), COLOURS.passing), day).toBe(true);
      expect(colourNear(png, x(day), y(228), COLOURS.passing, 2), day).toBe(false);
    }
  });

  it("GIVEN a target of 255-260 THEN the band is filled between those scores and nowhere below", () => {
    for (const day of ["2026-10-20", "2026-12-15", "2027-01-10"]) {
      expect(close(pixel(png, x(day), y(257.5)), rgb(COLOURS.target)), day).toBe(true);
      expect(close(pixel(png, x(day), y(250)), rgb(COLOURS.target)), day).toBe(false);
    }
  });

  it("GIVEN the exam date and the projected band THEN the exam line stands at the date and the band spans 238-254 there", () => {
    const xe = x(DATA.examDate);
    expect(colourNear(png, xe, y(225), COLOURS.exam)).toBe(true);
    expect(colourNear(png, xe, q(20), COLOURS.exam)).toBe(true);
    expect(colourNear(png, x("2027-02-01"), y(225), COLOURS.exam, 2)).toBe(false);
    for (const score of [240, 244, 250, 253]) {
      expect(close(pixel(png, xe + 6, y(score)), rgb(COLOURS.projected)), String(score)).toBe(true);
    }
    expect(close(pixel(png, xe + 6, y(234)), rgb(COLOURS.projected))).toBe(false);
  });

  it("GIVEN two weeks of 50 questions a day THEN the 7-day average line reaches 50 and sits in the plan's 40-60 range", () => {
    const dayWidth = x("2026-11-02") - x("2026-11-01");
    expect(colourNear(png, x("2026-11-26") + dayWidth / 2, q(50), COLOURS.average)).toBe(true);
    // The shaded phase range, ahead of the logged days.
    expect(close(pixel(png, x("2026-12-20"), q(50)), rgb(COLOURS.phase))).toBe(true);
    expect(close(pixel(png, x("2026-12-20"), q(70)), rgb(COLOURS.phase))).toBe(false);
  });

  it("GIVEN no system fonts (only the packaged Inter) THEN the title's text is drawn", () => {
    let dark = 0;
    for (let py = 14; py < 42; py++) {
      for (let px = 72; px < 500; px++) if (pixel(png, px, py).every((v) => v < 80)) dark++;
    }
    expect(dark).toBeGreaterThan(500);
  });

  it("GIVEN the same data twice THEN the same bytes (a pure function of the data)", () => {
    expect(Buffer.from(renderPng(chartSvg(DATA)))).toEqual(Buffer.from(renderPng(chartSvg(DATA))));
  });
});
