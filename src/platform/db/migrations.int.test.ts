import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { asOwner } from '../../../test/support/backend.js';
import { testDatabase } from '../../../test/support/db.js';
import { readMigrations } from './migrations.js';

describe('migrations', () => {
  it('are all recorded in schema_migration, starting with 0001_foundation', async () => {
    const db = await testDatabase();
    const names = await asOwner(db, async (query) => (await query<{ name: string }>('SELECT name FROM schema_migration ORDER BY name')).rows.map((r) => r.name));
    expect(names[0]).toBe('0001_foundation');
    expect(names).toEqual(readMigrations().map((m) => m.name));
  });

  it('apply nothing the second time', async () => {
    const db = await testDatabase();
    expect(await db.migrate()).toEqual([]);
    // And the app connection is still the app role afterwards (PGlite's migrate switches roles).
    const { rows } = await sql<{ who: string }>`SELECT current_user AS who`.execute(db.kysely);
    expect(rows[0]!.who).toBe('linkwork_app');
  });

  it('keep their ledger out of the application role’s reach', async () => {
    const db = await testDatabase();
    await expect(sql`SELECT name FROM schema_migration`.execute(db.kysely)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM schema_migration`.execute(db.kysely)).rejects.toThrow(/permission denied/);
  });

  it('have names the runner accepts, in order, without duplicates', () => {
    const names = readMigrations().map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names.map((n) => n.slice(0, 4))).size).toBe(names.length);
  });
});
