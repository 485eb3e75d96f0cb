import { sql } from 'kysely';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { NotFound } from '../../platform/errors.js';
import { DASHBOARD_DEFINITIONS } from './dashboards/index.js';
import { parseFilters, servicesFor, type FilterQuery } from './filters.js';
import type { Dashboard, DashboardDefinition, ReportScope } from './model.js';
import { reportPolicy } from './policy.js';
import { resolveReportScope, useReportSettings } from './scope.js';
import { londonDay } from '../cases/rules.js';

export interface DashboardView {
  dashboard: Dashboard;
  scope: ReportScope;
  /** GP practices that referred into the caller's scope, for the practice filter (pages only). */
  practices: { id: string; name: string }[];
}

/** GP practices that have referred into the caller's scope (read through report_referral, so within it). */
async function practicesFor(tx: Tx, scope: ReportScope): Promise<{ id: string; name: string }[]> {
  const services = servicesFor(scope, { serviceId: null });
  if (services.length === 0) return [];
  return tx
    .selectFrom('organisation as o')
    .select(['o.id', 'o.name'])
    .where('o.type', '=', 'gp-practice')
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('reportReferral as r').select(sql`1`.as('one')).whereRef('r.sourceOrganisationId', '=', 'o.id').where('r.organisationId', 'in', services)),
    )
    .orderBy('o.name')
    .execute();
}

/** Today in England: the default period ends on it. */
const today = () => londonDay(new Date());

/**
 * Reports for commissioners, administrators and team leads. Each request resolves the caller's
 * scope, reads its filters (a service outside the scope is a 400, not an empty report) and builds
 * the dashboard in one scoped transaction, reading only the report facts and report_* views. `definitions` is the
 * registry (dashboards/index.ts); tests pass their own.
 */
export function createReportService(db: Database, definitions: readonly DashboardDefinition[] = DASHBOARD_DEFINITIONS) {
  return {
    /** The dashboards this role may open. */
    available(ctx: RequestContext): DashboardDefinition[] {
      authorize(ctx, reportPolicy, 'view');
      return definitions.filter((d) => can(ctx, reportPolicy, d.action));
    },

    /** The filter form's choices, for a page whose filters could not be read. */
    async filterOptions(ctx: RequestContext): Promise<Pick<DashboardView, 'scope' | 'practices'>> {
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const scope = await resolveReportScope(tx, ctx);
        return { scope, practices: await practicesFor(tx, scope) };
      });
    },

    async dashboard(ctx: RequestContext, name: string, query: FilterQuery, options: { practices?: boolean; today?: string } = {}): Promise<DashboardView> {
      const definition = definitions.find((d) => d.name === name);
      if (!definition) throw new NotFound('There is no such report');
      authorize(ctx, reportPolicy, definition.action);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        await useReportSettings(tx);
        const scope = await resolveReportScope(tx, ctx);
        const filters = parseFilters(query, scope, options.today ?? today());
        const dashboard = await definition.build(tx, scope, filters);
        const practices = options.practices ? await practicesFor(tx, scope) : [];
        return { dashboard, scope, practices };
      });
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
