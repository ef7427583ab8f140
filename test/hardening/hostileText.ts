/**
 * Generators of hostile text for the property tests: the things people (and attackers) paste into a
 * chat box. Shared by the engine, renderer and adapter properties so all of them see the same mix.
 */
import fc from "fast-check";
import type { CommandSpec, LeafCommand } from "../../src/core/command.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import { describeOptions, type OptionMeta } from "../../src/core/options.ts";
import type { Block, Reply, SourceRef } from "../../src/core/reply.ts";

const astral = ["😀", "𝕏", "👩‍💻", "🏳️‍🌈", "🇺🇸", "𓀀", "\u{10FFFF}"];
const invisible = ["\u200f", "\u200e", "\u202e", "\u2066", "\u2069", "\u200d", "\u200b", "\ufeff", "\u0301"];
const loneSurrogates = ["\ud800", "\udfff", "\ud83d", "\ude00"];
const controls = [
  "\0",
  "\r",
  "\r\n",
  "\n",
  "\t",
  "\v",
  "\f",
  "\b",
  "\x7f",
  "\u0085",
  "\u2028",
  "\u2029",
  "\x1b[2J",
  "\x1b[1;1H",
  "\x1b]0;pwned\x07",
  "\x9b31m",
  "\x1bc",
];
const mentions = [
  "@everyone",
  "@here",
  "<@123>",
  "<@!123>",
  "<@&456>",
  "<#789>",
  "</help:1>",
  "<:e:1>",
  "<t:0:R>",
];
const html = [
  "<script>alert(1)</script>",
  "<b>",
  "</b>",
  "<i><b>x</i>",
  "&amp;",
  "&",
  "&#x41;",
  "&bogus;",
  "&#xZZ;",
  '<a href="javascript:alert(1)">x</a>',
  "<tg-spoiler>",
  "<",
  ">",
];
const markdown = [
  "**",
  "__",
  "*",
  "_",
  "`",
  "```",
  "~~",
  "||spoiler||",
  "[x](javascript:alert(1))",
  "[click](https://evil.example)",
  "[a](b) [c](https://evil.example)",
  "# ",
  "> ",
  "-# ",
  "- ",
  "1. ",
  "\\",
  "\\*",
  "](",
  "[",
  ")",
];
const quotes = ['"', "“", "”", "„", '\\"', "'", "‘", "’", "«"];
const words = ["step1", "step2ck", "pass", "fail", "yes", "no", "2027-03-01", "236", "85%", "NBME", "add"];

/** One piece of a hostile string: any code point, or one of the tricky sequences above. */
export const hostilePiece: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom(" ", "  ", "\u00a0", "\u3000"), weight: 2 },
  { arbitrary: fc.constantFrom(...astral, ...invisible), weight: 2 },
  { arbitrary: fc.constantFrom(...loneSurrogates), weight: 1 },
  { arbitrary: fc.constantFrom(...controls), weight: 2 },
  { arbitrary: fc.constantFrom(...mentions), weight: 2 },
  { arbitrary: fc.constantFrom(...html), weight: 2 },
  { arbitrary: fc.constantFrom(...markdown), weight: 2 },
  { arbitrary: fc.constantFrom(...quotes), weight: 2 },
  { arbitrary: fc.constantFrom(...words), weight: 1 },
);

/** Hostile text of up to `maxPieces` pieces. */
export const hostileText = (maxPieces = 30): fc.Arbitrary<string> =>
  fc.array(hostilePiece, { maxLength: maxPieces }).map((pieces) => pieces.join(""));

/** A hostile sample repeated up to a length between 50 and 100 KB (cut anywhere, even mid-pair). */
export const hugeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(hostilePiece, { minLength: 1, maxLength: 40 }).map((p) => p.join("")),
    fc.integer({ min: 50_000, max: 100_000 }),
  )
  .map(([sample, length]) => sample.repeat(Math.ceil(length / sample.length)).slice(0, length));

