import type { RequestContext } from '../context.js';
import type { Tx } from '../db/database.js';

export interface AuditEntry {
  /** Dotted name, e.g. `user.added`, `person.viewed`. */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Small, and never personal data: ids, roles, counts, reasons from a fixed list. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Written inside the caller's transaction, so the event and the change stand or fall together. */
export async function recordAudit(
  tx: Tx,
  ctx: Pick<RequestContext, 'requestId' | 'actor' | 'organisationId'>,
  entry: AuditEntry,
): Promise<void> {
  await tx
    .insertInto('auditEvent')
    .values({
      organisationId: ctx.organisationId,
      actorUserId: ctx.actor.userId,
      actorLabel: ctx.actor.label,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId ?? null,
      requestId: ctx.requestId,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}
