import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { commands } from "../../../commands/index.ts";
import { createDiscordAdapter } from "../../../src/adapters/discord/index.ts";
import {
  type CommandsBody,
  commandsBody,
  commandsHash,
  slashCommand,
} from "../../../src/adapters/discord/register.ts";
import { defineCommand } from "../../../src/core/command.ts";
import { reply } from "../../../src/core/reply.ts";
import { MemoryStore } from "../../../src/store/memory.ts";
import { FakeDiscord } from "../../fakes/discord/server.ts";
import { testContext } from "../../helpers.ts";

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
      manage: true,
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

  it("GIVEN the same commands THEN the hash is the same; another place or another command changes it", () => {
    const target = { applicationId: "1" };
    const other: CommandsBody = [
      ...body,
      slashCommand(
        defineCommand({
          name: "extra",
          description: "x",
          options: z.object({}),
          run: () => reply({ blocks: [] }),
        }),
      ),
    ];
    expect(commandsHash(target, commandsBody(commands))).toBe(commandsHash(target, body));
    expect(commandsHash({ ...target, guildId: "2" }, body)).not.toBe(commandsHash(target, body));
    expect(commandsHash(target, other)).not.toBe(commandsHash(target, body));
  });
});

describe("Discord registration against a fake Discord", () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const puts = () => fake.requests.filter((r) => r.method === "PUT");

  it("GIVEN a restart with unchanged commands THEN they are not registered again", async () => {
    const store = new MemoryStore();
    for (let run = 0; run < 2; run++) {
      const { services } = await testContext({ store });
      const adapter = createDiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, services, commands });
      await adapter.start();
      await adapter.stop();
    }
    expect(puts()).toHaveLength(1);
  });

  it("GIVEN DISCORD_GUILD_ID THEN start-up registers to that server only", async () => {
    const { services } = await testContext();
    const adapter = createDiscordAdapter({
      token: fake.token,
      apiUrl: fake.apiUrl,
      guildId: fake.world.guildId,
      services,
      commands,
    });
    await adapter.start();
    await adapter.stop();
    expect(puts().map((r) => r.path)).toEqual([
      `/applications/${fake.world.applicationId}/guilds/${fake.world.guildId}/commands`,
    ]);
  });

  it("GIVEN `npm run register` with DISCORD_GUILD_ID THEN the real script PUTs the registry to that server", async () => {
    const env = {
      ...process.env,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.world.guildId,
    };
    const { stdout } = await exec("npm", ["run", "--silent", "register"], { env, cwd: process.cwd() });
    expect(stdout).toContain(`Registered ${commands.length} commands to server ${fake.world.guildId}`);
    expect(puts().map((r) => r.path)).toEqual([
      `/applications/${fake.world.applicationId}/guilds/${fake.world.guildId}/commands`,
    ]);
    expect(puts()[0]?.body).toEqual(JSON.parse(JSON.stringify(commandsBody(commands, fake.world.guildId))));
    expect(puts()[0]?.body[0]).not.toHaveProperty("contexts");
  });

  it("GIVEN `npm run register` with a wrong token THEN it says how to fix it", async () => {
    const env = {
      ...process.env,
      DISCORD_TOKEN: `wrong.${"z".repeat(60)}`,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: "",
    };
    const error = await exec("npm", ["run", "--silent", "register"], { env, cwd: process.cwd() }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toMatch(/DISCORD_TOKEN was rejected .*Reset Token/);
    expect(puts()).toHaveLength(0);
  });
});
