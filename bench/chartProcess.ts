// Run by bench/chart.ts in a process of its own, so the memory it reports is the picture's alone.
import { setImmediate as turn } from "node:timers/promises";
import { addDays } from "../src/core/dates.ts";
import { type ChartData, chartSvg } from "../src/engine/progress/chart.ts";
import { renderPng } from "../src/engine/progress/png.ts";

const rss = () => process.memoryUsage().rss;

/** A full picture: eight practice scores, ninety days of sessions, four plan phases. */
function sample(): ChartData {
  const start = "2026-09-01";
  const days = Array.from({ length: 90 }, (_, i) => addDays(start, i));
  return {
    title: "Step 2 CK: practice scores, target and exam day",
    subtitle:
      "Latest 248 on 20 Nov 2026  ·  target 255-260  ·  exam 1 Mar 2027 (93 days)  ·  projected 240-256",
    today: "2026-11-29",
    examDate: "2027-03-01",
    points: Array.from({ length: 8 }, (_, i) => ({
      date: addDays(start, i * 11),
      value: 222 + i * 3 + (i % 2),
    })),
    passing: [{ from: "2026-08-20", to: "2027-03-12", value: 218 }],
    target: { low: 255, high: 260 },
    projected: { low: 240, mid: 248, high: 256 },
    daily: days.map((day, i) => ({ day, questions: 40 + ((i * 7) % 45) })),
    average: days.map((day, i) => ({ day, average: 40 + (i % 20) })),
    phases: [
      { from: "2026-09-01", to: "2026-10-31", value: { name: "Foundation", min: 40, max: 60 } },
      { from: "2026-11-01", to: "2026-12-31", value: { name: "Build", min: 60, max: 80 } },
      { from: "2027-01-01", to: "2027-02-14", value: { name: "Sharpen", min: 60, max: 80 } },
      { from: "2027-02-15", to: "2027-02-28", value: { name: "Taper", min: 40, max: 60 } },
    ],
  };
}

const before = rss();
const data = sample();
let started = performance.now();
renderPng(chartSvg(data));
const firstMs = performance.now() - started;
const afterFirst = rss();
const times: number[] = [];
for (let i = 0; i < 60; i++) {
  // A turn of the event loop between pictures, as between two people asking for one.
  await turn();
  started = performance.now();
  renderPng(chartSvg(data));
  times.push(performance.now() - started);
}
await turn();
console.log(JSON.stringify({ firstMs, times, before, afterFirst, after: rss() }));
