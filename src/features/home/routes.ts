import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { ROLES } from '../../platform/db/schema.js';
import type { Services } from '../../services.js';
import { homeFor } from './content.js';

const Me = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  organisation: Type.Object({ id: Type.String({ format: 'uuid' }), slug: Type.String(), name: Type.String() }),
  role: Type.Enum(ROLES),
});

export async function homeRoutes(app: App, services: Services): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page('features/home/views/home.njk', { title: 'Home', ...homeFor(ctx.role, ctx.actor.platformAdmin) });
  });

  app.get('/accessibility', { schema: { hide: true } }, async (_request, reply) =>
    reply.page('features/home/views/accessibility.njk', { title: 'Accessibility statement' }),
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'Who this token acts for',
        description: 'The user and organisation an API token is scoped to, and the role it carries.',
        tags: ['account'],
        response: { 200: Me },
      },
    },
    async (request) => {
      const ctx = requireContext(request);
      const organisation = await services.organisations.byId(ctx.organisationId);
      return {
        userId: ctx.actor.userId!,
        organisation: { id: organisation.id, slug: organisation.slug, name: organisation.name },
        role: ctx.role,
      };
    },
  );
}
