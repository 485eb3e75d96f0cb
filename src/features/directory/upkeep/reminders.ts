import { sql } from 'kysely';
import { recordAudit } from '../../../platform/audit/audit.js';
import { systemContext } from '../../../platform/context.js';
import { setScope, type Database } from '../../../platform/db/database.js';
import { repeat, type ScheduledJob } from '../../../platform/schedule.js';
import { providerMessage } from '../../notifications/templates.js';
import { dayIn, daysBefore, isDay, monthsBefore, REMIND_EVERY_DAYS, REVIEW_AFTER_MONTHS } from './rules.js';
import { upkeepTx } from './schema.js';

export interface ReminderRun {
  /** Outbox messages queued (one per provider user reminded). */
  messages: number;
  /** Provider organisations reminded, counted once per directory. */
  providers: number;
  /** Services the reminders named. */
  services: number;
  /** Provider organisations with services to review but no active provider user to tell. */
  providersWithoutRecipients: number;
}

const AUDIT_LABEL = 'directory-reminders';

/**
 * For each curating organisation: the services whose provider has not confirmed them for
 * REVIEW_AFTER_MONTHS (or ever), and whose provider was not reminded about them in the last
 * REMIND_EVERY_DAYS, grouped by provider. Each provider organisation gets one reminder naming its
 * services, queued in the curator's outbox to each of its active provider-role users, and the
 * services are marked reminded. A provider with nobody to tell is not marked, so it is reminded
 * once someone is added. Defunct services are left alone.
 *
 * Each directory is one transaction, in the curator's scope, switching to the provider's only to
 * read who works there. Safe to run more than once a day: the marks make it a no-op.
 */
export async function queueReviewReminders(
  db: Database,
  today: string | Date,
  options: { organisationIds?: readonly string[] } = {},
): Promise<ReminderRun> {
  const day = typeof today === 'string' ? today : dayIn(today);
  if (!isDay(day)) throw new Error(`queueReviewReminders: "${day}" is not a date (YYYY-MM-DD)`);
  const reviewedBefore = monthsBefore(day, REVIEW_AFTER_MONTHS);
  const remindedBefore = daysBefore(day, REMIND_EVERY_DAYS);
  const run: ReminderRun = { messages: 0, providers: 0, services: 0, providersWithoutRecipients: 0 };

  const curators = options.organisationIds
    ? [...options.organisationIds]
    : (await db.kysely.selectFrom('organisation').select('id').orderBy('id').execute()).map((o) => o.id);

  for (const curatorId of curators) {
    await db.inScope({ organisationId: curatorId, userId: null }, async (tx) => {
      // Two servers running at once take turns per directory; the second then sees the first's marks.
      await sql`SELECT pg_advisory_xact_lock(7406156, hashtext(${curatorId}))`.execute(tx);
      const u = upkeepTx(tx);
      const due = await u
        .selectFrom('directoryService as s')
        .leftJoin('directoryReviewReminder as r', (join) => join.onRef('r.organisationId', '=', 's.organisationId').onRef('r.serviceId', '=', 's.id'))
        .select(['s.id', 's.name', 's.providerOrganisationId'])
        .where('s.organisationId', '=', curatorId)
        .where('s.providerOrganisationId', 'is not', null)
        .where('s.status', '<>', 'defunct')
        .where((eb) => eb.or([eb('s.lastVerified', 'is', null), eb('s.lastVerified', '<=', reviewedBefore)]))
        .where((eb) => eb.or([eb('r.remindedOn', 'is', null), eb('r.remindedOn', '<=', remindedBefore)]))
        .orderBy('s.providerOrganisationId')
        .orderBy('s.name')
        .execute();
      if (due.length === 0) return;

      const byProvider = new Map<string, { id: string; name: string }[]>();
      for (const service of due) {
        const list = byProvider.get(service.providerOrganisationId!) ?? [];
        list.push({ id: service.id, name: service.name });
        byProvider.set(service.providerOrganisationId!, list);
      }
      const curator = await tx.selectFrom('organisation').select('name').where('id', '=', curatorId).executeTakeFirstOrThrow();

      let reminded = 0;
      let named = 0;
      let queued = 0;
      for (const [providerId, services] of byProvider) {
        // Memberships are the provider's rows: read them in its scope.
        await setScope(tx, { organisationId: providerId, userId: null });
        const recipients = await tx
          .selectFrom('membership as m')
          .innerJoin('appUser as a', 'a.id', 'm.userId')
          .select('a.email')
          .where('m.organisationId', '=', providerId)
          .where('m.role', '=', 'provider')
          .where('m.active', '=', true)
          .where('a.active', '=', true)
          .orderBy('a.email')
          .execute();
        await setScope(tx, { organisationId: curatorId, userId: null });
        if (recipients.length === 0) {
          run.providersWithoutRecipients++;
          continue;
        }
        const message = providerMessage('directory-review-reminder', { directory: curator.name, services: services.map((s) => s.name) });
        await u
          .insertInto('outboxMessage')
          .values(
            recipients.map((r) => ({
              organisationId: curatorId,
              channel: 'email' as const,
              recipientKind: 'provider' as const,
              recipient: r.email,
              template: 'directory-review-reminder',
              subject: message.subject,
              body: message.body,
              lastError: null,
              sentAt: null,
            })),
          )
          .execute();
        await u
          .insertInto('directoryReviewReminder')
          .values(services.map((s) => ({ organisationId: curatorId, serviceId: s.id, providerOrganisationId: providerId, remindedOn: day })))
          .onConflict((oc) => oc.columns(['organisationId', 'serviceId']).doUpdateSet((eb) => ({ remindedOn: eb.ref('excluded.remindedOn'), providerOrganisationId: eb.ref('excluded.providerOrganisationId') })))
          .execute();
        reminded++;
        named += services.length;
        queued += recipients.length;
      }
      if (reminded > 0) {
        await recordAudit(tx, systemContext(curatorId, AUDIT_LABEL), {
          action: 'directory.review-reminders-queued',
          subjectType: 'directory',
          subjectId: curatorId,
          detail: { providers: reminded, services: named, messages: queued, on: day },
        });
      }
      run.providers += reminded;
      run.services += named;
      run.messages += queued;
    });
  }
  return run;
}

export interface ReminderLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The server's daily run: once shortly after start, then every 24 hours (src/platform/schedule.ts). */
export function scheduleReviewReminders(
  db: Database,
  log: ReminderLog,
  options: { firstRunAfterMs?: number; everyMs?: number; clock?: () => Date } = {},
): ScheduledJob {
  const clock = options.clock ?? (() => new Date());
  return repeat(
    () =>
      queueReviewReminders(db, clock())
        .then((result) => {
          if (result.messages > 0 || result.providersWithoutRecipients > 0) log.info({ ...result }, 'directory review reminders queued');
        })
        .catch((error: unknown) => log.error({ err: error }, 'directory review reminders failed')),
    { firstRunAfterMs: options.firstRunAfterMs ?? 60_000, everyMs: options.everyMs ?? 24 * 60 * 60_000 },
  );
}
