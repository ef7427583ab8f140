import { open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { StoreError } from "./errors.ts";

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<data file>.lock` so a second Stepwise process on the same file is refused. A lock left
 * by a process that died (crash, SIGKILL) is taken over, so restarts never need a hand.
 */
export async function acquireLock(lockPath: string, dataPath: string): Promise<() => Promise<void>> {
  const refuse = (who: string) =>
    new StoreError(
      `Another Stepwise process (${who}) is using the data file ${dataPath}. Stop it first, or point STEPWISE_DATA at a different file.`,
    );
  if (heldHere.has(lockPath)) throw refuse(`this process, pid ${process.pid}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n${hostname()}\n`);
      await handle.close();
      heldHere.add(lockPath);
      return async () => {
        heldHere.delete(lockPath);
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [pidText, host] = (await readFile(lockPath, "utf8").catch(() => "")).split("\n");
      const pid = Number(pidText);
      const sameHost = !host || host === hostname();
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && (!sameHost || isAlive(pid))) {
        throw refuse(sameHost ? `pid ${pid}` : `pid ${pid} on ${host}`);
      }
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw refuse("unknown");
}
