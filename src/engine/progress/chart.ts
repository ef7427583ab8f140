import { addDays, daysBetween } from "../../core/dates.ts";

/**
 * The progress picture as SVG, built as a string: a pure function of the data, so tests can compute
 * where each mark must be (`chartLayout`) and check the rendered pixels there. Two panels share the
 * time axis: practice scores above (passing standard, target band, exam day, projected band), daily
 * questions below (7-day average against the plan's phase ranges).
 */

export interface ScorePoint {
  date: string;
  value: number;
}

export interface Span<T> {
  from: string;
  /** Inclusive. */
  to: string;
  value: T;
}

export interface ChartData {
  title: string;
  subtitle: string;
  today: string;
  examDate: string;
  points: ScorePoint[];
  /** The passing standard in force on each day of the picture, as spans of one value. */
  passing: Array<Span<number>>;
  target?: { low: number; high: number };
  projected?: { low: number; mid: number; high: number };
  /** Questions logged per day, and the 7-day average on each day up to today. */
  daily: Array<{ day: string; questions: number }>;
  average: Array<{ day: string; average: number }>;
  phases: Array<Span<{ name: string; min: number; max: number }>>;
}

export const WIDTH = 960;
export const HEIGHT = 600;

/** The picture's colours: distinct, so a test can tell each mark by the colour of its pixels. */
export const COLOURS = {
  background: "#ffffff",
  grid: "#e5e7eb",
  axisText: "#4b5563",
  score: "#1565c0",
  passing: "#d32f2f",
  target: "#c8ecd2",
  targetText: "#1e7d3a",
  exam: "#7b1fa2",
  projected: "#f59e0b",
  projectedEdge: "#b45309",
  today: "#9ca3af",
  bars: "#cbd5e1",
  average: "#00897b",
  phase: "#ffedc2",
  phaseText: "#8a6d1d",
  title: "#111827",
} as const;

const PLOT = { left: 72, right: 800, top: 100, bottom: 380 } as const;
const QUESTIONS = { top: 430, bottom: 530 } as const;

export interface Layout {
  /** The first and last day of the time axis. */
  start: string;
  end: string;
  x(day: string): number;
  /** Score panel: y of a score. */
  y(score: number): number;
  /** Questions panel: y of a count of questions. */
  q(questions: number): number;
  scoreTicks: number[];
  questionTicks: number[];
  plot: typeof PLOT;
  questions: typeof QUESTIONS;
}

const niceStep = (span: number, ticks: number): number => {
  const raw = span / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
};

/** The time axis: from a little before the first day shown to a little after the exam. */
export function timeAxis(examDate: string, days: readonly string[]): { start: string; end: string } {
  const first = [...days, examDate].sort()[0] ?? examDate;
  const span = Math.max(14, daysBetween(first, examDate));
  return {
    start: addDays(first, -Math.ceil(span * 0.03) - 1),
    end: addDays(examDate, Math.ceil(span * 0.06) + 2),
  };
}

