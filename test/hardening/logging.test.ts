import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

describe("logs", () => {
  it("GIVEN errors that carry a token and a user's scores THEN neither reaches the log, and the rest does", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", secrets: [TOKEN], write: (line) => lines.push(line) });
    const apiError = Object.assign(
      new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`),
      {
        payload: { chat_id: 42, text: "Your Step 2 CK practice score 236 puts you..." },
      },
    );
    logger.error({ err: apiError, requestId: "update-17" }, "update failed");
    logger.info({ input: { score: "236%" }, command: "score add", userId: "telegram:42" }, "command ran");
    logger.warn({ token: TOKEN, profile: { step2ck_score: 251 } }, "starting");
    const text = lines.join("");
    expect(text).not.toContain(TOKEN);
    // Looked for as the texts they were in: bare digits could turn up in a timestamp or a pid.
    expect(text).not.toContain("practice score 236");
    expect(text).not.toContain("236%");
    expect(text).not.toContain("step2ck_score");
    expect(text).toContain("update-17");
    expect(text).toContain('"command":"score add"');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual([50, 30, 40]);
  });

  it("GIVEN level warn THEN info lines are not written", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "warn", secrets: [], write: (line) => lines.push(line) });
    logger.info({}, "quiet");
    logger.warn({}, "loud");
    expect(lines).toHaveLength(1);
  });
});
