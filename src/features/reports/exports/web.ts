import { can } from '../../../platform/auth/policy.js';
import type { RequestContext } from '../../../platform/context.js';
import type { App } from '../../../platform/http/app.js';
import { handleForm, requireContext } from '../../../platform/http/request.js';
import { reportPolicy } from '../policy.js';
import { attachment, LEFT_OUT_HEADER, returnFilename } from './api.js';
import { returnCsv } from './return.js';
import type { ExportService, SnomedQuery } from './service.js';
import { snomedCsv } from './snomed.js';

const PAGE = 'features/reports/exports/views/exports.njk';

function text(query: unknown, name: string): string {
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * /reports/exports: choose a quarter (and a service, for commissioners) and download the return;
 * administrators and team leads also choose a GP practice and a period, see how many events the
 * extract holds and how many it leaves out, then download it. Every form is a GET: downloads change
 * nothing (the extract's audit event is a record of reading, as on a case page), and a link to the
 * download can be bookmarked for next quarter.
 */
export async function exportWebRoutes(app: App, exportsService: ExportService): Promise<void> {
  async function pageData(ctx: RequestContext, query: unknown): Promise<Record<string, unknown>> {
    const { services, suppress } = await exportsService.returnScope(ctx);
    const snomed = can(ctx, reportPolicy, 'snomed-extract');
    const quarters = exportsService.quarters();
    return {
      title: 'Exports',
      quarters: quarters.choices.map((q) => ({ value: q.id, text: q.inProgress ? `${q.label}, so far` : q.label })),
      services: services.map((s) => ({ value: s.id, text: s.name })),
      chooseService: suppress || services.length > 1,
      suppress,
      snomed,
      practices: snomed ? (await exportsService.practices(ctx)).map((p) => ({ value: p.id, text: p.name })) : [],
      values: {
        quarter: text(query, 'quarter') || quarters.defaultId,
        service: text(query, 'service'),
        practice: text(query, 'practice'),
        from: text(query, 'from'),
        to: text(query, 'to'),
      },
    };
  }

  app.get('/reports/exports', { schema: { hide: true } }, async (request, reply) => {
    return reply.page(PAGE, await pageData(requireContext(request), request.query));
  });

  app.get('/reports/exports/quarterly-return.csv', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const form = { template: PAGE, data: await pageData(ctx, request.query) };
    return handleForm(reply, form, async () => {
      const result = await exportsService.quarterlyReturn(ctx, { quarter: text(request.query, 'quarter'), service: text(request.query, 'service') });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(returnFilename(result))).send(returnCsv(result.quarter, result.rows));
    });
  });

  const snomedQuery = (query: unknown): SnomedQuery => ({ practice: text(query, 'practice'), from: text(query, 'from'), to: text(query, 'to') });

  // Counts first, so the service sees before downloading how many people it must record by hand.
  app.get('/reports/exports/snomed-events', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const form = { template: PAGE, data: await pageData(ctx, request.query) };
    return handleForm(reply, form, async () => {
      const summary = await exportsService.snomedSummary(ctx, snomedQuery(request.query));
      const download = `/reports/exports/snomed-events.csv?${new URLSearchParams({ practice: summary.practice.id, from: summary.from, to: summary.to }).toString()}`;
      return reply.page(PAGE, { ...form.data, values: { ...(form.data.values as object), from: summary.from, to: summary.to }, summary, download });
    });
  });

  app.get('/reports/exports/snomed-events.csv', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const form = { template: PAGE, data: await pageData(ctx, request.query) };
    return handleForm(reply, form, async () => {
      const extract = await exportsService.snomedEvents(ctx, snomedQuery(request.query));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`snomed-events-${extract.from}-to-${extract.to}.csv`))
        .header(LEFT_OUT_HEADER, String(extract.leftOutWithoutNhsNumber))
        .send(snomedCsv(extract.rows));
    });
  });
}
