import { userInfo } from "node:os";
import pg from "pg";
import { DiskFullError, StoreError } from "../errors.ts";

export interface DatabaseOptions {
  /** A postgres:// URL (STEPWISE_DATABASE_URL). */
  url: string;
  /** Tables in this schema instead of `public` (each test file has its own). */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
}

const { DATE, TIMESTAMPTZ } = pg.types.builtins;
const instant = pg.types.getTypeParser(TIMESTAMPTZ);

/**
 * Values come back as the stored records write them: days as YYYY-MM-DD (pg's default makes a
 * Date at local midnight, which shifts the day in some zones), instants as ISO strings.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === DATE) return (value: string) => value;
    if (oid === TIMESTAMPTZ) return (value: string) => (instant(value) as Date).toISOString();
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(STEPWISE_DATABASE_URL, not a valid URL)";
  }
}

/** The URL with a user name: as libpq does (psql, pg_dump), the operating system's user when it names none. */
export function withUser(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) return url;
    parsed.username = userInfo().username;
    return parsed.toString();
  } catch {
    // Not a URL: the driver says what is wrong with it.
    return url;
  }
}

const codeOf = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

/** PostgreSQL's disk_full: the change was rolled back, as a full disk is on file. */
const translate = (error: unknown): never => {
  throw codeOf(error) === "53100" ? new DiskFullError() : error;
};

/** What runs a statement: the pool, or one transaction's connection. */
export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A pool of connections to Stepwise's database, with transactions and readable errors. */
export class Database implements Queryable {
  /** The connections; rate-limiter-flexible's PostgreSQL limiters share them (rateLimits.ts). */
  readonly pool: pg.Pool;

  constructor(readonly options: DatabaseOptions) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new Error(`not a plain schema name: ${options.schema}`);
    }
    const settings = [
      // Acknowledged means durable: a commit returns once it is flushed, whatever the server's default.
      "-c synchronous_commit=on",
      ...(options.schema ? [`-c search_path=${options.schema}`] : []),
    ];
    this.pool = new pg.Pool({
      connectionString: withUser(options.url),
      options: settings.join(" "),
      max: options.max ?? 10,
      types,
    });
    // An idle connection dropped by the server is replaced at the next query; no crash meanwhile.
    this.pool.on("error", () => undefined);
  }

  /** Opens a first connection, so a wrong URL or a server that is down stops start-up with one line. */
  async connect(): Promise<void> {
    try {
      await this.pool.query("SELECT 1");
    } catch (error) {
      throw new StoreError(
        `Stepwise cannot use the database ${redactedUrl(this.options.url)}: ${(error as Error).message || codeOf(error)}. Check that PostgreSQL is running and that STEPWISE_DATABASE_URL names a database this user may use.`,
      );
    }
  }

  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values).catch(translate);
  }

  /** Runs `work` in one transaction: committed (and durable) when it resolves, rolled back when it throws. */
  async transaction<T>(
    work: (client: Queryable) => Promise<T>,
    mode = "BEGIN ISOLATION LEVEL READ COMMITTED",
  ): Promise<T> {
    const client = await this.pool.connect().catch(translate);
    let broken: Error | undefined;
    try {
      await client.query(mode);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((failed: Error) => {
        broken = failed;
      });
      return translate(error);
    } finally {
      // A connection that could not roll back is closed, not reused.
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
