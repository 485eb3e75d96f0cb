import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveSession } from '../auth/sessions.js';
import type { RequestContext } from '../context.js';
import { Unauthenticated, ValidationFailed } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once authentication succeeds: the only way handlers learn who is acting, and for whom. */
    ctx: RequestContext | null;
    /** Browser session (web pages only). */
    liveSession: LiveSession | null;
    csrfToken: string;
  }
  interface FastifyReply {
    /** Renders a page inside the Linkwork layout with the signed-in user's header and CSRF token. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

export function requireContext(request: FastifyRequest): RequestContext {
  if (!request.ctx) throw new Unauthenticated();
  return request.ctx;
}

/**
 * Runs a form action; on validation failure re-renders the form with the NHS error summary, the
 * field messages and what the user typed (never passwords), with a 400 status.
 */
export async function handleForm(
  reply: FastifyReply,
  form: { template: string; data: Record<string, unknown> },
  action: () => Promise<unknown>,
): Promise<unknown> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return reply.code(400).page(form.template, { ...form.data, errors: error.errors });
    }
    throw error;
  }
}

/** Form bodies arrive as strings (or arrays for repeated names); this reads one field safely. */
export function formValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string') values[key] = value;
    }
  }
  return values;
}
