import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { todayIn } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { fields, paragraph, reply } from "../src/core/reply.ts";

export const topics = defineCommand({
  name: "topics",
  description: "List what Stepwise can answer, grouped by topic",
  options: z.object({
    topic: z.string().trim().max(40).optional().describe("Show one topic only (its id, e.g. step2ck)"),
  }),
  rest: "topic",
  run({ topic }, { services }) {
    const { knowledge } = services;
    const chosen = topic ? knowledge.topics.filter((t) => t.id === topic.toLowerCase()) : knowledge.topics;
    if (chosen.length === 0) {
      throw new UserError(
        `There is no topic "${topic}". Topics: ${knowledge.topics.map((t) => t.id).join(", ")}.`,
      );
    }
    const today = todayIn(services.clock);
    const groups = chosen.map((t) => ({
      name: `${t.title} (${t.id})`,
      value: knowledge.entries
        .filter((entry) => entry.topic === t.id)
        .map((entry) => `• ${knowledge.fillFacts(entry.title, today)}`)
        .join("\n"),
    }));
    return reply({
      title: topic ? chosen[0]?.title : "What you can ask",
      blocks: [
        paragraph(
          "Ask in your own words with /ask, for example: /ask what step 2 ck score should I aim for?",
        ),
        fields(groups.filter((group) => group.value !== "")),
      ],
      data: { topics: chosen.map((t) => t.id) },
    });
  },
});
