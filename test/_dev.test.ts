import { it } from "vitest";
import { decide } from "../src/engine/faq/decide.ts";
import { testKnowledge } from "./helpers.ts";
import { judge, loadRealSet } from "./eval/realSet.ts";

it("dev misses", async () => {
  const knowledge = await testKnowledge();
  const out: string[] = [];
  for (const name of (process.env.SETS ?? "held-out,fresh").split(",") as Array<"tuning" | "held-out" | "fresh">) {
    for (const item of await loadRealSet(name)) {
      const d = decide(knowledge, item.q);
      const o = judge(item, d);
      const answerable = item.scope === "in" && (item.expect !== "none" || item.score !== undefined);
      const hits = knowledge.faq.hits(item.q, 3).map((h) => `${h.entry.id}(${h.phrasingCoverage.toFixed(2)},${h.weightedCoverage.toFixed(2)},${h.score.toFixed(1)})`);
      const got = d.kind === "answer" ? `ANSWER ${d.hit.entry.id} pc=${d.hit.phrasingCoverage.toFixed(2)}` : d.kind === "score" ? "score" : `decline(${d.reason})`;
      if (o === "wrong" || (answerable && o !== "right"))
        out.push(`[${o}] ${item.id} ${item.scope} "${item.q.slice(0, 200)}"\n   got ${got}; expect ${item.expect === "none" ? "none" : item.expect.join("|")}\n   top: ${hits.join(" ")}`);
    }
  }
  console.log(out.join("\n"));
});
