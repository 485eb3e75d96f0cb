import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import { DAYS, MAX_KM, MAX_LIMIT, MAX_RESULT_DEPTH, SORTS } from './search/rules.js';
import { SERVICE_ATTRIBUTES } from './taxonomy.js';

/**
 * The link worker's directory search as JSON: the same search function as the /directory page.
 * (The Open Referral UK API, /api/oruk, is the standard's own view of the same data.)
 */

const tags = ['directory'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Str = Type.String();
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Labelled = Type.Object({ code: Type.String(), label: Type.String() }, { additionalProperties: false });
const Cost = Type.Object(
  { free: Type.Boolean(), text: Nullable(Str) },
  { additionalProperties: false, description: 'free: tagged free, or every cost option is £0. text: the provider’s words about cost, or the cost options' },
);
const NextOpening = Type.Object(
  {
    date: DateOnly,
    opensAt: Type.String({ description: 'HH:MM, UK time' }),
    closesAt: Nullable(Type.String({ description: 'HH:MM, UK time' })),
    openNow: Type.Boolean(),
    text: Type.String({ examples: ['Open now, until 4pm', 'Tomorrow, 10am to midday'] }),
  },
  { additionalProperties: false, description: 'From weekly schedules, up to eight weeks ahead; null when none is known' },
);

const SearchQuery = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 200, description: 'Words to look for (English stemming; "quoted phrases", or, -word). Names also match with small spelling mistakes' })),
    need: Type.Optional(Type.String({ maxLength: 60, description: 'A need code from GET /api/v1/needs; also finds services tagged with needs within it (money-and-debt finds fuel-poverty)' })),
    attribute: Type.Optional(Type.Array(Type.Enum(SERVICE_ATTRIBUTES), { maxItems: SERVICE_ATTRIBUTES.length, description: 'Repeat for several: every one must apply' })),
    language: Type.Optional(Type.String({ maxLength: 60, description: 'A language the service works in, by name (Polish) or code (pl). A service that names none is taken to work in English' })),
    postcode: Type.Optional(Type.String({ maxLength: 10, description: 'Measure distance from here: a postcode, a sector (BS5 6) or a district (BS5)' })),
    maxKm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_KM, description: 'Only services with a place within this many km of the postcode' })),
    openNow: Type.Optional(Type.Boolean({ description: 'Only services with a weekly session running now (UK time)' })),
    day: Type.Optional(Type.Enum(DAYS, { description: 'Only services with a weekly or monthly session on this day' })),
    age: Type.Optional(Type.Integer({ minimum: 0, maximum: 130, description: 'Only services whose age range includes this age' })),
    sort: Type.Optional(Type.Enum(SORTS, { description: 'relevance (default): text match × nearness; distance (needs postcode); name' })),
    page: Type.Optional(Type.Integer({ minimum: 1, description: `Page number, from 1. Results can be paged to a depth of ${MAX_RESULT_DEPTH}` })),
    cursor: Type.Optional(Type.String({ maxLength: 100, description: 'nextCursor from the previous page (instead of page)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: 'Results per page, default 20' })),
  },
  { additionalProperties: false },
);

export const ServiceResult = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Str,
    summary: Nullable(Type.String({ description: 'The description as plain text, shortened' })),
    organisation: Type.Object({ id: Type.String({ format: 'uuid' }), name: Str }, { additionalProperties: false, description: 'The organisation that runs the service' }),
    status: Type.String({ description: 'active or temporarily closed (inactive and defunct services are not found)' }),
    published: Type.Boolean({ description: 'false only for your own organisation’s unpublished services' }),
    distanceKm: Nullable(Type.Number({ description: 'To the nearest of its places, from the postcode; null without a postcode or a mapped place' })),
    nextOpening: Nullable(NextOpening),
    cost: Cost,
    attributes: Type.Array(Labelled),
    needs: Type.Array(Labelled),
    minimumAge: Nullable(Type.Integer()),
    maximumAge: Nullable(Type.Integer()),
    lastVerified: Nullable(DateOnly),
    mayBeOutOfDate: Type.Boolean({ description: 'Not verified in the last six months, or never' }),
    explanation: Type.String({ description: 'Why it was found', examples: ['2.1 km · matches: gardening, outdoors'] }),
    matches: Type.Array(Str, { description: 'Search words found in it (a near spelling shows the word in its name)' }),
    score: Type.Number({ description: 'Relevance used for ordering (text × nearness); compare within one search only' }),
  },
  { additionalProperties: false },
);

