import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, can } from '../../platform/auth/policy.js';
import { hashSecret, newSecret } from '../../platform/auth/secrets.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { FieldErrors, NotFound } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import { tokenPolicy } from './policy.js';

export const TOKEN_PREFIX = 'lw_';

export interface TokenSummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const LAST_USED_SLACK_MS = 60_000;

export function createTokenService(db: Database) {
  return {
    /** The token itself is returned here once and never stored; only its hash is kept. */
    async create(ctx: RequestContext, rawName: unknown): Promise<{ id: string; token: string }> {
      authorize(ctx, tokenPolicy, 'create-own');
      const name = text(rawName);
      const errors = new FieldErrors();
      if (name === '') errors.add('name', 'Enter a name that says what the token is for, like "GP system integration"');
      else if (name.length > 100) errors.add('name', 'Name must be 100 characters or fewer');
      errors.throwIfAny();
      if (!ctx.actor.userId) throw new NotFound('API tokens belong to a user');
      const userId = ctx.actor.userId;
      const token = newSecret(TOKEN_PREFIX);
      return db.inScope({ organisationId: ctx.organisationId, userId }, async (tx) => {
        const row = await tx
          .insertInto('apiToken')
          .values({ organisationId: ctx.organisationId, userId, name, tokenHash: hashSecret(token), lastUsedAt: null, revokedAt: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, { action: 'token.created', subjectType: 'api-token', subjectId: row.id });
        return { id: row.id, token };
      });
    },

    async listOwn(ctx: RequestContext): Promise<TokenSummary[]> {
      authorize(ctx, tokenPolicy, 'list-own');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, (tx) =>
        tx
          .selectFrom('apiToken')
          .select(['id', 'name', 'createdAt', 'lastUsedAt', 'revokedAt'])
          .where('organisationId', '=', ctx.organisationId)
          .where('userId', '=', ctx.actor.userId)
          .orderBy('createdAt', 'desc')
          .execute(),
      );
    },

    async revoke(ctx: RequestContext, tokenId: string): Promise<void> {
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const token = await tx
          .selectFrom('apiToken')
          .select(['id', 'userId', 'revokedAt'])
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', tokenId)
          .executeTakeFirst();
        const mine = token?.userId === ctx.actor.userId;
        if (!token || (!mine && !can(ctx, tokenPolicy, 'revoke-any'))) throw new NotFound('There is no such API token');
        authorize(ctx, tokenPolicy, mine ? 'revoke-own' : 'revoke-any');
        if (token.revokedAt) return;
        await tx
          .updateTable('apiToken')
          .set({ revokedAt: new Date() })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', tokenId)
          .execute();
        await recordAudit(tx, ctx, { action: 'token.revoked', subjectType: 'api-token', subjectId: tokenId });
      });
    },

    /** Resolves a bearer token to its user and organisation, or null if unknown, revoked or deactivated. */
    async authenticate(token: string, requestId: string | null): Promise<RequestContext | null> {
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const tokenHash = hashSecret(token);
      return db.kysely.transaction().execute(async (tx) => {
        await sql`SELECT set_config('app.token_hash', ${tokenHash}, true)`.execute(tx);
        const found = await tx
          .selectFrom('apiToken as t')
          .innerJoin('appUser as u', 'u.id', 't.userId')
          .select(['t.id', 't.organisationId', 't.userId', 't.lastUsedAt', 'u.active', 'u.platformAdmin'])
          .where('t.tokenHash', '=', tokenHash)
          .where('t.revokedAt', 'is', null)
          .executeTakeFirst();
        if (!found || !found.active) return null;
        await sql`SELECT set_config('app.organisation_id', ${found.organisationId}, true),
                         set_config('app.user_id', ${found.userId}, true)`.execute(tx);
        const membership = await tx
          .selectFrom('membership')
          .select('role')
          .where('organisationId', '=', found.organisationId)
          .where('userId', '=', found.userId)
          .where('active', '=', true)
          .executeTakeFirst();
        if (!membership) return null;
        if (!found.lastUsedAt || Date.now() - new Date(found.lastUsedAt).getTime() > LAST_USED_SLACK_MS) {
          await tx.updateTable('apiToken').set({ lastUsedAt: new Date() }).where('tokenHash', '=', tokenHash).execute();
        }
        return {
          requestId,
          organisationId: found.organisationId,
          role: membership.role,
          actor: { userId: found.userId, label: found.userId, platformAdmin: found.platformAdmin },
        };
      });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
