import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../platform/http/app.js';
import { Problem } from '../../../platform/http/schemas.js';
import type { Services } from '../../../services.js';
import {
  ApiDetails,
  IdParams,
  OrganizationQuery,
  OrganizationWithServices,
  OrganizationsQuery,
  Page,
  Service,
  ServiceAtLocation,
  ServiceAtLocationsQuery,
  ServiceListItem,
  ServicesQuery,
  Taxonomy,
  TaxonomiesQuery,
  TaxonomyTerm,
  TaxonomyTermsQuery,
} from './schemas.js';
import { createOrukService, type Listing } from './service.js';

/** The HSDS version this API serves, and the UK profile it follows (as the ORUK validator's examples name it). */
export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE_URL = 'https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md';
export const ORUK_PREFIX = '/api/oruk';

const tags = ['ORUK 3.0 directory (public)'];
const errors = { 400: Problem, 404: Problem };
const LISTS =
  'A page in the standard’s envelope (`total_items`, `total_pages`, `page_number` from 1, `size` = results on this page, `first_page`, `last_page`, `empty`, `contents`). ' +
  'Parameters combine with AND. `format=ndjson` returns every result instead, one JSON object a line, without the envelope.';

/**
 * The public Open Referral UK 3.0 API: published services only, read-only, no sign-in. Requests are
 * served with no organisation in scope whoever asks (even with an API token), so row-level security
 * shows exactly what the public may see. Any origin may read it (ORUK compliance asks for
 * `Access-Control-Allow-Origin: *`).
 */
export async function orukRoutes(app: App, services: Services): Promise<void> {
  const oruk = createOrukService(services.db);

  const openToAnyOrigin = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  };
  const common = { onSend: openToAnyOrigin };
  const security: { bearer: string[] }[] = [];

  const send = <T>(reply: FastifyReply, listing: Listing<T>) => {
    if (listing.kind === 'page') return reply.send(listing.page);
    const body = listing.items.map((item) => JSON.stringify(item)).join('\n');
    return reply.type('application/x-ndjson; charset=utf-8').send(body === '' ? '' : `${body}\n`);
  };

  const details = async (request: FastifyRequest) => ({
    version: ORUK_VERSION,
    profile: ORUK_PROFILE_URL,
    openapi_url: `${request.protocol}://${request.host}/api/openapi.json`,
  });
  app.get(ORUK_PREFIX, { ...common, schema: { tags, security, summary: 'About this API: HSDS version, profile and OpenAPI document', response: { 200: ApiDetails } } }, details);
  app.get(`${ORUK_PREFIX}/`, { ...common, schema: { hide: true, response: { 200: ApiDetails } } }, details);

  app.get(
    `${ORUK_PREFIX}/services`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Published services',
        description: `${LISTS} Each service carries its own fields and its organization; \`full=true\` nests everything as GET /services/{id} does; \`minimal=true\` gives only \`id\` and \`last_modified\`. \`search\` is full text over name, description and eligibility.`,
        querystring: ServicesQuery,
        response: { 200: Page(ServiceListItem, 'Services'), ...errors },
      },
    },
    async (request, reply) => send(reply, await oruk.listServices(request.query)),
  );

  app.get(
    `${ORUK_PREFIX}/services/:id`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'One published service, fully nested',
        description: 'Organization, service at locations (each with its location, addresses, accessibility, schedules, phones, languages), contacts, phones, schedules, service areas, languages, funding, cost options and attributes with their taxonomy terms.',
        params: IdParams,
        response: { 200: Service, ...errors },
      },
    },
    async (request) => oruk.getService(request.params.id),
  );

  app.get(
    `${ORUK_PREFIX}/service_at_locations`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Published services at their locations',
        description:
          `${LISTS} Takes the /services filters. With \`postcode\` results come nearest first from the postcode’s centroid (locations without coordinates last), ` +
          'and a service whose service areas list postcodes (`extent_type` "postcode", `extent` a comma-separated list of areas, districts, sectors or postcodes) must cover it; ' +
          '`proximity` (metres, needs `postcode`) keeps only locations that near.',
        querystring: ServiceAtLocationsQuery,
        response: { 200: Page(ServiceAtLocation, 'Services at locations'), ...errors },
      },
    },
    async (request, reply) => send(reply, await oruk.listServiceAtLocations(request.query)),
  );

  app.get(
    `${ORUK_PREFIX}/service_at_locations/:id`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'One service at a location, fully nested (with its location and service)',
        params: IdParams,
        response: { 200: ServiceAtLocation, ...errors },
      },
    },
    async (request) => oruk.getServiceAtLocation(request.params.id),
  );

  app.get(
    `${ORUK_PREFIX}/organizations`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Organizations that provide published services',
        description: `${LISTS} \`full=true\` nests contacts, phones, funding, attributes and the organization’s published services (fully nested with \`full_service=true\`).`,
        querystring: OrganizationsQuery,
        response: { 200: Page(OrganizationWithServices, 'Organizations'), ...errors },
      },
    },
    async (request, reply) => send(reply, await oruk.listOrganizations(request.query)),
  );

  app.get(
    `${ORUK_PREFIX}/organizations/:id`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'One organization, with its published services',
        params: IdParams,
        querystring: OrganizationQuery,
        response: { 200: OrganizationWithServices, ...errors },
      },
    },
    async (request) => oruk.getOrganization(request.params.id, request.query.full_service ?? false),
  );

  app.get(
    `${ORUK_PREFIX}/taxonomies`,
    { ...common, schema: { tags, security, summary: 'Taxonomies', description: LISTS, querystring: TaxonomiesQuery, response: { 200: Page(Taxonomy, 'Taxonomies'), ...errors } } },
    async (request, reply) => send(reply, await oruk.listTaxonomies(request.query)),
  );

  app.get(
    `${ORUK_PREFIX}/taxonomies/:id`,
    { ...common, schema: { tags, security, summary: 'One taxonomy', params: IdParams, response: { 200: Taxonomy, ...errors } } },
    async (request) => oruk.getTaxonomy(request.params.id),
  );

  app.get(
    `${ORUK_PREFIX}/taxonomy_terms`,
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Taxonomy terms',
        description: `${LISTS} \`top_only=true\` keeps terms without a parent; \`search\` matches name, code or description.`,
        querystring: TaxonomyTermsQuery,
        response: { 200: Page(TaxonomyTerm, 'Taxonomy terms'), ...errors },
      },
    },
    async (request, reply) => send(reply, await oruk.listTaxonomyTerms(request.query)),
  );

  app.get(
    `${ORUK_PREFIX}/taxonomy_terms/:id`,
    { ...common, schema: { tags, security, summary: 'One taxonomy term', params: IdParams, response: { 200: TaxonomyTerm, ...errors } } },
    async (request) => oruk.getTaxonomyTerm(request.params.id),
  );
}