/** A value for one option: a plausible one, a near miss (out of range, past dates), or hostile. */
function valueFor(meta: OptionMeta): fc.Arbitrary<string> {
  const plausible: fc.Arbitrary<string>[] = [];
  if (meta.choices) plausible.push(fc.constantFrom(...meta.choices));
  if (meta.format === "date")
    plausible.push(fc.constantFrom("2026-11-25", "2027-03-01", "2026-01-01", "9999-12-31"));
  if (meta.type === "boolean") plausible.push(fc.constantFrom("yes", "no", "true", "N"));
  if (meta.type === "integer" || meta.type === "number") {
    plausible.push(fc.integer({ min: (meta.min ?? 0) - 2, max: (meta.max ?? 1000) + 2 }).map(String));
  }
  if (meta.name === "score") plausible.push(fc.constantFrom("236", "85%", "0%", "100%", "300", "1"));
  if (meta.name === "timezone")
    plausible.push(fc.constantFrom("Asia/Kolkata", "utc", "Etc/GMT+14", "US/Eastern"));
  if (meta.name === "time") plausible.push(fc.constantFrom("07:30", "0:00", "23:59", "24:00"));
  if (meta.name === "id") plausible.push(fc.constantFrom("1", "#1", "2"));
  if (meta.name === "command") plausible.push(fc.constantFrom("plan", "/score", "nudge"));
  return fc.oneof(...plausible, hostileText(12));
}

/** How a value is written after `key:`: bare, quoted (straight or curly), or with its quote left open. */
const written = (value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(value, fc.constantFrom("bare", "straight", "curly", "low", "open", "openCurly"))
    .map(([v, how]) => {
      switch (how) {
        case "straight":
          return `"${v}"`;
        case "curly":
          return `“${v}”`;
        case "low":
          return `„${v}“`;
        case "open":
          return `"${v}`;
        case "openCurly":
          return `“${v}`;
        default:
          return v;
      }
    });

/** Arguments for one command: its own options (valid-looking or hostile), unknown keys, stray words. */
export function argsFor(leaf: LeafCommand): fc.Arbitrary<string> {
  const metas = describeOptions(leaf.options);
  const known = metas.map((meta) => written(valueFor(meta)).map((value) => `${meta.name}:${value}`));
  const randomKey = fc
    .tuple(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), hostileText(3)), written(hostileText(8)))
    .map(([key, value]) => `${key}:${value}`);
  const token = fc.oneof(
    ...known.map((arbitrary) => ({ arbitrary, weight: 4 })),
    { arbitrary: randomKey, weight: 1 },
    { arbitrary: hostileText(6), weight: 1 },
  );
  return fc
    .tuple(fc.array(token, { maxLength: 6 }), fc.constantFrom(" ", "  ", "\t", "\n", "\u3000"))
    .map(([tokens, gap]) => tokens.join(gap));
}

/** A value the option accepts (as of the test clock, 2026-11-25); free text is hostile. */
function acceptedValue(meta: OptionMeta): fc.Arbitrary<string> {
  if (meta.choices) return fc.constantFrom(...meta.choices);
  if (meta.type === "boolean") return fc.constantFrom("yes", "no");
  if (meta.type === "integer" || meta.type === "number") {
    return fc.integer({ min: meta.min ?? 0, max: meta.max ?? 1000 }).map(String);
  }
  if (meta.format === "date") return fc.constantFrom(meta.name === "date" ? "2026-11-01" : "2027-03-01");
  const known: Record<string, string[]> = {
    score: ["236", "250"],
    timezone: ["Asia/Kolkata", "utc", "America/New_York"],
    time: ["07:30", "23:59"],
    id: ["1", "#1"],
    command: ["plan", "/score"],
    topic: ["step2ck"],
  };
  const values = known[meta.name];
  if (values) return fc.constantFrom(...values);
  // Free text: hostile, but within the schema's length.
  return hostileText(20)
    .map((text) => text.trim().slice(0, meta.maxLength ?? 60))
    .filter((text) => text.length >= Math.max(meta.minLength ?? 0, 3) && text.trim() === text);
}

/**
 * Arguments a command accepts, mostly (quoted so the tokenizer keeps them whole): the required
 * options and some optional ones, with hostile free text. These lines run and store hostile text,
 * so later lines (`/score list`, `/mydata`) show it back.
 */
export function acceptedArgsFor(leaf: LeafCommand): fc.Arbitrary<string> {
  const metas = describeOptions(leaf.options);
  const rest = metas.find((m) => m.name === leaf.rest);
  const keyed = metas.filter((m) => m !== rest);
  const shape = Object.fromEntries(keyed.map((meta) => [meta.name, acceptedValue(meta)]));
  const requiredKeys = keyed.filter((m) => m.required).map((m) => m.name);
  return fc
    .tuple(
      fc.record(shape, { requiredKeys }),
      rest ? fc.option(acceptedValue(rest), { nil: undefined }) : fc.constant(undefined),
    )
    .map(([values, restText]) => {
      const options = Object.entries(values).map(
        ([name, value]) => `${name}:"${value.replace(/[\\"]/g, "\\$&")}"`,
      );
      return restText ?? options.join(" ");
    });
}