const SearchResponse = Type.Object(
  {
    items: Type.Array(ServiceResult),
    total: Type.Integer({ description: 'How many services match in all' }),
    page: Type.Integer(),
    pageCount: Type.Integer(),
    limit: Type.Integer(),
    nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })),
    origin: Nullable(
      Type.Object(
        {
          postcode: Str,
          precision: Type.Union([Type.Literal('unit'), Type.Literal('sector'), Type.Literal('district')], { description: 'How precisely the postcode’s place is known' }),
          district: Str,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const Phone = Type.Object({ number: Str, extension: Nullable(Str), type: Nullable(Str), description: Nullable(Str) }, { additionalProperties: false });

const ServiceDetail = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Str,
    alternateName: Nullable(Str),
    description: Nullable(Type.String({ description: 'As the provider wrote it (imports may hold HTML: show it as text)' })),
    url: Nullable(Str),
    email: Nullable(Str),
    status: Str,
    published: Type.Boolean(),
    organisation: Type.Object(
      { id: Type.String({ format: 'uuid' }), name: Str, website: Nullable(Str), email: Nullable(Str), description: Nullable(Str) },
      { additionalProperties: false },
    ),
    interpretationServices: Nullable(Str),
    applicationProcess: Nullable(Str),
    eligibility: Nullable(Str),
    minimumAge: Nullable(Type.Integer()),
    maximumAge: Nullable(Type.Integer()),
    accreditations: Nullable(Str),
    alert: Nullable(Str),
    cost: Cost,
    costOptions: Type.Array(
      Type.Object({ option: Nullable(Str), amount: Nullable(Type.Number()), currency: Nullable(Str), amountDescription: Nullable(Str) }, { additionalProperties: false }),
    ),
    attributes: Type.Array(Labelled),
    needs: Type.Array(Labelled),
    otherTerms: Type.Array(Labelled, { description: 'Terms from other taxonomies (imported directories)' }),
    languages: Type.Array(Type.Object({ name: Nullable(Str), code: Nullable(Str), note: Nullable(Str) }, { additionalProperties: false })),
    areas: Type.Array(Type.Object({ name: Nullable(Str), description: Nullable(Str) }, { additionalProperties: false })),
    locations: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          name: Nullable(Str),
          locationType: Str,
          description: Nullable(Str),
          url: Nullable(Str),
          latitude: Nullable(Type.Number()),
          longitude: Nullable(Type.Number()),
          distanceKm: Nullable(Type.Number({ description: 'From the postcode, when one was given' })),
          addresses: Type.Array(Type.Object({ addressType: Str, lines: Type.Array(Str), postalCode: Str }, { additionalProperties: false })),
          accessibility: Type.Array(Type.Object({ description: Nullable(Str), details: Nullable(Str), url: Nullable(Str) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
      { description: 'Nearest first when a postcode was given' },
    ),
    schedules: Type.Array(
      Type.Object(
        {
          text: Type.String({ examples: ['Tuesdays and Thursdays, 10am to midday'] }),
          freq: Nullable(Str),
          byday: Nullable(Str),
          opensAt: Nullable(Str),
          closesAt: Nullable(Str),
          validFrom: Nullable(DateOnly),
          validTo: Nullable(DateOnly),
          description: Nullable(Str),
          notes: Nullable(Str),
        },
        { additionalProperties: false },
      ),
    ),
    nextOpening: Nullable(NextOpening),
    contacts: Type.Array(
      Type.Object({ name: Nullable(Str), title: Nullable(Str), department: Nullable(Str), email: Nullable(Str), phones: Type.Array(Phone) }, { additionalProperties: false }),
    ),
    phones: Type.Array(Phone),
    lastModified: Type.String({ format: 'date-time' }),
    lastVerified: Nullable(DateOnly),
    assuredDate: Nullable(DateOnly),
    mayBeOutOfDate: Type.Boolean({ description: 'Not verified in the last six months, or never' }),
    origin: Nullable(
      Type.Object(
        { postcode: Str, precision: Type.Union([Type.Literal('unit'), Type.Literal('sector'), Type.Literal('district')]) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export async function directoryApiRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/api/v1/services',
    {
      schema: {
        tags,
        summary: 'Search the community directory',
        description:
          'Published services, and your own organisation’s unpublished ones. Filters combine with AND. Ranked by relevance ' +
          '(text match × nearness to the postcode) unless `sort` says otherwise; each result says why it was found. ' +
          'Paged by page number (`page`, or `cursor` = the previous page’s `nextCursor`), with the total.',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = requireContext(request);
      const { postcode, ...rest } = request.query;
      const results = await services.directorySearch.search(ctx, { ...rest, nearPostcode: postcode });
      const { query: _query, ...body } = results;
      return body;
    },
  );

  app.get(
    '/api/v1/services/:id',
    {
      schema: {
        tags,
        summary: 'One service in full',
        description: 'Everything the directory holds about a service: places with addresses, opening times, contacts, cost, eligibility, attributes, languages. Give `postcode` for distances to its places.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ postcode: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false }),
        response: { 200: ServiceDetail, ...problemResponses },
      },
    },
    async (request) => services.directorySearch.get(requireContext(request), request.params.id, { nearPostcode: request.query.postcode }),
  );
}
