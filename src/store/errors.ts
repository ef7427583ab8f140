/** The data file cannot be used; the message names the file and what to do. Stops start-up. */
export class StoreError extends Error {
  override readonly name = "StoreError";
}