/** `/path` as a person might type it: any case, maybe `@botname` after the command name. */
export function commandLine(
  path: string,
  args: fc.Arbitrary<string>,
  mentions: readonly string[] = ["", "@StepwiseBot", "@other_bot", "@"],
): fc.Arbitrary<string> {
  const [name = "", sub] = path.split(" ");
  return fc
    .tuple(
      fc.constantFrom(name, name.toUpperCase()),
      fc.constantFrom(...mentions),
      args,
      fc.constantFrom("", " ", "\n"),
    )
    .map(([typed, mention, rest, lead]) =>
      `${lead}/${typed}${mention}${sub ? ` ${sub}` : ""} ${rest}`.replace(/ $/, ""),
    );
}

/** Lines for one command: arguments it accepts (with hostile free text), or generated ones. */
export const linesFor = (path: string, leaf: LeafCommand, mentions?: readonly string[]) =>
  fc.oneof(commandLine(path, acceptedArgsFor(leaf), mentions), commandLine(path, argsFor(leaf), mentions));

/**
 * Lines for every command of a registry: its own options, a wrong subcommand or a made-up name
 * (`command`), and anything at all typed into a chat (`any`): free text for /ask, random lines.
 */
export function commandLines(commands: readonly CommandSpec[], mentions?: readonly string[]) {
  const leaves = leavesOf(commands);
  const command = fc.oneof(
    ...leaves.map(({ path, leaf }) => linesFor(path, leaf, mentions)),
    fc
      .tuple(fc.constantFrom(...commands.map((c) => c.name)), hostileText(8))
      .map(([name, rest]) => `/${name} ${rest}`),
  );
  const any = fc.oneof(
    { arbitrary: command, weight: 6 },
    { arbitrary: hostileText(40).map((text) => `/ask ${text}`), weight: 2 },
    { arbitrary: hostileText(40).map((text) => `/${text}`), weight: 1 },
    { arbitrary: hostileText(40), weight: 1 },
  );
  return { command, any };
}

const hostileUrl: fc.Arbitrary<string> = fc.oneof(
  hostileText(6).map((text) => `https://example.org/${text}`),
  hostileText(4).map((text) => `https://example.org/a?q=${text}&x="1"#${text}`),
  fc.constantFrom(
    "javascript:alert(1)",
    "https://example.org/a_(b)",
    "https://a b",
    "https://example.org/\n**x**",
    "ftp://example.org",
    "",
    "https://example.org/)[x](https://evil.example",
  ),
  hostileText(6),
);

const source: fc.Arbitrary<SourceRef> = fc.record(
  { title: hostileText(20), url: hostileUrl },
  { requiredKeys: ["title"] },
);

/** Reply-model text: usually short, sometimes long enough to force splitting. */
const modelText = (maxPieces: number): fc.Arbitrary<string> =>
  fc.oneof({ arbitrary: hostileText(maxPieces), weight: 5 }, { arbitrary: hostileText(2000), weight: 1 });

const block: fc.Arbitrary<Block> = fc.oneof(
  modelText(60).map((text): Block => ({ kind: "paragraph", text })),
  fc.array(modelText(20), { maxLength: 8 }).map((items): Block => ({ kind: "bullets", items })),
  fc
    .array(fc.record({ name: modelText(10), value: modelText(30) }), { maxLength: 30 })
    .map((entries): Block => ({ kind: "fields", fields: entries })),
);

/** A reply built straight from the model with hostile text in every part. */
export const hostileReply: fc.Arbitrary<Reply> = fc
  .record(
    {
      title: modelText(20),
      blocks: fc.array(block, { maxLength: 6 }),
      footer: fc.record(
        { sources: fc.array(source, { maxLength: 5 }), note: modelText(20) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["blocks"] },
  )
  .map((parts) => ({ ...parts, data: {} }));

/** Every piece of text a reply holds, in order (what users should see, escaped, on every platform). */
export function textsOf(reply: Reply): string[] {
  const texts = reply.title === undefined ? [] : [reply.title];
  for (const b of reply.blocks) {
    if (b.kind === "paragraph") texts.push(b.text);
    else if (b.kind === "bullets") texts.push(...b.items);
    else texts.push(...b.fields.flatMap((f) => [f.name, f.value]));
  }
  for (const s of reply.footer?.sources ?? []) texts.push(s.title);
  if (reply.footer?.note !== undefined) texts.push(reply.footer.note);
  return texts;
}

/** Lone surrogates: text that is not valid Unicode, which chat APIs refuse to carry. */
export const hasLoneSurrogate = (text: string): boolean => /\p{Cs}/u.test(text);
