import * as z from "zod";

/** Building blocks for environment variables, shared by the core settings and each platform's. */

/** An optional variable; an empty line in .env ("DISCORD_TOKEN=") means "not set", not "set to nothing". */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );

/** A web address given without its trailing slash (paths are appended to it). */
export const baseUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.endsWith("/"), "remove the trailing slash");

/** The schema's variables read from the environment, or one line per problem ("NAME: what to fix"). */
export function readEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
): { ok: true; value: z.infer<S> } | { ok: false; issues: string[] } {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
  };
}
