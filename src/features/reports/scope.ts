import { sql } from 'kysely';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { reportPolicy } from './policy.js';
import type { ReportScope } from './model.js';

/**
 * The services the caller may report on: a commissioner's commissioned services, or a social
 * prescribing service's own organisation. This is the service-layer half of the rule; the reporting
 * views apply the same scope in the database (app_report_scope() in migrations/0012_reporting.sql).
 * Runs inside the caller's scoped transaction, so commissioning rows are read under row-level security.
 */
export async function resolveReportScope(tx: Tx, ctx: RequestContext): Promise<ReportScope> {
  authorize(ctx, reportPolicy, 'view');
  const services =
    ctx.role === 'commissioner'
      ? await tx
          .selectFrom('commissioning as c')
          .innerJoin('organisation as o', 'o.id', 'c.organisationId')
          .select(['o.id', 'o.name'])
          .where('c.commissionerOrganisationId', '=', ctx.organisationId)
          .where('o.type', '=', 'sp-service')
          .orderBy('o.name')
          .execute()
      : await tx.selectFrom('organisation').select(['id', 'name']).where('id', '=', ctx.organisationId).where('type', '=', 'sp-service').execute();
  return { organisationId: ctx.organisationId, userId: ctx.actor.userId, services, suppress: ctx.role === 'commissioner' };
}

/**
 * Settings for a report's transaction. JIT compilation is off: a report's statements aggregate tens
 * of thousands of rows in a fraction of a second, which is over PostgreSQL's JIT cost threshold, and
 * compiling them took longer than running them (0.5 s of 0.8 s for offers by category for the largest
 * integrated care board; docs/benchmarks.md). PGlite has no JIT and accepts the setting.
 */
export async function useReportSettings(tx: Tx): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(tx);
}
