import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/platform/auth/secrets.js';
import { systemContext } from '../../src/platform/context.js';
import type { Database, Tx } from '../../src/platform/db/database.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { NotFound } from '../../src/platform/errors.js';
import { testDatabase } from '../support/db.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../support/factories.js';

/**
 * Two organisations, each with an administrator, an API token and audit events (written by the
 * factories and the token service). Everything below must keep them apart.
 */
const TENANT_TABLES = ['membership', 'api_token', 'audit_event'] as const;

let db: Database;
let orgA: Organisation;
let orgB: Organisation;
let userA: TestUser;
let userB: TestUser;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  db = await testDatabase();
  const services = await testServices();
  orgA = await buildOrganisation({ name: 'Tenant A PCN' });
  orgB = await buildOrganisation({ name: 'Tenant B PCN' });
  userA = await buildUser(orgA, 'admin');
  userB = await buildUser(orgB, 'admin');
  tokenA = (await services.tokens.create(userA.ctx, 'A integration')).token;
  tokenB = (await services.tokens.create(userB.ctx, 'B integration')).token;
});

/** Every row of a tenant table the app role can see in this scope, as (table, organisation) pairs. */
async function visible(scope: { organisationId: string | null; userId: string | null }) {
  return db.inScope(scope, async (tx) => {
    const seen: Record<(typeof TENANT_TABLES)[number], string[]> = { membership: [], api_token: [], audit_event: [] };
    for (const table of TENANT_TABLES) {
      const { rows } = await sql<{ org: string }>`SELECT organisation_id::text AS org FROM ${sql.table(table)}`.execute(tx);
      seen[table] = rows.map((row) => row.org);
    }
    return seen;
  });
}

