import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { paragraph, reply } from "../src/core/reply.ts";

export const mydata = defineCommand({
  name: "mydata",
  description: "Everything Stepwise has stored about you, as JSON",
  options: z.object({}),
  preconditions: [privateOnly],
  async run(_input, { caller, services }) {
    const mine = await services.store.personalData.export(caller.userId);
    const nudges = Object.keys(mine.nudges).length;
    const parts = [
      ...(mine.record
        ? [
            `your profile, ${mine.record.scores.length} practice score(s) and ${mine.record.sessions.length} study session(s), kept since ${mine.record.created_at}`,
            ...(Object.keys(mine.record.shares).length > 0
              ? [
                  `your choice to be counted in ${Object.keys(mine.record.shares).length} group(s)' weekly summary`,
                ]
              : []),
          ]
        : []),
      ...(nudges > 0 ? [`${nudges} daily nudge(s) in your private chat`] : []),
      ...(Object.keys(mine.chats).length > 0 ? ["a note that your private chat cannot be reached"] : []),
    ];
    const summary =
      parts.length > 0
        ? `Stored about you (${caller.userId}): ${parts.join("; ")}.`
        : `Nothing is stored about you (${caller.userId}).`;
    return reply({
      title: "Your data",
      blocks: [
        paragraph(summary),
        paragraph(JSON.stringify(mine, null, 2)),
        paragraph("Delete all of it with /forget confirm:yes."),
      ],
      data: { ...mine },
    });
  },
});
