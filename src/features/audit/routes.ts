import type { App } from '../../platform/http/app.js';
import { handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import type { AuditRow } from './service.js';

const FILTERS = ['action', 'actor', 'from', 'to'] as const;

/** The detail column is small and never personal data; shown as compact JSON text. */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail === '{}' ? '' : detail;
  if (typeof detail === 'object' && Object.keys(detail).length === 0) return '';
  return JSON.stringify(detail);
}

function eventView(row: AuditRow) {
  return {
    ...row,
    occurredIso: new Date(row.occurredAt).toISOString(),
    who: row.actorName ?? row.actorLabel,
    subjectHref: row.subjectType === 'user' && row.subjectId ? `/admin/users/${row.subjectId}` : null,
    detailText: detailText(row.detail),
  };
}

export async function auditRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/audit/views/list.njk';

  app.get('/admin/audit', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const query = request.query as Record<string, unknown>;
    const filters: Record<string, string> = {};
    for (const name of FILTERS) filters[name] = typeof query[name] === 'string' ? query[name].trim() : '';
    const before = typeof query.before === 'string' ? query.before : '';
    const filtered = FILTERS.some((name) => filters[name] !== '');
    const form = { template: LIST, data: { title: 'Audit trail', filters, filtered, events: [], nextUrl: null } };
    return handleForm(reply, form, async () => {
      const page = await services.audit.list(ctx, { ...filters, before });
      let nextUrl: string | null = null;
      if (page.nextBefore) {
        const params = new URLSearchParams();
        for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
        params.set('before', page.nextBefore);
        nextUrl = `/admin/audit?${params.toString()}`;
      }
      return reply.page(LIST, { ...form.data, events: page.items.map(eventView), nextUrl, olderPage: before !== '' });
    });
  });
}
