import type { FastifyRequest } from 'fastify';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { Conflict } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { needPolicy } from './policy.js';
import type { Need } from './service.js';

/** Messages after a redirect come from this fixed list, so a link can never put words on the page. */
const DONE_MESSAGES: Record<string, (need: Need) => string> = {
  added: (n) => `“${n.label}” has been added. Referrers and link workers can choose it now.`,
  renamed: (n) => `The need is now called “${n.label}”. Referrals that hold it show the new name.`,
  deactivated: (n) => `“${n.label}” has been deactivated: it is no longer offered. Referrals that hold it keep it.`,
  reactivated: (n) => `“${n.label}” has been reactivated: it is offered again.`,
};

function codeParam(request: FastifyRequest): string {
  return (request.params as { code: string }).code;
}

/** Platform administrators only; every check is the service's (or, for the blank form, the same policy). */
export async function needRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/needs/views/list.njk';
  const NEW = 'features/needs/views/new.njk';
  const NEED = 'features/needs/views/need.njk';

  async function parentItems(ctx: RequestContext, chosen?: string) {
    const needs = await services.needs.list(ctx);
    return [
      { value: '', text: 'None: a need of its own', selected: !chosen },
      ...needs.filter((n) => n.parentCode === null && n.active).map((n) => ({ value: n.code, text: n.label, selected: n.code === chosen })),
    ];
  }

  async function needData(ctx: RequestContext, code: string) {
    const need = await services.needs.get(ctx, code);
    const parent = need.parentCode ? await services.needs.get(ctx, need.parentCode) : null;
    return { title: need.label, need, parent, values: { label: need.label } };
  }

  app.get('/admin/needs', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const needs = await services.needs.list(ctx);
    const labels = new Map(needs.map((n) => [n.code, n.label]));
    return reply.page(LIST, {
      title: 'Needs',
      needs: needs.map((n) => ({ ...n, parentLabel: n.parentCode ? labels.get(n.parentCode) : null })),
      activeCount: needs.filter((n) => n.active).length,
    });
  });

  app.get('/admin/needs/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, needPolicy, 'add');
    return reply.page(NEW, { title: 'Add a need', values: {}, parents: await parentItems(ctx) });
  });

  app.post('/admin/needs/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    authorize(ctx, needPolicy, 'add');
    const form = { template: NEW, data: { title: 'Add a need', values, parents: await parentItems(ctx, values.parent) } };
    return handleForm(reply, form, async () => {
      const need = await services.needs.add(ctx, { code: values.code, label: values.label, parent: values.parent });
      return reply.redirect(`/admin/needs/${need.code}?done=added`, 303);
    });
  });

  app.get('/admin/needs/:code', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const data = await needData(ctx, codeParam(request));
    const done = (request.query as Record<string, unknown>).done;
    const message = typeof done === 'string' ? DONE_MESSAGES[done] : undefined;
    return reply.page(NEED, { ...data, flash: message ? message(data.need) : undefined });
  });

  app.post('/admin/needs/:code/rename', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    const data = await needData(ctx, codeParam(request));
    return handleForm(reply, { template: NEED, data: { ...data, values } }, async () => {
      const need = await services.needs.rename(ctx, data.need.code, values.label);
      return reply.redirect(`/admin/needs/${need.code}?done=renamed`, 303);
    });
  });

  for (const action of ['deactivate', 'reactivate'] as const) {
    app.post(`/admin/needs/:code/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const ctx = requireContext(request);
      const data = await needData(ctx, codeParam(request));
      try {
        await services.needs[action](ctx, data.need.code);
      } catch (error) {
        if (error instanceof Conflict) return reply.code(409).page(NEED, { ...data, errors: [{ field: action, message: error.message }] });
        throw error;
      }
      return reply.redirect(`/admin/needs/${data.need.code}?done=${action}d`, 303);
    });
  }
}
