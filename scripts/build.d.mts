/** Whether dist/ was built after the last change to its sources. */
export function isCurrent(): boolean;
/** Compiles (incrementally), writes the knowledge snapshot, bundles the bot and stamps the build. */
export function build(): void;
/** What `npm start` runs, relative to the checkout: the bundled bot. */
export const PROGRAM: string;
