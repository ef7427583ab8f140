/**
 * The REST side of the fake Discord: interaction callbacks and webhooks, channel posts, the
 * gateway URL, and the application's commands (listed, created, edited, deleted and overwritten
 * as Discord does, stored with the defaults Discord fills in).
 */
import { isMultipart, parseMultipart, type UploadedFile } from "../multipart.ts";
import { message, snowflake, type World } from "./payloads.ts";

export interface RecordedRequest {
  method: string;
  /** The path after /api/v10 as it arrived (still URL-encoded, e.g. `%40original`). */
  rawPath: string;
  /** The same path decoded (`@original`). */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The status the fake answered with. */
  status?: number;
  /** When it arrived (ms since the epoch). */
  at: number;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are arbitrary JSON the tests inspect
  body: any;
  /** Files uploaded with it (multipart/form-data), in order, under their form fields (`files[0]`...). */
  files: UploadedFile[];
}

/**
 * A request's body: JSON, or multipart/form-data when files are uploaded, where `payload_json`
 * holds the JSON body and each file is a part named `files[n]`
 * (discord.com/developers/docs/reference#uploading-files).
 */
export async function bodyOf(
  contentType: string | undefined,
  raw: Buffer,
): Promise<Pick<RecordedRequest, "body" | "files">> {
  if (isMultipart(contentType)) {
    const { fields, files } = await parseMultipart(contentType ?? "", raw);
    return { body: fields.payload_json ? JSON.parse(fields.payload_json) : {}, files };
  }
  const text = raw.toString("utf8");
  return { body: text && contentType?.includes("json") ? JSON.parse(text) : text, files: [] };
}

/** Discord's limits on uploads: 10 files a message, 10 MiB each without boosts or Nitro. */
const MAX_FILES = 10;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Refuses uploads as Discord does: too many, too large, or `attachments` naming no uploaded part. */
function uploadProblem(request: RecordedRequest): Answer | undefined {
  const { files } = request;
  if (files.length > MAX_FILES) {
    return [
      400,
      { message: "Invalid Form Body", code: 50035, errors: { files: "Must be 10 or fewer in length." } },
    ];
  }
  if (files.some((file) => file.data.length > MAX_FILE_BYTES)) {
    return [413, { message: "Request entity too large", code: 40005 }];
  }
  const data = request.body?.data ?? request.body;
  const named = (data?.attachments ?? []) as Array<{ id: number | string }>;
  if (named.some(({ id }) => !files.some((file) => file.field === `files[${id}]`))) {
    return [
      400,
      { message: "Invalid Form Body", code: 50035, errors: { attachments: "Unknown attachment." } },
    ];
  }
  return undefined;
}

/**
 * Refuses message components as Discord does (discord.com/developers/docs/components/reference):
 * at most 5 action rows of at most 5 buttons, each button's label 1-80 characters and its
 * custom_id 1-100 and unique in the message.
 */
function componentProblem(request: RecordedRequest): Answer | undefined {
  const data = request.body?.data ?? request.body;
  const rows = (data?.components ?? []) as Array<{ type: number; components?: Json[] }>;
  const invalid = (detail: string): Answer => [
    400,
    { message: "Invalid Form Body", code: 50035, errors: { components: detail } },
  ];
  if (rows.length > 5) return invalid("Must be 5 or fewer in length.");
  const ids = rows.flatMap((row) => (row.components ?? []).map((button) => button.custom_id));
  if (new Set(ids).size !== ids.length) return invalid("Component custom id cannot be duplicated.");
  for (const row of rows) {
    const buttons = row.components ?? [];
    if (row.type !== 1 || buttons.length === 0 || buttons.length > 5) return invalid("Invalid action row.");
    for (const button of buttons) {
      const label = String(button.label ?? "");
      const customId = String(button.custom_id ?? "");
      if (button.type !== 2) return invalid("Unknown component type.");
      if (label.length < 1 || label.length > 80) return invalid("label: Must be between 1 and 80 in length.");
      if (customId.length < 1 || customId.length > 100)
        return invalid("custom_id: Must be between 1 and 100 in length.");
    }
  }
  return undefined;
}

export interface ApiError {
  status: number;
  code: number;
  message: string;
}

type Json = Record<string, unknown>;
type Answer = [number, unknown];

const notFound: Answer = [404, { message: "404: Not Found", code: 0 }];

/** An option as Discord stores it: `required` and `autocomplete` only when true. */
function storedOption(option: Json): Json {
  const { required, autocomplete, options, ...rest } = option;
  return {
    ...rest,
    ...(required ? { required: true } : {}),
    ...(autocomplete ? { autocomplete: true } : {}),
    ...(Array.isArray(options) ? { options: options.map(storedOption) } : {}),
  };
}

export class FakeRest {
  /** The application's commands as Discord holds them, by scope: "global" or a server id. */
  readonly commands = new Map<string, Json[]>();
  private readonly channelErrors = new Map<string, { error: ApiError; times: number }>();
  private nextCallbackError: ApiError | undefined;

