import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { bullets, paragraph, reply } from "../src/core/reply.ts";

export const about = defineCommand({
  name: "about",
  description: "What Stepwise is and is not, where its data comes from, and how your data is handled",
  options: z.object({}),
  run(_input, { services }) {
    const { knowledge } = services;
    return reply({
      title: "About Stepwise",
      blocks: [
        paragraph(
          "Stepwise is an open-source study companion for international medical graduates (non-US citizens) planning the USMLE and a US residency, with a focus on combined internal medicine-psychiatry (med-psych) programs.",
        ),
        paragraph("What it is not:"),
        bullets([
          "Not official: it is not affiliated with USMLE, NBME, FSMB, ECFMG, NRMP or any program.",
          "Not medical advice: it never answers clinical questions.",
          "Not a guarantee: targets and readiness verdicts are estimates to plan with, not predictions of your result.",
        ]),
        paragraph(
          `Where the advice comes from: ${knowledge.entries.length} reviewed answers written by the maintainers from a strategy guide for IMGs in med-psych, plus dated figures (passing standards, national means, match data) each stored with its source and the date it applies from. Every answer shows its sources and when it was last reviewed.`,
        ),
        paragraph(
          "Your data: scores and profile details are kept only to advise you, are shown only to you (private chat, or messages only you can see), are never written to logs, and can be seen with /mydata and deleted with /forget confirm:yes.",
        ),
      ],
      data: { entries: knowledge.entries.length },
    });
  },
});
