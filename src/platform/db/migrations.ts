import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, file), 'utf8') }));
}

/** The little a migration runner needs from a connection that owns the schema. */
export interface OwnerConnection {
  exec(sql: string): Promise<void>;
  appliedNames(): Promise<string[]>;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migration (
  name text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies pending migrations in name order, each in its own transaction together with its ledger row,
 * so a failed migration leaves nothing half-applied. An advisory lock stops two starts racing.
 */
export async function applyMigrations(owner: OwnerConnection, migrations = readMigrations()): Promise<string[]> {
  await owner.exec(`SELECT pg_advisory_lock(7406155)`);
  try {
    await owner.exec(LEDGER);
    const applied = new Set(await owner.appliedNames());
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      const name = migration.name.replace(/'/g, "''");
      try {
        await owner.exec(`BEGIN;\n${migration.sql}\n;INSERT INTO schema_migration (name) VALUES ('${name}');\nCOMMIT;`);
      } catch (error) {
        await owner.exec('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await owner.exec(`SELECT pg_advisory_unlock(7406155)`);
  }
}
