// `npm run bench`: prints the figures that the speed and memory targets are checked against.
import { fileURLToPath } from "node:url";
import { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { loadKnowledge } from "../src/knowledge/load.ts";
import { benchAsk } from "./ask.ts";
import { benchChart } from "./chart.ts";
import { benchFanout } from "./fanout.ts";
import { benchRepositories } from "./repositories.ts";
import { benchTick } from "./scheduler.ts";
import { benchStartup } from "./startup.ts";
import { printTable, type Row } from "./stats.ts";
import { benchStore } from "./store.ts";
import { benchWorkers } from "./workers.ts";

const knowledge = new KnowledgeBase(
  await loadKnowledge(fileURLToPath(new URL("../knowledge", import.meta.url))),
);
const rows: Row[] = [];
rows.push(...(await benchAsk(knowledge)));
rows.push(...(await benchStartup()));
rows.push(...(await benchStore()));
rows.push(...(await benchRepositories()));
rows.push(...(await benchTick(knowledge, 10_000)));
rows.push(...(await benchTick(knowledge, 100_000)));
rows.push(...(await benchFanout(knowledge, 1_000)));
rows.push(...(await benchWorkers(1_000, 3)));
rows.push(...(await benchChart()));
printTable(rows);
