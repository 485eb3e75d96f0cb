import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { Problem, problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import { ServiceResult } from '../directory/api.js';
import { INTRODUCTION_RESPONSES, MAX_CONTACT_ROUTE, MAX_REASON, MAX_SHARED, OFFER_STATES } from './rules.js';

/**
 * Offers as JSON: the same service functions as the case's Offers page and the provider's inbox.
 * Body fields are typed loosely enough (strings, booleans) for the service to report every bad
 * field at once, by name, in words a person can act on.
 */

const tags = ['offers'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const State = Type.Enum(OFFER_STATES);
const IdParams = Type.Object({ id: Type.String({ maxLength: 60 }) });

const Offer = Type.Object(
  {
    id: Uuid,
    caseId: Uuid,
    service: Type.Object({ id: Uuid, name: Type.String() }, { description: 'The directory service, named as when it was offered' }),
    state: State,
    accompanied: Type.Boolean({ description: 'The link worker went with the person to the introduction' }),
    reason: Nullable(Type.String({ description: 'The person’s own words when they said no or stopped; optional' })),
    stateChangedAt: DateTime,
    createdAt: DateTime,
    accompaniedSessions: Type.Integer({ description: 'Sessions the link worker went to with the person' }),
    history: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('suggested'), Type.Literal('transition'), Type.Literal('accompanied-session')]),
        from: Nullable(State),
        to: State,
        accompanied: Type.Boolean(),
        reason: Nullable(Type.String()),
        sessionOn: Nullable(DateOnly),
        by: Type.String(),
        at: DateTime,
      }),
    ),
    introductions: Type.Array(
      Type.Object({
        id: Uuid,
        providerName: Type.String(),
        response: Type.Enum(INTRODUCTION_RESPONSES),
        responseNote: Nullable(Type.String()),
        respondedAt: Nullable(DateTime),
        introducedAt: DateTime,
        endedAt: Nullable(DateTime),
        attendance: Type.Array(DateOnly, { description: 'Sessions the provider recorded the person coming to' }),
      }),
      { description: 'The provider’s side, for providers that use Linkwork: their reply and the attendance they recorded' },
    ),
  },
  { additionalProperties: false },
);

const Introduction = Type.Object(
  {
    id: Uuid,
    firstName: Type.String(),
    contactRoute: Type.String({ description: 'How to get in touch, as agreed with the person' }),
    shared: Nullable(Type.String({ description: 'What the person agreed you may know, in their words' })),
    service: Type.Object({ id: Uuid, name: Type.String() }),
    fromOrganisation: Type.Object({ name: Type.String() }),
    introducedBy: Type.String(),
    accompanied: Type.Boolean({ description: 'The link worker plans to come along the first time' }),
    introducedAt: DateTime,
    response: Type.Enum(INTRODUCTION_RESPONSES),
    responseNote: Nullable(Type.String()),
    respondedAt: Nullable(DateTime),
    ended: Type.Boolean({ description: 'The introduction has ended; no reason is given' }),
    endedAt: Nullable(DateTime),
    attendance: Type.Array(DateOnly),
  },
  { additionalProperties: false, description: 'All a provider sees of a person introduced to it' },
);

