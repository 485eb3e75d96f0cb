import { sql } from 'kysely';
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

    /**
     * The session's user and role, or null when it is unknown, idle too long, past its limit, or
     * revoked (and then it is deleted). One statement (see migrations/0007): it runs on every page.
     */
    async find(id: string): Promise<LiveSession | null> {
      const idHash = hashSecret(id);
      const { rows } = await sql<Omit<LiveSession, 'idHash'>>`
        SELECT user_id, user_name, platform_admin, organisation_id, organisation_name, role, membership_count
        FROM app_find_session(${idHash}, ${settings.idleMinutes}::integer)`.execute(db.kysely);
      const found = rows[0];
      return found ? { idHash, ...found } : null;
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
