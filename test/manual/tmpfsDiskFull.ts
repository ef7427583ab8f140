/**
 * Finding 1 of issue #16 on a real full disk: fills a 64 KiB tmpfs with acknowledged writes, then
 * checks that every acknowledged write is there, that the journal ends on a whole line and that
 * start-up on the full disk says so in one line. Mounting needs root, so this is not part of
 * `npm test` (which injects a full disk at every write point instead); run it with
 * `npm run check:tmpfs` as root. Exits non-zero on any failure.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FileStore } from "../../src/store/file/fileStore.ts";
import { startProgram } from "../helpers.ts";

const exec = promisify(execFile);

async function expectCleanFiles(folder: string): Promise<void> {
  const names = (await readdir(folder)).filter((name) => !name.includes(".lock"));
  assert.deepEqual(
    names.filter((name) => name.endsWith(".tmp")),
    [],
    "a temporary file was left",
  );
  if (names.includes("stepwise.json.journal")) {
    const journal = await readFile(join(folder, "stepwise.json.journal"));
    if (journal.length > 0) {
      assert.equal(journal.includes(0), false, "journal holds NUL bytes");
      assert.equal(journal.at(-1), 0x0a, "journal ends inside a line");
    }
  }
}

const dir = await mkdtemp(join(tmpdir(), "stepwise-tmpfs-"));
const mount = join(dir, "tmpfs");
await mkdir(mount);
await exec("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]);
try {
  const path = join(mount, "stepwise.json");
  const { stdout } = await exec(process.execPath, ["--import", "tsx", "test/fixtures/fillWriter.ts", path]);
  const lines = stdout.trim().split("\n");
  const acked = lines.filter((line) => line.startsWith("ack ")).map((line) => line.slice(4));
  assert.ok(acked.length > 50, `only ${acked.length} writes before the disk filled`);
  assert.equal(
    lines.at(-1),
    "refused Could not save: the server's disk is full, nothing was changed. Please try again later.",
  );
  await expectCleanFiles(mount);

  const { code, stderr } = await startProgram(path);
  assert.equal(code, 1);
  assert.match(
    stderr,
    /^Stepwise cannot [^\n]* the disk is full\. Free some space and start again; nothing was changed\.\n$/,
  );
  await expectCleanFiles(mount);

  await exec("mount", ["-o", "remount,size=1m", mount]);
  const store = await FileStore.open(path);
  const users = store.read().users;
  assert.deepEqual(
    acked.filter((n) => users[`fill:${n}`] === undefined),
    [],
    "acknowledged writes were lost",
  );
  await store.close();
  console.log(`tmpfs check passed: ${acked.length} acknowledged writes on a full 64 KiB tmpfs, none lost`);
} finally {
  await exec("umount", [mount]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
