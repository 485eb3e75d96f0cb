import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { RequestContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { ValidationFailed } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import { caseWeight, decideAllocation, DEFAULT_SETTINGS, type ProgrammeSettings } from './rules.js';

/**
 * Programme settings and weighted caseloads, read inside the caller's transaction. The referral
 * workflow's allocate action calls `allocateWithinCapacity`, so allocating from triage and
 * re-allocating from the team view obey the same rule and leave the same history.
 */

/** A programme's settings, or the defaults where none are saved. */
export async function programmeSettings(tx: Tx, organisationId: string, programmeId: string): Promise<ProgrammeSettings> {
  const row = await tx
    .selectFrom('programmeSetting')
    .selectAll()
    .where('organisationId', '=', organisationId)
    .where('programmeId', '=', programmeId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    sessionCap: row.sessionCap,
    mdExemptFromCap: row.mdExemptFromCap,
    weightStandard: Number(row.weightStandard),
    weightMd: Number(row.weightMd),
    defaultCapacity: row.defaultCapacity,
    firstContactWorkingDays: row.firstContactWorkingDays,
    attemptsBeforeReview: row.attemptsBeforeReview,
  };
}

/**
 * Each link worker's weighted load (open and paused cases, weighed by their programme's settings)
 * and capacity (their own, else the default programme's). One statement for the whole team.
 */
export async function teamLoads(tx: Tx, organisationId: string, userIds?: string[]): Promise<Map<string, { load: number; capacity: number; openCases: number; mdCases: number }>> {
  const filter = userIds ? sql`AND m.user_id = ANY(${userIds}::uuid[])` : sql``;
  const { rows } = await sql<{ userId: string; load: string; capacity: string; open: number; md: number }>`
    SELECT m.user_id,
           COALESCE(SUM(CASE WHEN c.id IS NULL THEN 0 WHEN c.multiple_disadvantage THEN COALESCE(ps.weight_md, ${DEFAULT_SETTINGS.weightMd}) ELSE COALESCE(ps.weight_standard, ${DEFAULT_SETTINGS.weightStandard}) END), 0)::text AS load,
           COALESCE(MAX(lwc.capacity), MAX(dps.default_capacity), ${DEFAULT_SETTINGS.defaultCapacity})::text AS capacity,
           COUNT(c.id)::int AS open,
           COUNT(c.id) FILTER (WHERE c.multiple_disadvantage)::int AS md
    FROM membership m
    LEFT JOIN support_case c ON c.organisation_id = m.organisation_id AND c.link_worker_user_id = m.user_id AND c.status <> 'closed'
    LEFT JOIN programme_setting ps ON ps.organisation_id = c.organisation_id AND ps.programme_id = c.programme_id
    LEFT JOIN link_worker_capacity lwc ON lwc.organisation_id = m.organisation_id AND lwc.user_id = m.user_id
    LEFT JOIN programme dp ON dp.organisation_id = m.organisation_id AND dp.is_default
    LEFT JOIN programme_setting dps ON dps.organisation_id = dp.organisation_id AND dps.programme_id = dp.id
    WHERE m.organisation_id = ${organisationId} AND m.active AND m.role IN ('link-worker', 'team-lead') ${filter}
    GROUP BY m.user_id`.execute(tx);
  return new Map(rows.map((r) => [r.userId, { load: Number(r.load), capacity: Number(r.capacity), openCases: r.open, mdCases: r.md }]));
}

export interface AllocationTarget {
  caseId: string;
  programmeId: string;
  multipleDisadvantage: boolean;
  currentLinkWorker: string | null;
}

/**
 * Allocates a case to a link worker if it fits their capacity; past capacity only with an override
 * reason, which is kept in the case history and audited. Throws ValidationFailed on `overrideReason`
 * otherwise, before anything is written.
 */
export async function allocateWithinCapacity(tx: Tx, ctx: RequestContext, target: AllocationTarget, worker: { id: string; name: string }, rawOverride: unknown, at: Date): Promise<void> {
  const overrideReason = text(rawOverride);
  if (overrideReason.length > 500) throw ValidationFailed.field('overrideReason', 'Reason must be 500 characters or fewer');
  const settings = await programmeSettings(tx, ctx.organisationId, target.programmeId);
  const loads = await teamLoads(tx, ctx.organisationId, [worker.id]);
  const current = loads.get(worker.id) ?? { load: 0, capacity: settings.defaultCapacity, openCases: 0, mdCases: 0 };
  const weight = caseWeight(settings, target.multipleDisadvantage);
  // Re-allocating to the same link worker adds nothing to their load.
  const load = target.currentLinkWorker === worker.id ? current.load - weight : current.load;
  const decision = decideAllocation({ load, capacity: current.capacity, weight, overrideReason });
  if (!decision.allowed) throw ValidationFailed.field('overrideReason', `${worker.name}: ${decision.message}`);
  await tx
    .updateTable('supportCase')
    .set({ linkWorkerUserId: worker.id, allocatedAt: at })
    .where('organisationId', '=', ctx.organisationId)
    .where('id', '=', target.caseId)
    .execute();
  await tx
    .insertInto('caseEvent')
    .values({
      organisationId: ctx.organisationId,
      caseId: target.caseId,
      kind: 'allocated',
      linkWorkerUserId: worker.id,
      overrideReason: decision.overCapacity ? overrideReason : null,
      loadAfter: decision.after,
      capacity: current.capacity,
      actorUserId: ctx.actor.userId,
      actorLabel: ctx.actor.label,
    })
    .execute();
  if (decision.overCapacity) {
    await recordAudit(tx, ctx, {
      action: 'case.allocated-over-capacity',
      subjectType: 'case',
      subjectId: target.caseId,
      detail: { linkWorker: worker.id, loadAfter: decision.after, capacity: current.capacity },
    });
  }
}
