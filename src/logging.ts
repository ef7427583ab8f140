import { pino } from "pino";
import type { Logger } from "./core/ports.ts";

/**
 * Fields that may carry secrets or personal data: platform API payloads (grammY and discord.js put
 * the message text, which can hold a user's scores, in their errors), command input, tokens.
 */
const REDACT = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "payload",
  "*.payload",
  "err.payload",
  "err.requestBody",
  "err.rawError",
  "requestBody",
  "*.requestBody",
  "input",
  "*.input",
  "score",
  "*.score",
  "scores",
  "*.scores",
  "profile",
  "*.profile",
];

export interface LoggerOptions {
  level: string;
  /** Exact strings (the bot tokens) that must never reach the log, wherever they appear. */
  secrets: readonly string[];
  /** Where lines go (default stderr, so the console's stdout stays clean). */
  write?: (line: string) => void;
}

/** Structured JSON logs (pino) with personal fields removed and tokens scrubbed from every line. */
export function createLogger(options: LoggerOptions): Logger & { level: string } {
  const secrets = options.secrets.filter((secret) => secret.length >= 8);
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return pino(
    { level: options.level, redact: { paths: REDACT, censor: "[redacted]" } },
    {
      // A token can hide in any string (a URL in an error message): scrub whole lines as a backstop.
      write(line: string) {
        let clean = line;
        for (const secret of secrets) clean = clean.replaceAll(secret, "[redacted]");
        write(clean);
      },
    },
  );
}
