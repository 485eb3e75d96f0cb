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
