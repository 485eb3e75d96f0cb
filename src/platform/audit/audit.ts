import type { Insertable } from 'kysely';
import type { RequestContext } from '../context.js';
import type { Tx } from '../db/database.js';
import type { AuditEventTable } from '../db/schema.js';

export interface AuditEntry {
  /** Dotted name, e.g. `user.added`, `person.viewed`. */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Small, and never personal data: ids, roles, counts, reasons from a fixed list. */
  detail?: Record<string, string | number | boolean | null>;
}

/** The audit row, for callers that write it within a larger statement (the same transaction either way). */
export function auditRow(ctx: Pick<RequestContext, 'requestId' | 'actor' | 'organisationId'>, entry: AuditEntry): Insertable<AuditEventTable> {
  return {
    organisationId: ctx.organisationId,
    actorUserId: ctx.actor.userId,
    actorLabel: ctx.actor.label,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    requestId: ctx.requestId,
    detail: JSON.stringify(entry.detail ?? {}),
  };
}

/** Written inside the caller's transaction, so the event and the change stand or fall together. */
export async function recordAudit(
  tx: Tx,
  ctx: Pick<RequestContext, 'requestId' | 'actor' | 'organisationId'>,
  entry: AuditEntry,
): Promise<void> {
  await tx.insertInto('auditEvent').values(auditRow(ctx, entry)).execute();
}
