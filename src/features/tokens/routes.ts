import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../platform/context.js';
import { NotFound } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokenIdParam(request: FastifyRequest): string {
  const { tokenId } = request.params as { tokenId: string };
  if (!UUID.test(tokenId)) throw new NotFound('There is no such API token');
  return tokenId.toLowerCase();
}

/** Each signed-in user manages their own tokens for the organisation they are working for. */
export async function tokenRoutes(app: App, services: Services): Promise<void> {
  const PAGE = 'features/tokens/views/tokens.njk';

  async function pageData(ctx: RequestContext, request: FastifyRequest) {
    const tokens = await services.tokens.listOwn(ctx);
    return {
      title: 'API tokens',
      tokens,
      apiBase: `${request.protocol}://${request.host}`,
      values: {},
    };
  }

  app.get('/account/tokens', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const data = await pageData(ctx, request);
    const done = (request.query as Record<string, unknown>).done;
    return reply.page(PAGE, { ...data, flash: done === 'revoked' ? 'The token has been revoked: it can no longer be used.' : undefined });
  });

  app.post('/account/tokens', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    const data = await pageData(ctx, request);
    return handleForm(reply, { template: PAGE, data: { ...data, values: { name: values.name } } }, async () => {
      const created = await services.tokens.create(ctx, values.name);
      // The token is in this response only: no caching, and no redirect that would need to carry it.
      reply.header('cache-control', 'no-store');
      return reply.page(PAGE, {
        ...(await pageData(ctx, request)),
        created: { id: created.id, name: values.name?.trim(), token: created.token },
      });
    });
  });

  app.post('/account/tokens/:tokenId/revoke', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    await services.tokens.revoke(ctx, tokenIdParam(request));
    return reply.redirect('/account/tokens?done=revoked', 303);
  });
}
