import type { CommandSpec } from "../src/engine/command.ts";
import { about } from "./about.ts";
import { ask } from "./ask.ts";
import { help } from "./help.ts";
import { nudge } from "./nudge.ts";
import { topics } from "./topics.ts";

/** The one list of commands. Every adapter registers and routes exactly these. */
export const commands: readonly CommandSpec[] = [ask, topics, help, about, nudge];
