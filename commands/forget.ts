import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { UserError } from "../src/core/errors.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { paragraph, reply } from "../src/core/reply.ts";

export const forget = defineCommand({
  name: "forget",
  description: "Delete everything Stepwise has stored about you (type confirm:yes)",
  options: z.object({
    confirm: z.enum(["yes"]).optional().describe("Type yes to confirm: deletion cannot be undone"),
  }),
  preconditions: [privateOnly],
  async run({ confirm }, { caller, services }) {
    if (confirm !== "yes") {
      throw new UserError(
        "Nothing was deleted. This removes your profile, all your practice scores, your study log and where you share it, and your private daily nudge for good; to go ahead, type /forget confirm:yes",
      );
    }
    const had = await services.store.personalData.erase(caller.userId);
    return reply({
      title: "Your data is deleted",
      blocks: [
        paragraph(
          had
            ? "Your profile, practice scores, study log, sharing choices and private daily nudge are deleted. /mydata now shows nothing stored."
            : "There was nothing stored about you, so nothing needed deleting.",
        ),
      ],
      data: { deleted: had },
    });
  },
});