export async function offerApiRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/api/v1/cases/:id/offers',
    {
      schema: { tags, summary: 'A case’s offers, each with its history (the read is audited)', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Offer) }), ...problemResponses } },
    },
    async (request) => ({ items: (await services.offers.listForCase(requireContext(request), request.params.id)).offers }),
  );

  app.post(
    '/api/v1/cases/:id/offers',
    {
      schema: {
        tags,
        summary: 'Suggest a directory service to the person',
        description: 'A service already offered (live) is a 409, as is one the person said no to: move that offer back to `interested` if they changed their mind.',
        params: IdParams,
        body: Type.Object({ serviceId: Type.String({ maxLength: 60, description: 'A directory service id (GET /api/v1/cases/{id}/suggestions)' }) }, { additionalProperties: false }),
        response: { 201: Offer, ...problemResponses, 409: Problem },
      },
    },
    async (request, reply) => {
      const offer = await services.offers.suggest(requireContext(request), request.params.id, request.body);
      return reply.code(201).header('location', `/api/v1/offers/${offer.id}`).send(offer);
    },
  );

  app.get(
    '/api/v1/offers/:id',
    { schema: { tags, summary: 'One offer with its history (the read is audited)', params: IdParams, response: { 200: Offer, ...problemResponses } } },
    async (request) => services.offers.get(requireContext(request), request.params.id),
  );

  app.post(
    '/api/v1/offers/:id/transitions',
    {
      schema: {
        tags,
        summary: 'Record what happened with an offer',
        description:
          'suggested → interested | declined; interested → introduced | declined; introduced → attending | declined | stopped; attending → stopped | completed; ' +
          'declined or stopped → interested (the person changed their mind). A move the current state does not allow is a 409 naming the state. ' +
          'Declining is neutral and never limited. For `introduced` to a provider that uses Linkwork, `contactRoute` (and optionally `shared`) say what the provider sees, as agreed with the person.',
        params: IdParams,
        body: Type.Object(
          {
            to: Type.String({ maxLength: 20, description: OFFER_STATES.filter((s) => s !== 'suggested').join(' | ') }),
            accompanied: Type.Optional(Type.Boolean({ description: 'introduced: the link worker goes too; attending: went with the person to the first session' })),
            reason: Type.Optional(Type.String({ maxLength: MAX_REASON * 2, description: `Optional, in the person’s own words (up to ${MAX_REASON} characters)` })),
            contactRoute: Type.Optional(Type.String({ maxLength: MAX_CONTACT_ROUTE * 2 })),
            shared: Type.Optional(Type.String({ maxLength: MAX_SHARED * 2 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Offer, ...problemResponses, 409: Problem },
      },
    },
    async (request) => services.offers.transition(requireContext(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/offers/:id/accompanied-sessions',
    {
      schema: {
        tags,
        summary: 'Log a session the link worker went to with the person',
        params: IdParams,
        body: Type.Object({ on: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, today or earlier' }) }, { additionalProperties: false }),
        response: { 200: Offer, ...problemResponses, 409: Problem },
      },
    },
    async (request) => services.offers.logAccompaniedSession(requireContext(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/cases/:id/suggestions',
    {
      schema: {
        tags,
        summary: 'Directory search for this person',
        description:
          'The directory search, measured from the person’s postcode and filtered by the referral’s first need unless `need` is given (`need=` for every need). ' +
          'Leaves out services the person declined or stopped unless `includeDeclined=true`. `offered` maps a service id to this case’s offer of it.',
        params: IdParams,
        querystring: Type.Object(
          {
            text: Type.Optional(Type.String({ maxLength: 200 })),
            need: Type.Optional(Type.String({ maxLength: 60 })),
            includeDeclined: Type.Optional(Type.Boolean()),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(ServiceResult),
            total: Type.Integer(),
            nextCursor: Nullable(Type.String()),
            prefill: Type.Object({ postcode: Nullable(Type.String()), needs: Type.Array(Type.String()) }),
            leftOut: Type.Integer({ description: 'Services left out because the person said no to them' }),
            includeDeclined: Type.Boolean(),
            offered: Type.Record(Type.String(), Type.Object({ offerId: Uuid, state: State })),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const found = await services.offers.suggestions(requireContext(request), request.params.id, request.query);
      return {
        items: found.results.items,
        total: found.results.total,
        nextCursor: found.results.nextCursor,
        prefill: found.prefill,
        leftOut: found.leftOut,
        includeDeclined: found.includeDeclined,
        offered: found.offered,
      };
    },
  );

  app.get(
    '/api/v1/introductions',
    {
      schema: {
        tags,
        summary: 'Introductions to your organisation (providers)',
        description: 'Newest first, up to 200. Each shows only a first name, how to get in touch, what the person agreed to share, the service and dates.',
        response: { 200: Type.Object({ items: Type.Array(Introduction) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.offers.inbox(requireContext(request)) }),
  );

  app.get(
    '/api/v1/introductions/:id',
    { schema: { tags, summary: 'One introduction (providers)', params: IdParams, response: { 200: Introduction, ...problemResponses } } },
    async (request) => services.offers.introduction(requireContext(request), request.params.id),
  );

  app.post(
    '/api/v1/introductions/:id/response',
    {
      schema: {
        tags,
        summary: 'Accept or decline an introduction (providers), once',
        params: IdParams,
        body: Type.Object({ response: Type.String({ maxLength: 20, description: 'accepted | declined' }), note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
        response: { 200: Introduction, ...problemResponses, 409: Problem },
      },
    },
    async (request) => services.offers.respond(requireContext(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/introductions/:id/attendance',
    {
      schema: {
        tags,
        summary: 'Record a session the person came to (providers, after accepting)',
        params: IdParams,
        body: Type.Object({ on: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, today or earlier' }) }, { additionalProperties: false }),
        response: { 200: Introduction, ...problemResponses, 409: Problem },
      },
    },
    async (request) => services.offers.recordAttendance(requireContext(request), request.params.id, request.body),
  );
}
