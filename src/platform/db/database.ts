import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CamelCasePlugin, CompiledQuery, Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import type { DatabaseKind } from '../config.js';
import { applyMigrations, type OwnerConnection } from './migrations.js';
import type { DB } from './schema.js';

export type Tx = Transaction<DB>;

/** Who a transaction acts for: row-level security sees exactly these two settings. */
export interface DbScope {
  organisationId: string | null;
  userId: string | null;
}

export interface Database {
  kind: DatabaseKind;
  /** Runs as the non-owner role linkwork_app. Prefer `inScope` so row-level security has its context. */
  kysely: Kysely<DB>;
  /** One transaction with the organisation and user context set for row-level security. */
  inScope<T>(scope: DbScope, work: (tx: Tx) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export class DataDirectoryLocked extends Error {
  constructor(dir: string, pid: string, sameProcess = false) {
    super(
      sameProcess
        ? `The data directory ${dir} is already open in this process (pid ${pid}). Close it before opening it again.`
        : `The data directory ${dir} is in use by another Linkwork process (pid ${pid}). Stop it first, or set DATA_DIR to another directory.`,
    );
    this.name = 'DataDirectoryLocked';
  }
}

const APP_ROLE = 'linkwork_app';

// A date (a date of birth) is a calendar day, not an instant: kept as 'YYYY-MM-DD' so no time zone
// can move it to the day before.
const DATE_OID = 1082;
const keepDate = (value: string) => value;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directories this process holds: the pid file cannot tell a second open here from a stale lock. */
const lockedHere = new Set<string>();

/** PGlite has no lock of its own; two processes (or two opens in one) on one directory would corrupt it. */
function lockDataDirectory(dir: string): () => void {
  const key = path.resolve(dir);
  if (lockedHere.has(key)) throw new DataDirectoryLocked(dir, String(process.pid), true);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'linkwork.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      lockedHere.add(key);
      return () => {
        lockedHere.delete(key);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readFileSync(file, 'utf8').trim();
      if (/^\d+$/.test(holder) && Number(holder) !== process.pid && processIsAlive(Number(holder))) {
        throw new DataDirectoryLocked(dir, holder);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dir}`);
}

/**
 * Sets the row-level security context for the rest of a transaction. A transaction that writes for
 * two organisations (a referral: the referrer's receipt and the service's record) switches between
 * them, and never holds both at once.
 */
export async function setScope(tx: Tx, scope: DbScope): Promise<void> {
  await sql`SELECT set_config('app.organisation_id', ${scope.organisationId ?? ''}, true),
                   set_config('app.user_id', ${scope.userId ?? ''}, true)`.execute(tx);
}

function scoped(kysely: Kysely<DB>) {
  return <T>(scope: DbScope, work: (tx: Tx) => Promise<T>): Promise<T> =>
    kysely.transaction().execute(async (tx) => {
      await setScope(tx, scope);
      return work(tx);
    });
}

export interface OpenOptions {
  kind: DatabaseKind;
  /** PGlite: a directory, or undefined for an in-memory database (tests). */
  dataDir?: string;
  databaseUrl?: string;
  /** PostgreSQL: a connection that owns the schema, for migrations; defaults to databaseUrl. */
  migrationDatabaseUrl?: string;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.kind === 'pglite' ? openPglite(options.dataDir) : openPostgres(options);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const unlock = dataDir ? lockDataDirectory(dataDir) : () => undefined;
  // Each driver is loaded only when used: an embedded start never pays for `pg`, nor a server start for PGlite.
  const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]);
  let pglite: InstanceType<typeof PGlite>;
  try {
    // pg_trgm (typo-tolerant directory search) is the one extension; see docs/architecture.md for why not cube.
    const options = { parsers: { [DATE_OID]: keepDate }, extensions: { pg_trgm } };
    pglite = dataDir ? await PGlite.create(path.join(dataDir, 'pglite'), options) : await PGlite.create(options);
  } catch (error) {
    unlock();
    throw error;
  }
  const owner: OwnerConnection = {
    exec: async (text) => {
      await pglite.exec(text);
    },
    appliedNames: async () =>
      (await pglite.query<{ name: string }>('SELECT name FROM schema_migration')).rows.map((r) => r.name),
  };
  // PGlite's one session is a superuser; application work switches to the non-owner role so
  // row-level security applies exactly as on a real server.
  const kysely = new Kysely<DB>({
    dialect: new PGliteDialect({
      pglite,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`SET ROLE ${APP_ROLE}`));
      },
    }),
    // address1 ↔ address_1: ORUK's column names put an underscore before digits.
    plugins: [new CamelCasePlugin({ underscoreBeforeDigits: true })],
  });
  return {
    kind: 'pglite',
    kysely,
    inScope: scoped(kysely),
    migrate: async () => {
      await pglite.exec('RESET ROLE');
      try {
        return await applyMigrations(owner);
      } finally {
        await pglite.exec(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN SET ROLE ${APP_ROLE}; END IF; END $$`);
      }
    },
    close: async () => {
      await kysely.destroy();
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

async function openPostgres(options: OpenOptions): Promise<Database> {
  if (!options.databaseUrl) throw new Error('DATABASE_URL is required for PostgreSQL');
  const { default: pg } = await import('pg');
  pg.types.setTypeParser(DATE_OID, keepDate);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
  const kysely = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`SET ROLE ${APP_ROLE}`));
      },
    }),
    plugins: [new CamelCasePlugin({ underscoreBeforeDigits: true })],
  });
  return {
    kind: 'postgresql',
    kysely,
    inScope: scoped(kysely),
    migrate: async () => {
      const client = new pg.Client({ connectionString: options.migrationDatabaseUrl ?? options.databaseUrl });
      await client.connect();
      try {
        return await applyMigrations({
          exec: async (text) => {
            await client.query(text);
          },
          appliedNames: async () =>
            (await client.query<{ name: string }>('SELECT name FROM schema_migration')).rows.map((r) => r.name),
        });
      } finally {
        await client.end();
      }
    },
    close: () => kysely.destroy(),
  };
}
