import { type APIApplicationCommand, ApplicationCommandType, type REST, Routes } from "discord.js";
import type { CommandsBody, SlashCommand } from "./register.ts";

/**
 * Registration as a diff: what Discord has is fetched and compared with the registry, and only
 * the differences are sent (create, edit, delete). Comparing with Discord itself, not a local
 * record, sees commands changed or deleted on Discord's side too.
 */

export interface RegisterTarget {
  rest: REST;
  applicationId: string;
  /** Register to this server only (instant), instead of globally. */
  guildId?: string | undefined;
}

export interface SyncPlan {
  create: SlashCommand[];
  edit: Array<{ id: string; command: SlashCommand }>;
  remove: Array<{ id: string; name: string }>;
  unchanged: string[];
}

const listRoute = ({ applicationId, guildId }: RegisterTarget) =>
  guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);

const itemRoute = ({ applicationId, guildId }: RegisterTarget, id: string) =>
  guildId
    ? Routes.applicationGuildCommand(applicationId, guildId, id)
    : Routes.applicationCommand(applicationId, id);

/** The commands Discord has for the application, globally or in the target server. */
export async function fetchCommands(target: RegisterTarget): Promise<APIApplicationCommand[]> {
  return (await target.rest.get(listRoute(target))) as APIApplicationCommand[];
}

type Loose = Record<string, unknown>;

/** An option as Discord stores it, with its defaults written out, so equal options compare equal. */
function canonicalOption(option: Loose): Loose {
  const nested = (option.options as Loose[] | undefined) ?? [];
  const choices = (option.choices as Loose[] | undefined) ?? [];
  return {
    type: option.type,
    name: option.name,
    description: option.description,
    required: option.required ?? false,
    autocomplete: option.autocomplete ?? false,
    choices: choices.map((c) => ({ name: c.name, value: c.value })),
    min_value: option.min_value ?? null,
    max_value: option.max_value ?? null,
    min_length: option.min_length ?? null,
    max_length: option.max_length ?? null,
    options: nested.map(canonicalOption),
  };
}

/** The fields the registry sets, defaults written out; the ones it leaves out are not compared. */
function canonical(command: Loose, fields: readonly string[]): string {
  const full: Loose = {
    type: command.type ?? ApplicationCommandType.ChatInput,
    name: command.name,
    description: command.description,
    options: ((command.options as Loose[] | undefined) ?? []).map(canonicalOption),
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    contexts: command.contexts ?? null,
    integration_types: command.integration_types ?? null,
  };
  return JSON.stringify(Object.fromEntries(Object.entries(full).filter(([key]) => fields.includes(key))));
}

const ALWAYS = ["type", "name", "description", "options", "default_member_permissions", "nsfw"];

/** What to create, edit and delete so that Discord has exactly the wanted commands. */
export function planSync(existing: readonly APIApplicationCommand[], wanted: CommandsBody): SyncPlan {
  const plan: SyncPlan = { create: [], edit: [], remove: [], unchanged: [] };
  const key = (command: { type?: number | undefined; name: string }) =>
    `${command.type ?? ApplicationCommandType.ChatInput}:${command.name}`;
  const have = new Map(existing.map((command) => [key(command), command]));
  for (const command of wanted) {
    const current = have.get(key(command));
    have.delete(key(command));
    if (!current) {
      plan.create.push(command);
      continue;
    }
    const fields = [...ALWAYS, ...Object.keys(command).filter((k) => !ALWAYS.includes(k))];
    if (canonical(current as unknown as Loose, fields) === canonical(command as unknown as Loose, fields)) {
      plan.unchanged.push(command.name);
    } else {
      plan.edit.push({ id: current.id, command });
    }
  }
  for (const stale of have.values()) plan.remove.push({ id: stale.id, name: stale.name });
  return plan;
}

/** Sends the plan to Discord, one request per change. */
export async function applySync(target: RegisterTarget, plan: SyncPlan): Promise<void> {
  const { rest } = target;
  for (const command of plan.create) await rest.post(listRoute(target), { body: command });
  for (const { id, command } of plan.edit) await rest.patch(itemRoute(target, id), { body: command });
  for (const { id } of plan.remove) await rest.delete(itemRoute(target, id));
}

/** The plan in words, one line per change: what `npm run register` prints. */
export function describePlan(plan: SyncPlan, dryRun: boolean): string[] {
  const verb = (done: string, would: string) => (dryRun ? would : done);
  return [
    ...plan.create.map((c) => `+ /${c.name} ${verb("created", "would be created")}`),
    ...plan.edit.map(({ command }) => `~ /${command.name} ${verb("updated", "would be updated")}`),
    ...plan.remove.map(({ name }) => `- /${name} ${verb("deleted", "would be deleted")}`),
    `= ${plan.unchanged.length} unchanged${plan.unchanged.length ? `: ${plan.unchanged.map((n) => `/${n}`).join(", ")}` : ""}`,
  ];
}
