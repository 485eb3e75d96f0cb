import { Type } from '@fastify/type-provider-typebox';
import { can } from '../../platform/auth/policy.js';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { Problem, problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import { referralPolicy } from './policy.js';
import type { ReferralAction } from './rules.js';
import { ActionBody, DuplicateBody, IdParams, ListQuery, ReferralBody, ReferralFull, ReferralReceipt, ReferralSummary } from './schemas.js';

const ACTIONS: { path: string; action: ReferralAction; summary: string }[] = [
  { path: 'accept', action: 'accept', summary: 'Accept a referral (team leads): opens the person’s case; `caseId` is in the response' },
  { path: 'allocate', action: 'allocate', summary: 'Allocate or re-allocate to a link worker (team leads): `{"linkWorker": "<user id or email>"}`; past their weighted capacity only with `overrideReason`' },
  { path: 'decline', action: 'decline', summary: 'Decline with a neutral reason (team leads): `{"reason": "person-declined"}`' },
  { path: 'redirect', action: 'redirect', summary: 'Pass to another social prescribing service (team leads): `{"toOrganisation": "<slug>"}`' },
  { path: 'first-contact', action: 'record-first-contact', summary: 'Record first contact (the allocated link worker or a team lead)' },
  { path: 'engaged', action: 'record-engaged', summary: 'Record that the person is engaged' },
  { path: 'pause', action: 'pause', summary: 'Pause, with an optional reason; history is kept' },
  { path: 'resume', action: 'resume', summary: 'Resume a paused referral where it was' },
  { path: 'close', action: 'close', summary: 'Close with a reason; never affects the person’s health care' },
];

const tags = ['referrals'];

export async function referralApiRoutes(app: App, services: Services): Promise<void> {
  app.post(
    '/api/v1/referrals',
    {
      schema: {
        tags,
        summary: 'Make a referral',
        description:
          'Validates everything at once (400 lists each field), then stores the referral for the receiving service and a neutral receipt for yours. ' +
          'Send an `Idempotency-Key` header to make retries safe: the same key and body return the same referral; the same key with another body is a 409.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: ReferralBody,
        response: { 201: ReferralReceipt, ...problemResponses, 409: Problem },
      },
    },
    async (request, reply) => {
      const ctx = requireContext(request);
      const key = request.headers['idempotency-key'];
      const { receipt, replayed } = await services.referrals.refer(ctx, request.body, { idempotencyKey: typeof key === 'string' ? key : undefined });
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/referrals/${receipt.id}`).send(receipt);
    },
  );

  app.get(
    '/api/v1/referrals',
    {
      schema: {
        tags,
        summary: 'List referrals',
        description: 'Referrers get their organisation’s referrals as neutral receipts; team leads and link workers get their service’s referrals. Newest first, keyset pagination with `nextCursor`.',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Union([ReferralSummary, ReferralReceipt])),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const ctx = requireContext(request);
      const { view, ...filters } = request.query;
      const chosen = view ?? (can(ctx, referralPolicy, 'view-service') ? 'service' : 'sent');
      if (chosen === 'sent') return services.referrals.listSent(ctx, filters);
      return services.referrals.listForService(ctx, { ...filters, queue: chosen === 'queue' });
    },
  );

  app.get(
    '/api/v1/referrals/:id',
    {
      schema: {
        tags,
        summary: 'One referral',
        description: 'For the receiving service: the full record (the read is audited). For the referring organisation: the neutral receipt only.',
        params: IdParams,
        response: { 200: Type.Union([ReferralFull, ReferralReceipt]), ...problemResponses },
      },
    },
    async (request) => (await services.referrals.get(requireContext(request), request.params.id)).referral,
  );

  for (const { path, action, summary } of ACTIONS) {
    app.post(
      `/api/v1/referrals/:id/${path}`,
      {
        schema: {
          tags,
          summary,
          description: 'An action that does not fit the referral’s current status is refused with 409 and the status in `detail`.',
          params: IdParams,
          body: ActionBody,
          response: { 200: ReferralFull, ...problemResponses, 409: Problem },
        },
        // Most actions need no body; an empty request is the same as `{}`.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => services.referrals.act(requireContext(request), request.params.id, action, request.body),
    );
  }

  app.post(
    '/api/v1/referrals/:id/duplicate-decision',
    {
      schema: {
        tags,
        summary: 'Link a possible duplicate (closing this one as a duplicate) or keep it separate',
        params: IdParams,
        body: DuplicateBody,
        response: { 200: ReferralFull, ...problemResponses },
      },
    },
    async (request) => services.referrals.decideDuplicate(requireContext(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/needs',
    {
      schema: {
        tags: ['reference data'],
        summary: 'The needs taxonomy: codes to use in referrals',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]) })) }) },
      },
    },
    async (request) => {
      requireContext(request);
      return { items: await services.referrals.listNeeds() };
    },
  );
}