  constructor(
    private readonly world: World,
    private readonly token: string,
    private readonly origin: () => string,
    private readonly gateway: { shards: number; maxConcurrency: number },
  ) {}

  failChannel(channelId: string, error: ApiError, times: number): void {
    this.channelErrors.set(channelId, { error, times });
  }

  failNextCallback(error: ApiError): void {
    this.nextCallbackError = error;
  }

  /** Commands of a scope, created by hand as if registered earlier (or by someone else). */
  seedCommands(scope: string, commands: readonly Json[]): void {
    this.commands.set(
      scope,
      commands.map((command) => this.stored(command, scope)),
    );
  }

  route(request: RecordedRequest): Answer {
    const { method, path } = request;
    const { world } = this;
    const refused = uploadProblem(request) ?? componentProblem(request);
    if (refused) return refused;
    const parts = path.split("/").slice(1);
    // Interaction callbacks and webhooks are authorized by their token in the path.
    if (parts[0] === "interactions" && parts[3] === "callback" && method === "POST") {
      const error = this.nextCallbackError;
      this.nextCallbackError = undefined;
      return error ? [error.status, { message: error.message, code: error.code }] : [204, undefined];
    }
    if (parts[0] === "webhooks" && parts[1] === world.applicationId) {
      const channelId = world.channelId;
      if (method === "POST" && parts.length === 3)
        return [200, message(world, channelId, request.body, world.applicationId, request.files)];
      if (parts[3] === "messages" && method === "PATCH")
        return [200, message(world, channelId, request.body, world.applicationId, request.files)];
      if (parts[3] === "messages" && method === "DELETE") return [204, undefined];
    }
    if (request.authorization !== `Bot ${this.token}`)
      return [401, { message: "401: Unauthorized", code: 0 }];
    if (method === "GET" && path === "/gateway/bot") {
      return [
        200,
        {
          url: `ws://${this.origin()}`,
          shards: this.gateway.shards,
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 0,
            max_concurrency: this.gateway.maxConcurrency,
          },
        },
      ];
    }
    if (method === "GET" && path === "/applications/@me") {
      return [
        200,
        { id: world.applicationId, name: "Stepwise", flags: 0, bot_public: true, description: "" },
      ];
    }
    if (parts[0] === "applications" && parts[1] === world.applicationId)
      return this.commandRoute(request, parts);
    if (method === "POST" && parts[0] === "channels" && parts[2] === "messages") {
      const channelId = parts[1] ?? "";
      const failing = this.channelErrors.get(channelId);
      if (failing && failing.times > 0) {
        failing.times -= 1;
        return [failing.error.status, { message: failing.error.message, code: failing.error.code }];
      }
      return [200, message(world, channelId, request.body, undefined, request.files)];
    }
    return notFound;
  }

  /** /applications/{id}/commands[/{command}] and /applications/{id}/guilds/{guild}/commands[/{command}]. */
  private commandRoute(request: RecordedRequest, parts: string[]): Answer {
    const guild = parts[2] === "guilds" ? parts[3] : undefined;
    const rest = guild === undefined ? parts.slice(2) : parts.slice(4);
    if (rest[0] !== "commands") return notFound;
    if (guild !== undefined && guild !== this.world.guildId) {
      return [403, { message: "Missing Access", code: 50001 }];
    }
    const scope = guild ?? "global";
    const list = this.commands.get(scope) ?? [];
    const id = rest[1];
    const { method, body } = request;
    if (id === undefined) {
      if (method === "GET") return [200, list];
      if (method === "PUT") {
        this.commands.set(
          scope,
          (body as Json[]).map((command) => this.stored(command, scope)),
        );
        return [200, this.commands.get(scope)];
      }
      if (method === "POST") {
        // Discord's POST overwrites a command of the same name and type.
        const created = this.stored(body as Json, scope);
        const kept = list.filter((c) => !(c.name === created.name && c.type === created.type));
        this.commands.set(scope, [...kept, created]);
        return [201, created];
      }
      return notFound;
    }
    const index = list.findIndex((command) => command.id === id);
    if (index < 0) return [404, { message: "Unknown application command", code: 10063 }];
    if (method === "PATCH") {
      const current = list[index] as Json;
      const edited = this.stored({ ...current, ...(body as Json) }, scope, current.id as string);
      list[index] = edited;
      return [200, edited];
    }
    if (method === "DELETE") {
      list.splice(index, 1);
      return [204, undefined];
    }
    return notFound;
  }

  /** A command as Discord stores and returns it: ids, version and the defaults it fills in. */
  private stored(command: Json, scope: string, id = snowflake()): Json {
    const options = Array.isArray(command.options) ? (command.options as Json[]).map(storedOption) : [];
    return {
      ...command,
      id,
      application_id: this.world.applicationId,
      version: snowflake(),
      type: command.type ?? 1,
      options,
      default_member_permissions: command.default_member_permissions ?? null,
      nsfw: command.nsfw ?? false,
      name_localizations: null,
      description_localizations: null,
      contexts: command.contexts ?? null,
      integration_types: command.integration_types ?? [0],
      ...(scope === "global" ? {} : { guild_id: scope }),
    };
  }
}
