import { spawn } from "node:child_process";
import { mb, ms, percentile, type Row } from "./stats.ts";

interface ChartRun {
  firstMs: number;
  times: number[];
  before: number;
  afterFirst: number;
  after: number;
  afterMany: number;
}

/**
 * The progress picture (/progress): render time (SVG built and turned into a PNG) and the memory
 * that rendering adds to a process, measured in a process of its own (bench/chartProcess.ts): the
 * renderer and its fonts load with the first picture.
 */
export async function benchChart(): Promise<Row[]> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/chartProcess.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.on("exit", resolve));
  const run = JSON.parse(out) as ChartRun;
  const p50 = percentile(run.times, 50);
  return [
    {
      figure: "/progress picture render, p50 (960x600 PNG, 60 pictures)",
      value: ms(p50),
      target: "<= 50 ms",
      met: p50 <= 50,
    },
    { figure: "/progress picture render, p99", value: ms(percentile(run.times, 99)) },
    { figure: "/progress first picture (loads resvg and the font)", value: ms(run.firstMs) },
    { figure: "/progress memory added by the first picture", value: mb(run.afterFirst - run.before) },
    { figure: "/progress memory added after 61 pictures", value: mb(run.after - run.before) },
    { figure: "/progress memory added after 601 pictures", value: mb(run.afterMany - run.before) },
  ];
}
