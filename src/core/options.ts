import * as z from "zod";
import type { LeafCommand, OptionsSchema } from "./command.ts";
import { clip } from "./text.ts";

/** What adapters need to know about one option: read once from the zod schema. */
export interface OptionMeta {
  name: string;
  description: string;
  type: "string" | "integer" | "number" | "boolean";
  required: boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  /** JSON-schema format, e.g. "date" for `z.iso.date()`. */
  format?: string;
  /** How to write the value in usage lines, from `.meta({ placeholder })`. */
  placeholder?: string;
}

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  placeholder?: string;
}

const cache = new WeakMap<OptionsSchema, OptionMeta[]>();

/** Reads option metadata through `z.toJSONSchema` (the supported way to introspect zod 4). */
export function describeOptions(schema: OptionsSchema): OptionMeta[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  const metas = Object.entries(json.properties ?? {}).map(([name, prop]): OptionMeta => {
    const type = prop.enum ? "string" : prop.type;
    if (type !== "string" && type !== "integer" && type !== "number" && type !== "boolean") {
      throw new Error(`option ${name}: unsupported type ${String(prop.type)}`);
    }
    const meta: OptionMeta = {
      name,
      description: prop.description ?? "",
      type,
      required: required.has(name),
    };
    if (prop.enum) meta.choices = prop.enum.map(String);
    // z.int() implies the safe-integer range; that is no bound worth showing a user.
    if (prop.minimum !== undefined && prop.minimum > Number.MIN_SAFE_INTEGER) meta.min = prop.minimum;
    if (prop.maximum !== undefined && prop.maximum < Number.MAX_SAFE_INTEGER) meta.max = prop.maximum;
    if (prop.minLength !== undefined) meta.minLength = prop.minLength;
    if (prop.maxLength !== undefined) meta.maxLength = prop.maxLength;
    if (prop.format !== undefined) meta.format = prop.format;
    if (prop.placeholder !== undefined) meta.placeholder = prop.placeholder;
    return meta;
  });
  cache.set(schema, metas);
  return metas;
}

/** The value part of a usage line: `<step1|step2ck>`, `<YYYY-MM-DD>`, `<1-300>`. */
export function placeholderOf(meta: OptionMeta): string {
  if (meta.placeholder) return meta.placeholder;
  if (meta.choices) return meta.choices.join("|");
  if (meta.format === "date") return "YYYY-MM-DD";
  if (meta.type === "boolean") return "yes|no";
  if (
    (meta.type === "integer" || meta.type === "number") &&
    meta.min !== undefined &&
    meta.max !== undefined
  ) {
    return `${meta.min}-${meta.max}`;
  }
  return meta.name.replaceAll("_", " ");
}

/** `/score add exam:<step1|step2ck|step3> test:"<name>" [date:<YYYY-MM-DD>]` */
export function formatUsage(path: string, leaf: LeafCommand): string {
  const parts = [`/${path}`];
  for (const meta of describeOptions(leaf.options)) {
    const quoted = meta.type === "string" && !meta.choices && !meta.format && !meta.placeholder;
    let text = leaf.rest === meta.name ? `<${placeholderOf(meta)}>` : `${meta.name}:<${placeholderOf(meta)}>`;
    if (quoted && leaf.rest !== meta.name) text = `${meta.name}:"<${placeholderOf(meta)}>"`;
    parts.push(meta.required ? text : `[${text}]`);
  }
  return parts.join(" ");
}

/** Text values arrive as strings; turn them into the type the schema expects where that is unambiguous. */
export function coerceTextValue(meta: OptionMeta, value: string): unknown {
  const trimmed = value.trim();
  if ((meta.type === "integer" || meta.type === "number") && /^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    // Too many digits for a number: kept as text, so the error quotes what was typed (not "null").
    const number = Number(trimmed);
    if (Number.isFinite(number)) return number;
  }
  if (meta.type === "boolean") {
    const lower = trimmed.toLowerCase();
    if (["yes", "y", "true"].includes(lower)) return true;
    if (["no", "n", "false"].includes(lower)) return false;
  }
  if (meta.choices) {
    const match = meta.choices.find((choice) => choice.toLowerCase() === trimmed.toLowerCase());
    if (match) return match;
  }
  return trimmed;
}

const shown = (value: unknown): string => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return clip(text, 41);
};

function listChoices(choices: readonly string[]): string {
  if (choices.length === 1) return choices[0] ?? "";
  return `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}

/** What a valid value of this option looks like, in words. */
export function expectation(meta: OptionMeta): string {
  if (meta.choices) return `one of ${listChoices(meta.choices)}`;
  if (meta.format === "date") return "a real date written YYYY-MM-DD";
  if (meta.type === "boolean") return "yes or no";
  if (meta.type === "integer" || meta.type === "number") {
    const kind = meta.type === "integer" ? "a whole number" : "a number";
    if (meta.min !== undefined && meta.max !== undefined) return `${kind} from ${meta.min} to ${meta.max}`;
    if (meta.min !== undefined) return `${kind} of at least ${meta.min}`;
    if (meta.max !== undefined) return `${kind} of at most ${meta.max}`;
    return kind;
  }
  if (meta.placeholder) return `a value written ${meta.placeholder}`;
  const limit = meta.maxLength !== undefined ? ` (up to ${meta.maxLength} characters)` : "";
  return `${meta.description ? `${meta.description.toLowerCase()}` : "some text"}${limit}`;
}

/** One sentence per problem, naming the option and what it accepts. */
export function explainIssues(
  metas: readonly OptionMeta[],
  raw: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
): string {
  const lines = issues.map((issue) => {
    const name = issue.path[0];
    const meta = metas.find((m) => m.name === name);
    if (!meta) return issue.message;
    const value = raw[meta.name];
    if (value === undefined) return `\`${meta.name}\` is missing: give ${expectation(meta)}.`;
    if (issue.code === "too_big" && meta.type === "string" && meta.maxLength !== undefined) {
      return `\`${meta.name}\` can be at most ${meta.maxLength} characters (yours has ${String(value).length}).`;
    }
    if (issue.code === "custom") return `\`${meta.name}\`: ${issue.message}`;
    return `\`${meta.name}\` must be ${expectation(meta)} (you typed "${shown(value)}").`;
  });
  return [...new Set(lines)].join("\n");
}

/** Whether one option's value is valid on its own; the problem in the engine's words when not. */
export function optionProblem(leaf: LeafCommand, meta: OptionMeta, value: unknown): string | undefined {
  const schema: z.ZodType | undefined = leaf.options.shape[meta.name];
  const result = schema?.safeParse(value);
  if (!result || result.success) return undefined;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: [meta.name, ...issue.path] }));
  return explainIssues([meta], { [meta.name]: value }, issues);
}

/** Required options not given yet, in the order the command declares them. */
export function missingOptions(leaf: LeafCommand, raw: Record<string, unknown>): OptionMeta[] {
  return describeOptions(leaf.options).filter((meta) => meta.required && raw[meta.name] === undefined);
}
