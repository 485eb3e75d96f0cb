import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import { csvFilename, dashboardCsv } from './csv.js';
import { DashboardParams, DashboardQuery, DashboardSchema } from './schemas.js';

export async function reportApiRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/api/v1/reports/:dashboard',
    {
      schema: {
        tags: ['reports'],
        summary: 'A dashboard’s numbers: headlines and figures, each with its data table (commissioners, administrators, team leads)',
        description:
          'Aggregates only, never a person. Commissioners see the services they commission, with counts from 1 to 4 (and statistics on fewer than 5 people) as null, read "fewer than 5". ' +
          'A filter that is wrong, or a service outside your scope, is a 400 naming the field. `format=csv` returns text/csv as an attachment.',
        params: DashboardParams,
        querystring: DashboardQuery,
        response: {
          200: {
            description: 'The dashboard as JSON, or with format=csv its tables as CSV',
            content: { 'application/json': { schema: DashboardSchema }, 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { format, figure, ...filters } = request.query;
      const { dashboard } = await services.reports.dashboard(requireContext(request), request.params.dashboard, filters);
      if (format !== 'csv') return dashboard;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csvFilename(dashboard, figure || undefined)}"`)
        .send(dashboardCsv(dashboard, figure || undefined));
    },
  );
}
