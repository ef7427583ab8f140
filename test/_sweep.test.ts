import { readFile } from "node:fs/promises";
import { it } from "vitest";
import { parse as parseYaml } from "yaml";
import { decide } from "../src/engine/faq/decide.ts";
import { loadRealSet, scoreRealSet } from "./eval/realSet.ts";
import { testKnowledge } from "./helpers.ts";

it("sweep", async () => {
  const knowledge = await testKnowledge();
  const sets = { tuning: await loadRealSet("tuning"), heldOut: await loadRealSet("held-out"), fresh: await loadRealSet("fresh") };
  const guide = await Promise.all(["questions.yaml", "dev.yaml", "held-out.yaml"].map(async (n) => parseYaml(await readFile(new URL(`./eval/${n}`, import.meta.url), "utf8"))));
  const th = (knowledge.faq as unknown as { thresholds: Record<string, number> }).thresholds;
  const lines: string[] = [];
  for (const ratio of (process.env.RATIOS ?? "1,0.95,0.9,0.85,0.8,0.75,0.7,0.65,0.6").split(",").map(Number)) {
    th.rival_ratio = ratio;
    if (process.env.PC) th.min_phrasing_coverage = Number(process.env.PC);
    const f = (q: string) => decide(knowledge, q);
    const r = Object.entries(sets).map(([k, v]) => { const s = scoreRealSet(v, f); return `${k} ${s.right}/${s.answerable} w${s.wrong}/${s.total} o${s.outDeclined}/${s.outOfScope}`; });
    let gr = 0, gn = 0, ga = 0, gab = 0;
    for (const g of guide) {
      for (const item of g.answerable) { gn++; const res = knowledge.faq.ask(item.q); const ids = Array.isArray(item.expect) ? item.expect : [item.expect]; if (res.kind === "answer" && ids.includes(res.hit.entry.id)) gr++; }
      for (const q of g.abstain) { ga++; if (knowledge.faq.ask(q).kind === "abstain") gab++; }
    }
    lines.push(`ratio ${ratio}: ${r.join(" | ")} | guide ${gr}/${gn} abst ${gab}/${ga}`);
  }
  console.log(lines.join("\n"));
});
