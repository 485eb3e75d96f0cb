import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { NotFound } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination.js';
import { maskRecipient } from './mask.js';
import { outboxPolicy } from './policy.js';
import { MAX_ATTEMPTS } from './sender.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** A row of the outbox list: the address masked, never the message text. */
export interface OutboxItem {
  id: string;
  createdAt: Date;
  channel: 'email' | 'text';
  recipientKind: 'referrer' | 'person';
  recipientMasked: string;
  template: string;
  status: OutboxStatus;
  attempts: number;
  /** Failed, and no attempts left: it will not be tried again. */
  gaveUp: boolean;
  sentAt: Date | null;
}

export interface OutboxMessageView extends OutboxItem {
  subject: string;
  body: string;
  lastError: string | null;
}

export const OUTBOX_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Timestamps are compared to the millisecond, the precision a cursor carries.
const createdMs = sql<Date>`date_trunc('milliseconds', created_at)`;

function item(row: {
  id: string;
  createdAt: Date;
  channel: 'email' | 'text';
  recipientKind: 'referrer' | 'person';
  recipient: string;
  template: string;
  status: OutboxStatus;
  attempts: number;
  sentAt: Date | null;
}): OutboxItem {
  return {
    id: row.id,
    createdAt: row.createdAt,
    channel: row.channel,
    recipientKind: row.recipientKind,
    recipientMasked: maskRecipient(row.channel, row.recipient),
    template: row.template,
    status: row.status,
    attempts: row.attempts,
    gaveUp: row.status === 'failed' && row.attempts >= MAX_ATTEMPTS,
    sentAt: row.sentAt,
  };
}

export function createNotificationService(db: Database, settings: { sendingConfigured: boolean }) {
  return {
    /** Whether GOV.UK Notify is set up; without it messages stay in the outbox. */
    sendingConfigured: settings.sendingConfigured,

    /** The organisation's messages, newest first, a page at a time. */
    async list(ctx: RequestContext, options: { cursor?: unknown } = {}): Promise<{ items: OutboxItem[]; nextCursor: string | null; counts: Record<OutboxStatus, number> }> {
      authorize(ctx, outboxPolicy, 'list');
      const cursor = decodeCursor(options.cursor);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        let query = tx
          .selectFrom('outboxMessage')
          .select(['id', 'createdAt', 'channel', 'recipientKind', 'recipient', 'template', 'status', 'attempts', 'sentAt'])
          .where('organisationId', '=', ctx.organisationId);
        if (cursor) query = query.where(sql<boolean>`(${createdMs}, id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
        const rows = await query
          .orderBy(createdMs, 'desc')
          .orderBy('id', 'desc')
          .limit(OUTBOX_PAGE_SIZE + 1)
          .execute();
        const page = rows.slice(0, OUTBOX_PAGE_SIZE);
        const last = page[page.length - 1];
        const totals = await tx
          .selectFrom('outboxMessage')
          .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
          .where('organisationId', '=', ctx.organisationId)
          .groupBy('status')
          .execute();
        const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
        for (const total of totals) counts[total.status] = Number(total.n);
        return {
          items: page.map(item),
          nextCursor: rows.length > OUTBOX_PAGE_SIZE && last ? encodeCursor(last.createdAt, last.id) : null,
          counts,
        };
      });
    },

    /** One message with its text. Reading message text is recorded in the audit trail. */
    async get(ctx: RequestContext, id: string): Promise<OutboxMessageView> {
      authorize(ctx, outboxPolicy, 'view-message');
      if (!UUID.test(id)) throw new NotFound('There is no such message in your organisation’s outbox');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const row = await tx
          .selectFrom('outboxMessage')
          .selectAll()
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', id.toLowerCase())
          .executeTakeFirst();
        if (!row) throw new NotFound('There is no such message in your organisation’s outbox');
        await recordAudit(tx, ctx, {
          action: 'outbox.message-viewed',
          subjectType: 'outbox-message',
          subjectId: row.id,
          detail: { template: row.template, recipientKind: row.recipientKind },
        });
        return { ...item(row), subject: row.subject, body: row.body, lastError: row.lastError };
      });
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
