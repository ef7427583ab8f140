/**
 * A mistake the user can fix. Its message says what to type instead; it is shown as is.
 * Anything else thrown by a handler is a bug: logged with its context, never shown.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  /** The usage line of the command, when the mistake is in how it was typed. */
  readonly usage: string | undefined;

  constructor(message: string, options: { usage?: string } = {}) {
    super(message);
    this.usage = options.usage;
  }
}

/**
 * A message that could not be delivered. `permanent` failures (bot removed or blocked, chat
 * deleted, missing permission) will not heal by retrying; the others may.
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    readonly permanent: boolean,
    /** Short reason shown to people, e.g. "the bot was removed from this chat". */
    readonly reason: string,
  ) {
    super(message);
  }
}
