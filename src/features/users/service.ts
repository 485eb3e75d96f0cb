import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/policy.js';
import { hashPassword, passwordProblem } from '../../platform/auth/passwords.js';
import { hashSecret, newSecret } from '../../platform/auth/secrets.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { ROLES, type Role } from '../../platform/db/schema.js';
import { Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { checkEmail, checkName, checkOneOf, normaliseEmail, text } from '../../platform/validation.js';
import { signInLinkRefusal, userPolicy } from './policy.js';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  'team-lead': 'Team lead or service manager',
  'link-worker': 'Link worker',
  referrer: 'Referrer',
  provider: 'Activity provider',
  commissioner: 'Commissioner',
};

const INVITE_DAYS = 7;

export interface NewUser {
  email: unknown;
  name: unknown;
  role: unknown;
  /** Optional: without one the user gets an invitation link to choose their own. */
  password?: unknown;
}

export interface AddedUser {
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** True when the email already had an account and only a role in this organisation was added. */
  existingAccount: boolean;
  /** Shown once: the path where the new user chooses a password. */
  invitePath: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  accountActive: boolean;
}

export function createUserService(db: Database) {
  async function membershipOf(tx: Tx, ctx: RequestContext, userId: string) {
    const member = await tx
      .selectFrom('membership')
      .selectAll()
      .where('organisationId', '=', ctx.organisationId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    if (!member) throw new NotFound('This person is not a member of your organisation');
    return member;
  }

  async function otherActiveAdmins(tx: Tx, ctx: RequestContext, userId: string): Promise<number> {
    const row = await tx
      .selectFrom('membership')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('organisationId', '=', ctx.organisationId)
      .where('role', '=', 'admin')
      .where('active', '=', true)
      .where('userId', '!=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async function createInvite(tx: Tx, ctx: RequestContext, userId: string): Promise<string> {
    const token = newSecret();
    await tx
      .insertInto('userInvite')
      .values({
        tokenHash: hashSecret(token),
        userId,
        organisationId: ctx.organisationId,
        expiresAt: new Date(Date.now() + INVITE_DAYS * 24 * 3600 * 1000),
        usedAt: null,
      })
      .execute();
    return `/invite/${token}`;
  }

  return {
    /**
     * Adds a person to the caller's organisation. A new email creates an account; an email that already
     * has one gets a role here too, when `allowExistingAccount` says so (the CLI refuses duplicates).
     */
    async add(ctx: RequestContext, input: NewUser, options: { allowExistingAccount: boolean }): Promise<AddedUser> {
      authorize(ctx, userPolicy, 'add');
      const email = normaliseEmail(input.email);
      const name = text(input.name);
      const role = text(input.role);
      const password = typeof input.password === 'string' && input.password !== '' ? input.password : null;
      const errors = new FieldErrors();
      checkEmail(errors, 'email', email);
      checkName(errors, 'name', name, 'their full name');
      checkOneOf(errors, 'role', role, ROLES, 'Choose a role');
      if (password !== null) {
        const problem = passwordProblem(password, email);
        if (problem) errors.add('password', problem);
      }
      errors.throwIfAny();
      const passwordHash = password === null ? null : await hashPassword(password);

      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const existing = await tx.selectFrom('appUser').select(['id', 'name']).where('email', '=', email).executeTakeFirst();
        if (existing) {
          if (!options.allowExistingAccount) {
            throw ValidationFailed.field('email', `A user with the email ${email} already exists`);
          }
          if (password !== null) {
            throw ValidationFailed.field('password', 'This person already has an account: leave the password empty');
          }
          const already = await tx
            .selectFrom('membership')
            .select('role')
            .where('organisationId', '=', ctx.organisationId)
            .where('userId', '=', existing.id)
            .executeTakeFirst();
          if (already) throw ValidationFailed.field('email', `${email} is already a member of this organisation`);
          await tx
            .insertInto('membership')
            .values({ organisationId: ctx.organisationId, userId: existing.id, role: role as Role, updatedAt: new Date() })
            .execute();
          await recordAudit(tx, ctx, { action: 'user.role-granted', subjectType: 'user', subjectId: existing.id, detail: { role } });
          return { userId: existing.id, email, name: existing.name, role: role as Role, existingAccount: true, invitePath: null };
        }
        const user = await tx
          .insertInto('appUser')
          .values({ email, name, passwordHash, updatedAt: new Date() })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('membership')
          .values({ organisationId: ctx.organisationId, userId: user.id, role: role as Role, updatedAt: new Date() })
          .execute();
        const invitePath = passwordHash === null ? await createInvite(tx, ctx, user.id) : null;
        await recordAudit(tx, ctx, {
          action: 'user.added',
          subjectType: 'user',
          subjectId: user.id,
          detail: { role, invited: invitePath !== null },
        });
        return { userId: user.id, email, name, role: role as Role, existingAccount: false, invitePath };
      });
    },

    async list(ctx: RequestContext): Promise<Member[]> {
      authorize(ctx, userPolicy, 'list');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, (tx) =>
        tx
          .selectFrom('membership as m')
          .innerJoin('appUser as u', 'u.id', 'm.userId')
          .select(['u.id as userId', 'u.email', 'u.name', 'm.role', 'm.active', 'u.active as accountActive'])
          .where('m.organisationId', '=', ctx.organisationId)
          .orderBy('m.active', 'desc')
          .orderBy(sql`lower(u.name)`)
          .orderBy('u.id')
          .execute(),
      );
    },

    async get(ctx: RequestContext, userId: string): Promise<Member> {
      authorize(ctx, userPolicy, 'list');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const member = await membershipOf(tx, ctx, userId);
        const user = await tx.selectFrom('appUser').select(['email', 'name', 'active']).where('id', '=', userId).executeTakeFirstOrThrow();
        return { userId, email: user.email, name: user.name, role: member.role, active: member.active, accountActive: user.active };
      });
    },

    async changeRole(ctx: RequestContext, userId: string, newRole: unknown): Promise<void> {
      authorize(ctx, userPolicy, 'change-role');
      const role = text(newRole);
      const errors = new FieldErrors();
      checkOneOf(errors, 'role', role, ROLES, 'Choose a role');
      errors.throwIfAny();
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const member = await membershipOf(tx, ctx, userId);
        if (member.role === role) return;
        if (member.role === 'admin' && member.active && (await otherActiveAdmins(tx, ctx, userId)) === 0) {
          throw new Conflict('This is the only active administrator: make someone else an administrator first');
        }
        await tx
          .updateTable('membership')
          .set({ role: role as Role, updatedAt: new Date() })
          .where('organisationId', '=', ctx.organisationId)
          .where('userId', '=', userId)
          .execute();
        await recordAudit(tx, ctx, { action: 'user.role-changed', subjectType: 'user', subjectId: userId, detail: { from: member.role, to: role } });
      });
    },

    /** Users are never deleted: they wrote records. Deactivation ends their access here at once. */
    async deactivate(ctx: RequestContext, userId: string): Promise<void> {
      authorize(ctx, userPolicy, 'deactivate');
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const member = await membershipOf(tx, ctx, userId);
        if (!member.active) return;
        if (userId === ctx.actor.userId) throw new Conflict('You cannot deactivate yourself');
        if (member.role === 'admin' && (await otherActiveAdmins(tx, ctx, userId)) === 0) {
          throw new Conflict('This is the only active administrator: make someone else an administrator first');
        }
        await tx
          .updateTable('membership')
          .set({ active: false, updatedAt: new Date() })
          .where('organisationId', '=', ctx.organisationId)
          .where('userId', '=', userId)
          .execute();
        await tx.deleteFrom('userSession').where('userId', '=', userId).where('organisationId', '=', ctx.organisationId).execute();
        await recordAudit(tx, ctx, { action: 'user.deactivated', subjectType: 'user', subjectId: userId });
      });
    },

    async reactivate(ctx: RequestContext, userId: string): Promise<void> {
      authorize(ctx, userPolicy, 'reactivate');
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const member = await membershipOf(tx, ctx, userId);
        if (member.active) return;
        await tx
          .updateTable('membership')
          .set({ active: true, updatedAt: new Date() })
          .where('organisationId', '=', ctx.organisationId)
          .where('userId', '=', userId)
          .execute();
        await recordAudit(tx, ctx, { action: 'user.reactivated', subjectType: 'user', subjectId: userId });
      });
    },

    /**
     * A new one-time link to choose a password (a lost invitation, or a forgotten password).
     * Earlier unused links stop working.
     */
    async issueSignInLink(ctx: RequestContext, userId: string): Promise<string> {
      authorize(ctx, userPolicy, 'issue-sign-in-link');
      // How many other organisations the account works for, counted as the account itself would see its
      // memberships: an administrator's own context rightly cannot see other organisations' rows.
      const otherOrganisations = await db.inScope({ organisationId: null, userId }, async (tx) => {
        const rows = await tx.selectFrom('membership').select('organisationId').where('userId', '=', userId).where('active', '=', true).execute();
        return rows.filter((row) => row.organisationId !== ctx.organisationId).length;
      });
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const member = await membershipOf(tx, ctx, userId);
        if (!member.active) throw new Conflict('Reactivate this person before sending them a sign-in link');
        const account = await tx.selectFrom('appUser').select(['passwordHash']).where('id', '=', userId).executeTakeFirstOrThrow();
        const refusal = signInLinkRefusal({ hasPassword: account.passwordHash !== null, otherOrganisations }, ctx.actor.platformAdmin);
        if (refusal) throw new Conflict(refusal);
        await tx.updateTable('userInvite').set({ usedAt: new Date() }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
        const invitePath = await createInvite(tx, ctx, userId);
        await recordAudit(tx, ctx, { action: 'user.sign-in-link-issued', subjectType: 'user', subjectId: userId });
        return invitePath;
      });
    },

    /** Platform administrators add organisations; only another platform administrator (or the CLI) can make one. */
    async setPlatformAdmin(ctx: RequestContext, userId: string, value: boolean): Promise<void> {
      if (!ctx.actor.platformAdmin) throw new Forbidden('Only a platform administrator can do this');
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        await membershipOf(tx, ctx, userId);
        await tx.updateTable('appUser').set({ platformAdmin: value, updatedAt: new Date() }).where('id', '=', userId).execute();
        await recordAudit(tx, ctx, { action: value ? 'user.platform-admin-granted' : 'user.platform-admin-removed', subjectType: 'user', subjectId: userId });
      });
    },

    /** Lets a platform administrator (or the CLI) find an account by email. */
    async findByEmail(email: string) {
      return db.kysely
        .selectFrom('appUser')
        .select(['id', 'email', 'name', 'active', 'platformAdmin'])
        .where('email', '=', normaliseEmail(email))
        .executeTakeFirst();
    },

    /** Organisations where the user has an active role; only their own memberships are visible. */
    async membershipsOf(userId: string) {
      return db.inScope({ organisationId: null, userId }, (tx) =>
        tx
          .selectFrom('membership as m')
          .innerJoin('organisation as o', 'o.id', 'm.organisationId')
          .select(['o.id as organisationId', 'o.slug', 'o.name', 'o.type', 'm.role'])
          .where('m.userId', '=', userId)
          .where('m.active', '=', true)
          .orderBy('o.name')
          .execute(),
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
