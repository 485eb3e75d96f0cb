import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { Forbidden } from '../../../platform/errors.js';
import { programmeSettings, teamLoads } from '../../cases/capacity.js';
import { DEFAULT_SETTINGS, firstContactState, formatUnits, londonDay } from '../../cases/rules.js';
import { periodInstants } from '../filters.js';
import type { Dashboard, DashboardDefinition, ReportFilters, ReportScope } from '../model.js';
import { shownPercent } from '../suppression.js';

/**
 * The team: each link worker's weighted caseload against their capacity, and first contacts overdue.
 * It reads the service's own casework (its own organisation only, under row-level security) and
 * names link workers, who are staff, never the people they support. So it is for the service's team
 * leads and administrators ('view-team'), never for commissioners, and nothing is suppressed.
 *
 * Weights, capacities and the first-contact rule are casework's own (cases/capacity.ts, rules.ts).
 * Caseloads are as they stand; first contacts are judged overdue on the period's last day (today by
 * default), for cases allocated by then. The practice and cohort filters do not apply.
 */

async function members(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('membership as m')
    .innerJoin('appUser as u', 'u.id', 'm.userId')
    .select(['u.id', 'u.name', 'm.role'])
    .where('m.organisationId', '=', organisationId)
    .where('m.active', '=', true)
    .where('u.active', '=', true)
    .where('m.role', 'in', ['link-worker', 'team-lead'])
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
}

/** Open cases allocated by the period's end and not yet contacted: few, whatever the service's size. */
async function awaitingFirstContact(tx: Tx, organisationId: string, end: Date) {
  const { rows } = await sql<{ programmeId: string; linkWorkerUserId: string; allocatedAt: Date }>`
    SELECT c.programme_id, c.link_worker_user_id, c.allocated_at
    FROM support_case c
    WHERE c.organisation_id = ${organisationId} AND c.status <> 'closed' AND c.link_worker_user_id IS NOT NULL
      AND c.first_contact_on IS NULL AND c.allocated_at < ${end}`.execute(tx);
  return rows;
}

export const teamDashboard: DashboardDefinition = {
  name: 'team',
  title: 'Team caseloads',
  description:
    'Each link worker’s caseload, weighted by complexity, against their capacity, and first contacts that are overdue. ' +
    'For the service’s team leads and administrators only.',
  action: 'view-team',

  async build(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
    if (scope.suppress) throw new Forbidden('The team dashboard is for the service’s own team leads and administrators');
    const organisationId = scope.organisationId;
    const loads = await teamLoads(tx, organisationId);
    const people = await members(tx, organisationId);
    const waiting = await awaitingFirstContact(tx, organisationId, periodInstants(filters).end);

    const settings = new Map<string, Awaited<ReturnType<typeof programmeSettings>>>();
    for (const programmeId of new Set(waiting.map((c) => c.programmeId))) settings.set(programmeId, await programmeSettings(tx, organisationId, programmeId));
    const overdue = new Map<string, number>();
    for (const c of waiting) {
      const state = firstContactState(settings.get(c.programmeId)!, londonDay(new Date(c.allocatedAt)), null, filters.to);
      if (state.state === 'overdue') overdue.set(c.linkWorkerUserId, (overdue.get(c.linkWorkerUserId) ?? 0) + 1);
    }

    const rows = people.map((p) => {
      const load = loads.get(p.id) ?? { load: 0, capacity: DEFAULT_SETTINGS.defaultCapacity, openCases: 0, mdCases: 0 };
      return {
        linkWorker: p.name,
        openCases: load.openCases,
        mdCases: load.mdCases,
        load: load.load,
        capacity: load.capacity,
        used: shownPercent(load.load, load.capacity, false),
        overdue: overdue.get(p.id) ?? 0,
      };
    });
    const over = rows.filter((r) => r.load > r.capacity);
    const overdueTotal = rows.reduce((n, r) => n + r.overdue, 0);
    const caseloadSummary =
      rows.length === 0
        ? 'There are no link workers or team leads in this service.'
        : `${over.length} of ${rows.length} link workers and team leads ${over.length === 1 ? 'is' : 'are'} over capacity` +
          (over.length ? ` (${over.map((r) => `${r.linkWorker}: ${formatUnits(r.load)} of ${formatUnits(r.capacity)} weighted units`).join('; ')})` : '') +
          `. ${overdueTotal} first ${overdueTotal === 1 ? 'contact is' : 'contacts are'} overdue on ${filters.to}.`;

    return {
      name: 'team',
      title: teamDashboard.title,
      description: teamDashboard.description,
      filters,
      headlines: [
        { label: 'Open cases', value: rows.reduce((n, r) => n + r.openCases, 0), kind: 'count' },
        { label: 'Over capacity', value: over.length, kind: 'count', detail: `of ${rows.length} link workers and team leads` },
        { label: 'First contacts overdue', value: overdueTotal, kind: 'count', detail: `on ${filters.to}` },
      ],
      figures: [
        {
          id: 'team-caseloads',
          title: 'Weighted caseload against capacity',
          summary: caseloadSummary,
          chart: { type: 'bar', category: 'linkWorker', series: ['load', 'capacity'] },
          table: {
            columns: [
              { key: 'linkWorker', label: 'Link worker', kind: 'text' },
              { key: 'openCases', label: 'Open cases', kind: 'count' },
              { key: 'mdCases', label: 'Multiple disadvantage', kind: 'count' },
              { key: 'load', label: 'Weighted caseload', kind: 'number' },
              { key: 'capacity', label: 'Capacity', kind: 'number' },
              { key: 'used', label: 'Capacity used', kind: 'percent' },
              { key: 'overdue', label: 'First contacts overdue', kind: 'count' },
            ],
            rows,
          },
        },
      ],
    };
  },
};
