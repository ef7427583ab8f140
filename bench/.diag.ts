import { decide } from "../src/engine/faq/decide.ts";
import { judge, loadRealSet } from "../test/eval/realSet.ts";
import { testKnowledge } from "../test/helpers.ts";

const knowledge = await testKnowledge();
for (const item of await loadRealSet("tuning")) {
  const hits = knowledge.faq.hits(item.q, 5);
  const d = decide(knowledge, item.q);
  const o = judge(item, d);
  const h = hits[0];
  const exp = item.expect === "none" ? "-" : item.expect.join("|");
  console.log(
    `${o.padEnd(8)} ${h ? `${h.scorePerTerm.toFixed(1).padStart(5)} c${h.coverage.toFixed(2)} w${h.weightedCoverage.toFixed(2)} ${h.entry.id}` : "none"}  [${exp}]  ${item.q.slice(0, 80)}`,
  );
}
