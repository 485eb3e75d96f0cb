import { authorize } from '../../platform/auth/policy.js';
import { ORGANISATION_TYPES, type OrganisationType } from '../../platform/db/schema.js';
import type { App } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { organisationPolicy } from './policy.js';
import { ORGANISATION_TYPE_LABELS } from './service.js';

function typeItems(checked?: string) {
  return ORGANISATION_TYPES.map((type: OrganisationType) => ({ value: type, text: ORGANISATION_TYPE_LABELS[type], checked: type === checked }));
}

/** Platform administrators only: every check is the service's (or, for the blank form, the same policy). */
export async function organisationRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/organisations/views/list.njk';
  const NEW = 'features/organisations/views/new.njk';

  app.get('/admin/organisations', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const organisations = await services.organisations.listAll(ctx.actor);
    const added = (request.query as Record<string, unknown>).added;
    const just = typeof added === 'string' ? organisations.find((o) => o.slug === added) : undefined;
    return reply.page(LIST, {
      title: 'Organisations',
      organisations: organisations.map((o) => ({ ...o, typeLabel: ORGANISATION_TYPE_LABELS[o.type] })),
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
}
