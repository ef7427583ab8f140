import fc from "fast-check";
import { describe, it } from "vitest";
import type { Reply } from "../../src/core/reply.ts";
import { hostileReply, hostileText, hugeText } from "./hostileText.ts";
import { checkEveryPlatform } from "./platformChecks.ts";

describe("every renderer under replies with hostile text in every part", () => {
  it("GIVEN any reply THEN console, Telegram and Discord output is valid, within limits and escaped", () => {
    fc.assert(
      fc.property(hostileReply, (reply) => {
        checkEveryPlatform(reply);
      }),
      { numRuns: 300 },
    );
  });

  it("GIVEN replies with 50-100 KB parts THEN they are split into messages that each fit", () => {
    const huge: fc.Arbitrary<Reply> = fc
      .record({
        title: fc.oneof(hostileText(10), hugeText),
        text: hugeText,
        field: hugeText,
        note: fc.oneof(hostileText(10), hugeText),
        source: hugeText,
      })
      .map(({ title, text, field, note, source }) => ({
        title,
        blocks: [
          { kind: "paragraph", text },
          { kind: "fields", fields: [{ name: source.slice(0, 300), value: field }] },
          { kind: "bullets", items: [text.slice(0, 5000), field.slice(0, 3000)] },
        ],
        footer: { sources: [{ title: source, url: `https://example.org/${source.slice(0, 100)}` }], note },
        data: {},
      }));
    fc.assert(
      fc.property(huge, (reply) => {
        checkEveryPlatform(reply);
      }),
      { numRuns: 15 },
    );
  });
});
