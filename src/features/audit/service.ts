import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { FieldErrors } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import { auditPolicy } from './policy.js';

export interface AuditFilters {
  action?: unknown;
  actor?: unknown;
  from?: unknown;
  to?: unknown;
  before?: unknown;
}

export interface AuditRow {
  id: string;
  occurredAt: Date;
  actorLabel: string;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const AUDIT_PAGE_SIZE = 50;

function parseDate(errors: FieldErrors, field: string, raw: string): Date | null {
  if (raw === '') return null;
  const date = new Date(`${raw}T00:00:00Z`);
  if (!DATE.test(raw) || Number.isNaN(date.getTime())) {
    errors.add(field, 'Enter a date in the format YYYY-MM-DD, like 2026-11-25');
    return null;
  }
  return date;
}

export function createAuditService(db: Database) {
  return {
    /** Newest first; `before` is the id of the last row on the previous page (keyset pagination). */
    async list(ctx: RequestContext, filters: AuditFilters, limit = AUDIT_PAGE_SIZE): Promise<{ items: AuditRow[]; nextBefore: string | null }> {
      authorize(ctx, auditPolicy, 'browse');
      const errors = new FieldErrors();
      const action = text(filters.action);
      const actor = text(filters.actor);
      const from = parseDate(errors, 'from', text(filters.from));
      const to = parseDate(errors, 'to', text(filters.to));
      const before = text(filters.before);
      if (before !== '' && !/^\d+$/.test(before)) errors.add('before', 'Page marker must be a number');
      errors.throwIfAny();
      const rows = await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, (tx) => {
        let query = tx
          .selectFrom('auditEvent as a')
          .leftJoin('appUser as u', 'u.id', 'a.actorUserId')
          .select(['a.id', 'a.occurredAt', 'a.actorLabel', 'u.name as actorName', 'a.action', 'a.subjectType', 'a.subjectId', 'a.requestId', 'a.detail'])
          .where('a.organisationId', '=', ctx.organisationId);
        if (action !== '') query = query.where('a.action', 'like', `${action.replace(/[\\%_]/g, '\\$&')}%`);
        if (actor !== '') query = query.where((eb) => eb.or([eb('u.email', '=', actor.toLowerCase()), eb('a.actorLabel', '=', actor)]));
        if (from) query = query.where('a.occurredAt', '>=', from);
        if (to) query = query.where('a.occurredAt', '<', new Date(to.getTime() + 86_400_000));
        if (before !== '') query = query.where('a.id', '<', before);
        return query.orderBy('a.id', 'desc').limit(limit + 1).execute();
      });
      const items = rows.slice(0, limit).map((row) => ({ ...row, id: String(row.id) }));
      return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
    },

    /** Every event since a date, oldest first, for `linkwork audit export`. */
    async *exportSince(ctx: RequestContext, since: Date): AsyncGenerator<AuditRow> {
      authorize(ctx, auditPolicy, 'export');
      let after = '0';
      for (;;) {
        const batch = await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, (tx) =>
          tx
            .selectFrom('auditEvent as a')
            .leftJoin('appUser as u', 'u.id', 'a.actorUserId')
            .select(['a.id', 'a.occurredAt', 'a.actorLabel', 'u.name as actorName', 'a.action', 'a.subjectType', 'a.subjectId', 'a.requestId', 'a.detail'])
            .where('a.organisationId', '=', ctx.organisationId)
            .where('a.occurredAt', '>=', since)
            .where('a.id', '>', after)
            .orderBy('a.id')
            .limit(1000)
            .execute(),
        );
        for (const row of batch) yield { ...row, id: String(row.id) };
        if (batch.length < 1000) return;
        after = String(batch[batch.length - 1]!.id);
      }
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
