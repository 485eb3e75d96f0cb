import type { Database } from '../db/database.js';
import type { Role } from '../db/schema.js';
import { hashSecret, newSecret } from './secrets.js';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

export interface LiveSession {
  idHash: string;
  userId: string;
  userName: string;
  platformAdmin: boolean;
  organisationId: string;
  organisationName: string;
  role: Role;
  /** How many organisations the user can switch between. */
  membershipCount: number;
}

/** Writing last_seen_at on every request would turn reads into writes; a minute's slack is enough. */
const TOUCH_AFTER_MS = 60_000;

export function createSessionStore(db: Database, settings: SessionSettings) {
  return {
    /** A fresh id every time: sign-in never reuses a session id a visitor already had (fixation). */
    async create(userId: string, organisationId: string): Promise<string> {
      const id = newSecret();
      await db.kysely
        .insertInto('userSession')
        .values({
          idHash: hashSecret(id),
          userId,
          organisationId,
          expiresAt: new Date(Date.now() + settings.absoluteHours * 3600_000),
        })
        .execute();
      return id;
    },

    /** The session's user and role, or null when it is unknown, idle too long, past its limit, or revoked. */
    async find(id: string): Promise<LiveSession | null> {
      const idHash = hashSecret(id);
      const row = await db.kysely
        .selectFrom('userSession as s')
        .innerJoin('appUser as u', 'u.id', 's.userId')
        .innerJoin('organisation as o', 'o.id', 's.organisationId')
        .select(['s.idHash', 's.userId', 's.organisationId', 's.lastSeenAt', 's.expiresAt', 'u.name as userName', 'u.active', 'u.platformAdmin', 'o.name as organisationName'])
        .where('s.idHash', '=', idHash)
        .executeTakeFirst();
      if (!row) return null;
      const now = Date.now();
      const idleFor = now - new Date(row.lastSeenAt).getTime();
      if (!row.active || now > new Date(row.expiresAt).getTime() || idleFor > settings.idleMinutes * 60_000) {
        await this.destroy(id);
        return null;
      }
      const memberships = await db.inScope({ organisationId: row.organisationId, userId: row.userId }, (tx) =>
        tx
          .selectFrom('membership')
          .select(['organisationId', 'role'])
          .where('userId', '=', row.userId)
          .where('active', '=', true)
          .execute(),
      );
      const membership = memberships.find((m) => m.organisationId === row.organisationId);
      if (!membership) {
        await this.destroy(id);
        return null;
      }
      if (idleFor > TOUCH_AFTER_MS) {
        await db.kysely.updateTable('userSession').set({ lastSeenAt: new Date() }).where('idHash', '=', idHash).execute();
      }
      return {
        idHash,
        userId: row.userId,
        userName: row.userName,
        platformAdmin: row.platformAdmin,
        organisationId: row.organisationId,
        organisationName: row.organisationName,
        role: membership.role,
        membershipCount: memberships.length,
      };
    },

    async switchOrganisation(idHash: string, organisationId: string): Promise<void> {
      await db.kysely.updateTable('userSession').set({ organisationId, lastSeenAt: new Date() }).where('idHash', '=', idHash).execute();
    },

    async destroy(id: string): Promise<void> {
      await db.kysely.deleteFrom('userSession').where('idHash', '=', hashSecret(id)).execute();
    },

    async destroyAllFor(userId: string): Promise<void> {
      await db.kysely.deleteFrom('userSession').where('userId', '=', userId).execute();
    },

    async purgeExpired(): Promise<void> {
      const idleCutoff = new Date(Date.now() - settings.idleMinutes * 60_000);
      await db.kysely
        .deleteFrom('userSession')
        .where((eb) => eb.or([eb('expiresAt', '<', new Date()), eb('lastSeenAt', '<', idleCutoff)]))
        .execute();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
