/** Percentile of sorted-or-not samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The most events within any `windowMs` (a sliding window starting at each event). */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && (sorted[end] ?? 0) - (sorted[start] ?? 0) < windowMs) end++;
    peak = Math.max(peak, end - start);
  }
  return peak;
}

export interface Row {
  figure: string;
  value: string;
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  met?: boolean;
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Prints rows as an aligned table with a verdict column. */
export function printTable(rows: readonly Row[]): void {
  const header: Row = { figure: "Figure", value: "Measured", target: "Target" };
  const width = (key: "figure" | "value" | "target") =>
    Math.max(...[header, ...rows].map((r) => (r[key] ?? "").length));
  const [w1, w2, w3] = [width("figure"), width("value"), width("target")];
  const line = (r: Row, verdict: string) =>
    `${r.figure.padEnd(w1)}  ${r.value.padStart(w2)}  ${(r.target ?? "").padEnd(w3)}  ${verdict}`;
  console.log(line(header, "Met?"));
  console.log("-".repeat(w1 + w2 + w3 + 12));
  for (const row of rows) console.log(line(row, row.met === undefined ? "" : row.met ? "yes" : "NO"));
}
