import type { Role } from './db/schema.js';

/**
 * Who is acting, for whom, and in which request. Built once after authentication and passed to
 * every service call; services scope data and audit events by it.
 */
export interface Actor {
  /** The signed-in user, or null for system work (CLI set-up, demo seed). */
  userId: string | null;
  /** Shown in the audit trail: a user id, or e.g. "cli". */
  label: string;
  platformAdmin: boolean;
}

export interface RequestContext {
  requestId: string | null;
  actor: Actor;
  organisationId: string;
  /** The actor's role in this organisation; system work acts as admin. */
  role: Role;
}

export function systemContext(organisationId: string, label = 'cli'): RequestContext {
  return {
    requestId: null,
    actor: { userId: null, label, platformAdmin: true },
    organisationId,
    role: 'admin',
  };
}
