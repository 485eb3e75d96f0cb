import { recordAudit } from '../../platform/audit/audit.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from '../../platform/auth/passwords.js';
import { hashSecret, hmac } from '../../platform/auth/secrets.js';
import type { SessionStore } from '../../platform/auth/sessions.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import type { Role } from '../../platform/db/schema.js';
import { FieldErrors, NotFound, TooManyRequests, ValidationFailed } from '../../platform/errors.js';
import { normaliseEmail } from '../../platform/validation.js';
import type { UserService } from '../users/service.js';

export const SIGN_IN_FAILED = 'Your email or password is not right';
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MINUTES = 15;

export interface SignedIn {
  sessionId: string;
  userId: string;
  organisationId: string;
  role: Role;
}

export function createAuthService(db: Database, sessions: SessionStore, users: UserService, secret: string) {
  // Keyed, so the throttle table cannot be reversed into a list of who tried to sign in.
  const emailKey = (email: string) => hmac(secret, `sign-in:${email}`);

  async function recentFailures(key: string): Promise<number> {
    const since = new Date(Date.now() - FAILURE_WINDOW_MINUTES * 60_000);
    const row = await db.kysely
      .selectFrom('signInFailure')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('emailKey', '=', key)
      .where('occurredAt', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  const auditContext = (userId: string, organisationId: string, requestId: string | null) => ({
    requestId,
    organisationId,
    actor: { userId, label: userId, platformAdmin: false },
  });

  return {
    async signIn(rawEmail: unknown, rawPassword: unknown, requestId: string | null): Promise<SignedIn> {
      const email = normaliseEmail(rawEmail);
      const password = typeof rawPassword === 'string' ? rawPassword : '';
      const errors = new FieldErrors();
      if (email === '') errors.add('email', 'Enter your email address');
      if (password === '') errors.add('password', 'Enter your password');
      errors.throwIfAny();

      const key = emailKey(email);
      if ((await recentFailures(key)) >= MAX_FAILURES) {
        throw new TooManyRequests(`Too many attempts to sign in. Wait ${FAILURE_WINDOW_MINUTES} minutes and try again.`);
      }
      const user = await users.findByEmail(email);
      const hash = user?.active
        ? (await db.kysely.selectFrom('appUser').select('passwordHash').where('id', '=', user.id).executeTakeFirst())?.passwordHash
        : null;
      const ok = hash ? await verifyPassword(hash, password) : await verifyAgainstDummy(password);
      const memberships = ok && user ? await users.membershipsOf(user.id) : [];
      const home = memberships[0];
      if (!ok || !user || !home) {
        await db.kysely.insertInto('signInFailure').values({ emailKey: key }).execute();
        throw new ValidationFailed([{ field: 'email', message: SIGN_IN_FAILED }]);
      }
      await db.kysely.deleteFrom('signInFailure').where('emailKey', '=', key).execute();
      const sessionId = await sessions.create(user.id, home.organisationId);
      await db.inScope({ organisationId: home.organisationId, userId: user.id }, (tx) =>
        recordAudit(tx, auditContext(user.id, home.organisationId, requestId), {
          action: 'user.signed-in',
          subjectType: 'user',
          subjectId: user.id,
        }),
      );
      return { sessionId, userId: user.id, organisationId: home.organisationId, role: home.role };
    },

    async switchOrganisation(ctx: RequestContext, sessionIdHash: string, organisationId: string): Promise<void> {
      if (!ctx.actor.userId) throw new NotFound();
      const memberships = await users.membershipsOf(ctx.actor.userId);
      const target = memberships.find((m) => m.organisationId === organisationId);
      if (!target) throw ValidationFailed.field('organisation', 'Choose one of your organisations');
      await sessions.switchOrganisation(sessionIdHash, organisationId);
      await db.inScope({ organisationId, userId: ctx.actor.userId }, (tx) =>
        recordAudit(tx, { ...ctx, organisationId }, {
          action: 'user.switched-organisation',
          subjectType: 'user',
          subjectId: ctx.actor.userId,
        }),
      );
    },

    async inviteIsValid(token: string): Promise<{ email: string; name: string } | null> {
      const invite = await db.kysely
        .selectFrom('userInvite as i')
        .innerJoin('appUser as u', 'u.id', 'i.userId')
        .select(['u.email', 'u.name', 'i.expiresAt', 'i.usedAt'])
        .where('i.tokenHash', '=', hashSecret(token))
        .executeTakeFirst();
      if (!invite || invite.usedAt || new Date(invite.expiresAt).getTime() < Date.now()) return null;
      return { email: invite.email, name: invite.name };
    },

    /** Accepting an invitation sets the password once; the link cannot be used again. */
    async acceptInvite(token: string, rawPassword: unknown, rawConfirm: unknown, requestId: string | null): Promise<void> {
      const invite = await db.kysely
        .selectFrom('userInvite')
        .selectAll()
        .where('tokenHash', '=', hashSecret(token))
        .executeTakeFirst();
      if (!invite || invite.usedAt || new Date(invite.expiresAt).getTime() < Date.now()) {
        throw new NotFound('This invitation link has expired or has already been used. Ask your administrator for a new one.');
      }
      const password = typeof rawPassword === 'string' ? rawPassword : '';
      const user = await db.kysely.selectFrom('appUser').select('email').where('id', '=', invite.userId).executeTakeFirstOrThrow();
      const errors = new FieldErrors();
      const problem = password === '' ? 'Enter a password' : passwordProblem(password, user.email);
      if (problem) errors.add('password', problem);
      else if (rawConfirm !== password) errors.add('confirm', 'The passwords do not match');
      errors.throwIfAny();
      const passwordHash = await hashPassword(password);
      await db.inScope({ organisationId: invite.organisationId, userId: invite.userId }, async (tx) => {
        const used = await tx
          .updateTable('userInvite')
          .set({ usedAt: new Date() })
          .where('tokenHash', '=', invite.tokenHash)
          .where('usedAt', 'is', null)
          .executeTakeFirst();
        if (used.numUpdatedRows === 0n) throw new NotFound('This invitation link has already been used.');
        await tx.updateTable('appUser').set({ passwordHash, updatedAt: new Date() }).where('id', '=', invite.userId).execute();
        // A new password ends every session the old one opened.
        await tx.deleteFrom('userSession').where('userId', '=', invite.userId).execute();
        await recordAudit(tx, auditContext(invite.userId, invite.organisationId, requestId), {
          action: 'user.password-set',
          subjectType: 'user',
          subjectId: invite.userId,
        });
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
