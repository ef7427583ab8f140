import * as z from "zod";
import { UserError } from "./errors.ts";

/** Removing one of a person's numbered items (practice scores, study sessions) by the id typed. */

/** The `id` option: "3" or "#3", as the list command shows it. */
export const idOption = (what: string, listCommand: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(20)
    .meta({ placeholder: "id" })
    .describe(`The ${what}'s id, as shown by ${listCommand}`);

interface Removable<T> {
  remove(userId: string, id: string, now: Date): Promise<T | undefined>;
  list(userId: string): Promise<Array<{ id: string }>>;
}

/**
 * Removes the item with the typed id; when there is none, a UserError that lists the ids there are.
 * `names` says what the items are: "practice score", "scores", "/score list".
 */
export async function removeById<T>(
  items: Removable<T>,
  userId: string,
  typed: string,
  now: Date,
  names: { one: string; many: string; list: string },
): Promise<T> {
  const wanted = typed.replace(/^#/, "");
  const removed = await items.remove(userId, wanted, now);
  if (removed !== undefined) return removed;
  const ids = (await items.list(userId)).map((item) => `#${item.id}`).join(", ");
  throw new UserError(
    `There is no ${names.one} #${wanted}. ${ids ? `Your ${names.many}: ${ids} (see ${names.list}).` : `You have no logged ${names.many}.`}`,
  );
}
