// `npm run bench`: prints the figures that the speed and memory targets are checked against.
import { fileURLToPath } from "node:url";
import { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { loadKnowledge } from "../src/knowledge/load.ts";
import { printTable, type Row } from "./stats.ts";

const knowledge = new KnowledgeBase(
  await loadKnowledge(fileURLToPath(new URL("../knowledge", import.meta.url))),
);
// `npm run bench -- ask startup` runs only the parts named (so one figure can be read on a quiet host).
// Each part's code is imported when it runs: /ask is timed in a process that holds the knowledge base,
// not the fake servers, discord.js and the PostgreSQL driver of the parts after it.
const parts: Record<string, () => Promise<Row[]>> = {
  ask: async () => (await import("./ask.ts")).benchAsk(knowledge),
  startup: async () => (await import("./startup.ts")).benchStartup(),
  store: async () => (await import("./store.ts")).benchStore(),
  repositories: async () => (await import("./repositories.ts")).benchRepositories(),
  tick: async () => {
    const { benchTick } = await import("./scheduler.ts");
    return [...(await benchTick(knowledge, 10_000)), ...(await benchTick(knowledge, 100_000))];
  },
  fanout: async () => (await import("./fanout.ts")).benchFanout(knowledge, 1_000),
  workers: async () => (await import("./workers.ts")).benchWorkers(1_000, 3),
  chart: async () => (await import("./chart.ts")).benchChart(),
};
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in parts));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown bench part: ${unknown.join(", ")} (parts: ${Object.keys(parts).join(", ")})\n`,
  );
  process.exit(2);
}
const rows: Row[] = [];
for (const [name, run] of Object.entries(parts)) {
  if (named.length === 0 || named.includes(name)) rows.push(...(await run()));
}
printTable(rows);
