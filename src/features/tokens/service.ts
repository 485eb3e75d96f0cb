import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, can } from '../../platform/auth/policy.js';
import { hashSecret, newSecret } from '../../platform/auth/secrets.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import type { Role } from '../../platform/db/schema.js';
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

    /**
     * Resolves a bearer token to its user, organisation and role, or null if it is unknown, revoked,
     * or its user or membership deactivated. One statement (see migrations/0007): it runs on every API
     * request, and nothing is cached, so a revocation holds from the next request.
     */
    async authenticate(token: string, requestId: string | null): Promise<RequestContext | null> {
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const { rows } = await sql<{ organisationId: string; userId: string; role: Role; platformAdmin: boolean }>`
        SELECT organisation_id, user_id, role, platform_admin FROM app_authenticate_token(${hashSecret(token)})`.execute(db.kysely);
      const found = rows[0];
      if (!found) return null;
      return {
        requestId,
        organisationId: found.organisationId,
        role: found.role,
        actor: { userId: found.userId, label: found.userId, platformAdmin: found.platformAdmin },
      };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
