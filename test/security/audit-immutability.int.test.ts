import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { asOwner, type OwnerQuery } from '../support/backend.js';
import { backend, testDatabase } from '../support/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../support/factories.js';

/**
 * The audit trail is append-only. The application role has no UPDATE, DELETE or TRUNCATE privilege on
 * it, and a trigger refuses all three even to a role that has them: the owner (PostgreSQL) or
 * PGlite's superuser session. Every owner-level attempt runs in a transaction that is rolled back.
 */
let db: Database;
let org: Organisation;
let admin: TestUser;

const REFUSED = (op: string) => new RegExp(`audit events cannot be changed or removed \\(${op} refused\\)`);

beforeAll(async () => {
  db = await testDatabase();
  org = await buildOrganisation();
  admin = await buildUser(org, 'admin');
});

/** The organisation's events as the app sees them, for before/after comparisons. */
async function events() {
  return db.inScope({ organisationId: org.id, userId: null }, (tx) =>
    tx.selectFrom('auditEvent').select(['id', 'action', 'actorLabel', 'subjectId', 'occurredAt']).orderBy('id').execute(),
  );
}

/** Whether the owner-level connection is really more privileged than the app role (see asOwner). */
async function ownerRole(): Promise<{ who: string; superuser: boolean }> {
  return asOwner(db, async (query, who) => {
    const { rows } = await query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    return { who, superuser: rows[0]!.rolsuper };
  });
}

describe('the audit trail as the application role', () => {
  it('has events to protect', async () => {
    const actions = (await events()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['organisation.added', 'user.added']));
  });

  it.each([
    ['UPDATE', sql`UPDATE audit_event SET action = 'tampered.event'`],
    ['DELETE', sql`DELETE FROM audit_event`],
    ['TRUNCATE', sql`TRUNCATE audit_event`],
  ])('refuses %s (no privilege)', async (_op, statement) => {
    const before = await events();
    await expect(db.inScope({ organisationId: org.id, userId: admin.userId }, (tx) => statement.execute(tx))).rejects.toThrow(
      /permission denied for table audit_event/,
    );
    expect(await events()).toEqual(before);
  });
});

describe('the audit trail as the owner', () => {
  it('has an owner-level connection that is not the app role', async () => {
    const owner = await ownerRole();
    if (backend === 'postgresql' && owner.who === 'linkwork_app') {
      // Without TEST_MIGRATION_DATABASE_URL there is nothing more privileged to try; `.ci/run` sets it.
      console.warn('TEST_MIGRATION_DATABASE_URL is not set: owner-level audit checks ran as linkwork_app');
    }
    expect(owner.who).not.toBe('linkwork_app');
  });

  const attempts: [string, (query: OwnerQuery) => Promise<unknown>][] = [
    ['UPDATE', (query) => query(`UPDATE audit_event SET action = 'tampered.event' WHERE organisation_id = $1`, [org.id])],
    ['DELETE', (query) => query('DELETE FROM audit_event WHERE organisation_id = $1', [org.id])],
    ['TRUNCATE', (query) => query('TRUNCATE audit_event')],
  ];

  it.each(attempts)('refuses %s by the trigger, even with row-level security lifted', async (op, attempt) => {
    const before = await events();
    await expect(
      asOwner(db, async (query) => {
        // The owner is held to FORCE ROW LEVEL SECURITY, which alone hides every row from its UPDATE and
        // DELETE (there is no policy for them). Lift it here, inside the rolled-back transaction, so the
        // rows are reachable and it is the trigger that has to refuse.
        await query('ALTER TABLE audit_event NO FORCE ROW LEVEL SECURITY');
        await attempt(query);
      }),
    ).rejects.toThrow(REFUSED(op));
    expect(await events()).toEqual(before);
  });

  it('changes nothing with a plain UPDATE or DELETE as the owner either', async () => {
    const owner = await ownerRole();
    const before = await events();
    for (const [op, attempt] of attempts.slice(0, 2)) {
      const outcome = asOwner(db, async (query) => {
        await query(`SELECT set_config('app.organisation_id', $1, true)`, [org.id]);
        return attempt(query);
      });
      if (owner.superuser) {
        // PGlite's superuser (or a superuser URL) bypasses row-level security: the trigger stops it.
        await expect(outcome, op).rejects.toThrow(REFUSED(op));
      } else {
        // A non-superuser owner under FORCE ROW LEVEL SECURITY: no UPDATE/DELETE policy, so no rows.
        await expect(outcome, op).resolves.toMatchObject({ rowCount: 0 });
      }
    }
    expect(await events()).toEqual(before);
  });
});

it.runIf(backend === 'pglite')('PGlite: RESET ROLE inside a transaction gives the superuser, and the trigger still refuses', async () => {
  const before = await events();
  await expect(
    db.kysely.transaction().execute(async (tx) => {
      await sql`RESET ROLE`.execute(tx);
      const { rows } = await sql<{ who: string; su: boolean }>`SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`.execute(tx);
      expect(rows[0]).toEqual({ who: 'postgres', su: true });
      await sql`UPDATE audit_event SET action = 'tampered.event' WHERE organisation_id = ${org.id}`.execute(tx);
    }),
  ).rejects.toThrow(REFUSED('UPDATE'));
  // The failed transaction rolled back, RESET ROLE with it: the shared connection is the app role again.
  const { rows } = await sql<{ who: string }>`SELECT current_user AS who`.execute(db.kysely);
  expect(rows[0]!.who).toBe('linkwork_app');
  expect(await events()).toEqual(before);
});
