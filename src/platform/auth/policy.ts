import type { RequestContext } from '../context.js';
import { ROLES, type Role } from '../db/schema.js';
import { Forbidden } from '../errors.js';

/**
 * A policy names, per action on one resource, which roles may do it. Each feature declares its own
 * in `policy.ts`; handlers and services call `authorize()` and never test roles by hand.
 * `platform` marks actions reserved to platform administrators (whatever their role).
 */
export type Rule = readonly Role[] | 'platform';
export type Policy<A extends string> = { readonly resource: string; readonly rules: Readonly<Record<A, Rule>> };

export function definePolicy<A extends string>(resource: string, rules: Record<A, Rule>): Policy<A> {
  return { resource, rules };
}

export const ANY_ROLE: readonly Role[] = ROLES;

export function can<A extends string>(ctx: Pick<RequestContext, 'role' | 'actor'>, policy: Policy<A>, action: A): boolean {
  const rule = policy.rules[action];
  if (rule === 'platform') return ctx.actor.platformAdmin;
  return rule.includes(ctx.role);
}

export function authorize<A extends string>(ctx: Pick<RequestContext, 'role' | 'actor'>, policy: Policy<A>, action: A): void {
  if (!can(ctx, policy, action)) {
    throw new Forbidden(`Your role (${ctx.role}) cannot ${action.replace(/-/g, ' ')} ${policy.resource}`);
  }
}
