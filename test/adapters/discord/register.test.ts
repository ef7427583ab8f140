import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  type APIApplicationCommand,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { commands } from "../../../commands/index.ts";
import { type CommandsBody, commandsBody, slashCommand } from "../../../src/adapters/discord/register.ts";
import { planSync } from "../../../src/adapters/discord/sync.ts";
import { defineCommand } from "../../../src/core/command.ts";
import { manage } from "../../../src/core/preconditions.ts";
import { reply } from "../../../src/core/reply.ts";
import { FakeDiscord } from "../../fakes/discord/server.ts";

const exec = promisify(execFile);

// https://discord.com/developers/docs/interactions/application-commands#application-command-object
const NAME = /^[-_'\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The characters Discord counts against a command's 4000-character limit. */
function countedLength(command: {
  name: string;
  description: string;
  options?: APIApplicationCommandOption[];
}): number {
  const ofOption = (option: APIApplicationCommandOption): number =>
    option.name.length +
    option.description.length +
    ("choices" in option && option.choices
      ? option.choices.reduce((n, c) => n + c.name.length + String(c.value).length, 0)
      : 0) +
    ("options" in option && option.options ? option.options.reduce((n, o) => n + ofOption(o), 0) : 0);
  return (
    command.name.length +
    command.description.length +
    (command.options ?? []).reduce((n, o) => n + ofOption(o), 0)
  );
}

function checkBasicOptions(where: string, options: readonly APIApplicationCommandBasicOption[]): void {
  expect(options.length, where).toBeLessThanOrEqual(25);
  const firstOptional = options.findIndex((o) => !o.required);
  if (firstOptional >= 0) {
    expect(
      options.slice(firstOptional).every((o) => !o.required),
      `${where}: required options first`,
    ).toBe(true);
  }
  for (const option of options) {
    const at = `${where}.${option.name}`;
    expect(option.name, at).toMatch(NAME);
    expect(option.description.length, at).toBeGreaterThanOrEqual(1);
    expect(option.description.length, at).toBeLessThanOrEqual(100);
    if (option.type === ApplicationCommandOptionType.String) {
      if (option.min_length !== undefined) expect(option.min_length, at).toBeLessThanOrEqual(6000);
      if (option.max_length !== undefined) expect(option.max_length, at).toBeLessThanOrEqual(6000);
      if (option.max_length !== undefined) expect(option.max_length, at).toBeGreaterThanOrEqual(1);
    }
    if ("choices" in option && option.choices) {
      expect(option.choices.length, at).toBeLessThanOrEqual(25);
      expect("autocomplete" in option && option.autocomplete, `${at}: choices or autocomplete`).toBeFalsy();
      for (const choice of option.choices) {
        expect(choice.name.length, at).toBeLessThanOrEqual(100);
        expect(String(choice.value).length, at).toBeLessThanOrEqual(100);
      }
    }
  }
}

describe("Discord registration from the registry", () => {
  const body = commandsBody(commands);

  it("GIVEN the whole registry THEN it fits Discord's limit on commands", () => {
    expect(body.length).toBeLessThanOrEqual(100);
    expect(new Set(body.map((c) => c.name)).size).toBe(body.length);
  });

  it.each(body.map((command) => [command.name, command] as const))(
    "/%s: names, descriptions, options and total length are within Discord's limits",
    (name, command) => {
      expect(name).toMatch(NAME);
      expect(command.description.length).toBeGreaterThanOrEqual(1);
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect(countedLength(command)).toBeLessThanOrEqual(4000);
      expect(command.contexts).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
      const options = command.options ?? [];
      const subcommands = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
      if (subcommands.length === 0) {
        checkBasicOptions(name, options as APIApplicationCommandBasicOption[]);
        return;
      }
      expect(subcommands).toHaveLength(options.length);
      expect(subcommands.length).toBeLessThanOrEqual(25);
      for (const sub of subcommands) {
        expect(sub.name).toMatch(NAME);
        expect(sub.description.length).toBeGreaterThanOrEqual(1);
        expect(sub.description.length).toBeLessThanOrEqual(100);
        checkBasicOptions(`${name} ${sub.name}`, sub.options ?? []);
      }
    },
  );

  it("GIVEN options of every kind THEN each becomes a slash option of the right type, bounds and choices", () => {
    const command = defineCommand({
      name: "score_add",
      description: "Record a practice test",
      options: z.object({
        note: z.string().min(2).max(80).optional().describe("A note"),
        exam: z.enum(["step1", "step2ck"]).describe("Which exam"),
        score: z.number().int().min(1).max(300).describe("Your score"),
        share: z.number().min(0).max(100).optional().describe("Share correct"),
        taken: z.iso.date().optional().describe("When you took it"),
        visa: z.boolean().optional().describe("Needs a visa"),
      }),
      preconditions: [manage],
      run: () => reply({ blocks: [] }),
    });
    const slash = slashCommand(command);
    expect(slash.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(slash.options).toEqual([
      {
        type: ApplicationCommandOptionType.String,
        name: "exam",
        description: "Which exam",
        required: true,
        choices: [
          { name: "step1", value: "step1" },
          { name: "step2ck", value: "step2ck" },
        ],
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: "score",
        description: "Your score",
        required: true,
        min_value: 1,
        max_value: 300,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "note",
        description: "A note",
        required: false,
        min_length: 2,
        max_length: 80,
        autocomplete: false,
      },
      {
        type: ApplicationCommandOptionType.Number,
        name: "share",
        description: "Share correct",
        required: false,
        min_value: 0,
        max_value: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "taken",
        description: "When you took it (YYYY-MM-DD)",
        required: false,
        autocomplete: false,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "visa",
        description: "Needs a visa",
        required: false,
      },
    ]);
  });
});

describe("Discord registration as a diff with what Discord has", () => {
  const wanted = commandsBody(commands);
  /** The registry as Discord would store it: ids added, false flags left out, defaults filled in. */
  const asStored = (body: CommandsBody) =>
    body.map((command, i) => ({
      ...JSON.parse(JSON.stringify(command)),
      id: String(1000 + i),
      application_id: "1",
      version: "1",
      nsfw: false,
      name_localizations: null,
      options: (command.options ?? []).map(({ required, ...option }) => ({
        ...option,
        ...(required ? { required } : {}),
      })),
    })) as APIApplicationCommand[];

  it("GIVEN Discord has exactly the registry (in its own normal form) THEN nothing changes", () => {
    const plan = planSync(asStored(wanted), wanted);
    expect(plan).toMatchObject({ create: [], edit: [], remove: [] });
    expect(plan.unchanged).toEqual(wanted.map((c) => c.name));
  });

  it("GIVEN a command changed, one missing and one extra on Discord THEN edit, create and delete exactly those", () => {
    const stored = asStored(wanted);
    const [first, second, ...others] = stored;
    const changed = { ...first, description: "An older description" } as APIApplicationCommand;
    const extra = { ...(second as APIApplicationCommand), id: "9", name: "retired" };
    const plan = planSync([changed, extra, ...others], wanted);
    expect(plan.edit.map((e) => [e.id, e.command.name])).toEqual([[first?.id, first?.name]]);
    expect(plan.create.map((c) => c.name)).toEqual([second?.name]);
    expect(plan.remove).toEqual([{ id: "9", name: "retired" }]);
    expect(plan.unchanged).toHaveLength(wanted.length - 2);
  });

  it("GIVEN a changed option bound or permission THEN it is an edit", () => {
    const stored = asStored(wanted);
    const ask = stored.find((c) => c.name === "ask") as unknown as { options: object[] };
    ask.options = [{ ...ask.options[0], max_length: 400 }];
    const nudge = stored.find((c) => c.name === "nudge") as APIApplicationCommand;
    nudge.default_member_permissions = null;
    expect(planSync(stored, wanted).edit.map((e) => e.command.name)).toEqual(["ask", "nudge"]);
  });
});

describe("`npm run register` against a fake Discord", () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const writes = () => fake.requests.filter((r) => r.path.includes("/commands") && r.method !== "GET");
  const register = (env: Record<string, string> = {}, args: string[] = []) =>
    exec("npm", ["run", "--silent", "register", "--", ...args], {
      env: {
        ...process.env,
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: "",
        ...env,
      },
      cwd: process.cwd(),
    });

  it("GIVEN Discord has an older set THEN it prints the diff, sends only the changes, and a second run changes nothing", async () => {
    const body = commandsBody(commands);
    const [first, , ...others] = body;
    fake.rest.seedCommands("global", [
      { ...first, description: "An older description" },
      ...others,
      { name: "retired", description: "Gone from the registry", type: 1 },
    ]);
    const { stdout } = await register();
    expect(stdout).toContain("Discord commands of Stepwise, globally:");
    expect(stdout).toContain(`~ /${first?.name} updated`);
    expect(stdout).toContain(`+ /${body[1]?.name} created`);
    expect(stdout).toContain("- /retired deleted");
    expect(stdout).toContain(`= ${others.length} unchanged`);
    expect(
      writes()
        .map((r) => r.method)
        .sort(),
    ).toEqual(["DELETE", "PATCH", "POST"]);
    const held = fake.rest.commands.get("global") ?? [];
    expect(held.map((c) => c.name).sort()).toEqual(body.map((c) => c.name).sort());

    const again = await register();
    expect(again.stdout).toContain(`= ${body.length} unchanged`);
    expect(writes()).toHaveLength(3);
  });

  it("GIVEN --dry-run THEN it prints what would change and changes nothing", async () => {
    const { stdout } = await register({}, ["--dry-run"]);
    expect(stdout).toContain(`+ /ask would be created`);
    expect(stdout).toContain("Dry run: nothing was changed.");
    expect(writes()).toEqual([]);
  });

  it("GIVEN DISCORD_GUILD_ID THEN the commands go to that server only, without global-only fields", async () => {
    const { stdout } = await register({ DISCORD_GUILD_ID: fake.world.guildId });
    expect(stdout).toContain(`in server ${fake.world.guildId}`);
    const paths = new Set(writes().map((r) => r.path));
    expect([...paths]).toEqual([
      `/applications/${fake.world.applicationId}/guilds/${fake.world.guildId}/commands`,
    ]);
    expect(writes()[0]?.body).not.toHaveProperty("contexts");
    expect(fake.rest.commands.get(fake.world.guildId)).toHaveLength(commands.length);
    expect(fake.rest.commands.get("global")).toBeUndefined();
  });

  it("GIVEN a wrong token THEN it says how to fix it", async () => {
    const error = await register({ DISCORD_TOKEN: `wrong.${"z".repeat(60)}` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toMatch(/DISCORD_TOKEN was rejected .*Reset Token/);
    expect(writes()).toHaveLength(0);
  });
});
