import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/platform/db/database.js';

/** Where the PostgreSQL integration run connects: the app role, and (optionally) the schema owner. */
export function postgresUrls(env: NodeJS.ProcessEnv = process.env): { app: string; owner: string } | null {
  const app = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (!app) return null;
  const owner = env.TEST_MIGRATION_DATABASE_URL || env.MIGRATION_DATABASE_URL || app;
  return { app, owner };
}

export interface OwnerResult<R> {
  rows: R[];
  rowCount: number;
}

/** Raw SQL on a connection with the schema owner's rights (`$1`-style parameters). */
export type OwnerQuery = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<OwnerResult<R>>;

const ROLLBACK = Symbol('rollback');

/**
 * Runs `work` in one transaction as the most privileged connection the test run has, then always
 * rolls it back, so a test can look (and try to break things) without leaving anything behind.
 *  - PGlite: the app connection with `SET LOCAL ROLE NONE`, i.e. PGlite's superuser session user.
 *  - PostgreSQL: a fresh connection on the migration (owner) URL; without TEST_MIGRATION_DATABASE_URL
 *    that is the app URL, so check `currentUser` before drawing conclusions.
 * A failing statement rejects the whole call (the transaction is then unusable anyway).
 */
export async function asOwner<T>(db: Database, work: (query: OwnerQuery, currentUser: string) => Promise<T>): Promise<T> {
  if (db.kind === 'pglite') {
    let result: T | undefined;
    try {
      await db.kysely.transaction().execute(async (tx) => {
        await sql`SET LOCAL ROLE NONE`.execute(tx);
        const query: OwnerQuery = async <R>(text: string, params: unknown[] = []) => {
          // Without the camel-case plugin, so both backends return the same column names.
          const out = await tx.withoutPlugins().executeQuery<R>(CompiledQuery.raw(text, params));
          return { rows: out.rows, rowCount: Number(out.numAffectedRows ?? out.rows.length) };
        };
        const who = await query<{ user: string }>('SELECT current_user AS "user"');
        result = await work(query, who.rows[0]!.user);
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    return result as T;
  }
  const urls = postgresUrls();
  if (!urls) throw new Error('TEST_DATABASE_URL or DATABASE_URL is needed for the postgresql project');
  const client = new pg.Client({ connectionString: urls.owner });
  await client.connect();
  try {
    await client.query('BEGIN');
    const query: OwnerQuery = async <R>(text: string, params: unknown[] = []) => {
      const out = await client.query(text, params);
      return { rows: out.rows as R[], rowCount: out.rowCount ?? 0 };
    };
    const who = await query<{ user: string }>('SELECT current_user AS "user"');
    return await work(query, who.rows[0]!.user);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
