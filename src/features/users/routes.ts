import type { FastifyRequest } from 'fastify';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { ROLES, type Role } from '../../platform/db/schema.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { userPolicy } from './policy.js';
import { ROLE_LABELS, type Member } from './service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Anything that is not a user id cannot name a member: a 404, never a database error. */
function userIdParam(request: FastifyRequest): string {
  const { userId } = request.params as { userId: string };
  if (!UUID.test(userId)) throw new NotFound('This person is not a member of your organisation');
  return userId.toLowerCase();
}

/** Messages after a redirect come from this fixed list, so a link can never put words on the page. */
const DONE_MESSAGES: Record<string, (member: Member) => string> = {
  role: (m) => `${m.name}’s role is now ${ROLE_LABELS[m.role]}.`,
  deactivated: (m) => `${m.name} has been deactivated: they can no longer sign in to this organisation.`,
  reactivated: (m) => `${m.name} has been reactivated: they can sign in to this organisation again.`,
};

function roleItems(checked?: string) {
  return ROLES.map((role: Role) => ({ value: role, text: ROLE_LABELS[role], checked: role === checked }));
}

function statusOf(member: Member): { text: string; colour: string } {
  if (!member.active) return { text: 'Deactivated', colour: 'grey' };
  if (!member.accountActive) return { text: 'Account disabled', colour: 'grey' };
  return { text: 'Active', colour: 'green' };
}

export async function userRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/users/views/list.njk';
  const NEW = 'features/users/views/new.njk';
  const ADDED = 'features/users/views/added.njk';
  const PERSON = 'features/users/views/person.njk';
  const LINK = 'features/users/views/sign-in-link.njk';

  async function personData(ctx: RequestContext, userId: string, chosenRole?: string) {
    const member = await services.users.get(ctx, userId);
    return {
      title: member.name,
      member,
      roleLabel: ROLE_LABELS[member.role],
      status: statusOf(member),
      isSelf: member.userId === ctx.actor.userId,
      canManage: can(ctx, userPolicy, 'change-role'),
      roles: roleItems(chosenRole ?? member.role),
    };
  }

  app.get('/admin/users', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const members = await services.users.list(ctx);
    return reply.page(LIST, {
      title: 'Users',
      members: members.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role], status: statusOf(m) })),
      canAdd: can(ctx, userPolicy, 'add'),
    });
  });

  app.get('/admin/users/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, userPolicy, 'add');
    return reply.page(NEW, { title: 'Add a user', values: {}, roles: roleItems() });
  });

  app.post('/admin/users/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    const form = {
      template: NEW,
      // Never echo the password back into the page.
      data: { title: 'Add a user', values: { name: values.name, email: values.email }, roles: roleItems(values.role) },
    };
    return handleForm(reply, form, async () => {
      const added = await services.users.add(
        ctx,
        { name: values.name, email: values.email, role: values.role, password: values.password },
        { allowExistingAccount: true },
      );
      reply.header('cache-control', 'no-store');
      return reply.page(ADDED, {
        title: added.existingAccount ? 'Role given to an existing account' : 'User added',
        added,
        roleLabel: ROLE_LABELS[added.role],
        inviteUrl: added.invitePath ? `${request.protocol}://${request.host}${added.invitePath}` : null,
      });
    });
  });

  app.get('/admin/users/:userId', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const userId = userIdParam(request);
    const data = await personData(ctx, userId);
    const done = (request.query as Record<string, unknown>).done;
    const message = typeof done === 'string' ? DONE_MESSAGES[done] : undefined;
    return reply.page(PERSON, { ...data, flash: message ? message(data.member) : undefined });
  });

  app.post('/admin/users/:userId/role', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const userId = userIdParam(request);
    const values = formValues(request.body);
    const data = await personData(ctx, userId, values.role);
    return handleForm(reply, { template: PERSON, data }, async () => {
      try {
        await services.users.changeRole(ctx, userId, values.role);
      } catch (error) {
        if (error instanceof Conflict) {
          return reply.code(409).page(PERSON, { ...data, roles: roleItems(data.member.role), errors: [{ field: 'role', message: error.message }] });
        }
        throw error;
      }
      return reply.redirect(`/admin/users/${userId}?done=role`, 303);
    });
  });

  app.post('/admin/users/:userId/deactivate', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const userId = userIdParam(request);
    try {
      await services.users.deactivate(ctx, userId);
    } catch (error) {
      if (error instanceof Conflict) {
        return reply.code(409).page(PERSON, { ...(await personData(ctx, userId)), errors: [{ field: 'deactivate', message: error.message }] });
      }
      throw error;
    }
    return reply.redirect(`/admin/users/${userId}?done=deactivated`, 303);
  });

  app.post('/admin/users/:userId/sign-in-link', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const userId = userIdParam(request);
    let invitePath: string;
    try {
      invitePath = await services.users.issueSignInLink(ctx, userId);
    } catch (error) {
      if (error instanceof Conflict) {
        return reply.code(409).page(PERSON, { ...(await personData(ctx, userId)), errors: [{ field: 'sign-in-link', message: error.message }] });
      }
      throw error;
    }
    const member = await services.users.get(ctx, userId);
    reply.header('cache-control', 'no-store');
    return reply.page(LINK, { title: 'New sign-in link', member, inviteUrl: `${request.protocol}://${request.host}${invitePath}` });
  });

  app.post('/admin/users/:userId/reactivate', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const userId = userIdParam(request);
    await services.users.reactivate(ctx, userId);
    return reply.redirect(`/admin/users/${userId}?done=reactivated`, 303);
  });
}
