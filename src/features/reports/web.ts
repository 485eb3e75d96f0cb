import type { FastifyRequest } from 'fastify';
import { shortDate } from '../../platform/views/svg.js';
import { ValidationFailed } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { chartInputFor, chartSvg } from './chart.js';
import { csvFilename, dashboardCsv } from './csv.js';
import type { FilterQuery } from './filters.js';
import { formatCell } from './format.js';
import type { Dashboard, ReportFilters, ReportScope } from './model.js';

/**
 * The reports pages: the dashboards a role may open, and each dashboard with a GET filter form,
 * headline figures, and every figure as a heading, a text summary, an SVG chart, its data table and
 * a CSV download. Everything is rendered on the server; nothing needs JavaScript.
 */

const LIST = 'features/reports/views/list.njk';
const DASHBOARD = 'features/reports/views/dashboard.njk';
const FILTERS = ['from', 'to', 'service', 'practice', 'cohort'] as const;

function filterQuery(request: FastifyRequest): FilterQuery {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const values: FilterQuery = {};
  for (const name of FILTERS) if (typeof query[name] === 'string') values[name] = query[name];
  return values;
}

/** The filters as a query string, to carry them to the CSV download. */
export function filtersQueryString(filters: ReportFilters): string {
  const params = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.serviceId) params.set('service', filters.serviceId);
  if (filters.practiceId) params.set('practice', filters.practiceId);
  if (filters.cohort !== 'all') params.set('cohort', filters.cohort);
  return params.toString();
}

const COHORTS = [
  { value: 'all', text: 'Everyone' },
  { value: 'md', text: 'People facing multiple disadvantage' },
  { value: 'other', text: 'Everyone else' },
];

function formModel(values: FilterQuery, scope: Pick<ReportScope, 'services'>, practices: { id: string; name: string }[]) {
  return {
    values,
    serviceItems: [{ value: '', text: 'All services' }, ...scope.services.map((s) => ({ value: s.id, text: s.name, selected: s.id === values.service }))],
    practiceItems: [{ value: '', text: 'All GP practices' }, ...practices.map((p) => ({ value: p.id, text: p.name, selected: p.id === values.practice }))],
    cohortItems: COHORTS.map((c) => ({ ...c, checked: c.value === (values.cohort || 'all') })),
  };
}

function dashboardModel(dashboard: Dashboard) {
  const query = filtersQueryString(dashboard.filters);
  return {
    period: `${shortDate(dashboard.filters.from)} to ${shortDate(dashboard.filters.to)}`,
    headlines: dashboard.headlines.map((h) => ({ label: h.label, value: formatCell(h.value, h.kind) + (h.kind === 'days' && typeof h.value === 'number' ? ' days' : ''), detail: h.detail })),
    csvAll: `/reports/${dashboard.name}/csv?${query}`,
    figures: dashboard.figures.map((figure) => {
      const chart = chartInputFor(figure, `chart-${dashboard.name}`);
      return {
        id: figure.id,
        title: figure.title,
        summary: figure.summary,
        svg: chart ? chartSvg(chart) : null,
        columns: figure.table.columns.map((c) => ({ label: c.label, numeric: c.kind !== 'text' })),
        rows: figure.table.rows.map((row) => figure.table.columns.map((c) => ({ text: formatCell(row[c.key] ?? null, c.kind), numeric: c.kind !== 'text' }))),
        csv: `/reports/${dashboard.name}/csv?${query}&figure=${encodeURIComponent(figure.id)}`,
      };
    }),
  };
}

export async function reportWebRoutes(app: App, services: Services): Promise<void> {
  app.get('/reports', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const dashboards = services.reports.available(ctx).map((d) => ({ name: d.name, title: d.title, description: d.description }));
    return reply.page(LIST, { title: 'Reports', dashboards, commissioner: ctx.role === 'commissioner' });
  });

  app.get('/reports/:dashboard', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { dashboard: name } = request.params as { dashboard: string };
    const values = filterQuery(request);
    try {
      const view = await services.reports.dashboard(ctx, name, values, { practices: true });
      const { filters } = view.dashboard;
      const shown = { from: filters.from, to: filters.to, service: filters.serviceId ?? '', practice: filters.practiceId ?? '', cohort: filters.cohort };
      return reply.page(DASHBOARD, {
        title: view.dashboard.title,
        dashboard: view.dashboard,
        suppressed: view.scope.suppress,
        ...formModel(shown, view.scope, view.practices),
        ...dashboardModel(view.dashboard),
      });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const options = await services.reports.filterOptions(ctx);
      const definition = services.reports.available(ctx).find((d) => d.name === name)!;
      return reply.code(400).page(DASHBOARD, {
        title: definition.title,
        dashboard: { name, title: definition.title, description: definition.description },
        errors: error.errors,
        ...formModel(values, options.scope, options.practices),
      });
    }
  });

  app.get('/reports/:dashboard/csv', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { dashboard: name } = request.params as { dashboard: string };
    const figure = (request.query as Record<string, unknown>).figure;
    const { dashboard } = await services.reports.dashboard(ctx, name, filterQuery(request));
    const figureId = typeof figure === 'string' && figure !== '' ? figure : undefined;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFilename(dashboard, figureId)}"`)
      .send(dashboardCsv(dashboard, figureId));
  });
}
