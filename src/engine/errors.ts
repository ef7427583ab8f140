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