/** Where everything goes: the scales of both panels, from the data alone. */
export function chartLayout(data: ChartData): Layout {
  const { start, end } = timeAxis(data.examDate, [
    data.today,
    ...data.points.map((p) => p.date),
    ...data.daily.map((d) => d.day),
  ]);
  const span = daysBetween(start, end);
  // x runs for every bar and point: plain arithmetic on the UTC midnights, not a date library.
  const origin = Date.parse(start);
  const x = (day: string) =>
    PLOT.left + ((Date.parse(day) - origin) / 86_400_000 / span) * (PLOT.right - PLOT.left);

  const values = [
    ...data.points.map((p) => p.value),
    ...data.passing.map((p) => p.value),
    ...(data.target ? [data.target.low, data.target.high] : []),
    ...(data.projected ? [data.projected.low, data.projected.high] : []),
  ];
  const scoreStep = niceStep(Math.max(20, Math.max(...values) - Math.min(...values) + 16), 6);
  const low = Math.floor((Math.min(...values) - 8) / scoreStep) * scoreStep;
  const high = Math.ceil((Math.max(...values) + 8) / scoreStep) * scoreStep;
  const y = (score: number) => PLOT.bottom - ((score - low) / (high - low)) * (PLOT.bottom - PLOT.top);

  const most = Math.max(
    10,
    ...data.daily.map((d) => d.questions),
    ...data.average.map((a) => a.average),
    ...data.phases.map((p) => p.value.max),
  );
  const questionStep = niceStep(most, 3);
  const top = Math.ceil((most * 1.05) / questionStep) * questionStep;
  const q = (n: number) => QUESTIONS.bottom - (n / top) * (QUESTIONS.bottom - QUESTIONS.top);

  const ticks = (from: number, to: number, step: number) =>
    Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);
  return {
    start,
    end,
    x,
    y,
    q,
    scoreTicks: ticks(low, high, scoreStep),
    questionTicks: ticks(0, top, questionStep),
    plot: PLOT,
    questions: QUESTIONS,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "1 Mar 2027". */
export function shortDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return `${date} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

const xmlText = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const n = (value: number): string => String(Math.round(value * 10) / 10);

interface TextOptions {
  size?: number;
  fill?: string;
  anchor?: "start" | "middle" | "end";
  weight?: 400 | 600;
  /** A white halo under the label, for labels drawn over bars, bands or lines (it costs render time). */
  halo?: boolean;
}

function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const { size = 13, fill = COLOURS.axisText, anchor = "start", weight = 400, halo = false } = options;
  const under = halo ? ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' : "";
  return `<text x="${n(x)}" y="${n(y)}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}"${under}>${xmlText(content)}</text>`;
}

const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, width: number, dash?: string) =>
  `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;

// Rectangles are axis-aligned: crisp edges keep bars and bands sharp, without half-shaded pixels.
const rect = (x: number, y: number, w: number, h: number, fill: string, extra = "") =>
  `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}" shape-rendering="crispEdges"${extra}/>`;

/** The month starts on the time axis, labelled ("Dec", "Jan 2027"). */
function monthLabels(layout: Layout): string[] {
  const out: string[] = [];
  let [year = 0, month = 1] = layout.start.split("-").map(Number);
  for (;;) {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    const day = `${year}-${String(month).padStart(2, "0")}-01`;
    if (day > layout.end) return out;
    const x = layout.x(day);
    out.push(line(x, QUESTIONS.bottom, x, QUESTIONS.bottom + 5, COLOURS.axisText, 1));
    out.push(
      text(x, QUESTIONS.bottom + 20, month === 1 ? `Jan ${year}` : (MONTHS[month - 1] ?? ""), {
        anchor: "middle",
      }),
    );
  }
}

/** A panel's horizontal grid lines, each labelled with its value on the left. */
function grid(ticks: readonly number[], at: (value: number) => number): string[] {
  return ticks.flatMap((tick) => [
    line(PLOT.left, at(tick), PLOT.right, at(tick), COLOURS.grid, 1),
    text(PLOT.left - 8, at(tick) + 4, String(tick), { anchor: "end" }),
  ]);
}

/** The score panel's background: grid, target band and passing standard. */
function scoreBackground(data: ChartData, layout: Layout): string[] {
  const { x, y } = layout;
  const out: string[] = [];
  out.push(...grid(layout.scoreTicks, y));
  if (data.target) {
    const { low, high } = data.target;
    const top = y(high);
    out.push(
      rect(
        PLOT.left,
        top - (low === high ? 2 : 0),
        PLOT.right - PLOT.left,
        Math.max(4, y(low) - top),
        COLOURS.target,
      ),
    );
    out.push(
      text(PLOT.right + 8, (top + y(low)) / 2 - 2, "Target", { fill: COLOURS.targetText, weight: 600 }),
    );
    out.push(
      text(PLOT.right + 8, (top + y(low)) / 2 + 14, low === high ? String(low) : `${low}-${high}`, {
        fill: COLOURS.targetText,
      }),
    );
  }
  const steps = data.passing.flatMap((span) => [
    `${n(Math.max(PLOT.left, x(span.from)))},${n(y(span.value))}`,
    `${n(Math.min(PLOT.right, x(addDays(span.to, 1))))},${n(y(span.value))}`,
  ]);
  out.push(
    `<polyline points="${steps.join(" ")}" fill="none" stroke="${COLOURS.passing}" stroke-width="3"/>`,
  );
  const lastPassing = data.passing.at(-1);
  if (lastPassing) {
    out.push(
      text(PLOT.right + 8, y(lastPassing.value) + 4, `Passing ${lastPassing.value}`, {
        fill: COLOURS.passing,
        weight: 600,
      }),
    );
  }
  return out;
}

/** The score panel's marks, drawn over the exam-day line: the projected band and the scores. */
function scoreMarks(data: ChartData, layout: Layout): string[] {
  const { x, y } = layout;
  const out: string[] = [];
  const last = data.points.at(-1);
  if (data.projected) {
    const { low, mid, high } = data.projected;
    const xe = x(data.examDate);
    if (last) out.push(line(x(last.date), y(last.value), xe, y(mid), COLOURS.projectedEdge, 2, "5 5"));
    out.push(
      rect(
        xe - 10,
        y(high),
        20,
        y(low) - y(high),
        COLOURS.projected,
        ` stroke="${COLOURS.projectedEdge}" stroke-width="1.5"`,
      ),
    );
    out.push(line(xe - 14, y(mid), xe + 14, y(mid), COLOURS.projectedEdge, 3));
    out.push(
      text(xe - 16, y(high) - 8, `Projected ${low}-${high}`, {
        fill: COLOURS.projectedEdge,
        anchor: "end",
        weight: 600,
        halo: true,
      }),
    );
  }
  if (data.points.length > 1) {
    const points = data.points.map((p) => `${n(x(p.date))},${n(y(p.value))}`).join(" ");
    out.push(
      `<polyline points="${points}" fill="none" stroke="${COLOURS.score}" stroke-width="3" stroke-linejoin="round"/>`,
    );
  }
  for (const point of data.points) {
    out.push(
      `<circle cx="${n(x(point.date))}" cy="${n(y(point.value))}" r="7" fill="${COLOURS.score}" stroke="#ffffff" stroke-width="2"/>`,
    );
    out.push(
      text(x(point.date), y(point.value) - 13, String(point.value), {
        fill: COLOURS.score,
        anchor: "middle",
        weight: 600,
        halo: true,
      }),
    );
  }
  return out;
}

function questionPanel(data: ChartData, layout: Layout): string[] {
  const { x, q } = layout;
  const out: string[] = [];
  out.push(...grid(layout.questionTicks, q));
  const labels: string[] = [];
  for (const phase of data.phases) {
    const left = Math.max(PLOT.left, x(phase.from));
    const right = Math.min(PLOT.right, x(addDays(phase.to, 1)));
    out.push(
      rect(left, q(phase.value.max), right - left, q(phase.value.min) - q(phase.value.max), COLOURS.phase),
    );
    if (right - left > 60) {
      const label = `${phase.value.name} ${phase.value.min}-${phase.value.max}/day`;
      // Past today's bar when the phase is under way, so the label covers no logged day.
      const at = Math.min(Math.max(left, x(addDays(data.today, 1))), right - 60) + 4;
      labels.push(text(at, q(phase.value.max) - 4, label, { size: 11, fill: COLOURS.phaseText, halo: true }));
    }
  }
  // Each day is the stretch from its start to the next day's on the axis; its bar sits inside it.
  const dayWidth = x(addDays(layout.start, 1)) - x(layout.start);
  const gap = dayWidth > 4 ? dayWidth * 0.15 : 0;
  for (const day of data.daily) {
    out.push(
      rect(
        x(day.day) + gap,
        q(day.questions),
        Math.max(1, dayWidth - 2 * gap),
        q(0) - q(day.questions),
        COLOURS.bars,
      ),
    );
  }
  if (data.average.length > 1) {
    const points = data.average.map((a) => `${n(x(a.day) + dayWidth / 2)},${n(q(a.average))}`).join(" ");
    out.push(
      `<polyline points="${points}" fill="none" stroke="${COLOURS.average}" stroke-width="2.5" stroke-linejoin="round"/>`,
    );
  }
  out.push(line(PLOT.left, q(0), PLOT.right, q(0), COLOURS.axisText, 1), ...labels);
  out.push(text(PLOT.left, QUESTIONS.top - 14, "Questions a day", { size: 12 }));
  return out;
}

function legend(): string[] {
  const items: Array<[string, string]> = [
    [COLOURS.score, "Practice score"],
    [COLOURS.passing, "Passing"],
    [COLOURS.target, "Target"],
    [COLOURS.projected, "Projected"],
    [COLOURS.exam, "Exam day"],
    [COLOURS.bars, "Questions"],
    [COLOURS.average, "7-day average"],
    [COLOURS.phase, "Plan's range"],
  ];
  let x = PLOT.left;
  return items.flatMap(([colour, label]) => {
    const mark = rect(x, 576, 14, 14, colour);
    const out = [mark, text(x + 20, 588, label, { size: 12 })];
    x += 34 + label.length * 6.6;
    return out;
  });
}

/** The whole picture as an SVG document. */
export function chartSvg(data: ChartData): string {
  const layout = chartLayout(data);
  const { x } = layout;
  const xToday = x(data.today);
  const xExam = x(data.examDate);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Inter">`,
    rect(0, 0, WIDTH, HEIGHT, COLOURS.background),
    text(PLOT.left, 34, data.title, { size: 21, fill: COLOURS.title, weight: 600 }),
    text(PLOT.left, 60, data.subtitle, { size: 14, fill: COLOURS.axisText }),
    line(xToday, PLOT.top - 6, xToday, QUESTIONS.bottom, COLOURS.today, 1.5, "3 4"),
    text(xToday, PLOT.top - 10, "Today", { size: 12, fill: COLOURS.axisText, anchor: "middle" }),
    ...scoreBackground(data, layout),
    ...questionPanel(data, layout),
    line(xExam, PLOT.top - 6, xExam, QUESTIONS.bottom, COLOURS.exam, 3),
    text(xExam, PLOT.top - 10, `Exam ${shortDay(data.examDate)}`, {
      size: 13,
      fill: COLOURS.exam,
      anchor: "middle",
      weight: 600,
    }),
    ...scoreMarks(data, layout),
    ...monthLabels(layout),
    ...legend(),
    "</svg>",
  ];
  return parts.join("\n");
}
