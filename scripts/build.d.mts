/** Whether dist/ was built after the last change to its sources. */
export function isCurrent(): boolean;
/** Compiles (incrementally) and stamps the build. */
export function build(): void;
