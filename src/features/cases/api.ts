import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { RequestContext } from '../../platform/context.js';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { Problem, problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import type { CaseView } from './service.js';
import {
  AllocateBody,
  CaseFull,
  CaseList,
  CaseListQuery,
  CloseBody,
  ConcernBody,
  ContactBody,
  IdParams,
  MdBody,
  PauseBody,
  ReopenBody,
  SafetyBody,
  Settings,
  Team,
  WhatMattersBody,
} from './schemas.js';

const tags = ['cases'];

/** The API's case: the header's facts at the top level, then everything else. */
function caseBody(view: CaseView) {
  const { header, settings: _settings, isTeamLead: _lead, ...rest } = view;
  return { ...header, ...rest };
}

export async function caseApiRoutes(app: App, services: Services): Promise<void> {
  const read = async (ctx: RequestContext, id: string) => caseBody(await services.cases.get(ctx, id, 'api'));

  app.get(
    '/api/v1/cases',
    {
      schema: {
        tags,
        summary: 'A caseload',
        description: 'The service’s open and paused cases (link workers and team leads); `mine=true` for your own. Overdue first contacts first, then by the next action’s date.',
        querystring: CaseListQuery,
        response: { 200: CaseList, ...problemResponses },
      },
    },
    async (request) => ({ ...(await services.cases.list(requireContext(request), request.query)), nextCursor: null }),
  );

  app.get(
    '/api/v1/cases/:id',
    {
      schema: {
        tags,
        summary: 'One case',
        description: 'Contacts, what matters, safety, history and the person’s earlier cases. The read is audited. Sensitive notes come back as null unless you are the allocated link worker or a team lead.',
        params: IdParams,
        response: { 200: CaseFull, ...problemResponses },
      },
    },
    async (request) => read(requireContext(request), request.params.id),
  );

  app.post(
    '/api/v1/cases/:id/contacts',
    {
      schema: {
        tags,
        summary: 'Log a contact (the allocated link worker or a team lead)',
        description: 'The first contact that reaches the person also records first contact on the referral. A closed case is refused with 409: reopen it first.',
        params: IdParams,
        body: ContactBody,
        response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }), ...problemResponses, 409: Problem },
      },
    },
    async (request, reply) => {
      const created = await services.cases.addContact(requireContext(request), request.params.id, request.body);
      return reply.code(201).header('location', `/api/v1/cases/${request.params.id}`).send(created);
    },
  );

  /** A case action: POST /api/v1/cases/{id}/<path>, answering with the case as it now is. */
  function caseAction<S extends TSchema>(path: string, body: S, summary: string, run: (ctx: RequestContext, id: string, body: Static<S>) => Promise<unknown>) {
    app.post(
      `/api/v1/cases/:id/${path}`,
      {
        schema: {
          tags,
          summary,
          description: 'Returns the case. An action that does not fit the case’s status is refused with 409 and the status in `detail`.',
          params: IdParams,
          body,
          response: { 200: CaseFull, ...problemResponses, 409: Problem },
        },
        // Actions without fields may be sent with no body at all.
        preValidation: async (request) => {
          (request as { body: unknown }).body ??= {};
        },
      },
      async (request) => {
        const ctx = requireContext(request);
        await run(ctx, request.params.id, request.body as Static<S>);
        return read(ctx, request.params.id);
      },
    );
  }

  caseAction('pause', PauseBody, 'Pause with a reason and a review date; the referral pauses too, its history kept', (ctx, id, body) => services.cases.pause(ctx, id, body));
  caseAction('resume', Type.Object({}, { additionalProperties: false }), 'Resume a paused case where it was', (ctx, id) => services.cases.resume(ctx, id));
  caseAction('close', CloseBody, 'Close with a reason; the referrer sees a neutral closure that says it does not affect the person’s care', (ctx, id, body) => services.cases.close(ctx, id, body));
  caseAction('reopen', ReopenBody, 'Reopen a closed case, keeping all its history', (ctx, id, body) => services.cases.reopen(ctx, id, body));
  caseAction('multiple-disadvantage', MdBody, 'Change MD status by the link worker’s judgement, with a reason kept in the history', (ctx, id, body) => services.cases.setMultipleDisadvantage(ctx, id, body));
  caseAction('allocate', AllocateBody, 'Allocate or re-allocate (team leads); past the link worker’s weighted capacity only with `overrideReason`', (ctx, id, body) => services.cases.allocate(ctx, id, body));
  caseAction('safeguarding-concerns', ConcernBody, 'Log a safeguarding concern: what, when and to whom it was raised (nothing happens automatically)', (ctx, id, body) => services.cases.addConcern(ctx, id, body));

  app.put(
    '/api/v1/cases/:id/what-matters',
    {
      schema: {
        tags,
        summary: 'Save what matters to the person: coded needs, strengths and goals in their own words',
        description: 'Replaces the lists; items left out are set aside (kept with the date), not deleted.',
        params: IdParams,
        body: WhatMattersBody,
        response: { 200: CaseFull, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = requireContext(request);
      await services.cases.saveWhatMatters(ctx, request.params.id, request.body);
      return read(ctx, request.params.id);
    },
  );

  app.put(
    '/api/v1/cases/:id/safety',
    {
      schema: {
        tags,
        summary: 'Set the person’s risk and lone-working flags (with what staff should know)',
        params: IdParams,
        body: SafetyBody,
        response: { 200: CaseFull, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = requireContext(request);
      await services.cases.saveSafety(ctx, request.params.id, request.body);
      return read(ctx, request.params.id);
    },
  );

  app.get(
    '/api/v1/team',
    {
      schema: {
        tags,
        summary: 'The team lead’s view: weighted loads against capacity, conversations due, and the waiting list',
        response: { 200: Team, ...problemResponses },
      },
    },
    async (request) => services.cases.team(requireContext(request)),
  );

  app.get(
    '/api/v1/programmes',
    {
      schema: {
        tags,
        summary: 'The service’s programmes and their casework settings (administrators and team leads)',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), slug: Type.String(), name: Type.String(), isDefault: Type.Boolean(), settings: Settings })) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.cases.listSettings(requireContext(request)) }),
  );

  app.put(
    '/api/v1/programmes/:id/settings',
    {
      schema: {
        tags,
        summary: 'Change a programme’s casework settings (audited)',
        params: IdParams,
        body: Settings,
        response: { 200: Settings, ...problemResponses },
      },
    },
    async (request) => services.cases.saveSettings(requireContext(request), request.params.id, request.body as unknown as Record<string, unknown>),
  );
}