describe('the application database role', () => {
  it('is linkwork_app: not a superuser, no BYPASSRLS, owns no table and cannot become the owner', async () => {
    const role = await db.inScope({ organisationId: null, userId: null }, async (tx) => {
      const { rows } = await sql<{ who: string; rolsuper: boolean; rolbypassrls: boolean }>`
        SELECT current_user AS who, r.rolsuper, r.rolbypassrls
        FROM pg_roles r WHERE r.rolname = current_user`.execute(tx);
      return rows[0]!;
    });
    expect(role).toEqual({ who: 'linkwork_app', rolsuper: false, rolbypassrls: false });

    const owners = await db.inScope({ organisationId: null, userId: null }, async (tx) => {
      const { rows } = await sql<{ tablename: string; tableowner: string; member: boolean }>`
        SELECT tablename, tableowner, pg_has_role(current_user, tableowner, 'MEMBER') AS member
        FROM pg_tables WHERE schemaname = 'public'`.execute(tx);
      return rows;
    });
    expect(owners.map((t) => t.tablename)).toEqual(expect.arrayContaining(['organisation', 'app_user', ...TENANT_TABLES, 'user_session']));
    for (const table of owners) {
      expect(table.tableowner, table.tablename).not.toBe('linkwork_app');
      // A member of the owning role could SET ROLE to it and so escape row-level security.
      expect(table.member, `linkwork_app is a member of ${table.tableowner}, owner of ${table.tablename}`).toBe(false);
    }

    const owned = await db.inScope({ organisationId: null, userId: null }, async (tx) => {
      const { rows } = await sql<{ count: string }>`
        SELECT count(*)::text AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = 'linkwork_app')`.execute(tx);
      return rows[0]!.count;
    });
    expect(owned).toBe('0');
  });

  it('has row-level security enabled and forced on every tenant table', async () => {
    const rows = await db.inScope({ organisationId: null, userId: null }, async (tx) =>
      (
        await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
          SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relname IN ('membership', 'api_token', 'audit_event')
          ORDER BY c.relname`.execute(tx)
      ).rows,
    );
    expect(rows).toEqual([
      { relname: 'api_token', relrowsecurity: true, relforcerowsecurity: true },
      { relname: 'audit_event', relrowsecurity: true, relforcerowsecurity: true },
      { relname: 'membership', relrowsecurity: true, relforcerowsecurity: true },
    ]);
  });

  it('cannot change the schema', async () => {
    await expect(db.inScope({ organisationId: null, userId: null }, (tx) => sql`CREATE TABLE app_role_was_here (id int)`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.inScope({ organisationId: null, userId: null }, (tx) => sql`ALTER TABLE audit_event DISABLE TRIGGER ALL`.execute(tx))).rejects.toThrow(
      /must be owner|permission denied/,
    );
    await expect(db.inScope({ organisationId: null, userId: null }, (tx) => sql`ALTER TABLE membership NO FORCE ROW LEVEL SECURITY`.execute(tx))).rejects.toThrow(
      /must be owner|permission denied/,
    );
  });
});

describe('tenant isolation in the database (row-level security)', () => {
  it('shows no tenant rows at all without an organisation context', async () => {
    expect(await visible({ organisationId: null, userId: null })).toEqual({ membership: [], api_token: [], audit_event: [] });
    // Outside any transaction, too: the settings are transaction-local and leave nothing behind.
    for (const table of TENANT_TABLES) {
      const { rows } = await sql<{ count: string }>`SELECT count(*)::text AS count FROM ${sql.table(table)}`.execute(db.kysely);
      expect(rows[0]!.count, table).toBe('0');
    }
  });

  it("shows only organisation A's rows in A's context", async () => {
    const seen = await visible({ organisationId: orgA.id, userId: null });
    for (const table of TENANT_TABLES) {
      expect(seen[table].length, `${table} rows for A`).toBeGreaterThan(0);
      expect(new Set(seen[table]), table).toEqual(new Set([orgA.id]));
    }
    const seenB = await visible({ organisationId: orgB.id, userId: userB.userId });
    for (const table of TENANT_TABLES) expect(new Set(seenB[table]), table).toEqual(new Set([orgB.id]));
  });

  it("lets a user see their own memberships, and nothing else of another organisation's", async () => {
    const seen = await visible({ organisationId: null, userId: userA.userId });
    expect(seen).toEqual({ membership: [orgA.id], api_token: [], audit_event: [] });
  });

  it('lets a bearer-token lookup see only the token it names', async () => {
    const rows = await db.kysely.transaction().execute(async (tx) => {
      await sql`SELECT set_config('app.token_hash', ${hashSecret(tokenA)}, true)`.execute(tx);
      return tx.selectFrom('apiToken').select(['organisationId', 'tokenHash']).execute();
    });
    expect(rows).toEqual([{ organisationId: orgA.id, tokenHash: hashSecret(tokenA) }]);
    expect(rows.map((r) => r.tokenHash)).not.toContain(hashSecret(tokenB));
  });

  it('does not let a bearer-token lookup move the token it names to another organisation', async () => {
    await expect(
      db.kysely.transaction().execute(async (tx) => {
        await sql`SELECT set_config('app.token_hash', ${hashSecret(tokenA)}, true)`.execute(tx);
        await tx.updateTable('apiToken').set({ organisationId: orgB.id }).where('tokenHash', '=', hashSecret(tokenA)).execute();
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it("refuses to insert rows for organisation B in A's context", async () => {
    const inA = (work: (tx: Tx) => Promise<unknown>) => db.inScope({ organisationId: orgA.id, userId: userA.userId }, work);
    await expect(
      inA((tx) => tx.insertInto('membership').values({ organisationId: orgB.id, userId: userA.userId, role: 'admin', updatedAt: new Date() }).execute()),
    ).rejects.toThrow(/row-level security/);
    await expect(
      inA((tx) =>
        tx
          .insertInto('apiToken')
          .values({ organisationId: orgB.id, userId: userA.userId, name: 'smuggled', tokenHash: hashSecret(`smuggled-${orgA.id}`), lastUsedAt: null, revokedAt: null })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      inA((tx) =>
        tx.insertInto('auditEvent').values({ organisationId: orgB.id, actorUserId: userA.userId, actorLabel: 'intruder', action: 'user.added', subjectType: 'user' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("refuses to move A's rows to B, and cannot touch B's rows, in A's context", async () => {
    await expect(
      db.inScope({ organisationId: orgA.id, userId: null }, (tx) =>
        tx.updateTable('membership').set({ organisationId: orgB.id }).where('userId', '=', userA.userId).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const touched = await db.inScope({ organisationId: orgA.id, userId: null }, async (tx) => {
      const memberships = await tx.updateTable('membership').set({ role: 'referrer' }).where('organisationId', '=', orgB.id).executeTakeFirst();
      const tokens = await tx.updateTable('apiToken').set({ revokedAt: new Date() }).where('organisationId', '=', orgB.id).executeTakeFirst();
      return [memberships.numUpdatedRows, tokens.numUpdatedRows];
    });
    expect(touched).toEqual([0n, 0n]);
    const member = await db.inScope({ organisationId: orgB.id, userId: null }, (tx) =>
      tx.selectFrom('membership').select('role').where('userId', '=', userB.userId).executeTakeFirstOrThrow(),
    );
    expect(member.role).toBe('admin');
  });
});

describe('tenant isolation in the services', () => {
  it("users.list for A never includes B's people", async () => {
    const services = await testServices();
    const listA = await services.users.list(userA.ctx);
    const listB = await services.users.list(userB.ctx);
    expect(listA.map((m) => m.userId)).toContain(userA.userId);
    expect(listA.map((m) => m.userId)).not.toContain(userB.userId);
    expect(listB.map((m) => m.userId)).toContain(userB.userId);
    expect(listB.map((m) => m.userId)).not.toContain(userA.userId);
    await expect(services.users.get(userA.ctx, userB.userId)).rejects.toBeInstanceOf(NotFound);
  });

  it('keeps a person who works for both organisations apart: each sees only its own role for them', async () => {
    const services = await testServices();
    const both = await buildUser(orgA, 'link-worker');
    await services.users.add(systemContext(orgB.id, 'test'), { email: both.email, name: 'Shared Person', role: 'referrer' }, { allowExistingAccount: true });
    const inA = (await services.users.list(userA.ctx)).find((m) => m.userId === both.userId);
    const inB = (await services.users.list(userB.ctx)).find((m) => m.userId === both.userId);
    expect(inA?.role).toBe('link-worker');
    expect(inB?.role).toBe('referrer');
    expect((await services.users.list(userA.ctx)).map((m) => m.userId)).not.toContain(userB.userId);
  });

  it("audit.list for A never includes B's events", async () => {
    const services = await testServices();
    const eventsA = (await services.audit.list(userA.ctx, {}, 200)).items;
    const eventsB = (await services.audit.list(userB.ctx, {}, 200)).items;
    expect(eventsA.length).toBeGreaterThan(0);
    expect(eventsB.length).toBeGreaterThan(0);
    const idsB = new Set(eventsB.map((e) => e.id));
    expect(eventsA.filter((e) => idsB.has(e.id))).toEqual([]);
    const subjectsA = eventsA.map((e) => e.subjectId);
    expect(subjectsA).toContain(orgA.id);
    expect(subjectsA).toContain(userA.userId);
    expect(subjectsA).not.toContain(orgB.id);
    expect(subjectsA).not.toContain(userB.userId);
    // Filters narrow within the organisation; they never widen past it.
    const byAction = await services.audit.list(userA.ctx, { action: 'user.added' }, 200);
    expect(byAction.items.map((e) => e.subjectId)).not.toContain(userB.userId);
  });
});
