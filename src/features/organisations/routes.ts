import { authorize } from '../../platform/auth/policy.js';
import { ORGANISATION_TYPES, type OrganisationType } from '../../platform/db/schema.js';
import type { App } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { organisationPolicy } from './policy.js';
import { COMMISSIONING_TYPES, ORGANISATION_TYPE_LABELS, type Commissioning } from './service.js';

function typeItems(checked?: string) {
  return ORGANISATION_TYPES.map((type: OrganisationType) => ({ value: type, text: ORGANISATION_TYPE_LABELS[type], checked: type === checked }));
}

/** Platform administrators only: every check is the service's (or, for the blank form, the same policy). */
export async function organisationRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/organisations/views/list.njk';
  const NEW = 'features/organisations/views/new.njk';
  const COMMISSIONING = 'features/organisations/views/commissioning.njk';

  app.get('/admin/organisations', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const organisations = await services.organisations.listAll(ctx.actor);
    const added = (request.query as Record<string, unknown>).added;
    const just = typeof added === 'string' ? organisations.find((o) => o.slug === added) : undefined;
    return reply.page(LIST, {
      title: 'Organisations',
      organisations: organisations.map((o) => ({ ...o, typeLabel: ORGANISATION_TYPE_LABELS[o.type], commissions: COMMISSIONING_TYPES.includes(o.type) })),
      flash: just ? `${just.name} has been added.` : undefined,
    });
  });

  app.get('/admin/organisations/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, organisationPolicy, 'add');
    return reply.page(NEW, { title: 'Add an organisation', values: {}, types: typeItems() });
  });

  app.post('/admin/organisations/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    const form = { template: NEW, data: { title: 'Add an organisation', values, types: typeItems(values.type) } };
    return handleForm(reply, form, async () => {
      const organisation = await services.organisations.add(ctx.actor, request.id, { name: values.name, slug: values.slug, type: values.type });
      return reply.redirect(`/admin/organisations?added=${encodeURIComponent(organisation.slug)}`, 303);
    });
  });

  const commissioningPage = (commissioning: Commissioning, extra: Record<string, unknown> = {}) => ({
    title: `Services ${commissioning.commissioner.name} commissions`,
    commissioner: commissioning.commissioner,
    items: commissioning.services.map((s) => ({ value: s.id, text: s.name, checked: s.commissioned })),
    ...extra,
  });

  app.get('/admin/organisations/:id/commissioning', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { id } = request.params as { id: string };
    const commissioning = await services.organisations.commissioning(ctx.actor, id);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return reply.page(COMMISSIONING, commissioningPage(commissioning, { flash: saved ? 'Commissioned services saved. Its reports now cover these services.' : undefined }));
  });

  app.post('/admin/organisations/:id/commissioning', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = await services.organisations.commissioning(ctx.actor, id);
    return handleForm(reply, { template: COMMISSIONING, data: commissioningPage(current) }, async () => {
      await services.organisations.setCommissioning(ctx.actor, request.id, id, body.services);
      return reply.redirect(`/admin/organisations/${encodeURIComponent(current.commissioner.id)}/commissioning?saved=1`, 303);
    });
  });
}
