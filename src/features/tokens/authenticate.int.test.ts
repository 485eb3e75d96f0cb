import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { hashSecret } from '../../platform/auth/secrets.js';

async function withToken(role: 'link-worker' | 'referrer' = 'link-worker') {
  const organisation = await buildOrganisation();
  const admin = await buildUser(organisation, 'admin');
  const user = await buildUser(organisation, role);
  const services = await testServices();
  const { id, token } = await services.tokens.create(user.ctx, 'integration');
  return { organisation, admin, user, services, id, token };
}

async function lastUsed(organisationId: string, tokenId: string): Promise<Date | null> {
  const db = await testDatabase();
  const row = await db.inScope({ organisationId, userId: null }, (tx) =>
    tx.selectFrom('apiToken').select('lastUsedAt').where('organisationId', '=', organisationId).where('id', '=', tokenId).executeTakeFirstOrThrow(),
  );
  return row.lastUsedAt;
}

describe('bearer token authentication', () => {
  it('gives the token’s user, organisation and role', async () => {
    const { organisation, user, services, token } = await withToken('referrer');
    expect(await services.tokens.authenticate(token, 'req-1')).toEqual({
      requestId: 'req-1',
      organisationId: organisation.id,
      role: 'referrer',
      actor: { userId: user.userId, label: user.userId, platformAdmin: false },
    });
  });

  it('refuses a token nobody was given, and one that is not a Linkwork token', async () => {
    const { services, token } = await withToken();
    expect(await services.tokens.authenticate(`${token}x`, null)).toBeNull();
    expect(await services.tokens.authenticate('lw_', null)).toBeNull();
    expect(await services.tokens.authenticate(token.slice(3), null)).toBeNull();
  });

  it('refuses a revoked token from the very next request', async () => {
    const { user, services, id, token } = await withToken();
    expect(await services.tokens.authenticate(token, null)).not.toBeNull();
    await services.tokens.revoke(user.ctx, id);
    expect(await services.tokens.authenticate(token, null)).toBeNull();
  });

  it('refuses the token of someone whose membership was deactivated, and accepts it again on reactivation', async () => {
    const { admin, user, services, token } = await withToken();
    await services.users.deactivate(admin.ctx, user.userId);
    expect(await services.tokens.authenticate(token, null)).toBeNull();
    await services.users.reactivate(admin.ctx, user.userId);
    expect(await services.tokens.authenticate(token, null)).not.toBeNull();
  });

  it('refuses the token of a deactivated account', async () => {
    const { user, services, token } = await withToken();
    const db = await testDatabase();
    await db.kysely.updateTable('appUser').set({ active: false }).where('id', '=', user.userId).execute();
    expect(await services.tokens.authenticate(token, null)).toBeNull();
  });

  it('records when a token was last used, but writes at most once a minute', async () => {
    const { organisation, services, id, token } = await withToken();
    expect(await lastUsed(organisation.id, id)).toBeNull();
    await services.tokens.authenticate(token, null);
    const first = await lastUsed(organisation.id, id);
    expect(first).not.toBeNull();
    await services.tokens.authenticate(token, null);
    expect(await lastUsed(organisation.id, id)).toEqual(first);

    const db = await testDatabase();
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
      tx.updateTable('apiToken').set({ lastUsedAt: longAgo }).where('organisationId', '=', organisation.id).where('id', '=', id).execute(),
    );
    await services.tokens.authenticate(token, null);
    expect((await lastUsed(organisation.id, id))!.getTime()).toBeGreaterThan(longAgo.getTime());
  });

  it('leaves the caller’s row-level security settings as they were', async () => {
    const { organisation, token } = await withToken();
    const other = await buildOrganisation();
    const db = await testDatabase();
    const settings = await db.inScope({ organisationId: other.id, userId: null }, async (tx) => {
      const { rows } = await sql<{ organisationId: string }>`SELECT organisation_id FROM app_authenticate_token(${hashSecret(token)})`.execute(tx);
      expect(rows).toEqual([{ organisationId: organisation.id }]);
      return (
        await sql<{ organisation: string; user: string; tokenHash: string }>`
          SELECT current_setting('app.organisation_id', true) AS organisation, current_setting('app.user_id', true) AS user,
                 current_setting('app.token_hash', true) AS token_hash`.execute(tx)
      ).rows[0];
    });
    expect(settings).toEqual({ organisation: other.id, user: '', tokenHash: '' });
  });

  it.each(['app_authenticate_token', 'app_find_session'])('%s runs with the caller’s rights, may be called by the application role only, with a fixed search path', async (name) => {
    const db = await testDatabase();
    const { rows } = await sql<{ definer: boolean; config: string[]; acl: string[] }>`
      SELECT prosecdef AS definer, proconfig AS config, proacl::text[] AS acl FROM pg_proc WHERE proname = ${name}`.execute(db.kysely);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.definer).toBe(false);
    expect(rows[0]!.config).toContain('search_path=pg_catalog, public');
    expect(rows[0]!.acl.some((entry) => entry.startsWith('='))).toBe(false);
    expect(rows[0]!.acl.some((entry) => entry.startsWith('linkwork_app=X'))).toBe(true);
  });
});
