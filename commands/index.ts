import type { CommandSpec } from "../src/core/command.ts";
import { about } from "./about.ts";
import { ask } from "./ask.ts";
import { forget } from "./forget.ts";
import { help } from "./help.ts";
import { log } from "./log.ts";
import { mydata } from "./mydata.ts";
import { nudge } from "./nudge.ts";
import { plan } from "./plan.ts";
import { profile } from "./profile.ts";
import { progress } from "./progress.ts";
import { readiness } from "./readiness.ts";
import { roadmap } from "./roadmap.ts";
import { score } from "./score.ts";
import { streak } from "./streak.ts";
import { target } from "./target.ts";
import { topics } from "./topics.ts";

/** The one list of commands. Every adapter registers and routes exactly these. */
export const commands: readonly CommandSpec[] = [
  ask,
  topics,
  target,
  score,
  readiness,
  plan,
  roadmap,
  log,
  streak,
  progress,
  profile,
  mydata,
  forget,
  nudge,
  help,
  about,
];

/** The command plain text in a private chat is for: people rarely type /ask before a question. */
export const plainTextCommand = "ask";
