import type { App } from '../../platform/http/app.js';
import { SESSION_COOKIE } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import { NotFound, TooManyRequests } from '../../platform/errors.js';
import type { Services } from '../../services.js';

/** Only same-site paths: an attacker's link must not bounce a user elsewhere after sign-in. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}

export async function authRoutes(app: App, services: Services): Promise<void> {
  app.get('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    if (request.ctx) return reply.redirect('/', 303);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('features/auth/views/sign-in.njk', { title: 'Sign in', next: safeNext(query.next) });
  });

  app.post(
    '/sign-in',
    { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const values = formValues(request.body);
      const form = { template: 'features/auth/views/sign-in.njk', data: { title: 'Sign in', email: values.email, next: safeNext(values.next) } };
      return handleForm(reply, form, async () => {
        try {
          const signedIn = await services.auth.signIn(values.email, values.password, request.id);
          const previous = request.cookies[SESSION_COOKIE];
          if (previous) await services.sessions.destroy(previous);
          reply.setCookie(SESSION_COOKIE, signedIn.sessionId, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: request.protocol === 'https',
          });
          return reply.redirect(safeNext(values.next), 303);
        } catch (error) {
          if (error instanceof TooManyRequests) {
            return reply.code(429).page(form.template, { ...form.data, errors: [{ field: 'email', message: error.message }] });
          }
          throw error;
        }
      });
    },
  );

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) await services.sessions.destroy(sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });

  app.get('/organisation', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const memberships = await services.users.membershipsOf(ctx.actor.userId!);
    return reply.page('features/auth/views/switch-organisation.njk', {
      title: 'Choose an organisation',
      choices: memberships.map((m) => ({ value: m.organisationId, text: m.name, checked: m.organisationId === ctx.organisationId })),
    });
  });

  app.post('/organisation', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    const memberships = await services.users.membershipsOf(ctx.actor.userId!);
    const form = {
      template: 'features/auth/views/switch-organisation.njk',
      data: { title: 'Choose an organisation', choices: memberships.map((m) => ({ value: m.organisationId, text: m.name })) },
    };
    return handleForm(reply, form, async () => {
      await services.auth.switchOrganisation(ctx, request.liveSession!.idHash, values.organisation ?? '');
      return reply.redirect('/', 303);
    });
  });

  app.get('/invite/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const invite = await services.auth.inviteIsValid(token);
    if (!invite) throw new NotFound('This invitation link has expired or has already been used. Ask your administrator for a new one.');
    return reply.page('features/auth/views/invite.njk', { title: 'Choose your password', invite, token });
  });

  app.post('/invite/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const values = formValues(request.body);
    const invite = await services.auth.inviteIsValid(token);
    if (!invite) throw new NotFound('This invitation link has expired or has already been used. Ask your administrator for a new one.');
    const form = { template: 'features/auth/views/invite.njk', data: { title: 'Choose your password', invite, token } };
    return handleForm(reply, form, async () => {
      await services.auth.acceptInvite(token, values.password, values.confirm, request.id);
      return reply.page('features/auth/views/invite-done.njk', { title: 'Your password is saved' });
    });
  });
}
